// One worker's share of its POP's rate limiting: its own increments count at once, another
// worker's once relayed (the primary relays; here the test does), penalty box additions travel
// the same way, and services keep their counters by name across activations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PopRateLimits } from '../../../src/edge/ratelimit/pop-rate-limits.ts';
import type { RateLimitSync } from '../../../src/edge/ratelimit/pop-rate-limits.ts';

test('a worker sees its own increments at once and another worker\'s after the relay', () => {
  const outA: RateLimitSync[] = [];
  const a = new PopRateLimits({ send: (s) => outA.push(s) });
  const b = new PopRateLimits({ send: () => {} });
  const now = Date.now();
  a.counter('svc', 'rc').increment('alice', 3, now);
  b.counter('svc', 'rc').increment('alice', 2, now);
  assert.equal(a.counter('svc', 'rc').bucket('alice', 60, now), 3);
  a.penaltyBox('svc', 'pb').put('alice', 60_000, now);
  a.flush();
  assert.equal(outA.length, 1);
  assert.deepEqual(outA[0].increments, [['svc', 'rc', 'alice', Math.floor(now / 1000), 3]]);
  b.apply(outA[0], now);
  assert.equal(b.counter('svc', 'rc').bucket('alice', 60, now), 5, 'its own 2 and the other worker\'s 3');
  assert.equal(b.penaltyBox('svc', 'pb').has('alice', now), true);
  assert.equal(b.counter('other-svc', 'rc').bucket('alice', 60, now), 0, 'services never share counters');
  a.flush();
  assert.equal(outA.length, 1, 'nothing new: nothing sent');
});

test('additions are flushed on their own within the flush interval', async () => {
  const sent: RateLimitSync[] = [];
  const a = new PopRateLimits({ send: (s) => sent.push(s), flushMs: 20 });
  a.counter('svc', 'rc').increment('alice', 1, Date.now());
  a.counter('svc', 'rc').increment('bob', 1, Date.now());
  assert.equal(sent.length, 0);
  const deadline = Date.now() + 5_000;
  while (sent.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0].increments.map((i) => i[2]), ['alice', 'bob']);
});

test('a worker alone sends nothing and a removed service\'s counters are dropped', () => {
  const a = new PopRateLimits();
  const rc = a.counter('svc', 'rc');
  rc.increment('alice', 1, Date.now());
  assert.equal(a.counter('svc', 'rc'), rc, 'the same counter for the same service and name');
  a.remove('svc');
  assert.notEqual(a.counter('svc', 'rc'), rc);
});
