import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BucketRing, EdgeStats, hitRatio, sumStats, type WindowCounts } from '../../src/edge/stats.ts';

const T0 = Date.parse('2025-01-01T00:00:00Z');

function counts(partial: Partial<WindowCounts>): WindowCounts {
  return { requests: 0, hits: 0, misses: 0, passes: 0, stale: 0, origin_requests: {}, ...partial };
}

class Clock {
  now = T0;
  readonly read = (): number => this.now;
}

test('a request counts once in requests and once under its cache outcome, in both windows', () => {
  const clock = new Clock();
  const stats = new EdgeStats(clock.read);
  for (const outcome of ['HIT', 'HIT', 'MISS', 'PASS', 'STALE'] as const) stats.request('s1', outcome);
  stats.originRequest('s1', 'F_b');
  stats.originRequest('s1', 'F_a');
  stats.originRequest('s1', 'F_b');
  const expected = counts({ requests: 5, hits: 2, misses: 1, passes: 1, stale: 1, origin_requests: { F_a: 1, F_b: 2 } });
  assert.deepEqual(stats.snapshot('s1'), { minute: expected, hour: expected });
  assert.deepEqual(Object.keys(stats.snapshot('s1').minute.origin_requests), ['F_a', 'F_b']);
});

test('a request given its own time is counted in the buckets of that time', () => {
  const clock = new Clock();
  const stats = new EdgeStats(clock.read);
  clock.now = T0 + 120_000;
  stats.request('s', 'HIT', T0);
  stats.request('s', 'MISS');
  const { minute, hour } = stats.snapshot('s');
  assert.deepEqual([minute.requests, minute.hits, minute.misses], [1, 0, 1]);
  assert.deepEqual([hour.requests, hour.hits, hour.misses], [2, 1, 1]);
});

test('services are counted apart; an unknown service has zeros', () => {
  const stats = new EdgeStats(new Clock().read);
  stats.request('s1', 'HIT');
  assert.equal(stats.snapshot('s2').minute.requests, 0);
  assert.equal(stats.snapshot('s2').hour.requests, 0);
  stats.remove('s1');
  assert.equal(stats.snapshot('s1').minute.requests, 0);
});

test('the minute window drops what is 60 s old; the hour window keeps it until 60 min', () => {
  const clock = new Clock();
  const stats = new EdgeStats(clock.read);
  stats.request('s', 'MISS');
  clock.now = T0 + 59_999;
  assert.equal(stats.snapshot('s').minute.requests, 1);
  clock.now = T0 + 60_000;
  assert.equal(stats.snapshot('s').minute.requests, 0);
  assert.equal(stats.snapshot('s').hour.requests, 1);
  clock.now = T0 + 3_599_999;
  assert.equal(stats.snapshot('s').hour.requests, 1);
  clock.now = T0 + 3_600_000;
  assert.equal(stats.snapshot('s').hour.requests, 0);
});

test('a reused bucket starts from zero: counts from one ring turn ago are not added to the new second', () => {
  const clock = new Clock();
  const ring = new BucketRing(60, 1_000);
  ring.request('HIT', clock.now);
  ring.originRequest('F_x', clock.now);
  clock.now = T0 + 60_000; // the same slot of the ring, one turn later
  ring.request('MISS', clock.now);
  assert.deepEqual(ring.sum(clock.now), counts({ requests: 1, misses: 1 }));
});

test('the minute window sums the last 60 one-second buckets, one request per second', () => {
  const clock = new Clock();
  const stats = new EdgeStats(clock.read);
  for (let s = 0; s < 90; s++) {
    clock.now = T0 + s * 1_000 + 500;
    stats.request('s', 'HIT');
  }
  assert.equal(stats.snapshot('s').minute.requests, 60);
  assert.equal(stats.snapshot('s').hour.requests, 90);
});

test('an idle gap longer than the ring leaves no old counts behind', () => {
  const clock = new Clock();
  const ring = new BucketRing(60, 60_000);
  for (let m = 0; m < 60; m++) ring.request('PASS', T0 + m * 60_000);
  clock.now = T0 + 10 * 3_600_000;
  assert.deepEqual(ring.sum(clock.now), counts({}));
  ring.request('HIT', clock.now);
  assert.deepEqual(ring.sum(clock.now), counts({ requests: 1, hits: 1 }));
});

test('sumStats adds every worker\'s counts, origin requests by backend', () => {
  const a = { minute: counts({ requests: 3, hits: 2, misses: 1, origin_requests: { F_a: 1 } }), hour: counts({ requests: 5, hits: 2, misses: 3, origin_requests: { F_a: 3 } }) };
  const b = { minute: counts({ requests: 2, passes: 1, stale: 1, origin_requests: { F_a: 1, F_b: 1 } }), hour: counts({ requests: 2, passes: 2, origin_requests: { F_b: 2 } }) };
  assert.deepEqual(sumStats([a, b]), {
    minute: counts({ requests: 5, hits: 2, misses: 1, passes: 1, stale: 1, origin_requests: { F_a: 2, F_b: 1 } }),
    hour: counts({ requests: 7, hits: 2, misses: 3, passes: 2, origin_requests: { F_a: 3, F_b: 2 } }),
  });
  assert.deepEqual(sumStats([]), { minute: counts({}), hour: counts({}) });
});

test('hit ratio is (hits + stale) / (hits + stale + misses); passes are left out; null with nothing cacheable', () => {
  assert.equal(hitRatio(counts({ hits: 3, stale: 1, misses: 4, passes: 100 })), 0.5);
  assert.equal(hitRatio(counts({ passes: 7 })), null);
  assert.equal(hitRatio(counts({ misses: 2 })), 0);
});

test('invalid ring sizes are refused up front', () => {
  assert.throws(() => new BucketRing(0, 1000), { name: 'RangeError', message: 'invalid size: a positive number of buckets' });
  assert.throws(() => new BucketRing(60, 0), { name: 'RangeError', message: 'invalid widthMs: a positive number of milliseconds' });
});
