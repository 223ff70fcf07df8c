import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRegex, RegexLimitError } from '../../../src/vcl/runtime/regex/index.ts';
import type { VclRegex } from '../../../src/vcl/runtime/regex/index.ts';

function compiled(pattern: string, limit?: number): VclRegex {
  const r = compileRegex(pattern, limit);
  assert.ok(r.ok, r.ok ? '' : r.message);
  return r.regex;
}

/** [whole, groups…, index] of the first match at or after `from`, or null. */
function run(re: VclRegex, subject: string, from = 0): (string | undefined | number)[] | null {
  const m = re.exec(subject, from);
  return m === null ? null : [...m, m.index];
}

/** Runs `f` and returns what it returned and how long it took (ms). */
function timed<T>(f: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = f();
  return { value, ms: performance.now() - start };
}

test('catastrophic patterns that are regular get their answer in bounded time on the linear engine', () => {
  const long = 'a'.repeat(20_000);
  for (const [pattern, subject, expected] of [
    ['^(a+)+$', `${long}!`, null],
    ['(x|x)*y', 'x'.repeat(20_000), null],
    ['^(\\s*,?\\s*\\w+)*$', `${'token, '.repeat(3_000)}!`, null],
    ['(?i)^(\\s*,?\\s*\\w+)*$', `${'Token, '.repeat(3_000)}!`, null],
    // Backtracks past V8's limit, then the linear engine finds the match further on.
    ['(a|a)*c|(z)', `${'a'.repeat(40)}z`, ['z', undefined, 'z', 40]],
  ] as const) {
    const re = compiled(pattern);
    assert.equal(re.engine, 'linear', pattern);
    const { value, ms } = timed(() => run(re, subject));
    assert.deepEqual(value, expected, pattern);
    assert.ok(ms < 5_000, `${pattern} took ${ms} ms`);
  }
});

test('caseless patterns, long counted repetitions and \\z stay on the linear engine', () => {
  for (const [pattern, subject, expected] of [
    ['(?i)^(www\\.)?Example\\.COM$', 'WWW.example.com', ['WWW.example.com', 'WWW.', 0]],
    ['(?i)[^a-z]+', 'abcÉ12DEF', ['É12', 3]],
    ['(?i)é', 'É', ['É', 0]],
    ['^/assets/[0-9a-f]{32}\\.(js|css)$', `/assets/${'0a'.repeat(16)}.css`, [`/assets/${'0a'.repeat(16)}.css`, 'css', 0]],
    ['^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', '123e4567-e89b-12d3-a456-426614174000', ['123e4567-e89b-12d3-a456-426614174000', 0]],
    ['^(?:[a-z]{2,40})$', 'x', null],
    ['^/admin(/.*)?\\z', '/admin/x', ['/admin/x', '/x', 0]],
  ] as const) {
    const re = compiled(pattern);
    assert.equal(re.engine, 'linear', pattern);
    assert.deepEqual(run(re, subject), expected, pattern);
  }
});

test('lookaround and backreferences run on the bounded engine with RegExp\'s answers', () => {
  for (const [pattern, subject, expected] of [
    ['^/(?!api/)([^/]+)', '/www/x', ['/www', 'www', 0]],
    ['^/(?!api/)([^/]+)', '/api/x', null],
    ['(?P<word>\\w+) (?P=word)', 'say hello hello', ['hello hello', 'hello', 4]],
    ['(?i)(a)\\1', 'xaA', ['aA', 'a', 1]],
    ['(?<=(\\d+))px', 'w=120px', ['px', '120', 5]],
    ['abc\\Z', 'abc\n', ['abc', 0]],
  ] as const) {
    const re = compiled(pattern);
    assert.equal(re.engine, 'bounded', pattern);
    assert.deepEqual(run(re, subject), expected, pattern);
  }
});

test('a bounded match that runs out of budget fails with EREGRECUR, in bounded time', () => {
  const re = compiled('^(?=a)(a+)+$');
  const { value, ms } = timed(() => {
    try {
      re.exec(`${'a'.repeat(5_000)}!`, 0);
      return null;
    } catch (e) {
      return e;
    }
  });
  assert.ok(value instanceof RegexLimitError);
  assert.equal(value.code, 'EREGRECUR');
  assert.equal(value.subjectLength, 5_001);
  assert.equal(value.message, 'regular expression "^(?=a)(a+)+$" exceeded its match limit (1000000 steps)');
  assert.ok(ms < 5_000, `took ${ms} ms`);
});

test('the budget counts every step of one match, not the subject\'s length', () => {
  // A linear scan of a long subject fits the budget; only backtracking exhausts it.
  const re = compiled('^(?!x)[^/]*/(\\w+)', 50_000);
  assert.deepEqual(run(re, `${'a'.repeat(20_000)}/end`), [`${'a'.repeat(20_000)}/end`, 'end', 0]);
  assert.throws(() => compiled('^(?=a)(a+)+$', 50_000).exec(`${'a'.repeat(40)}!`, 0), RegexLimitError);
});

test('a match starts at or after the position asked for', () => {
  for (const pattern of ['a(b)', '(?=a)a(b)']) {
    const re = compiled(pattern);
    assert.deepEqual(run(re, 'abxab', 1), ['ab', 'b', 3], pattern);
    assert.equal(re.exec('abxab', 4), null, pattern);
  }
});
