import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveProbeCounts } from '../../src/model/backend.ts';
import {
  bitStrings, createHealthState, latestBits, recordProbe, registerString, setAdmin,
} from '../../src/health/state.ts';
import type { HealthState, ProbeResult } from '../../src/health/state.ts';
import { BAD, GOOD, probeDef, result } from './fixtures.ts';

test('probe counts are defaulted, derived and clamped as Varnish 7.1 does', () => {
  const cases: Array<[Parameters<typeof resolveProbeCounts>[0], ReturnType<typeof resolveProbeCounts>]> = [
    [{}, { ok: true, window: 8, threshold: 3, initial: 2 }],
    [{ threshold: 5 }, { ok: true, window: 6, threshold: 5, initial: 4 }],
    [{ threshold: 1 }, { ok: true, window: 2, threshold: 1, initial: 0 }],
    [{ window: 4, threshold: 2 }, { ok: true, window: 4, threshold: 2, initial: 1 }],
    [{ window: 5, threshold: 3, initial: 9 }, { ok: true, window: 5, threshold: 3, initial: 3 }],
    [{ window: 5, threshold: 3, initial: 0 }, { ok: true, window: 5, threshold: 3, initial: 0 }],
    [{ initial: 1 }, { ok: true, window: 8, threshold: 3, initial: 1 }],
    [{ window: 64, threshold: 64 }, { ok: true, window: 64, threshold: 64, initial: 63 }],
    [{ window: 5, threshold: 0 }, { ok: true, window: 5, threshold: 3, initial: 2 }],
    [{ window: 4 }, { ok: false, message: 'Must specify .threshold with .window' }],
    [{ window: 65, threshold: 3 }, { ok: false, message: 'Window must be 64 or less.' }],
    [{ threshold: 65 }, { ok: false, message: 'Threshold must be 64 or less.' }],
    [{ window: 3, threshold: 4 }, { ok: false, message: 'Threshold can not be greater than window.' }],
  ];
  for (const [spec, expected] of cases) assert.deepEqual(resolveProbeCounts(spec), expected, JSON.stringify(spec));
});

test('a backend without a probe is healthy and has nothing to record', () => {
  const s = createHealthState(null, 0);
  assert.equal(s.healthy, true);
  assert.equal(s.sick, false);
  assert.equal(s.good, 0);
  assert.throws(() => recordProbe(s, GOOD), /without a probe/);
});

test('initial credits happy bits at start: sick below threshold, healthy at it', () => {
  const below = createHealthState(probeDef({ initial: 2 }), 0);
  assert.equal(below.good, 2);
  assert.equal(below.healthy, false);
  assert.equal(registerString('H', below.registers.H), '-'.repeat(62) + 'HH');
  const at = createHealthState(probeDef({ initial: 3 }), 0);
  assert.equal(at.good, 3);
  assert.equal(at.healthy, true);
});

/**
 * Feeds `seq` ('g' good, 'b' bad) and returns one letter per probe: `H`/`S` when the probe
 * verdict Went healthy/sick, `h`/`s` when it Still is.
 */
function trace(probe: ReturnType<typeof probeDef>, seq: string): string {
  let s: HealthState = createHealthState(probe, 0);
  let out = '';
  for (const c of seq) {
    const t = recordProbe(s, c === 'g' ? GOOD : BAD);
    s = t.state;
    const letter = s.sick ? 's' : 'h';
    out += t.changed ? letter.toUpperCase() : letter;
    assert.equal(t.flipped, t.changed, 'with admin auto, flipped follows the verdict');
  }
  return out;
}

test('exact flip sequences for window/threshold/initial combinations', () => {
  const cases: Array<[string, ReturnType<typeof probeDef>, string, string]> = [
    ['defaults: the first good probe after start goes healthy', probeDef(), 'g', 'H'],
    ['defaults: credited bits age out of the window of 8', probeDef(), 'gbbbbbbb', 'HhhhhhSs'],
    ['window 4 threshold 2 goes sick on the third failure in a row', probeDef({ window: 4, threshold: 2, initial: 1 }), 'ggbbbgg', 'HhhhSsH'],
    ['initial 0 needs threshold good probes', probeDef({ initial: 0 }), 'ggg', 'ssH'],
    ['initial = threshold starts healthy and one bad probe keeps it', probeDef({ window: 5, threshold: 3, initial: 3 }), 'bbb', 'hhS'],
    ['window 1 threshold 1 follows every probe', probeDef({ window: 1, threshold: 1, initial: 0 }), 'gbgbb', 'HSHSs'],
    ['threshold = window needs an unbroken run', probeDef({ window: 3, threshold: 3, initial: 0 }), 'gggbggg', 'ssHSssH'],
    ['window 64 threshold 1 stays healthy until 64 bad probes', probeDef({ window: 64, threshold: 1, initial: 0 }), 'g' + 'b'.repeat(64), 'H' + 'h'.repeat(63) + 'S'],
  ];
  for (const [name, probe, seq, expected] of cases) assert.equal(trace(probe, seq), expected, name);
});

