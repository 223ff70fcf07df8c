// Hostname backends resolved through a real DNS server on 127.0.0.1 (dns-packet over UDP).

import assert from 'node:assert/strict';
import { promises as dnsPromises } from 'node:dns';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { test, type TestContext } from 'node:test';
import { Resolver, resolverLookup } from '../../../src/edge/upstream/dns.ts';
import { EdgeError } from '../../../src/edge/errors.ts';
import { UpstreamPools } from '../../../src/edge/upstream/index.ts';
import { backend, dnsServer, httpOrigin, readAll } from '../helpers.ts';

function loopbackResolver(port: number): dnsPromises.Resolver {
  const r = new dnsPromises.Resolver({ timeout: 500, tries: 1 });
  r.setServers([`127.0.0.1:${port}`]);
  return r;
}

async function pools(t: TestContext, records: Map<string, string>, ttlMs: number, now?: () => number) {
  const dns = await dnsServer(t, records, 60);
  const resolver = new Resolver({ lookup: resolverLookup(loopbackResolver(dns.port)), ttlMs, now });
  const p = new UpstreamPools({ cdnId: 'lacquer-test', resolver });
  t.after(() => p.destroy());
  return { p, dns };
}

const GET = { method: 'GET', path: '/', headers: {} };
const client = { clientIp: '192.0.2.1' };

test('a hostname backend is resolved and its name is the default Host', async (t) => {
  let host: string | undefined;
  const { port } = await httpOrigin(t, (req, res) => { host = req.headers.host; res.end('by name'); });
  const { p } = await pools(t, new Map([['origin.test', '127.0.0.1']]), 5_000);
  const res = await p.fetch(backend({ host: 'origin.test', port }), GET, client);
  assert.equal(await readAll(res.body), 'by name');
  assert.equal(host, `origin.test:${port}`);
});

test('a name that does not resolve fails with DNS lookup failed', async (t) => {
  const { p } = await pools(t, new Map(), 5_000);
  try {
    await p.fetch(backend({ host: 'missing.test', port: 80 }), GET, client);
    assert.fail('expected DNS lookup failed');
  } catch (err) {
    assert.ok(err instanceof EdgeError);
    assert.equal(err.reason, 'DNS lookup failed');
    assert.equal((err.cause as { code?: string }).code, 'ENOTFOUND');
  }
});

test('a changed record reaches new connections once the cached answer expires', async (t) => {
  // Two origins on one port, on two loopback addresses; each closes its connection after a response.
  const first = await httpOrigin(t, (_req, res) => { res.setHeader('connection', 'close'); res.end('first'); });
  const second = createServer((_req, res) => { res.setHeader('connection', 'close'); res.end('second'); });
  second.listen(first.port, '127.0.0.2');
  await once(second, 'listening');
  t.after(() => { second.closeAllConnections(); second.close(); });

  let clock = 0;
  const records = new Map([['moving.test', '127.0.0.1']]);
  const { p, dns } = await pools(t, records, 1_000, () => clock);
  const b = backend({ host: 'moving.test', port: first.port });
  const body = async () => readAll((await p.fetch(b, GET, client)).body);

  assert.equal(await body(), 'first');
  records.set('moving.test', '127.0.0.2');
  clock = 500; // within the cache time: the old answer is still used
  assert.equal(await body(), 'first');
  clock = 1_000; // expired: resolved again
  assert.equal(await body(), 'second');
  assert.equal(dns.queries.filter((q) => q === 'A moving.test').length, 2);
});

test('a record TTL shorter than the cache time wins', async (t) => {
  const dns = await dnsServer(t, new Map([['short.test', '127.0.0.1']]), 2);
  let clock = 0;
  const resolver = new Resolver({ lookup: resolverLookup(loopbackResolver(dns.port)), ttlMs: 60_000, now: () => clock });
  assert.deepEqual(await resolver.resolve('short.test'), { address: '127.0.0.1', family: 4, ttlSeconds: 2 });
  clock = 1_999;
  await resolver.resolve('short.test');
  clock = 2_000;
  await resolver.resolve('short.test');
  assert.equal(dns.queries.filter((q) => q === 'A short.test').length, 2);
});

test('IP literals never reach the resolver; a failed lookup is not cached', async () => {
  let calls = 0;
  const resolver = new Resolver({
    lookup: async () => {
      calls += 1;
      throw Object.assign(new Error('queryA ENOTFOUND'), { code: 'ENOTFOUND' });
    },
  });
  assert.deepEqual(await resolver.resolve('::1'), { address: '::1', family: 6 });
  assert.deepEqual(await resolver.resolve('127.0.0.9'), { address: '127.0.0.9', family: 4 });
  await assert.rejects(resolver.resolve('x.test'), { code: 'ENOTFOUND' });
  await assert.rejects(resolver.resolve('x.test'), { code: 'ENOTFOUND' });
  assert.equal(calls, 2);
});
