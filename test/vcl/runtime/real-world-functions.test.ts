// The functions real-world Fastly VCL calls that lacquer runs now, each row from its Fastly
// reference page (examples and rules): `expression → result`, evaluated in vcl_recv as a STRING
// (a BOOL prints 1/0); then the header-collection functions, run on a context's messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND, beresp, compileVcl, makeContext, MemoryHeaders, resp } from '../helpers/context.ts';

function value(expr: string, headers: Record<string, string> = {}, decls = ''): string | null {
  const s = compileVcl(BACKEND + decls + `sub vcl_recv { set req.http.Out = ${expr}; }`);
  const ctx = makeContext({ headers });
  s.run('recv', ctx);
  return ctx.req.http.get('out');
}

const cases: [string, string | null][] = [
  // ── strings ──
  ['std.replace_prefix("/api/v1/users", "/api/v1", "/v2")', '/v2/users'],
  ['std.replace_prefix("/home", "/api", "/v2")', '/home'],
  ['std.replace_suffix("index.html", ".html", ".htm")', 'index.htm'],
  ['std.strpad("abc", 10, "-=")', '-=-=-=-abc'],
  ['std.strpad("abc", -10, "-=")', 'abc-=-=-=-'],
  ['std.strpad("abcdef", 3, "-")', 'abcdef'],
  ['std.strrep("ab", 3)', 'ababab'],
  ['std.strrep("ab", 0)', ''],
  ['std.strrev("abc")', 'cba'],
  ['std.strtof("1.5e3", 10)', '1500.000'],
  ['std.strtof("ff", 16)', '255.000'],
  // ── escaping (json.escape's rules in order, cstr_escape's C escapes, XML's entities) ──
  ['json.escape({"say "hi"\\ now"})', 'say \\"hi\\"\\\\ now'],
  ['json.escape("tab" + {"	"} + "end")', 'tab\\tend'],
  ['json.escape("😁")', '\\uD83D\\uDE01'],
  ['json.escape("é")', 'é'],
  ['cstr_escape({"a"b\\c"})', 'a\\"b\\\\c'],
  ['cstr_escape("é")', '\\xc3\\xa9'],
  [`xml_escape({"<a href='x'>&</a>"})`, '&lt;a href=&apos;x&apos;&gt;&amp;&lt;/a&gt;'],
  // ── addresses ──
  ['std.ip("192.0.2.7", "0.0.0.0")', '192.0.2.7'],
  ['std.ip("not an address", "192.0.2.1")', '192.0.2.1'],
  ['std.str2ip("2001:db8::1", "::")', '2001:db8::1'],
  ['std.anystr2ip("0x7f000001", "0.0.0.0")', '127.0.0.1'],
  ['std.anystr2ip("127.1", "0.0.0.0")', '127.0.0.1'],
  ['std.anystr2ip("0177.0.0.1", "0.0.0.0")', '127.0.0.1'],
  ['std.anystr2ip("2130706433", "0.0.0.0")', '127.0.0.1'],
  ['std.ip2str(std.ip("192.0.2.7", "0.0.0.0"))', '192.0.2.7'],
  ['addr.is_ipv4(std.ip("192.0.2.7", "0.0.0.0"))', '1'],
  ['addr.is_ipv4(std.ip("2001:db8::1", "::"))', '0'],
  ['addr.extract_bits(std.ip("192.0.2.7", "0.0.0.0"), 0, 8)', '7'],
  ['addr.extract_bits(std.ip("192.0.2.7", "0.0.0.0"), 24, 8)', '192'],
  ['addr.extract_bits(std.ip("192.0.2.7", "0.0.0.0"), 28, 8)', '12'],
  ['addr.extract_bits(std.ip("2001:db8::ff07", "::"), 0, 12)', '3847'],
  ['addr.extract_bits(std.ip("2001:db8::1", "::"), 112, 16)', '8193'],
  // ── unicode ──
  ['utf8.codepoint_count("héllo😁")', '6'],
  ['utf8.is_valid("héllo")', '1'],
  ['utf8.substr("héllo😁", 1, 3)', 'éll'],
  ['utf8.substr("héllo😁", -2)', 'o😁'],
  ['utf8.strpad("é", 3, "·")', '··é'],
  // ── checksums (Fastly prints the CRC's bytes lowest first) ──
  ['digest.hash_crc32b("123456789")', '2639f4cb'],
  ['digest.hash_crc32("123456789")', '181989fc'],
  // ── binary ──
  ['bin.hex_to_base64("68656C6C6F")', 'aGVsbG8='],
  ['bin.base64_to_hex("aGVsbG8=")', '68656C6C6F'],
  // ── seeded randomness repeats for one seed ──
  ['if(randomint_seeded(1, 1000, 42) == randomint_seeded(1, 1000, 42), "same", "differs")', 'same'],
  ['randombool_seeded(1, 1, 7)', '1'],
  ['randombool_seeded(0, 1, 7)', '0'],
  ['uuid.is_version7("017f22e2-79b0-7cc3-98c4-dc0c0c07398f")', '1'],
  ['uuid.is_version7(uuid.version7())', '1'],
];

for (const [expr, expected] of cases) {
  test(`${expr} → ${String(expected)}`, () => {
    assert.equal(value(expr), expected);
  });
}

