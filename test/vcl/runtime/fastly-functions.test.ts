// Fastly's documented examples for the date and time, cryptographic, query-string, UUID,
// content-negotiation and string functions lacquer runs: each row is `expression → result`,
// evaluated in vcl_recv as a STRING (so a TIME prints as an RFC 1123 date, a BOOL as 1/0).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { BACKEND, compileVcl, makeContext } from '../helpers/context.ts';

function value(expr: string, url = '/', headers: Record<string, string> = {}): string | null {
  const s = compileVcl(BACKEND + `sub vcl_recv { set req.http.Out = ${expr}; }`);
  const ctx = makeContext({ url, headers });
  s.run('recv', ctx);
  return ctx.req.http.get('out');
}

const FOX = '"The quick brown fox jumps over the lazy dog"';
const cases: [string, string | null, string?][] = [
  // ── date and time ──
  ['strftime({"%Y-%m-%d %H:%M:%S"}, std.integer2time(1700000000))', '2023-11-14 22:13:20'],
  ['strftime({"%a, %d %b %Y %T %Z"}, std.integer2time(0))', 'Thu, 01 Jan 1970 00:00:00 GMT'],
  ['strftime({"%s|%j|%u|%e|%%|%Q"}, std.integer2time(86400))', '86400|002|5| 2|%|%Q'],
  ['strftime({"%Y%m%dT%H%M%SZ"}, std.integer2time(1329264000))', '20120215T000000Z'],
  ['std.integer2time(1700000000)', 'Tue, 14 Nov 2023 22:13:20 GMT'],
  ['time.add(std.integer2time(0), 1d)', 'Fri, 02 Jan 1970 00:00:00 GMT'],
  ['time.sub(std.integer2time(86400), 12h)', 'Thu, 01 Jan 1970 12:00:00 GMT'],
  // A TIME where the RTIME offset goes: Fastly converts it, keeping the count of seconds.
  ['time.add(std.integer2time(0), std.integer2time(60))', 'Thu, 01 Jan 1970 00:01:00 GMT'],
  ['time.is_after(std.integer2time(2), std.integer2time(1))', '1'],
  ['time.is_after(std.integer2time(1), std.integer2time(1))', '0'],
  ['std.time("Sun, 06 Nov 1994 08:49:37 GMT", std.integer2time(0))', 'Sun, 06 Nov 1994 08:49:37 GMT'],
  ['std.time("Sunday, 06-Nov-94 08:49:37 GMT", std.integer2time(0))', 'Sun, 06 Nov 1994 08:49:37 GMT'],
  ['std.time("Sun Nov  6 08:49:37 1994", std.integer2time(0))', 'Sun, 06 Nov 1994 08:49:37 GMT'],
  ['std.time("1994-11-06T08:49:37Z", std.integer2time(0))', 'Sun, 06 Nov 1994 08:49:37 GMT'],
  ['std.time("784111777", std.integer2time(0))', 'Sun, 06 Nov 1994 08:49:37 GMT'],
  ['std.time("yesterday", std.integer2time(1))', 'Thu, 01 Jan 1970 00:00:01 GMT'],
  ['time.hex_to_time(1, "5f5e1000")', 'Sun, 13 Sep 2020 12:26:40 GMT'],
  ['time.interval_elapsed_ratio(std.integer2time(15), std.integer2time(10), std.integer2time(30))', '0.250'],
  ['parse_time_delta("1d2h3m4s")', '93784'],
  ['parse_time_delta("soon")', '-1'],
  // ── cryptographic (RFC 2104 test vector for "key"; Fastly prints hex MACs with 0x) ──
  [`digest.hmac_md5("key", ${FOX})`, '0x80070713463e7749b90c2dc24911e275'],
  [`digest.hmac_sha1("key", ${FOX})`, '0xde7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9'],
  [`digest.hmac_sha256("key", ${FOX})`, '0xf7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8'],
  [`digest.hmac_sha256_base64("key", ${FOX})`, '97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg='],
  [`digest.hmac_sha1_base64("key", ${FOX})`, '3nybhbi3iqa8ino29wqQcBydtNk='],
  ['digest.hash_sha256("123456789")', '15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225'],
  ['digest.hash_sha512("")', 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e'],
  ['digest.base64url("??>")', 'Pz8-'],
  ['digest.base64url("a")', 'YQ=='],
  ['digest.base64url_nopad("a")', 'YQ'],
  ['digest.base64url_nopad_decode("Pz8-")', '??>'],
  ['digest.secure_is_equal("abc", "abc")', '1'],
  ['digest.secure_is_equal("abc", "abd")', '0'],
  ['digest.secure_is_equal("abc", "abcd")', '0'],
  // ── query string ──
  ['querystring.regfilter(req.url, "^utm_")', '/p?id=1&x=2', '/p?utm_source=a&id=1&utm_medium=b&x=2'],
  ['querystring.regfilter_except(req.url, "^utm_")', '/p?utm_source=a&utm_medium=b', '/p?utm_source=a&id=1&utm_medium=b&x=2'],
  ['querystring.regfilter(req.url, "^utm_")', '/p', '/p?utm_source=a'],
  ['querystring.globfilter(req.url, "utm_*")', '/p?id=1', '/p?utm_source=a&id=1&utm_medium=b'],
  ['querystring.globfilter_except(req.url, "[iu]?")', '/p?id=1', '/p?utm_source=a&id=1&utm_medium=b'],
  ['querystring.filter(req.url, "a" + querystring.filtersep() + "c")', '/p?b=2', '/p?a=1&b=2&c=3'],
  ['querystring.filter_except(req.url, "a" + querystring.filtersep() + "c")', '/p?a=1&c=3', '/p?a=1&b=2&c=3'],
  ['querystring.clean(req.url)', '/p?a=1&b=2', '/p?a=1&&b=2&=x&'],
  ['querystring.clean(req.url)', '/p', '/p?'],
  ['querystring.add(req.url, "q", "a b")', '/p?a=1&a=2&q=a%20b', '/p?a=1&a=2'],
  ['boltsort.sort(req.url)', '/p?a=1&b=2&c=3', '/p?c=3&a=1&b=2'],
  // ── UUID (RFC 4122 appendix values for the DNS namespace) ──
  ['uuid.version5(uuid.dns(), "www.example.com")', '2ed6657d-e927-568b-95e1-2665a8aea6a2'],
  ['uuid.version3(uuid.dns(), "www.example.com")', '5df41881-3aed-3515-88a7-2f4a814cf09e'],
  ['uuid.is_valid("2ed6657d-e927-568b-95e1-2665a8aea6a2")', '1'],
  ['uuid.is_version5("2ed6657d-e927-568b-95e1-2665a8aea6a2")', '1'],
  ['uuid.is_version4("2ed6657d-e927-568b-95e1-2665a8aea6a2")', '0'],
  ['uuid.is_valid("not-a-uuid")', '0'],
  ['uuid.is_version4(uuid.version4())', '1'],
  // ── content negotiation ──
  ['accept.language_lookup("en:de:fr:nl", "nl", req.http.Accept-Language)', 'de'],
  ['accept.language_lookup("en:de", "en", "ja, *;q=0")', 'en'],
  ['accept.language_lookup("en-GB:fr", "fr", "en-gb")', 'en-GB'],
  ['accept.encoding_lookup("br:gzip", "identity", "gzip;q=0.8, br")', 'br'],
  ['accept.charset_lookup("utf-8:iso-8859-1", "utf-8", "iso-8859-1")', 'iso-8859-1'],
  // ── strings ──
  ['std.strtol("0xff", 16)', '255'],
  ['std.strtol("0x1A", 0)', '26'],
  ['std.strtol("-17", 10)', '-17'],
  ['std.strtol("755", 8)', '493'],
  ['std.strtol("12abc", 10)', '12'],
  ['std.strcasecmp("HeLLo", "hello")', '1'],
  ['substr("abcdefg", 2, 3)', 'cde'],
  ['substr("abcdefg", -3)', 'efg'],
  ['substr("abcdefg", 1, -2)', 'bcde'],
  ['std.basename("/a/b/c.txt")', 'c.txt'],
  ['std.dirname("/a/b/c.txt")', '/a/b'],
  ['std.dirname("c.txt")', '.'],
  ['std.atof("2.5e1xyz")', '25.000'],
  // ── math (Fastly's "Rounding modes" table for 2.5 and -2.5) ──
  ['math.round(2.5)', '3.000'],
  ['math.round(-2.5)', '-3.000'],
  ['math.roundeven(2.5)', '2.000'],
  ['math.roundeven(3.5)', '4.000'],
  ['math.roundhalfup(-2.5)', '-2.000'],
  ['math.roundhalfdown(2.5)', '2.000'],
  ['math.floor(-1.5)', '-2.000'],
  ['math.sqrt(16.0)', '4.000'],
  ['math.log10(1000.0)', '3.000'],
  ['math.exp2(10.0)', '1024.000'],
  ['math.is_nan(math.NAN)', '1'],
  ['math.is_finite(math.POS_INFINITY)', '0'],
  ['math.is_normal(0.0)', '0'],
  ['math.PI', '3.142'],
  ['math.FLOAT_DIG', '15'],
];

for (const [expr, expected, url] of cases) {
  test(`${expr} → ${JSON.stringify(expected)}`, () => {
    assert.equal(value(expr, url, { 'Accept-Language': 'de-DE, en;q=0.5' }), expected);
  });
}

test('digest.awsv4_hmac derives the signing key as AWS documents (kSigning for its example) and signs the string', () => {
  const mac = (k: Buffer | string, d: string): Buffer => createHmac('sha256', k).update(d).digest();
  const signing = mac(mac(mac(mac('AWS4wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20120215'), 'us-east-1'), 'iam'), 'aws4_request');
  // AWS's published kSigning for this key, date, region and service ("Examples of how to derive a signing key").
  assert.equal(signing.toString('hex'), 'f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d');
  assert.equal(value('digest.awsv4_hmac("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam", "hello")'),
    createHmac('sha256', signing).update('hello').digest('hex'));
});

test('randomstr draws len characters from the set given, or from base64\'s 64 by default', () => {
  assert.match(value('randomstr(16, "ab")') ?? '', /^[ab]{16}$/);
  assert.match(value('randomstr(40)') ?? '', /^[A-Za-z0-9+/]{40}$/);
  assert.equal(value('randomstr(0)'), '');
});

test('randomint stays within its bounds, both included', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) seen.add(value('randomint(1, 3)') ?? '');
  assert.deepEqual([...seen].sort(), ['1', '2', '3']);
});

test('std.strtol sets fastly.error for text without digits and for a base outside 2..36', () => {
  const s = compileVcl(BACKEND + 'sub vcl_recv { set req.http.A = std.strtol("zz", 10); set req.http.E = fastly.error; unset fastly.error; set req.http.B = std.strtol("1", 99); set req.http.F = fastly.error; }');
  const ctx = makeContext();
  s.run('recv', ctx);
  assert.deepEqual([ctx.req.http.get('a'), ctx.req.http.get('e'), ctx.req.http.get('b'), ctx.req.http.get('f')], ['0', 'EINVAL', '0', 'EINVAL']);
});

test('h3.alt_svc() is accepted and advertises nothing: lacquer serves no HTTP/3', () => {
  const s = compileVcl(BACKEND + 'sub vcl_recv { h3.alt_svc(); set req.http.X = "ok"; }');
  const ctx = makeContext();
  s.run('recv', ctx);
  assert.equal(ctx.req.http.get('x'), 'ok');
  assert.equal(ctx.req.http.get('alt-svc'), null);
});
