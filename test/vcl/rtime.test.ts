import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRtime, parseRtime, secondsToRtime } from '../../src/vcl/syntax/rtime.ts';

test('parseRtime reads every unit into milliseconds', () => {
  const cases: Array<[string, number]> = [
    ['10ms', 10], ['1s', 1000], ['1.5m', 90000], ['2m', 120000], ['2h', 7_200_000], ['3d', 259_200_000],
    ['1w', 604_800_000], ['1y', 31_536_000_000], ['1500ms', 1500], ['10 s', 10000], ['-1s', -1000],
  ];
  for (const [text, ms] of cases) assert.equal(parseRtime(text), ms, text);
});

test('parseRtime rejects text that is not an RTIME literal', () => {
  for (const text of ['', '10', 's', '1x', '1.s', '1 s s']) assert.equal(parseRtime(text), null, text);
});

test('formatRtime picks the shortest exact unit', () => {
  const cases: Array<[number, string]> = [
    [120000, '2m'], [1000, '1s'], [1500, '1500ms'], [90000, '90s'], [0, '0s'], [3_600_000, '1h'],
    [86_400_000, '1d'], [604_800_000, '1w'], [31_536_000_000, '1y'], [-2000, '-2s'], [0.5, '0.5ms'], [15000, '15s'],
  ];
  for (const [ms, text] of cases) assert.equal(formatRtime(ms), text, String(ms));
});

test('formatRtime and parseRtime are inverse on whole milliseconds', () => {
  for (const ms of [1, 999, 1000, 61_000, 7_200_000, 5_000_000_000]) assert.equal(parseRtime(formatRtime(ms)), ms);
});

test('formatRtime refuses a non-finite duration', () => {
  assert.throws(() => formatRtime(Number.NaN), RangeError);
});

test('secondsToRtime maps API seconds to VCL', () => {
  assert.equal(secondsToRtime(43200), '12h');
});
