// Request collapsing
// (https://www.fastly.com/documentation/guides/concepts/edge-state/cache/request-collapsing/,
// docs/caching.md): concurrent misses for one key make one origin request; non-idempotent
// requests are never collapsed nor served from cache.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startEdgeStack } from '../harness.ts';
import { gate, origin, send } from './origin.ts';

test('100 concurrent misses for one URL make exactly one origin request; one MISS, 99 HITs, one body', async (t) => {
  const lq = await startEdgeStack(t);
  const release = gate();
  const o = await origin(t, (_req, res) => {
    // Held until every client request is in flight, so all 100 overlap the one fetch.
    void release.opened.then(() => send(res, { 'cache-control': 'max-age=60' }, 'one body for everyone'));
  });
  await lq.createService({ domains: ['c.example'], backends: [{ name: 'o', address: '127.0.0.1', port: o.port }] });

  const replies = Array.from({ length: 100 }, () => lq.edge('c.example', { path: '/hot' }));
  while (o.count('/hot') === 0) await new Promise((r) => setTimeout(r, 5));
  // Give the other 99 time to reach the edge and queue behind the leader before it answers.
  await new Promise((r) => setTimeout(r, 300));
  release.open();
  const all = await Promise.all(replies);

  assert.equal(o.count('/hot'), 1);
  assert.deepEqual(all.map((r) => r.status), Array(100).fill(200));
  assert.deepEqual(new Set(all.map((r) => r.body)), new Set(['one body for everyone']));
  assert.equal(all.filter((r) => r.headers['x-cache'] === 'MISS').length, 1);
  assert.equal(all.filter((r) => r.headers['x-cache'] === 'HIT').length, 99);
});

test('POST is never collapsed nor answered from cache, and its response is not stored', async (t) => {
  const lq = await startEdgeStack(t);
  const release = gate();
  const o = await origin(t, (req, res, n) => {
    const answer = (): void => send(res, { 'cache-control': 'max-age=60' }, `${req.method ?? ''} #${n}`);
    if (req.method === 'POST') void release.opened.then(answer);
    else answer();
  });
  await lq.createService({ domains: ['p.example'], backends: [{ name: 'o', address: '127.0.0.1', port: o.port }] });

  const posts = Array.from({ length: 10 }, (_, i) => lq.edge('p.example', { method: 'POST', path: '/form', body: `field=${i}` }));
  // Every POST reaches the origin while the others are still waiting for their answers.
  while (o.count('/form', 'POST') < 10) await new Promise((r) => setTimeout(r, 5));
  release.open();
  const answered = await Promise.all(posts);
  assert.deepEqual(answered.map((r) => r.headers['x-cache']), Array(10).fill('PASS'));
  assert.deepEqual(answered.map((r) => r.status), Array(10).fill(200));

  const get = await lq.edge('p.example', { path: '/form' });
  assert.equal(get.headers['x-cache'], 'MISS');
  assert.equal(get.body, 'GET #11');
  assert.equal((await lq.edge('p.example', { path: '/form' })).headers['x-cache'], 'HIT');

  // With a cached object for the URL, a POST still goes to the origin.
  const post = await lq.edge('p.example', { method: 'POST', path: '/form', body: 'x=1' });
  assert.equal(post.headers['x-cache'], 'PASS');
  assert.equal(post.body, 'POST #12');
  assert.equal(o.count('/form', 'POST'), 11);
  assert.equal(o.count('/form', 'GET'), 1);
});
