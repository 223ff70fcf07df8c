// The cache size bound (docs/caching.md, Size): `--cache-size` holds within 10 % counting header
// bytes, under a load of objects of random sizes; the least recently used objects go first; an
// object over `--cache-max-object` streams to the client and is not stored.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prng } from '../../edge/cache/helpers.ts';
import { startChild } from './child.ts';
import { origin } from './origin.ts';

const MB = 1024 * 1024;

test('--cache-size 1 holds the bytes of bodies and headers kept under 1 MB × 1.1; eviction is least recently used', async (t) => {
  const lq = await startChild(t, { workers: 1, extra: ['--cache-size', '1'] });
  // Seeded, so a failure can be replayed: 1–64 KiB bodies and 0–4 KiB of headers each.
  const random = prng(6);
  const objects = Array.from({ length: 120 }, (_, i) => ({
    path: `/o/${i}`, body: 1 + Math.floor(random() * 64 * 1024), header: Math.floor(random() * 4096),
  }));
  const byPath = new Map(objects.map((o) => [o.path, o]));
  const o = await origin(t, (req, res) => {
    const spec = byPath.get(req.url ?? '');
    if (spec === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'cache-control': 'max-age=3600', 'x-pad': 'p'.repeat(spec.header), 'content-length': String(spec.body) });
    res.end(Buffer.alloc(spec.body, 0x61));
  });
  await lq.createService('size.example', o.port);

  const offered = objects.reduce((n, x) => n + x.body + x.header, 0);
  assert.ok(offered > 3 * MB, `the load offers ${offered} bytes, several times the bound`);
  for (const x of objects) {
    const r = await lq.edge('size.example', { path: x.path });
    assert.equal(r.headers['x-cache'], 'MISS');
    assert.equal(r.body.length, x.body);
  }

  // With the origin gone, a request can only be answered by what the cache still holds, and
  // nothing new is stored while counting.
  await o.kill();
  const kept: boolean[] = [];
  for (const x of objects) {
    const r = await lq.edge('size.example', { path: x.path });
    kept.push(r.status === 200);
    if (r.status === 200) {
      assert.equal(r.headers['x-cache'], 'HIT');
      assert.equal(r.body.length, x.body);
    } else {
      assert.equal(r.statusLine, 'HTTP/1.1 503 Connection refused');
    }
  }
  const keptBytes = objects.reduce((n, x, i) => n + (kept[i] ? x.body + x.header : 0), 0);
  assert.ok(keptBytes <= 1.1 * MB, `kept ${keptBytes} bytes of bodies and headers`);
  assert.ok(keptBytes >= 0.75 * MB, `kept only ${keptBytes} bytes: the cache is not being used`);
  // Least recently used first: what is kept is the most recent objects, with no gap.
  const firstKept = kept.indexOf(true);
  assert.deepEqual(kept.slice(firstKept), Array(objects.length - firstKept).fill(true));
  assert.ok(firstKept > 0);
});

test('an object over --cache-max-object is delivered whole and not stored', async (t) => {
  const lq = await startChild(t, { workers: 1, extra: ['--cache-size', '8', '--cache-max-object', '1'] });
  const big = Buffer.alloc(MB + 1, 0x62);
  const o = await origin(t, (req, res) => {
    const body = req.url === '/big' ? big : Buffer.from('small');
    res.writeHead(200, { 'cache-control': 'max-age=3600', 'content-length': String(body.length) });
    res.end(body);
  });
  await lq.createService('max.example', o.port);

  const states: string[] = [];
  for (let i = 0; i < 2; i++) {
    const r = await lq.edge('max.example', { path: '/big' });
    assert.equal(r.body.length, MB + 1);
    assert.equal(r.complete, true);
    states.push(String(r.headers['x-cache']));
  }
  assert.deepEqual(states, ['MISS', 'MISS']);
  assert.equal(o.count('/big'), 2);
  const small = [await lq.edge('max.example', { path: '/small' }), await lq.edge('max.example', { path: '/small' })];
  assert.deepEqual(small.map((r) => r.headers['x-cache']), ['MISS', 'HIT']);
});
