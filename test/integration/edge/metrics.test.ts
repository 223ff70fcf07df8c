// What an operator scrapes at the API's /metrics: requests by
// service and status, cache results, synthetic errors by reason, upstream first-byte times by
// backend, connections in use, cache size, collapsed requests and purges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpOrigin } from '../../edge/helpers.ts';
import { startEdgeStack, TOKEN } from '../harness.ts';

const HOST = 'metrics.example';

function sample(text: string, name: string, labels: Record<string, string>): number | null {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inner = line.slice(name.length + 1, line.indexOf('}'));
    const got = Object.fromEntries([...inner.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return null;
}

test('/metrics counts requests, cache results, 503 reasons, upstream latency, cache size and purges', async (t) => {
  const { port } = await httpOrigin(t, (req, res) => {
    res.writeHead(200, { 'cache-control': req.url === '/private' ? 'private' : 'max-age=300', 'surrogate-key': 'k' });
    res.end('body');
  });
  const lq = await startEdgeStack(t);
  const sid = await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port }] });
  assert.equal((await lq.edge(HOST, { path: '/a' })).headers['x-cache'], 'MISS');
  assert.equal((await lq.edge(HOST, { path: '/a' })).headers['x-cache'], 'HIT');
  assert.equal((await lq.edge(HOST, { path: '/a' })).headers['x-cache'], 'HIT');
  await lq.apiOk('PUT', `/service/${sid}/health/F_origin`, { state: 'sick' });
  assert.equal((await lq.edge(HOST, { path: '/uncached' })).statusLine, 'HTTP/1.1 503 Backend is unhealthy');
  await lq.apiOk('PUT', `/service/${sid}/health/F_origin`, { state: 'auto' });
  await lq.apiOk('POST', `/service/${sid}/purge/k`);

  const res = await fetch(`${lq.apiUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
  const text = await res.text();
  assert.equal(sample(text, 'lacquer_requests_total', { service: sid, status: '200' }), 3);
  assert.equal(sample(text, 'lacquer_requests_total', { service: sid, status: '503' }), 1);
  assert.equal(sample(text, 'lacquer_cache_requests_total', { service: sid, result: 'HIT' }), 2);
  assert.equal(sample(text, 'lacquer_cache_requests_total', { service: sid, result: 'MISS' }), 2);
  assert.equal(sample(text, 'lacquer_synthetic_errors_total', { service: sid, reason: 'Backend is unhealthy' }), 1);
  assert.equal(sample(text, 'lacquer_upstream_first_byte_seconds_count', { service: sid, backend: 'F_origin' }), 1);
  assert.equal(sample(text, 'lacquer_backend_connections_in_use', { backend: 'F_origin' }), 0);
  assert.equal(sample(text, 'lacquer_purges_total', { kind: 'surrogate-key', soft: 'false' }), 1);
  assert.match(text, /^lacquer_cache_objects 0$/m, 'the purge removed the one stored object');
  assert.match(text, /^lacquer_backend_healthy\{service="\w+",backend="F_origin",pop="[^"]+"\} 1$/m);
  assert.equal((await fetch(`${lq.apiUrl}/metrics`)).status, 401, 'metrics need a token');
});
