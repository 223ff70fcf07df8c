// Hostname backends resolve at every probe (Fastly dynamic backends), so a DNS change moves
// the probe to the new address; `.dummy = true` resolves and stops there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import dns from 'node:dns';
import * as dnsPacket from 'dns-packet';
import { runProbe } from '../../src/health/probe.ts';
import type { LookupAddress, LookupFn } from '../../src/health/probe.ts';
import { answer, backendDef, probeDef, scriptedOrigin } from './fixtures.ts';
import type { Origin } from './fixtures.ts';

const OK = 'HTTP/1.1 200 OK\r\n\r\n';

/** Two origins on the same port at 127.0.0.1 and 127.0.0.2, both loopback. */
async function twoOrigins(t: { after: (fn: () => Promise<void>) => void }): Promise<[Origin, Origin]> {
  const a = await scriptedOrigin(answer(OK));
  t.after(() => a.close());
  const b = await scriptedOrigin(answer(OK), { host: '127.0.0.2', port: a.port });
  t.after(() => b.close());
  return [a, b];
}

test('a hostname backend resolves at every probe and follows a DNS change', async (t) => {
  const [a, b] = await twoOrigins(t);
  let address = '127.0.0.1';
  const lookups: string[] = [];
  const lookup: LookupFn = async (host) => {
    lookups.push(host);
    return [{ address, family: 4 }];
  };
  const backend = backendDef({ host: 'origin.test', port: a.port, probe: probeDef({ timeoutMs: 500 }) });
  assert.equal((await runProbe(backend, { lookup })).outcome, 'happy');
  address = '127.0.0.2';
  assert.equal((await runProbe(backend, { lookup })).outcome, 'happy');
  assert.deepEqual([a.requests.length, b.requests.length, lookups], [1, 1, ['origin.test', 'origin.test']]);
});

test('a failed lookup fails the probe without connecting', async () => {
  const lookup: LookupFn = async () => {
    throw Object.assign(new Error('queryA ENOTFOUND origin.test'), { code: 'ENOTFOUND' });
  };
  const r = await runProbe(backendDef({ host: 'origin.test', probe: probeDef({ timeoutMs: 500 }) }), { lookup });
  assert.deepEqual([r.outcome, r.response], ['dns_error', 'DNS lookup failed (ENOTFOUND)']);
});

test('a lookup that outlives the deadline fails the probe at the deadline', async () => {
  const lookup: LookupFn = () => new Promise(() => {});
  const r = await runProbe(backendDef({ host: 'origin.test', probe: probeDef({ timeoutMs: 50 }) }), { lookup });
  assert.deepEqual([r.outcome, r.response], ['dns_error', 'DNS lookup failed (timeout)']);
});

test('.dummy resolves the host and never connects', async (t) => {
  const origin = await scriptedOrigin(answer(OK));
  t.after(() => origin.close());
  const lookup: LookupFn = async () => [{ address: '127.0.0.1', family: 4 }];
  const r = await runProbe(backendDef({ host: 'origin.test', port: origin.port, probe: probeDef({ dummy: true }) }), { lookup });
  assert.deepEqual([r.outcome, r.response, r.bits.H, r.bits['4'], r.bits.X], ['happy', 'DNS OK 127.0.0.1', true, true, false]);
  assert.equal(origin.requests.length, 0);
});

test('a DNS change served by a real DNS server on loopback moves the probe', async (t) => {
  const [a, b] = await twoOrigins(t);
  const records = new Map<string, string>([['origin.test', '127.0.0.1']]);
  const server = dgram.createSocket('udp4');
  server.on('message', (msg, rinfo) => {
    const query = dnsPacket.decode(msg);
    const q = query.questions?.[0];
    const data = q !== undefined && q.type === 'A' ? records.get(q.name) : undefined;
    const reply = dnsPacket.encode({
      id: query.id, type: 'response',
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (data === undefined ? 3 : 0), // rcode 3: NXDOMAIN
      questions: query.questions,
      answers: data === undefined ? [] : [{ type: 'A', name: q!.name, ttl: 0, data }],
    });
    server.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const resolver = new dns.promises.Resolver({ timeout: 500, tries: 1 });
  resolver.setServers([`127.0.0.1:${server.address().port}`]);
  const lookup: LookupFn = async (host) =>
    (await resolver.resolve4(host)).map((address): LookupAddress => ({ address, family: 4 }));
  const backend = backendDef({ host: 'origin.test', port: a.port, probe: probeDef({ timeoutMs: 1000 }) });

  assert.equal((await runProbe(backend, { lookup })).outcome, 'happy');
  records.set('origin.test', '127.0.0.2');
  assert.equal((await runProbe(backend, { lookup })).outcome, 'happy');
  records.delete('origin.test');
  const gone = await runProbe(backend, { lookup });
  assert.deepEqual([gone.outcome, gone.response], ['dns_error', 'DNS lookup failed (ENOTFOUND)']);
  assert.deepEqual([a.requests.length, b.requests.length], [1, 1]);
});

test('prefer_ipv6 tries the IPv6 address first and falls back to IPv4, like Varnish\'s pool', async (t) => {
  const origin = await scriptedOrigin(answer(OK)); // IPv4 only
  t.after(() => origin.close());
  const both: LookupFn = async () => [{ address: '127.0.0.1', family: 4 }, { address: '::1', family: 6 }];
  const probe = probeDef({ timeoutMs: 500 });
  const v6first = await runProbe(backendDef({ host: 'origin.test', port: origin.port, preferIpv6: true, probe }), { lookup: both });
  assert.deepEqual([v6first.outcome, v6first.bits['4'], v6first.bits['6']], ['happy', true, false]);
  const v4 = await runProbe(backendDef({ host: 'origin.test', port: origin.port, probe }), { lookup: both });
  assert.deepEqual([v4.outcome, v4.bits['4']], ['happy', true]);
  assert.equal(origin.requests.length, 2);
});

test('an address literal is probed without a lookup; a .dummy one is "resolved" to itself', async (t) => {
  const origin = await scriptedOrigin(answer(OK));
  t.after(() => origin.close());
  const lookups: string[] = [];
  const lookup: LookupFn = async (host) => {
    lookups.push(host);
    return [];
  };
  const probe = probeDef({ timeoutMs: 500 });
  const wire = await runProbe(backendDef({ host: '127.0.0.1', port: origin.port, probe }), { lookup });
  const dummy = await runProbe(backendDef({ host: '127.0.0.1', port: origin.port, probe: { ...probe, dummy: true } }), { lookup });
  assert.deepEqual([wire.outcome, dummy.outcome, dummy.response, lookups, origin.requests.length], ['happy', 'happy', 'DNS OK 127.0.0.1', [], 1]);
});
