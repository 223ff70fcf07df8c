// A real HTTP/2 client with many streams per connection: h2load from Debian's nghttp2-client,
// the HTTP/2 client of bench/macro/tls.bench.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { httpOrigin } from '../../edge/helpers.ts';
import { makeCa, material } from '../../support/certificates.ts';
import { startEdgeStack } from '../harness.ts';
import { tool } from './clients.ts';

test('h2load with 5 streams on each of 4 connections gets all 200 answers over HTTP/2', async (t) => {
  const ca = makeCa(t);
  const leaf = ca.leaf(['localhost']);
  const origin = await httpOrigin(t, (_req, res) => {
    res.setHeader('cache-control', 'max-age=60');
    res.end('x'.repeat(1024));
  });
  const lq = await startEdgeStack(t, { tlsMaterial: async () => material(1, [['localhost', leaf]]) });
  await lq.createService({ domains: ['localhost'], backends: [{ name: 'o', address: '127.0.0.1', port: origin.port }] });
  const r = await tool('h2load', ['-n', '200', '-c', '4', '-m', '5', `https://localhost:${lq.tlsPort}/1k`], 60_000);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /Application protocol: h2/);
  assert.match(r.stdout, /requests: 200 total, 200 started, 200 done, 200 succeeded, 0 failed, 0 errored, 0 timeout/);
  assert.match(r.stdout, /status codes: 200 2xx, 0 3xx, 0 4xx, 0 5xx/);
});
