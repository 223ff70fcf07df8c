import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { BACKEND, compileVcl, makeContext } from '../helpers/context.ts';
import { statusMatches } from '../../../src/vcl/runtime/strings.ts';

/** Evaluates `expr` in vcl_recv (as a STRING) with a few declarations around. */
function value(expr: string, url = '/'): string | null {
  const s = compileVcl(BACKEND + `
table redirects { "/old": "/new", "/a": "/b" }
sub vcl_recv { set req.http.Out = ${expr}; set req.http.T = table.contains(redirects, "x"); }`);
  const ctx = makeContext({ url, headers: { Cookie: 'a=1; b=2', 'Cache-Control': 'max-age=60, public' } });
  s.run('recv', ctx);
  return ctx.req.http.get('out');
}

const cases: [string, string | null, string?][] = [
  ['regsub("/a/b/c", "/[a-z]", "_")', '_/b/c'],
  ['regsub("/img/photo.JPG", "^/img/(.+)\\.(jpg|JPG)$", "/images/\\1.jpg")', '/images/photo.jpg'],
  ['regsub("abc", "x", "y")', 'abc'],
  ['regsub("abc", "b", "[\\0\\0]")', 'a[bb]c'],
  ['regsuball("/a/b/c", "/[a-z]", "_")', '___'],
  ['regsuball("a,b,,c", ",+", ";")', 'a;b;c'],
  ['regsuball("abc", "", "-")', '-a-b-c-'],
  ['std.tolower("MiXeD")', 'mixed'],
  ['std.toupper("MiXeD")', 'MIXED'],
  ['std.strlen("héllo")', '6'],
  ['std.atoi("  42abc")', '42'],
  ['std.atoi("-7")', '-7'],
  ['std.atoi("x1")', '0'],
  ['std.itoa(255)', '255'],
  ['std.itoa(255, 16)', 'ff'],
  ['std.prefixof("/api/v1", "/api")', '1'],
  ['std.prefixof("/web", "/api")', '0'],
  ['std.suffixof("a.css", ".css")', '1'],
  ['std.strstr("hello world", "o w")', 'o world'],
  ['std.strstr("hello", "z")', ''],
  ['std.replace("a-b-c", "-", "+")', 'a+b-c'],
  ['std.replaceall("a-b-c", "-", "+")', 'a+b+c'],
  ['querystring.get(req.url, "b")', '2', '/p?a=1&b=2&b=3'],
  ['querystring.get(req.url, "flag")', '', '/p?flag&x=1'],
  ['if(querystring.get(req.url, "zz"), "set", "notset")', 'notset', '/p?a=1'],
  ['querystring.set(req.url, "b", "x y")', '/p?a=1&b=x%20y', '/p?a=1&b=2&b=3'],
  ['querystring.set(req.url, "n", "1")', '/p?n=1', '/p'],
  ['querystring.remove(req.url)', '/p', '/p?a=1'],
  ['querystring.sort(req.url)', '/p?a=2&b=1&c=3', '/p?c=3&b=1&a=2'],
  ['subfield(req.http.Cache-Control, "max-age")', '60'],
  ['subfield(req.http.Cookie, "b", ";")', '2'],
  ['urlencode("a b/c?d=é")', 'a%20b%2Fc%3Fd%3D%C3%A9'],
  ['urldecode("a%20b%2Fc")', 'a b/c'],
  ['digest.hash_md5("abc")', createHash('md5').update('abc').digest('hex')],
  ['digest.hash_sha1("abc")', createHash('sha1').update('abc').digest('hex')],
  ['digest.hash_sha256("abc")', createHash('sha256').update('abc').digest('hex')],
  ['digest.base64("hello")', 'aGVsbG8='],
  ['digest.base64_decode("aGVsbG8=")', 'hello'],
  ['randombool(1, 1)', '1'],
  ['randombool(0, 1)', '0'],
  ['addr.is_ipv6(client.ip)', '0'],
  ['table.lookup(redirects, req.url)', '/new', '/old'],
  ['if(table.lookup(redirects, req.url), "found", "missing")', 'missing', '/zzz'],
  ['table.lookup(redirects, req.url, "/default")', '/default', '/zzz'],
  ['table.contains(redirects, "/a")', '1'],
  ['table.contains(redirects, "/z")', '0'],
];

for (const [expr, expected, url] of cases) {
  test(`${expr} → ${JSON.stringify(expected)}`, () => {
    assert.equal(value(expr, url), expected);
  });
}

test('http_status_matches (run here; the checker does not list it yet) matches a list, ! negates it', () => {
  assert.equal(statusMatches(404, '200,404'), true);
  assert.equal(statusMatches(404, '!200,404'), false);
  assert.equal(statusMatches(500, '!200,404'), true);
});

test('std.atoi clamps to the 64-bit range like strtoll (printed through a JS number, so 2^63 rounds)', () => {
  const s = compileVcl(BACKEND + `sub vcl_recv { set req.http.Big = std.atoi("${'9'.repeat(400)}"); set req.http.Small = std.atoi("-${'9'.repeat(400)}"); }`);
  const ctx = makeContext();
  s.run('recv', ctx);
  assert.deepEqual([ctx.req.http.get('big'), ctx.req.http.get('small')], ['9223372036854776000', '-9223372036854776000']);
});

test('std.itoa with a base outside 2–36 gives "" and sets fastly.error to EINVAL', () => {
  const s = compileVcl(BACKEND + 'sub vcl_recv { set req.http.Out = std.itoa(10, 1); set req.http.Err = fastly.error; }');
  const ctx = makeContext();
  s.run('recv', ctx);
  assert.deepEqual([ctx.req.http.get('out'), ctx.req.http.get('err')], ['', 'EINVAL']);
});

test('urldecode of a malformed escape gives "" and sets fastly.error to EINVAL', () => {
  const s = compileVcl(BACKEND + 'sub vcl_recv { set req.http.Out = urldecode("%E0%A4%A"); set req.http.Err = fastly.error; }');
  const ctx = makeContext();
  s.run('recv', ctx);
  assert.deepEqual([ctx.req.http.get('out'), ctx.req.http.get('err')], ['', 'EINVAL']);
});

test('a function called as a statement runs for its effect only', () => {
  const s = compileVcl(BACKEND + 'sub vcl_recv { std.tolower(req.url); }');
  const ctx = makeContext({ url: '/A' });
  assert.equal(s.run('recv', ctx), 'lookup');
  assert.equal(ctx.req.url, '/A');
});
