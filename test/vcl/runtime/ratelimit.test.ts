// Fastly's edge rate limiting as the VCL runtime runs it: the counters' fixed one-second windows,
// the penalty box's TTLs and bound, and each ratelimit.* function against the examples and
// ranges of its reference page (https://www.fastly.com/documentation/reference/vcl/functions/rate-limiting/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PenaltyBox, RateCounter, ttlMinutes } from '../../../src/vcl/runtime/ratelimit/index.ts';
import { BACKEND, compileVcl, compileErrors, makeContext, RateLimitStore } from '../helpers/context.ts';

const T0 = 1_700_000_000_000; // a whole second

test('a bucket is the current partial second plus the seconds before it, as Fastly documents', () => {
  const rc = new RateCounter();
  rc.increment('a', 5, T0 + 100);           // second 0
  rc.increment('a', 3, T0 + 4_500);         // second 4
  rc.increment('a', 2, T0 + 9_999);         // second 9
  assert.equal(rc.bucket('a', 10, T0 + 9_999), 10, 'seconds 0–9 are the 10 s window at 9.999');
  assert.equal(rc.bucket('a', 10, T0 + 10_000), 5, 'at 10.000 the window starts at second 1: the 5 of second 0 left it');
  assert.equal(rc.bucket('a', 1, T0 + 9_999), 2);
  assert.equal(rc.rate('a', 10, T0 + 9_999), 1);
  assert.equal(rc.bucket('a', 60, T0 + 59_999), 10);
  assert.equal(rc.bucket('a', 60, T0 + 60_000), 5, 'second 0 left the 60 s window');
  assert.equal(rc.bucket('a', 60, T0 + 200_000), 0, 'everything is older than a minute');
  assert.equal(rc.bucket('unknown', 60, T0), 0);
});

test('a slot reused a minute later starts from zero', () => {
  const rc = new RateCounter();
  rc.increment('a', 7, T0);
  rc.increment('a', 1, T0 + 60_000); // the same slot (second 60 % 60 = 0)
  assert.equal(rc.bucket('a', 60, T0 + 60_000), 1);
  assert.equal(rc.bucket('a', 1, T0 + 60_000), 1);
});

test('increments relayed from another worker count in the second they happened', () => {
  const rc = new RateCounter();
  const now = Math.floor(T0 / 1000);
  rc.add('a', now - 3, 4, now);
  rc.add('a', now - 61, 100, now); // older than the history: dropped
  rc.increment('a', 1, T0);
  assert.equal(rc.bucket('a', 10, T0), 5);
  assert.equal(rc.bucket('a', 1, T0), 1);
});

test('a rate counter keeps at most its capacity, evicting the least recently incremented entry (to the second)', () => {
  const rc = new RateCounter(3);
  for (const e of ['a', 'b', 'c']) rc.increment(e, 1, T0);
  rc.increment('a', 1, T0 + 1_000); // a is now the most recent
  rc.increment('d', 1, T0 + 1_000);
  assert.equal(rc.size, 3);
  assert.equal(rc.bucket('b', 60, T0), 0, 'b was the least recently incremented');
  assert.equal(rc.bucket('a', 60, T0 + 1_000), 2);
  for (let i = 0; i < 10_000; i++) rc.increment(`unique-${i}`, 1, T0 + 2_000);
  assert.equal(rc.size, 3, 'a flood of unique entries never grows it');
});

test('a penalty box holds an entry until its TTL ends and keeps at most its capacity', () => {
  const pb = new PenaltyBox(2);
  pb.put('a', 60_000, T0);
  assert.equal(pb.has('a', T0 + 59_999), true);
  assert.equal(pb.has('a', T0 + 60_000), false);
  pb.put('x', 60_000, T0);
  pb.put('y', 60_000, T0);
  pb.put('z', 60_000, T0);
  assert.equal(pb.size, 2);
  assert.equal(pb.has('x', T0), false, 'the entry added first went');
  assert.equal(pb.has('z', T0), true);
  for (let i = 0; i < 10_000; i++) pb.put(`unique-${i}`, 60_000, T0);
  assert.equal(pb.size, 2);
});

