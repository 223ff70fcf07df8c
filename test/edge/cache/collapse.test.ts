import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Collapser, CollapseOptionError, type CollapseOutcome } from '../../../src/edge/cache/collapse.ts';
import { HitForPass, hitForPassSeconds } from '../../../src/edge/cache/hit-for-pass.ts';
import { Clock } from './helpers.ts';

interface Origin {
  calls: number;
  readonly fetch: () => Promise<{ body: string; cacheable: boolean }>;
}

/** An origin that answers after a short delay, so concurrent misses overlap its fetch. */
function origin(answers: (call: number) => { body: string; cacheable: boolean } | Error): Origin {
  const o: Origin = {
    calls: 0,
    fetch: async () => {
      const call = ++o.calls;
      await sleep(20);
      const a = answers(call);
      if (a instanceof Error) throw a;
      return a;
    },
  };
  return o;
}

/** A miss as the pipeline handles it: look up, else collapse onto one fetch per key. */
async function miss(key: string, method: string, collapser: Collapser, cache: Map<string, string>, o: Origin, seen: CollapseOutcome[] = []): Promise<string> {
  for (;;) {
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const t = collapser.acquire(key, method);
    if (t.role === 'alone') return (await o.fetch()).body;
    if (t.role === 'waiter') {
      const outcome = await t.outcome;
      seen.push(outcome);
      if (outcome.next === 'fetch') return (await o.fetch()).body;
      continue;
    }
    try {
      const r = await o.fetch();
      if (r.cacheable) cache.set(key, r.body);
      t.release(r.cacheable ? 'stored' : 'uncacheable');
      return r.body;
    } catch (err) {
      t.release('failed');
      throw err;
    }
  }
}

test('100 concurrent misses for one key make exactly one origin fetch', async () => {
  const collapser = new Collapser({ maxWaitMs: 10_000 });
  const o = origin(() => ({ body: 'v1', cacheable: true }));
  const cache = new Map<string, string>();
  const seen: CollapseOutcome[] = [];
  const bodies = await Promise.all(Array.from({ length: 100 }, () => miss('k', 'GET', collapser, cache, o, seen)));
  assert.equal(o.calls, 1);
  assert.deepEqual(new Set(bodies), new Set(['v1']));
  assert.equal(seen.length, 99);
  assert.ok(seen.every((s) => s.next === 'lookup' && s.reason === 'stored'));
  assert.deepEqual(collapser.stats(), { inFlight: 0, waiting: 0, collapsed: 99 });
});

test('misses for different keys do not wait for each other', async () => {
  const collapser = new Collapser({ maxWaitMs: 10_000 });
  const o = origin((n) => ({ body: `v${n}`, cacheable: true }));
  const cache = new Map<string, string>();
  await Promise.all(['a', 'b', 'c', 'a', 'b', 'c'].map((k) => miss(k, 'GET', collapser, cache, o)));
  assert.equal(o.calls, 3);
});

test('an uncacheable response releases the waiters to fetch on their own', async () => {
  const collapser = new Collapser({ maxWaitMs: 10_000 });
  const o = origin((n) => ({ body: `private ${n}`, cacheable: false }));
  const seen: CollapseOutcome[] = [];
  const bodies = await Promise.all(Array.from({ length: 10 }, () => miss('k', 'GET', collapser, new Map(), o, seen)));
  assert.equal(o.calls, 10);
  assert.equal(new Set(bodies).size, 10, 'each client got its own response');
  assert.deepEqual(seen, Array.from({ length: 9 }, () => ({ next: 'fetch', reason: 'uncacheable' })));
  assert.equal(collapser.stats().collapsed, 0);
});

test('a failed leader sends the waiters back to lookup, where one of them leads the next fetch', async () => {
  const collapser = new Collapser({ maxWaitMs: 10_000 });
  const o = origin((n) => (n === 1 ? new Error('connection refused') : { body: 'v2', cacheable: true }));
  const cache = new Map<string, string>();
  const results = await Promise.allSettled(Array.from({ length: 10 }, () => miss('k', 'GET', collapser, cache, o)));
  assert.equal(o.calls, 2);
  assert.equal(results.filter((r) => r.status === 'rejected').length, 1);
  assert.ok(results.every((r) => r.status === 'rejected' || r.value === 'v2'));
});

test('a waiter waits at most maxWaitMs, then fetches on its own', async (t) => {
  const collapser = new Collapser({ maxWaitMs: 30 });
  const leader = collapser.acquire('k', 'GET');
  assert.equal(leader.role, 'leader');
  t.after(() => { if (leader.role === 'leader') leader.release('failed'); });
  const w = collapser.acquire('k', 'GET');
  assert.equal(w.role, 'waiter');
  if (w.role !== 'waiter') return;
  assert.deepEqual(await w.outcome, { next: 'fetch', reason: 'timeout' });
  assert.deepEqual(collapser.stats(), { inFlight: 1, waiting: 0, collapsed: 0 });
});

test('non-idempotent requests never collapse, even while a GET for the key is in flight', () => {
  const collapser = new Collapser({ maxWaitMs: 1000 });
  const leader = collapser.acquire('k', 'GET');
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'post']) assert.equal(collapser.acquire('k', method).role, 'alone', method);
  assert.equal(collapser.acquire('k', 'HEAD').role, 'waiter');
  if (leader.role === 'leader') leader.release('stored');
  assert.deepEqual(collapser.stats(), { inFlight: 0, waiting: 0, collapsed: 1 });
});

test('release is idempotent and a released key gets a new leader', async () => {
  const collapser = new Collapser({ maxWaitMs: 1000 });
  const first = collapser.acquire('k', 'GET');
  const w = collapser.acquire('k', 'GET');
  if (first.role !== 'leader' || w.role !== 'waiter') throw new Error('unexpected roles');
  first.release('uncacheable');
  first.release('stored');
  assert.deepEqual(await w.outcome, { next: 'fetch', reason: 'uncacheable' });
  assert.equal(collapser.acquire('k', 'GET').role, 'leader');
});

test('an invalid maxWaitMs is refused', () => {
  assert.throws(() => new Collapser({ maxWaitMs: 0 }), CollapseOptionError);
});

test('hit-for-pass remembers an uncacheable key until its time runs out', () => {
  const clock = new Clock();
  const hfp = new HitForPass({ now: clock.read });
  hfp.remember('k', 120);
  assert.equal(hfp.active('k'), true);
  assert.equal(hfp.active('other'), false);
  clock.advance(119);
  assert.equal(hfp.active('k'), true);
  clock.advance(1);
  assert.equal(hfp.active('k'), false);
});

test('hit-for-pass is forgotten when a later response is stored', () => {
  const hfp = new HitForPass();
  hfp.remember('k');
  hfp.forget('k');
  assert.equal(hfp.active('k'), false);
});

test('hit-for-pass lasts the response ttl, at most 120 s, and 120 s without one', () => {
  assert.deepEqual([0, -5, 30, 120, 3600].map(hitForPassSeconds), [120, 120, 30, 120, 120]);
});

test('hit-for-pass holds a bounded number of keys, forgetting the oldest', () => {
  const hfp = new HitForPass({ maxEntries: 2 });
  for (const k of ['a', 'b', 'c']) hfp.remember(k);
  assert.deepEqual(['a', 'b', 'c'].map((k) => hfp.active(k)), [false, true, true]);
});
