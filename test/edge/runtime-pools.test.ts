// An edge worker keeps an upstream pool while any installed service uses its identity, and
// closes it when the last one goes (DESIGN.md §1: pools are kept across swaps when their
// identity is unchanged), counting per service rather than looking at every service.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { EdgeRuntime } from '../../src/edge/runtime.ts';
import type { ServiceSource } from '../../src/vcl/index.ts';
import { httpOrigin } from './helpers.ts';
import { request } from '../integration/harness.ts';

function source(serviceId: string, version: number, shareKey: string, port: number): ServiceSource {
  return {
    serviceId, version, domains: [`${serviceId}.test`], settings: { defaultTtl: 0, staleIfError: false, staleIfErrorTtl: 0 }, main: 'main.vcl',
    files: [{ name: 'main.vcl', content: `backend origin { .dynamic = true; .share_key = "${shareKey}"; .host = "127.0.0.1"; .port = "${port}"; }\nsub vcl_recv { set req.backend = origin; return(pass); }\n` }],
  };
}

test('a pool stays while a service uses its identity, and closes when the last one leaves or changes it', async (t) => {
  const { port } = await httpOrigin(t, (_req, res) => res.end('ok'));
  const rt = new EdgeRuntime({ host: '127.0.0.1', port: 0, pop: 'p', logger: pino({ level: 'silent' }), purger: async () => ({ status: 'ok', id: 'x' }) });
  const { port: edge } = await rt.start();
  t.after(() => rt.drain());
  rt.apply({ type: 'services', sources: [source('a', 1, 'shared', port), source('b', 1, 'shared', port), source('c', 1, 'own', port)] });
  for (const host of ['a.test', 'b.test', 'c.test']) assert.equal((await request(edge, host)).status, 200);
  assert.equal(rt.upstream.identities().length, 2, 'a and b share one pool');
  rt.apply({ type: 'service-removed', serviceId: 'a' });
  await new Promise((r) => setImmediate(r));
  assert.equal(rt.upstream.identities().length, 2, 'b still uses the shared pool');
  rt.apply({ type: 'service', source: source('c', 2, 'own', port) });
  await new Promise((r) => setImmediate(r));
  assert.equal(rt.upstream.identities().length, 2, 'a new version with the same backend keeps its pool');
  rt.apply({ type: 'service', source: source('b', 2, 'moved', port) });
  await new Promise((r) => setImmediate(r));
  assert.equal(rt.upstream.identities().length, 1, 'the shared pool closes when its last user changes its backend');
  rt.apply({ type: 'service-removed', serviceId: 'c' });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(rt.upstream.identities(), []);
});
