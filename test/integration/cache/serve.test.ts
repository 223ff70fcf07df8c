// What a cached object answers (RFC 9111 §4.1, §4.3.2; RFC 9110 §14): variants by Vary, 304 to
// conditional requests, 206 to a Range, HEAD from a GET object — all without asking the origin
// again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startEdgeStack } from '../harness.ts';
import { origin, send } from './origin.ts';

test('Vary: Accept-Encoding stores two variants, each served to the requests that select it', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, (req, res) => {
    const gzip = req.headers['accept-encoding'] === 'gzip';
    send(res, { 'cache-control': 'max-age=60', vary: 'Accept-Encoding' }, gzip ? 'compressed variant' : 'identity variant');
  });
  await lq.createService({ domains: ['v.example'], backends: [{ name: 'o', address: '127.0.0.1', port: o.port }] });

  const ask = async (ae: string) => {
    const r = await lq.edge('v.example', { path: '/page', headers: { 'accept-encoding': ae } });
    return [r.headers['x-cache'], r.body];
  };
  assert.deepEqual(await ask('gzip'), ['MISS', 'compressed variant']);
  assert.deepEqual(await ask('identity'), ['MISS', 'identity variant']);
  assert.deepEqual(await ask('gzip'), ['HIT', 'compressed variant']);
  assert.deepEqual(await ask('identity'), ['HIT', 'identity variant']);
  assert.equal(o.count('/page'), 2);
});

test('conditional requests are answered 304 from cache: If-None-Match, and If-Modified-Since without it', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, (_req, res) => send(res, {
    'cache-control': 'max-age=60', etag: '"v1"', 'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT', 'content-type': 'text/plain',
  }, 'the content'));
  await lq.createService({ domains: ['cond.example'], backends: [{ name: 'o', address: '127.0.0.1', port: o.port }] });
  assert.equal((await lq.edge('cond.example', { path: '/doc' })).headers['x-cache'], 'MISS');

  const inm = await lq.edge('cond.example', { path: '/doc', headers: { 'if-none-match': 'W/"v1"' } });
  assert.equal(inm.statusLine, 'HTTP/1.1 304 Not Modified');
  assert.equal(inm.headers['x-cache'], 'HIT');
  assert.equal(inm.headers.etag, '"v1"');
  assert.equal(inm.body, '');

  const other = await lq.edge('cond.example', { path: '/doc', headers: { 'if-none-match': '"v0"', 'if-modified-since': 'Thu, 02 Jan 2025 00:00:00 GMT' } });
  assert.equal(other.status, 200, 'If-Modified-Since is ignored when If-None-Match is present (RFC 9110 §13.2.2)');
  assert.equal(other.body, 'the content');

  const ims = await lq.edge('cond.example', { path: '/doc', headers: { 'if-modified-since': 'Thu, 02 Jan 2025 00:00:00 GMT' } });
  assert.equal(ims.status, 304);
  const older = await lq.edge('cond.example', { path: '/doc', headers: { 'if-modified-since': 'Tue, 31 Dec 2024 00:00:00 GMT' } });
  assert.equal(older.status, 200);
  assert.equal(o.count('/doc'), 1);
});

test('a Range on a cached object is answered 206 with the slice; past the end 416', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, (_req, res) => send(res, { 'cache-control': 'max-age=60' }, '0123456789'));
  await lq.createService({ domains: ['r.example'], backends: [{ name: 'o', address: '127.0.0.1', port: o.port }] });
  await lq.edge('r.example', { path: '/bytes' });

  const mid = await lq.edge('r.example', { path: '/bytes', headers: { range: 'bytes=2-5' } });
  assert.equal(mid.statusLine, 'HTTP/1.1 206 Partial Content');
  assert.equal(mid.headers['content-range'], 'bytes 2-5/10');
  assert.equal(mid.headers['content-length'], '4');
  assert.equal(mid.body, '2345');
  assert.equal(mid.headers['x-cache'], 'HIT');

  const suffix = await lq.edge('r.example', { path: '/bytes', headers: { range: 'bytes=-3' } });
  assert.equal(suffix.body, '789');
  const past = await lq.edge('r.example', { path: '/bytes', headers: { range: 'bytes=10-' } });
  assert.equal(past.statusLine, 'HTTP/1.1 416 Range Not Satisfiable');
  assert.equal(past.headers['content-range'], 'bytes */10');
  assert.equal(o.count('/bytes'), 1);
});

test('HEAD is served from the GET object, and a HEAD miss is fetched as GET so the object also answers GET', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, (req, res) => send(res, { 'cache-control': 'max-age=60' }, `body of ${req.url ?? ''}`));
  await lq.createService({ domains: ['h.example'], backends: [{ name: 'o', address: '127.0.0.1', port: o.port }] });

  await lq.edge('h.example', { path: '/g' });
  const head = await lq.edge('h.example', { method: 'HEAD', path: '/g' });
  assert.equal(head.status, 200);
  assert.equal(head.headers['x-cache'], 'HIT');
  assert.equal(head.headers['content-length'], String('body of /g'.length));
  assert.equal(head.body, '');

  const headMiss = await lq.edge('h.example', { method: 'HEAD', path: '/h' });
  assert.equal(headMiss.headers['x-cache'], 'MISS');
  assert.equal(headMiss.body, '');
  const get = await lq.edge('h.example', { path: '/h' });
  assert.equal(get.headers['x-cache'], 'HIT');
  assert.equal(get.body, 'body of /h');
  assert.deepEqual(o.seen.map((s) => `${s.method} ${s.url}`), ['GET /g', 'GET /h']);
});

test('vcl_deliver changes one response only: the stored object is beresp as vcl_fetch left it', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, (_req, res) => send(res, { 'cache-control': 'max-age=60' }, 'page'));
  await lq.createService({
    domains: ['deliver.example'],
    backends: [{ name: 'o', address: '127.0.0.1', port: o.port }],
    vcl: `
sub vcl_fetch {
  #FASTLY fetch
  set beresp.http.X-Fetched = "stored";
  return(deliver);
}
sub vcl_deliver {
  #FASTLY deliver
  add resp.http.X-Seen = "1";
  if (fastly_info.state ~ "MISS") { set resp.http.X-Miss-Only = "yes"; }
  return(deliver);
}
`,
  });
  const miss = await lq.edge('deliver.example', { path: '/p' });
  assert.deepEqual([miss.headers['x-cache'], miss.headers['x-seen'], miss.headers['x-miss-only'], miss.headers['x-fetched']], ['MISS', '1', 'yes', 'stored']);
  for (let i = 0; i < 2; i++) {
    const hit = await lq.edge('deliver.example', { path: '/p' });
    assert.deepEqual([hit.headers['x-cache'], hit.headers['x-seen'], hit.headers['x-miss-only'], hit.headers['x-fetched'], hit.body], ['HIT', '1', undefined, 'stored', 'page']);
  }
  assert.equal(o.count('/p'), 1);
});