test('penalty box TTLs round to the nearest minute between 1m and 1h', () => {
  const cases: [number, number | null][] = [
    [60_000, 1], [29_999, null], [30_000, 1], [89_999, 1], [90_000, 2], [5 * 60_000, 5], [3_600_000, 60], [3_629_999, 60], [3_630_000, null], [0, null], [-60_000, null],
  ];
  for (const [ms, minutes] of cases) assert.equal(ttlMinutes(ms), minutes, `${ms} ms`);
});

const RL = BACKEND + 'ratecounter rc { }\nratecounter rc2 { }\npenaltybox pb { }\n';

/** Runs vcl_recv once per call with one shared store; returns the request headers VCL set. */
function runner(recv: string, clientIp = '192.0.2.10'): (headers?: Record<string, string>) => { get(name: string): string | null; fastlyError: string | null } {
  const s = compileVcl(RL + `sub vcl_recv { ${recv} }`);
  const store = new RateLimitStore();
  return (headers = {}) => {
    const ctx = makeContext({ clientIp, headers, rateLimit: store });
    s.run('recv', ctx);
    return { get: (n) => ctx.req.http.get(n), fastlyError: ctx.fastlyError };
  };
}

test('ratelimit.check_rate is false up to the limit and true once the rate goes above it, then stays true (penalty box)', () => {
  // delta 60 over the 60 s window: after k calls the rate is k RPS, so the 11th goes above 10.
  // All calls fall in one minute-long window whatever second they run in.
  const run = runner('set req.http.Limited = ratelimit.check_rate(client.ip, rc, 60, 60, 10, pb, 2m);');
  const seen: string[] = [];
  for (let i = 0; i < 11; i++) seen.push(run().get('limited') ?? '');
  assert.deepEqual(seen, [...Array<string>(10).fill('0'), '1']);
  assert.equal(run().get('limited'), '1', 'still penalized');
});

test('ratelimit.check_rate with a delta large enough goes above the limit in one call', () => {
  const run = runner('set req.http.Limited = ratelimit.check_rate(client.ip, rc, 101, 10, 10, pb, 2m); set req.http.B = ratecounter.rc.bucket.10s; set req.http.R = ratecounter.rc.rate.10s;');
  const r = run();
  assert.equal(r.get('limited'), '1');
  assert.equal(r.get('b'), '101');
  assert.equal(r.get('r'), '10.100');
});

test('ratelimit.check_rates penalizes when either counter goes above its limit', () => {
  const run = runner('set req.http.Limited = ratelimit.check_rates(client.ip, rc, 1, 10, 10, rc2, 700, 60, 10, pb, 1m); set req.http.A = ratecounter.rc.bucket.60s; set req.http.B = ratecounter.rc2.bucket.60s;');
  const r = run();
  assert.equal(r.get('limited'), '1', '700 over 60 s is 11.67 RPS, above 10');
  assert.equal(r.get('a'), '1');
  assert.equal(r.get('b'), '700');
});

test('ratelimit.ratecounter_increment returns the last minute\'s increments (Fastly\'s example adds 10 per response)', () => {
  const run = runner('set req.http.X-Last-60s-Hits = ratelimit.ratecounter_increment(rc, client.ip, 10);');
  assert.equal(run().get('x-last-60s-hits'), '10');
  assert.equal(run().get('x-last-60s-hits'), '20');
});

test('ratelimit.penaltybox_add then penaltybox_has, per entry (Fastly\'s examples)', () => {
  const run = runner('if (req.http.Add) { ratelimit.penaltybox_add(pb, client.ip, 5m); } set req.http.Has = ratelimit.penaltybox_has(pb, client.ip); set req.http.Other = ratelimit.penaltybox_has(pb, "198.51.100.1");');
  assert.equal(run().get('has'), '0');
  const r = run({ Add: '1' });
  assert.equal(r.get('has'), '1');
  assert.equal(r.get('other'), '0');
  assert.equal(run().get('has'), '1');
});

