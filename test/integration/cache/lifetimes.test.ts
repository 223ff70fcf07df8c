// How long objects live (docs/caching.md, How long; Fastly's
// https://www.fastly.com/documentation/guides/concepts/edge-state/cache/cache-freshness/):
// Surrogate-Control over Cache-Control, beresp.ttl from VCL over both, stale-while-revalidate,
// and what is never stored (truncated bodies).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startEdgeStack, waitFor } from '../harness.ts';
import { gate, origin, send, sleep } from './origin.ts';

test('Surrogate-Control max-age wins over Cache-Control for the edge and is removed before delivery; Cache-Control reaches the client unchanged', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, (req, res) => {
    const edgeOnly: Record<string, string> = req.url === '/sc' ? { 'surrogate-control': 'max-age=3600', 'surrogate-key': 'a b' } : {};
    send(res, { 'cache-control': 'max-age=0, no-cache', ...edgeOnly }, `page ${req.url ?? ''}`);
  });
  await lq.createService({ domains: ['sc.example'], backends: [{ name: 'o', address: '127.0.0.1', port: o.port }] });

  for (const expected of ['MISS', 'HIT']) {
    const r = await lq.edge('sc.example', { path: '/sc' });
    assert.equal(r.headers['x-cache'], expected);
    assert.equal(r.headers['surrogate-control'], undefined);
    assert.equal(r.headers['surrogate-key'], undefined);
    assert.equal(r.headers['cache-control'], 'max-age=0, no-cache');
  }
  // The same Cache-Control without Surrogate-Control is not stored (no-cache): the key is then
  // remembered as hit-for-pass.
  const plain = [await lq.edge('sc.example', { path: '/cc' }), await lq.edge('sc.example', { path: '/cc' })];
  assert.deepEqual(plain.map((r) => r.headers['x-cache']), ['MISS', 'PASS']);
  assert.equal(o.count('/sc'), 1);
  assert.equal(o.count('/cc'), 2);
});

test('beresp.ttl set in vcl_fetch wins over the response\'s Cache-Control, both ways', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, (req, res) => {
    send(res, { 'cache-control': req.url === '/long' ? 'max-age=0' : 'max-age=3600' }, `page ${req.url ?? ''}`);
  });
  const vcl = `
sub vcl_fetch {
  #FASTLY fetch
  if (bereq.url == "/long") {
    set beresp.ttl = 3600s;
  } else {
    set beresp.ttl = 0s;
    set beresp.stale_if_error = 0s;
  }
  return(deliver);
}
`;
  await lq.createService({ domains: ['ttl.example'], backends: [{ name: 'o', address: '127.0.0.1', port: o.port }], vcl });

  const long = [await lq.edge('ttl.example', { path: '/long' }), await lq.edge('ttl.example', { path: '/long' })];
  assert.deepEqual(long.map((r) => r.headers['x-cache']), ['MISS', 'HIT']);
  const short = [await lq.edge('ttl.example', { path: '/short' }), await lq.edge('ttl.example', { path: '/short' })];
  assert.deepEqual(short.map((r) => r.headers['x-cache']), ['MISS', 'PASS']);
  assert.equal(o.count('/long'), 1);
  assert.equal(o.count('/short'), 2);
});

test('stale-while-revalidate serves the stale copy at once and refreshes it once in the background', async (t) => {
  const lq = await startEdgeStack(t);
  const refresh = gate();
  const o = await origin(t, (_req, res, n) => {
    const answer = (): void => send(res, { 'cache-control': 'max-age=1, stale-while-revalidate=60' }, `version ${n}`);
    // The refresh is held until the test has its stale answers: they cannot have waited for it.
    if (n === 1) answer();
    else void refresh.opened.then(answer);
  });
  await lq.createService({ domains: ['swr.example'], backends: [{ name: 'o', address: '127.0.0.1', port: o.port }] });

  assert.equal((await lq.edge('swr.example', { path: '/p' })).body, 'version 1');
  await sleep(1_100);
  const stale = await Promise.all(Array.from({ length: 5 }, () => lq.edge('swr.example', { path: '/p' })));
  assert.deepEqual(stale.map((r) => [r.status, r.body]), Array(5).fill([200, 'version 1']));
  await waitFor(() => o.count('/p') === 2, 2_000, 'the background refresh reaches the origin');
  // While that refresh is in flight, more stale answers start no second one.
  const more = await Promise.all(Array.from({ length: 5 }, () => lq.edge('swr.example', { path: '/p' })));
  assert.deepEqual(more.map((r) => r.body), Array(5).fill('version 1'));
  assert.equal(o.count('/p'), 2, 'one background refresh for ten stale answers');

  refresh.open();
  let fresh = await lq.edge('swr.example', { path: '/p' });
  for (let i = 0; i < 100 && fresh.body !== 'version 2'; i++) {
    await sleep(10);
    fresh = await lq.edge('swr.example', { path: '/p' });
  }
  assert.equal(fresh.body, 'version 2');
  assert.equal(fresh.headers['x-cache'], 'HIT');
  assert.equal(o.count('/p'), 2);
});

test('a truncated body is delivered as it came but never stored: the next request misses again', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, (req, res) => {
    // Promises 1000 bytes, sends 500, then the connection breaks.
    res.writeHead(200, { 'cache-control': 'max-age=3600', 'content-length': '1000' });
    res.write('x'.repeat(500));
    setTimeout(() => req.socket.destroy(), 20);
  });
  await lq.createService({ domains: ['trunc.example'], backends: [{ name: 'o', address: '127.0.0.1', port: o.port }] });

  for (let i = 1; i <= 2; i++) {
    const r = await lq.edge('trunc.example', { path: '/big' });
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-cache'], 'MISS');
    assert.equal(r.complete, false);
    assert.equal(o.count('/big'), i);
  }
});

test('a chunked body cut off before its last chunk is never stored', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, (req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=3600' });
    res.write('first chunk');
    setTimeout(() => req.socket.destroy(), 20);
  });
  await lq.createService({ domains: ['chunk.example'], backends: [{ name: 'o', address: '127.0.0.1', port: o.port }] });

  const states: string[] = [];
  for (let i = 0; i < 2; i++) states.push(String((await lq.edge('chunk.example', { path: '/c' })).headers['x-cache']));
  assert.deepEqual(states, ['MISS', 'MISS']);
  assert.equal(o.count('/c'), 2);
});