const TABLES = `table flags { "on": "true", "n": "42", "f": "1.5", "ip": "192.0.2.9", "ttl": "90s", "bad": "yes" }
table counts INTEGER { "a": 7 }
table origins BACKEND { "/api": F_origin }
`;
const tableCases: [string, string][] = [
  ['table.lookup_bool(flags, "on", false)', '1'],
  ['table.lookup_bool(flags, "bad", false)', '0'],
  ['table.lookup_bool(flags, "absent", true)', '1'],
  ['table.lookup_integer(flags, "n", 0)', '42'],
  ['table.lookup_integer(counts, "a", 0)', '7'],
  ['table.lookup_integer(counts, "b", -1)', '-1'],
  ['table.lookup_float(flags, "f", 0.0)', '1.500'],
  ['table.lookup_ip(flags, "ip", std.ip("0.0.0.0", "0.0.0.0"))', '192.0.2.9'],
  ['table.lookup_rtime(flags, "ttl", 1s)', '90.000'],
  ["table.lookup_backend(origins, \"/api\", F_origin)", "F_origin"],
];
for (const [expr, expected] of tableCases) {
  test(`${expr} → ${expected} (a dictionary's string items convert)`, () => {
    assert.equal(value(expr, {}, TABLES), expected);
  });
}

test('header.get, header.set and header.unset read and write a message by header name', () => {
  const s = compileVcl(`${BACKEND}sub vcl_recv {
  set req.http.Out = header.get(req, "X-" + "In");
  header.set(req, "X-Set", "v");
  header.unset(req, "X-Gone");
}`);
  const ctx = makeContext({ headers: { 'X-In': 'hello', 'X-Gone': '1' } });
  s.run('recv', ctx);
  assert.deepEqual([ctx.req.http.get('out'), ctx.req.http.get('x-set'), ctx.req.http.get('x-gone')], ['hello', 'v', null]);
});

test('header.filter removes the listed headers; header.filter_except keeps only those and the protected ones', () => {
  const s = compileVcl(`${BACKEND}sub vcl_deliver {
  header.filter(resp, "Server", "X-Powered-By");
}
sub vcl_recv {
  header.filter_except(req, "Accept", "user-agent");
}`);
  const ctx = makeContext({ headers: { Host: 'a.example', Accept: '*/*', 'User-Agent': 'ua', Cookie: 'a=1', 'X-Debug': '1' } });
  s.run('recv', ctx);
  assert.deepEqual((ctx.req.http as MemoryHeaders).names().sort(), ['accept', 'host', 'user-agent']);
  const r = resp(ctx, 200, { Server: 'nginx', 'X-Powered-By': 'php', 'Content-Type': 'text/html' });
  s.run('deliver', ctx);
  assert.deepEqual((r.http as MemoryHeaders).names(), ['content-type']);
});

test('std.collect joins a header\'s lines with the separator and a space; std.count counts header lines', () => {
  const s = compileVcl(`${BACKEND}sub vcl_recv {
  set req.http.Lines = std.count(req.http.Cookie);
  std.collect(req.http.Cookie, ";");
  set req.http.Count = std.count(req.headers);
}`);
  const ctx = makeContext({ headers: { Host: 'a.example' } });
  ctx.req.http.add('Cookie', 'name1=value1');
  ctx.req.http.add('Cookie', 'name2=value2');
  s.run('recv', ctx);
  assert.deepEqual([ctx.req.http.get('lines'), ctx.req.http.get('cookie'), ctx.req.http.get('count')], ['2', 'name1=value1; name2=value2', '3']);
});

test('setcookie.get_value_by_name reads the last Set-Cookie line of a name; delete_by_name removes every one', () => {
  const s = compileVcl(`${BACKEND}sub vcl_deliver {
  set resp.http.X-One = setcookie.get_value_by_name(resp, "one");
  set resp.http.X-Two = setcookie.get_value_by_name(resp, "two");
  set resp.http.X-None = if(setcookie.get_value_by_name(resp, "none"), "set", "not set");
  set resp.http.X-Deleted = setcookie.delete_by_name(resp, "one");
  set resp.http.X-Again = setcookie.delete_by_name(resp, "one");
}`);
  const ctx = makeContext();
  const r = resp(ctx);
  for (const line of ['one=a; httponly; secure', 'two=b or not to b; httponly', 'one=c; Expires=Wed, 21 Oct 2015 07:28:00 GMT']) r.http.add('Set-Cookie', line);
  s.run('deliver', ctx);
  const h = r.http as MemoryHeaders;
  assert.deepEqual(['x-one', 'x-two', 'x-none', 'x-deleted', 'x-again'].map((n) => h.get(n)), ['c', 'b or not to b', 'not set', '1', '0']);
  assert.deepEqual(h.lines('set-cookie'), ['two=b or not to b; httponly']);
});

test('std.ip with neither address valid sets fastly.error to EINVAL', () => {
  const s = compileVcl(`${BACKEND}sub vcl_recv { set req.http.Out = std.ip("nope", "also nope"); set req.http.Err = fastly.error; }`);
  const ctx = makeContext();
  s.run('recv', ctx);
  assert.equal(ctx.req.http.get('err'), 'EINVAL');
});

test('beresp.do_stream reads false until vcl_fetch sets it, then what it set', () => {
  const s = compileVcl(`${BACKEND}sub vcl_fetch { set beresp.http.Before = beresp.do_stream; set beresp.do_stream = true; set beresp.http.After = beresp.do_stream; }`);
  const ctx = makeContext();
  const b = beresp(ctx);
  s.run('fetch', ctx);
  assert.deepEqual([b.http.get('before'), b.http.get('after')], ['0', '1']);
});
