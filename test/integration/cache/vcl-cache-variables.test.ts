// Fiddle-style scenarios for the VCL variables that change what the cache does for a request or
// an object (Fastly's variable reference): each is VCL + an origin script + requests → the
// responses Fastly documents. req.max_stale_if_error (and its alias req.grace) and
// req.max_stale_while_revalidate cut the object's stale windows for one request;
// req.hash_always_miss fetches anew and stores the result; beresp.saintmode makes the backend
// sick for one object; obj.* reads the cached object in vcl_hit; req.vcl.generation moves on
// with a purge all.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startEdgeStack } from '../harness.ts';
import { origin, send, sleep } from './origin.ts';

test('req.max_stale_if_error and its alias req.grace cut the stale-if-error window for the request that sets them', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, (req, res) => send(res, { 'cache-control': 'max-age=0, stale-if-error=3600' }, `page ${req.url ?? ''}`));
  await lq.createService({
    domains: ['sie.example'],
    backends: [{ name: 'o', address: '127.0.0.1', port: o.port }],
    vcl: `sub vcl_recv {
  if (req.http.X-Max-Stale) { set req.max_stale_if_error = 0s; }
  if (req.http.X-Grace) { set req.grace = 0s; }
#FASTLY recv
}`,
  });
  assert.equal((await lq.edge('sie.example', { path: '/p' })).headers['x-cache'], 'MISS');
  await o.kill();
  const stale = await lq.edge('sie.example', { path: '/p' });
  assert.deepEqual([stale.statusLine, stale.headers['x-cache'], stale.body], ['HTTP/1.1 200 OK', 'STALE', 'page /p']);
  const limited = await lq.edge('sie.example', { path: '/p', headers: { 'X-Max-Stale': '1' } });
  assert.equal(limited.statusLine, 'HTTP/1.1 503 Connection refused');
  const graced = await lq.edge('sie.example', { path: '/p', headers: { 'X-Grace': '1' } });
  assert.equal(graced.statusLine, 'HTTP/1.1 503 Connection refused');
});

test('req.max_stale_while_revalidate = 0s fetches an expired object before answering instead of serving it stale', async (t) => {
  const lq = await startEdgeStack(t);
  let n = 0;
  const o = await origin(t, (req, res) => send(res, { 'cache-control': 'max-age=1, stale-while-revalidate=60' }, `v${++n} ${req.url ?? ''}`));
  await lq.createService({
    domains: ['swr.example'],
    backends: [{ name: 'o', address: '127.0.0.1', port: o.port }],
    vcl: 'sub vcl_recv {\n  if (req.http.X-No-Swr) { set req.max_stale_while_revalidate = 0s; }\n#FASTLY recv\n}',
  });
  assert.equal((await lq.edge('swr.example', { path: '/a' })).body, 'v1 /a');
  assert.equal((await lq.edge('swr.example', { path: '/b' })).body, 'v2 /b');
  await sleep(1_200);
  const revalidating = await lq.edge('swr.example', { path: '/a' });
  assert.deepEqual([revalidating.headers['x-cache'], revalidating.body], ['HIT', 'v1 /a']);
  const fetched = await lq.edge('swr.example', { path: '/b', headers: { 'X-No-Swr': '1' } });
  assert.deepEqual([fetched.headers['x-cache'], fetched.body.endsWith(' /b'), fetched.body === 'v2 /b'], ['MISS', true, false]);
  assert.equal(o.count('/b'), 2);
});

test('req.hash_always_miss fetches a cached URL anew, and the fresh copy is what later requests hit', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, (req, res, n) => send(res, { 'cache-control': 'max-age=3600' }, `v${n}`));
  await lq.createService({
    domains: ['miss.example'],
    backends: [{ name: 'o', address: '127.0.0.1', port: o.port }],
    vcl: 'sub vcl_recv {\n  if (req.http.X-Refresh) { set req.hash_always_miss = true; }\n#FASTLY recv\n}',
  });
  const seen = [];
  const plain: Record<string, string> = {};
  for (const headers of [plain, plain, { 'X-Refresh': '1' }, plain]) {
    const r = await lq.edge('miss.example', { path: '/r', headers });
    seen.push(`${String(r.headers['x-cache'])} ${r.body}`);
  }
  assert.deepEqual(seen, ['MISS v1', 'HIT v1', 'MISS v2', 'HIT v2']);
  assert.equal(o.count('/r'), 2);
});

test('beresp.saintmode makes the backend sick for that object only: its next fetch fails as unhealthy, other URLs still reach the origin', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, (req, res) => send(res, { 'cache-control': 'max-age=0' }, `page ${req.url ?? ''}`, req.url === '/bad' ? 500 : 200));
  await lq.createService({
    domains: ['saint.example'],
    backends: [{ name: 'o', address: '127.0.0.1', port: o.port }],
    vcl: 'sub vcl_fetch {\n#FASTLY fetch\n  if (beresp.status >= 500) { set beresp.saintmode = 30s; }\n}',
  });
  assert.equal((await lq.edge('saint.example', { path: '/bad' })).status, 500);
  const sick = await lq.edge('saint.example', { path: '/bad' });
  assert.equal(sick.statusLine, 'HTTP/1.1 503 Backend is unhealthy');
  assert.equal(o.count('/bad'), 1);
  assert.equal((await lq.edge('saint.example', { path: '/good' })).status, 200);
  assert.equal(o.count('/good'), 1);
});

test('obj in vcl_hit is the cached object: obj.cacheable is true (the boilerplate hits), obj.hits counts, obj.ttl and obj.grace are its own', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, (_req, res) => send(res, { 'cache-control': 'max-age=100, stale-while-revalidate=30' }, 'body'));
  await lq.createService({
    domains: ['hit.example'],
    backends: [{ name: 'o', address: '127.0.0.1', port: o.port }],
    vcl: `sub vcl_hit {
#FASTLY hit
  if (!obj.cacheable) { return(pass); }
  set req.http.X-Obj = obj.status " " obj.hits " " if(obj.ttl > 90s, "fresh", "old") " " obj.grace;
  return(deliver);
}
sub vcl_deliver {
#FASTLY deliver
  set resp.http.X-Obj = req.http.X-Obj;
}`,
  });
  assert.equal((await lq.edge('hit.example', { path: '/h' })).headers['x-cache'], 'MISS');
  const hit = await lq.edge('hit.example', { path: '/h' });
  assert.deepEqual([hit.headers['x-cache'], hit.headers['x-obj']], ['HIT', '200 0 fresh 30.000']);
  assert.equal((await lq.edge('hit.example', { path: '/h' })).headers['x-obj'], '200 1 fresh 30.000');
  assert.equal(o.count('/h'), 1);
});

test('req.vcl.generation is 1, and one more after a purge all of the service', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, (_req, res) => send(res, { 'cache-control': 'max-age=3600' }, 'body'));
  const sid = await lq.createService({
    domains: ['gen.example'],
    backends: [{ name: 'o', address: '127.0.0.1', port: o.port }],
    vcl: 'sub vcl_deliver {\n#FASTLY deliver\n  set resp.http.X-Generation = req.vcl.generation;\n  set resp.http.X-Service = req.service_id;\n}',
  });
  const before = await lq.edge('gen.example', { path: '/' });
  assert.deepEqual([before.headers['x-generation'], before.headers['x-service']], ['1', sid]);
  await lq.apiOk('POST', `/service/${sid}/purge_all`);
  const after = await lq.edge('gen.example', { path: '/' });
  assert.deepEqual([after.headers['x-generation'], after.headers['x-cache']], ['2', 'MISS']);
});