test('registers keep 64 results, oldest first, and the window counts only its own', () => {
  let s = createHealthState(probeDef({ window: 64, threshold: 64, initial: 0 }), 0);
  for (let i = 0; i < 70; i++) s = recordProbe(s, GOOD).state;
  assert.equal(s.good, 64);
  assert.equal(s.healthy, true);
  s = recordProbe(s, BAD).state;
  const bits = bitStrings(s);
  assert.equal(bits.H, 'H'.repeat(63) + '-');
  assert.equal(bits['4'], '4'.repeat(64));
  assert.equal(bits.x, '-'.repeat(64));
  assert.equal(s.good, 63);
  assert.equal(s.healthy, false);
});

test('the newest bits read like varnishlog shows them', () => {
  const s0 = createHealthState(probeDef(), 0);
  assert.equal(latestBits(s0), '-------H');
  assert.equal(latestBits(recordProbe(s0, GOOD).state), '4---X-RH');
  assert.equal(latestBits(recordProbe(s0, result(['6', 'X', 'R'])).state), '-6--X-R-');
  assert.equal(latestBits(recordProbe(s0, result(['4', 'X', 'r'])).state), '4---Xr--');
  assert.equal(latestBits(recordProbe(s0, result(['4', 'x'])).state), '4--x----');
  assert.equal(latestBits(recordProbe(s0, result([])).state), '--------');
});

test('average rtt is the exponential average of happy probes, credits included (AVG_RATE 4)', () => {
  const happy = (rttMs: number): ProbeResult => result(undefined, { rttMs });
  let s = createHealthState(probeDef(), 0); // initial 2: rate 2, avg 0
  assert.equal(s.rate, 2);
  s = recordProbe(s, happy(9)).state; // rate 3: avg = 0 + 9/3
  assert.equal(s.avgRttMs, 3);
  s = recordProbe(s, result(['4', 'X', 'R'], { rttMs: 500 })).state; // not happy: unchanged
  assert.equal(s.avgRttMs, 3);
  assert.equal(s.lastRttMs, 500);
  s = recordProbe(s, happy(11)).state; // rate 4: 3 + (11-3)/4
  assert.equal(s.avgRttMs, 5);
  s = recordProbe(s, happy(13)).state; // rate stays 4: 5 + (13-5)/4
  assert.equal(s.rate, 4);
  assert.equal(s.avgRttMs, 7);
});

test('admin state overrides the probe verdict and auto returns to it', () => {
  const s = createHealthState(probeDef({ window: 3, threshold: 3, initial: 3 }), 0);
  let t = setAdmin(s, 'sick', 10);
  assert.deepEqual([t.state.healthy, t.state.sick, t.flipped, t.state.lastChange], [false, false, true, 10]);
  t = recordProbe(t.state, BAD, 30);
  assert.deepEqual([t.changed, t.flipped, t.state.healthy, t.state.sick], [true, false, false, true]);
  t = setAdmin(t.state, 'healthy', 40);
  assert.deepEqual([t.flipped, t.state.healthy], [true, true]);
  t = setAdmin(t.state, 'healthy', 50);
  assert.deepEqual([t.flipped, t.state.lastChange], [false, 40]);
  t = setAdmin(t.state, 'auto', 60);
  assert.deepEqual([t.flipped, t.state.healthy, t.state.admin], [true, false, 'auto']);
});

test('last change moves on a flip and stays on a steady probe', () => {
  const s = createHealthState(probeDef(), 100);
  const went = recordProbe(s, GOOD, 200).state;
  assert.equal(went.lastChange, 200);
  assert.equal(recordProbe(went, GOOD, 300).state.lastChange, 200);
  assert.equal(went.lastResponse, 'HTTP/1.1 200 OK');
  assert.equal(went.probes, 1);
});

test('good counts the happy bits of exactly the last window probes, for every window size', () => {
  // A fixed pseudo-random good/bad sequence, longer than the 64-bit registers.
  let seed = 7;
  const seq = Array.from({ length: 150 }, () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) & 4) !== 0);
  for (let window = 1; window <= 64; window++) {
    let s = createHealthState(probeDef({ window, threshold: 1, initial: 0 }), 0);
    seq.forEach((good, i) => {
      s = recordProbe(s, good ? GOOD : BAD).state;
      const expected = seq.slice(Math.max(0, i + 1 - window), i + 1).filter(Boolean).length;
      assert.equal(s.good, expected, `window ${window} after probe ${i}`);
    });
  }
});

test('a register filling with ones holds k ones after k probes, and a failure then shifts a zero in', () => {
  let s = createHealthState(probeDef({ window: 8, threshold: 3, initial: 0 }), 0);
  for (let k = 1; k <= 66; k++) {
    s = recordProbe(s, GOOD).state;
    const ones = k >= 64 ? (1n << 64n) - 1n : (1n << BigInt(k)) - 1n;
    assert.equal(s.registers.H, ones, `H after ${k} happy probes`);
    assert.equal(s.registers['4'], ones, `4 after ${k} happy probes`);
    assert.equal(s.registers.x, 0n);
  }
  let t = createHealthState(probeDef({ window: 8, threshold: 3, initial: 0 }), 0);
  for (let k = 0; k < 10; k++) t = recordProbe(t, GOOD).state;
  t = recordProbe(t, BAD).state;
  assert.equal(t.registers.H, 0b11111111110n);
  t = recordProbe(t, GOOD).state;
  assert.equal(t.registers.H, 0b111111111101n);
});
