import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND, compileVcl, makeContext } from '../helpers/context.ts';
import { compileRegex, translatePcre } from '../../../src/vcl/runtime/regex/index.ts';
import type { VclRegex } from '../../../src/vcl/runtime/regex/index.ts';

test('PCRE syntax that JavaScript spells differently is translated', () => {
  assert.deepEqual(translatePcre('(?i)^/API/'), { source: '^/API/', flags: 'i' });
  assert.deepEqual(translatePcre('(?is)a.b'), { source: 'a.b', flags: 'is' });
  assert.deepEqual(translatePcre('(?P<ver>v\\d+)/(?P=ver)'), { source: '(?<ver>v\\d+)/\\k<ver>', flags: '' });
  assert.deepEqual(translatePcre('\\Aabc\\z'), { source: '^abc$(?![\\s\\S])', flags: '' });
  assert.deepEqual(translatePcre('[[:alpha:][:digit:]_]+'), { source: '[a-zA-Z0-9_]+', flags: '' });
  assert.deepEqual(translatePcre('[]a]'), { source: '[\\]a]', flags: '' });
  assert.deepEqual(translatePcre('a\\hb'), { source: 'a[ \\t]b', flags: '' });
});

test('\\Z matches at the end or before a final newline, \\z only at the very end', () => {
  const big = compileRegex('abc\\Z');
  const small = compileRegex('abc\\z');
  assert.ok(big.ok && small.ok);
  const test = (r: VclRegex, s: string): boolean => r.exec(s, 0) !== null;
  assert.deepEqual([test(big.regex, 'abc\n'), test(big.regex, 'abc'), test(big.regex, 'abc\nx')], [true, true, false]);
  assert.deepEqual([test(small.regex, 'abc\n'), test(small.regex, 'abc')], [false, true]);
});

test('PCRE features JavaScript lacks are refused with a reason', () => {
  for (const [pattern, reason] of [
    ['(?>a+)b', /atomic/], ['a++b', /possessive/], ['a*+', /possessive/], ['(?R)', /recursion/],
    ['(?(1)a|b)', /conditional/], ['a(?i)b', /start of the pattern/], ['\\Gx', /\\G/], ['[[:bogus:]]', /POSIX/], ['(unclosed', /Unterminated group/],
  ] as const) {
    const r = compileRegex(pattern);
    assert.equal(r.ok, false, pattern);
    if (!r.ok) assert.match(r.message, reason, pattern);
  }
});

test('an escaped plus after a quantifier is not possessive', () => {
  assert.equal(compileRegex('a*\\+').ok, true);
});

test('a match sets re.group.N; a failed match keeps the previous groups', () => {
  const s = compileVcl(BACKEND + `
sub vcl_recv {
  if (req.url ~ "^/(\\w+)/(\\d+)") { set req.http.G0 = re.group.0; set req.http.G1 = re.group.1; set req.http.G2 = re.group.2; }
  if (req.url ~ "^/nomatch/(x)") { set req.http.Bad = "1"; }
  set req.http.Still = re.group.1;
  set req.http.Unmatched = if(re.group.3, "set", "notset");
}`);
  const ctx = makeContext({ url: '/users/42/profile' });
  s.run('recv', ctx);
  assert.deepEqual(ctx.req.http.toJSON(), { g0: '/users/42', g1: 'users', g2: '42', still: 'users', unmatched: 'notset' });
});

test('!~ is true when the pattern does not match, and matching is case-sensitive unless (?i)', () => {
  const s = compileVcl(BACKEND + `
sub vcl_recv {
  set req.http.A = (req.url !~ "^/admin");
  set req.http.B = (req.url ~ "^/ADMIN");
  set req.http.C = (req.url ~ "(?i)^/ADMIN");
  set req.http.D = (req.http.Missing ~ "^$");
}`);
  const ctx = makeContext({ url: '/admin/x' });
  s.run('recv', ctx);
  assert.deepEqual(ctx.req.http.toJSON(), { a: '0', b: '0', c: '1', d: '1' });
});

test('a regex shared by successive requests gives each its own result', () => {
  const s = compileVcl(BACKEND + 'sub vcl_recv { if (req.url ~ "^/a") { set req.http.M = "1"; } if (req.url ~ "^/a") { set req.http.N = "1"; } }');
  for (const url of ['/a', '/b', '/a']) {
    const ctx = makeContext({ url });
    s.run('recv', ctx);
    assert.equal(ctx.req.http.get('n'), url === '/a' ? '1' : null);
  }
});