test('ratecounter variables read 0 until the request increments the counter', () => {
  const run = runner('set req.http.B = ratecounter.rc.bucket.60s; set req.http.R = ratecounter.rc.rate.1s;');
  const r = run();
  assert.equal(r.get('b'), '0');
  assert.equal(r.get('r'), '0.000');
});

// Fastly: out-of-range arguments and entries over 256 bytes set fastly.error to EINVAL and
// return the default (false, or 0).
const einval: [string, string][] = [
  ['window 5', 'ratelimit.check_rate(client.ip, rc, 1, 5, 10, pb, 1m)'],
  ['limit 9', 'ratelimit.check_rate(client.ip, rc, 1, 1, 9, pb, 1m)'],
  ['limit 70000001', 'ratelimit.check_rate(client.ip, rc, 1, 1, 70000001, pb, 1m)'],
  ['delta 100001', 'ratelimit.check_rate(client.ip, rc, 100001, 1, 10, pb, 1m)'],
  ['delta -1', 'ratelimit.check_rate(client.ip, rc, -1, 1, 10, pb, 1m)'],
  ['ttl 2h', 'ratelimit.check_rate(client.ip, rc, 1, 1, 10, pb, 2h)'],
  ['ttl 10s', 'ratelimit.check_rate(client.ip, rc, 1, 1, 10, pb, 10s)'],
  ['check_rates window2 30', 'ratelimit.check_rates(client.ip, rc, 1, 1, 10, rc2, 1, 30, 10, pb, 1m)'],
  ['an entry of 257 bytes', `ratelimit.check_rate("${'x'.repeat(257)}", rc, 1, 1, 10, pb, 1m)`],
  ['ratecounter_increment delta 1001', 'ratelimit.ratecounter_increment(rc, client.ip, 1001)'],
  ['penaltybox_has of an entry of 257 bytes', `ratelimit.penaltybox_has(pb, "${'é'.repeat(129)}")`],
];
for (const [what, call] of einval) {
  test(`ratelimit: ${what} sets fastly.error to EINVAL and returns the default`, () => {
    const r = runner(`set req.http.Out = ${call};`)();
    assert.ok(r.get('out') === '0', `got ${r.get('out')}`);
    assert.equal(r.fastlyError, 'EINVAL');
  });
}

test('an entry of exactly 256 bytes is accepted', () => {
  const r = runner(`set req.http.Out = ratelimit.check_rate("${'x'.repeat(256)}", rc, 1, 1, 10, pb, 1m);`)();
  assert.equal(r.get('out'), '0');
  assert.equal(r.fastlyError, null);
});

test('the checker refuses rate limiting names that are not declared', () => {
  assert.deepEqual(compileErrors(BACKEND + 'penaltybox pb { }\nsub vcl_recv { if (ratelimit.check_rate(client.ip, nope, 1, 1, 10, pb, 1m)) { error 429; } }'), ['3:52 ref/unknown-ratecounter']);
  assert.deepEqual(compileErrors(BACKEND + 'ratecounter rc { }\nsub vcl_recv { if (ratelimit.penaltybox_has(box, client.ip)) { error 429; } set req.http.X = ratecounter.rc.rate.1s; }'), ['3:45 ref/unknown-penaltybox']);
  assert.deepEqual(compileErrors(BACKEND + 'sub vcl_recv { set req.http.X = ratecounter.none.bucket.10s; }'), ['2:33 ref/unknown-ratecounter']);
  assert.deepEqual(compileErrors(BACKEND + 'ratecounter rc { }\nratecounter rc { }\nsub vcl_recv { set req.http.X = ratecounter.rc.rate.1s; }'), ['3:13 ref/duplicate']);
});
