import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { checkText, expectDiagnostic, OK_BACKEND as B, short } from './check-golden.ts';
import { check, checkProgram, summarize } from '../../src/vcl/check/check.ts';
import { parse } from '../../src/vcl/syntax/parser.ts';
import { parseWithIncludesFromMap } from '../../src/vcl/syntax/include.ts';
import { checkCatalogue } from '../../src/vcl/check/catalogue.ts';

// One row per case: the code it is about, the input, every diagnostic expected.
const CASES: readonly (readonly [string, string, readonly string[]])[] = [
  ['backend/invalid-name', 'backend F-a { .dynamic = true; .share_key = "k"; .host = "a"; }', [
    '1:9 error backend/invalid-name backend name F-a must start with a letter or "_" and contain only letters, digits and "_"',
  ]],
  ['backend/duplicate', 'backend F_a { .dynamic = true; .share_key = "k"; .host = "a"; }\nbackend F_a { .dynamic = true; .share_key = "k"; .host = "b"; }', [
    '2:9 error backend/duplicate F_a is already declared as a backend at input.vcl:1',
  ]],
  ['backend/unknown-property', 'backend F_a { .dynamic = true; .share_key = "k"; .host = "a"; .hots = "b"; }', [
    '1:63 error backend/unknown-property unknown backend property .hots',
  ]],
  ['backend/shield', 'backend F_a { .dynamic = true; .share_key = "k"; .host = "a"; .shield = "b"; }', [
    '1:63 error backend/shield .shield: only API backends can be shielded; set the backend\'s shield field through the API (a VCL backend is always fetched from where it is)',
  ]],
  ['backend/wrong-type', 'backend F_a { .dynamic = true; .share_key = "k"; .host = "a"; .port = 443; }', [
    '1:71 error backend/wrong-type .port must be a STRING ("…"), found an INTEGER',
  ]],
  ['backend/wrong-type', 'backend F_a { .dynamic = true; .share_key = "k"; .host = "a"; .connect_timeout = 1000; .max_connections = "10"; .ssl = 1; .ssl_check_cert = sometimes; }', [
    '1:82 error backend/wrong-type .connect_timeout must be an RTIME (e.g. 10s), found an INTEGER',
    '1:107 error backend/wrong-type .max_connections must be an INTEGER, found a STRING',
    '1:120 error backend/wrong-type .ssl must be true or false, found an INTEGER',
    '1:141 error backend/wrong-type .ssl_check_cert must be always or never, found sometimes',
  ]],
  ['backend/duplicate-property', 'backend F_a { .dynamic = true; .share_key = "k"; .host = "a"; .host = "b"; }', [
    '1:63 error backend/duplicate-property .host is given twice (first at line 1)',
  ]],
  ['backend/object-value', 'backend F_a { .dynamic = true; .share_key = "k"; .host = "a"; .host_header = { .x = 1; }; }', [
    '1:78 error backend/object-value .host_header cannot take an object { … }: only .probe can',
  ]],
  ['backend/missing-host', 'backend F_a { .dynamic = true; .share_key = "k"; .port = "80"; }', [
    '1:9 error backend/missing-host backend F_a has no .host',
  ]],
  ['backend/not-dynamic', 'backend F_a { .share_key = "k"; .host = "a"; }', [
    '1:9 error backend/not-dynamic backend F_a must set .dynamic = true: Fastly requires it of backends declared in VCL',
  ]],
  ['backend/not-dynamic', 'backend F_a { .dynamic = false; .share_key = "k"; .host = "a"; }', [
    '1:26 error backend/not-dynamic backend F_a must set .dynamic = true: Fastly requires it of backends declared in VCL',
  ]],
  ['backend/missing-share-key', 'backend F_a { .dynamic = true; .host = "a"; }', [
    '1:9 error backend/missing-share-key backend F_a must set .share_key: Fastly requires it of backends declared in VCL',
  ]],
  ['backend/invalid-share-key', 'backend F_a { .dynamic = true; .share_key = "my-service"; .host = "a"; }', [
    '1:45 error backend/invalid-share-key .share_key "my-service" may contain only letters, digits and "_"',
  ]],
  ['probe/unknown-property', 'backend F_a { .dynamic = true; .share_key = "k"; .host = "a"; .probe = { .url = "/"; .intervall = 5s; }; }', [
    '1:86 error probe/unknown-property unknown probe property .intervall',
  ]],
  ['probe/wrong-type', 'backend F_a { .dynamic = true; .share_key = "k"; .host = "a"; .probe = { .url = "/"; .timeout = 2; }; }', [
    '1:97 error probe/wrong-type .timeout must be an RTIME (e.g. 10s), found an INTEGER',
  ]],
  ['probe/duplicate-property', 'backend F_a { .dynamic = true; .share_key = "k"; .host = "a"; .probe = { .url = "/"; .url = "/x"; }; }', [
    '1:86 error probe/duplicate-property .url is given twice (first at line 1)',
  ]],
  ['probe/window-range', 'backend F_a { .dynamic = true; .share_key = "k"; .host = "a"; .probe = { .window = 65; }; }', [
    '1:84 error probe/window-range .window must be between 1 and 64, found 65',
  ]],
  ['probe/threshold-exceeds-window', 'backend F_a { .dynamic = true; .share_key = "k"; .host = "a"; .probe = { .window = 4; .threshold = 5; }; }', [
    '1:100 error probe/threshold-exceeds-window .threshold (5) must not exceed .window (4)',
  ]],
  ['probe/threshold-exceeds-window', 'backend F_a { .dynamic = true; .share_key = "k"; .host = "a"; .probe = { .window = 2; }; }', [
    '1:84 error probe/threshold-exceeds-window .threshold (3) must not exceed .window (2)',
  ]],
  ['probe/initial-exceeds-window', 'backend F_a { .dynamic = true; .share_key = "k"; .host = "a"; .probe = { .window = 5; .threshold = 3; .initial = 6; }; }', [
    '1:114 error probe/initial-exceeds-window .initial (6) must not exceed .window (5)',
  ]],
  ['probe/starts-sick', 'backend F_a { .dynamic = true; .share_key = "k"; .host = "a"; .probe = { .window = 5; .threshold = 3; .initial = 1; }; }', [
    '1:114 warning probe/starts-sick .initial (1) is below .threshold - 1 (3 - 1): the backend starts sick and needs 2 good probes before it is healthy',
  ]],
  ['probe/expected-response-range', 'backend F_a { .dynamic = true; .share_key = "k"; .host = "a"; .probe = { .expected_response = 1000; }; }', [
    '1:95 error probe/expected-response-range .expected_response must be a three-digit status between 100 and 999, found 1000',
  ]],
  ['probe/url-and-request', 'backend F_a { .dynamic = true; .share_key = "k"; .host = "a"; .probe = { .url = "/"; .request = "GET / HTTP/1.1"; }; }', [
    '1:86 error probe/url-and-request give .url or .request, not both: .request is the whole probe request',
  ]],
  ['probe/request-line-break', 'backend F_a { .dynamic = true; .share_key = "k"; .host = "a"; .probe = { .request = "GET / HTTP/1.1%0D%0AHost: a"; }; }', [
    '1:85 error probe/request-line-break .request lines must not contain CR or LF: write each line as its own string',
  ]],
  ['backend/wrong-type', 'backend F_a { .dynamic = true; .share_key = "k"; .host = "a"; .probe = 5; }', [
    '1:72 error backend/wrong-type .probe must be an object { … }, found an INTEGER',
  ]],
  ['director/unknown-type', `${B}director d roundrobin { { .backend = F_a; } }\nsub vcl_recv { set req.backend = d; }`, [
    '2:12 error director/unknown-type unknown director type roundrobin: expected random, fallback, hash, client or chash',
  ]],
  ['director/duplicate', `${B}director F_a random { { .backend = F_a; .weight = 1; } }`, [
    '2:10 error director/duplicate F_a is already declared as a backend at input.vcl:1',
  ]],
  ['director/unknown-property', `${B}director d fallback { .quorum = 50%; { .backend = F_a; } }\nsub vcl_recv { set req.backend = d; }`, [
    '2:23 error director/unknown-property a fallback director has no property .quorum (allowed: none)',
  ]],
  ['director/unknown-member-property', `${B}director d fallback { { .backend = F_a; .weight = 1; } }\nsub vcl_recv { set req.backend = d; }`, [
    '2:41 error director/unknown-member-property a fallback director member has no property .weight (allowed: .backend)',
  ]],
  ['director/wrong-type', `${B}director d random { .retries = "3"; { .backend = F_a; .weight = 1s; } }\nsub vcl_recv { set req.backend = d; }`, [
    '2:32 error director/wrong-type .retries must be an INTEGER, found a STRING',
    '2:65 error director/wrong-type .weight must be an INTEGER, found an RTIME',
  ]],
  ['director/duplicate-property', `${B}director d random { .retries = 1; .retries = 2; { .backend = F_a; .weight = 1; } }\nsub vcl_recv { set req.backend = d; }`, [
    '2:35 error director/duplicate-property .retries is given twice (first at line 2)',
  ]],
  ['director/missing-member-property', `${B}director d chash { { .backend = F_a; } }\nsub vcl_recv { set req.backend = d; }`, [
    '2:20 error director/missing-member-property a chash director member must set .id',
  ]],
  ['director/unknown-backend', `${B}director d random { { .backend = F_b; .weight = 1; } }\nsub vcl_recv { set req.backend = d; }`, [
    '2:34 error director/unknown-backend F_b is not a declared backend',
  ]],
  ['director/quorum-range', `${B}director d hash { .quorum = 101%; { .backend = F_a; .weight = 1; } }\nsub vcl_recv { set req.backend = d; }`, [
    '2:29 error director/quorum-range .quorum must be between 0% and 100%, found 101%',
  ]],
  ['director/no-members', `${B}director d random { }\nsub vcl_recv { set req.backend = d; }`, [
    '2:10 error director/no-members director d has no backends: add at least one { .backend = …; }',
  ]],
  ['ref/unknown-backend', `${B}sub vcl_recv { set req.backend = F_b; }`, [
    '2:34 error ref/unknown-backend F_b is not a declared backend or director',
  ]],
  ['ref/unknown-acl', `${B}acl office { "10.0.0.0"/8; }\nsub vcl_recv { if (client.ip ~ ofice) { error 403; } }`, [
    '2:5 warning ref/unused acl office is declared but never used',
    '3:32 error ref/unknown-acl ofice is not a declared ACL',
  ]],
  ['ref/unknown-table', `${B}sub vcl_recv { set req.http.X = table.lookup(redirects, req.url); }`, [
    '2:46 error ref/unknown-table redirects is not a declared table',
  ]],
  ['ref/unknown-sub', `${B}sub vcl_recv { call normalise; }`, [
    '2:21 error ref/unknown-sub no subroutine normalise is declared',
  ]],
  ['ref/duplicate', `${B}acl office { "10.0.0.0"/8; }\nacl office { "10.1.0.0"/16; }\nsub vcl_recv { if (client.ip ~ office) { error 403; } }`, [
    '3:5 error ref/duplicate acl office is already declared at input.vcl:2',
  ]],
  ['ref/unused', `${B}backend F_b { .dynamic = true; .share_key = "k"; .host = "b"; }`, [
    '2:9 warning ref/unused backend F_b is declared but never used',
  ]],
  ['sub/action-not-allowed', `${B}sub vcl_recv { return(deliver); }`, [
    '2:23 error sub/action-not-allowed deliver is not allowed in vcl_recv: allowed are lookup, pass, error, restart',
  ]],
  ['sub/unknown-action', `${B}sub vcl_recv { return(lookpu); }`, [
    '2:23 error sub/unknown-action unknown return action lookpu: expected one of lookup, pass, error, restart',
  ]],
  ['sub/reserved-name', `${B}sub vcl_init { }`, [
    '2:5 error sub/reserved-name vcl_init is not a Fastly subroutine: names starting with vcl_ are reserved for vcl_recv, vcl_hash, vcl_hit, vcl_miss, vcl_pass, vcl_fetch, vcl_error, vcl_deliver, vcl_log and vcl_pipe',
  ]],
  ['sub/recursion', `${B}sub a { call b; }\nsub b { call a; }\nsub vcl_recv { call a; }`, [
    '3:14 error sub/recursion recursive call: a → b → a (Fastly does not allow recursion)',
  ]],
  ['var/unknown', `${B}sub vcl_recv { set req.http.X = req.xforwarded; }`, [
    '2:33 error var/unknown req.xforwarded: Fastly has no variable of that name',
  ]],
  ['lacquer/unsupported', `${B}sub vcl_recv { set req.http.Country = quic.rtt.latest; }`, [
    '2:39 error lacquer/unsupported the variable quic.rtt.latest is not supported by lacquer',
  ]],
  ['ref/unknown-ratecounter', `${B}penaltybox pb { }\nsub vcl_recv { if (ratelimit.check_rate(client.ip, rc, 1, 10, 100, pb, 2m)) { error 429; } }`, [
    '3:52 error ref/unknown-ratecounter rc is not a declared ratecounter: add ratecounter rc { }',
  ]],
  ['ref/unknown-penaltybox', `${B}sub vcl_recv { if (ratelimit.penaltybox_has(pb, client.ip)) { error 429; } }`, [
    '2:45 error ref/unknown-penaltybox pb is not a declared penaltybox: add penaltybox pb { }',
  ]],
  ['lacquer/unsupported', `${B}sub vcl_recv { return(upgrade); }`, [
    '2:23 error lacquer/unsupported return(upgrade) in vcl_recv is not supported by lacquer',
  ]],
  ['var/not-readable', `${B}sub vcl_recv { if (beresp.status == 500) { return(pass); } }`, [
    '2:20 error var/not-readable beresp.status cannot be read in vcl_recv',
  ]],
  ['var/not-settable', `${B}sub vcl_recv { set beresp.ttl = 1h; }`, [
    '2:20 error var/not-settable beresp.ttl cannot be set in vcl_recv',
  ]],
  ['var/read-only', `${B}sub vcl_recv { set req.restarts = 1; }`, [
    '2:20 error var/read-only req.restarts is read-only',
  ]],
  ['var/not-unsettable', `${B}sub vcl_recv { unset req.url; }`, [
    '2:22 error var/not-unsettable req.url cannot be unset',
  ]],
  ['var/type-mismatch', `${B}sub vcl_fetch { set beresp.ttl = "1h"; }`, [
    '2:34 error var/type-mismatch cannot assign STRING to beresp.ttl, which is RTIME',
  ]],
  ['var/local-name', `${B}sub vcl_recv { declare local ttl RTIME; }`, [
    '2:30 error var/local-name local variable ttl must be named var.<name>',
  ]],
  ['var/local-type', `${B}sub vcl_recv { declare local var.ttl DURATION; }`, [
    '2:38 error var/local-type unknown type DURATION for var.ttl: expected STRING, INTEGER, FLOAT, BOOL, TIME, RTIME, IP or BACKEND',
  ]],
  ['var/undeclared-local', `${B}sub vcl_recv { set var.ttl = 1s; }`, [
    '2:20 error var/undeclared-local var.ttl is not declared in this subroutine: add declare local var.ttl TYPE;',
  ]],
  ['var/duplicate-local', `${B}sub vcl_recv { declare local var.n INTEGER; declare local var.n STRING; }`, [
    '2:59 error var/duplicate-local var.n is already declared in this subroutine',
  ]],
  ['fn/unknown', `${B}sub vcl_recv { set req.url = std.lowercase(req.url); }`, [
    '2:30 error fn/unknown std.lowercase(): Fastly has no function of that name',
  ]],
  ['lacquer/unsupported', `${B}sub vcl_recv { set req.url = digest.hash_xxh32(req.url); }`, [
    '2:30 error lacquer/unsupported the function digest.hash_xxh32() is not supported by lacquer',
  ]],
  ['fn/arity', `${B}sub vcl_recv { set req.url = regsub(req.url, "^/x"); }`, [
    '2:30 error fn/arity regsub() takes 3 argument(s), found 2',
  ]],
  ['fn/argument-type', `${B}sub vcl_recv { set req.http.X = std.itoa("12"); }`, [
    '2:42 error fn/argument-type argument 1 of std.itoa() must be INTEGER, found STRING',
  ]],
  ['var/add-target', `${B}sub vcl_recv { add req.url = "/x"; add req.http.Cookie:id = "1"; }`, [
    '2:20 error var/add-target add appends a header line: req.url is not a whole header (SCOPE.http.NAME)',
    '2:40 error var/add-target add appends a header line: req.http.Cookie:id is not a whole header (SCOPE.http.NAME)',
  ]],
  ['expr/operator', `${B}sub vcl_recv { if (req.url > 5) { return(pass); } set req.http.X = -req.url; }`, [
    '2:20 error expr/operator > does not apply to STRING',
    '2:68 error expr/operator - does not apply to STRING',
  ]],
  ['expr/operator', `${B}sub vcl_recv { declare local var.ip IP; set var.ip += "1"; }`, [
    '2:41 error expr/operator += does not apply to IP',
  ]],
  ['expr/percent', `${B}sub vcl_recv { set req.http.X = 50%; }`, [
    '2:33 error expr/percent a percentage is only a director\'s .quorum; here it has no meaning',
  ]],
  ['expr/regex-literal', `${B}sub vcl_recv { if (req.url ~ req.http.Pattern) { return(pass); } }`, [
    '2:30 error expr/regex-literal a regular expression must be a string literal ("…"): VCL compiles it once, before any request',
  ]],
  ['expr/regex', `${B}sub vcl_recv { set req.url = regsub(req.url, "(?>a+)b", ""); }`, [
    '2:46 error expr/regex regular expression "(?>a+)b" cannot run: atomic groups (?>…) are not supported',
  ]],
  ['fn/not-available', `${B}sub vcl_log { h2.push("/style.css"); }`, [
    '2:15 error fn/not-available h2.push() cannot be called in vcl_log',
    '2:15 error lacquer/unsupported the function h2.push() is not supported by lacquer',
  ]],
  ['table/type', `${B}table t DURATION { "a": 1s }\nsub vcl_recv { set req.http.X = table.lookup(t, "a"); }`, [
    '2:9 error table/type unknown type DURATION for table t: expected STRING, BOOL, INTEGER, FLOAT, IP, RTIME or BACKEND',
  ]],
  ['table/entry-type', `${B}table t INTEGER { "a": "one" }\nsub vcl_recv { set req.http.X = table.lookup(t, "a"); }`, [
    '2:24 error table/entry-type entry "a" of table t must be INTEGER, found STRING',
  ]],
  ['acl/invalid-entry', `${B}acl office { "10.0.0.300"; "10.0.0.0"/40; }\nsub vcl_recv { if (client.ip ~ office) { return(pass); } }`, [
    '2:14 error acl/invalid-entry "10.0.0.300" is not an IP address',
    '2:28 error acl/invalid-entry prefix length /40 is out of range for 10.0.0.0',
  ]],
  ['sub/return-type', `${B}sub is_bot BOOLEAN { return true; }\nsub vcl_recv { if (is_bot()) { return(pass); } }`, [
    '2:12 error sub/return-type unknown return type BOOLEAN for is_bot: expected STRING, INTEGER, FLOAT, BOOL, TIME, RTIME, IP or BACKEND',
  ]],
  ['sub/unknown-label', `${B}sub vcl_recv {\n  done:\n  goto done;\n  goto nowhere;\n}`, [
    '4:8 error sub/unknown-label goto done: no label done: follows in this subroutine (goto jumps forward only)',
    '5:8 error sub/unknown-label goto nowhere: no label nowhere: follows in this subroutine (goto jumps forward only)',
  ]],
  ['var/not-settable', `${B}sub set_ttl { set beresp.ttl = 1m; }\nsub vcl_fetch { call set_ttl; }\nsub vcl_deliver { call set_ttl; }`, [
    '2:19 error var/not-settable beresp.ttl cannot be set in vcl_deliver (through set_ttl)',
  ]],];

for (const [code, input, expected] of CASES) {
  test(`${code}: ${input.replace(/\s+/g, ' ').slice(0, 90)}`, () => {
    expectDiagnostic(input, ...expected);
  });
}

test('the table covers every checker code', () => {
  // ref/external is fragment mode's, covered by check-fragment.test.ts.
  const covered = new Set([...CASES.map(([code]) => code), 'ref/external']);
  assert.deepEqual(Object.keys(checkCatalogue).filter((c) => !covered.has(c)), []);
});

test('Fastly\'s documented backend declaration checks with no error and no warning', () => {
  const text = readFileSync(new URL('../fixtures/vcl/fastly-backend-example.vcl', import.meta.url), 'utf8');
  assert.deepEqual(checkText(text).map(short), []);
});

test('a custom subroutine is held to the permissions of every vcl_ subroutine that calls it', () => {
  const input = `${B}sub headers { set resp.http.X = "1"; set bereq.http.Y = "2"; }\nsub vcl_deliver { call headers; }\nsub vcl_miss { call headers; }`;
  expectDiagnostic(input,
    '2:19 error var/not-settable resp.http.X cannot be set in vcl_miss (through headers)',
    '2:42 error var/not-settable bereq.http.Y cannot be set in vcl_deliver (through headers)');
});

test('a subroutine reached through another custom subroutine inherits its phases', () => {
  expectDiagnostic(`${B}sub inner { return(pass); }\nsub outer { call inner; }\nsub vcl_deliver { call outer; }`,
    '2:20 error sub/action-not-allowed pass is not allowed in vcl_deliver (through inner): allowed are deliver, restart');
});

test('a custom subroutine nobody calls is unused and its body is not held to any phase', () => {
  expectDiagnostic(`${B}sub orphan { set beresp.ttl = 1s; }`, '2:5 warning ref/unused subroutine orphan is declared but never used');
});

test('backends count as used through directors, backend.NAME.healthy, comparisons and tables', () => {
  const decl = (n: string): string => `backend ${n} { .dynamic = true; .share_key = "k"; .host = "h"; }\n`;
  const input = `${B}${decl('F_b')}${decl('F_c')}${decl('F_d')}${decl('F_e')}` +
    'director d fallback { { .backend = F_b; } }\n' +
    'table routes BACKEND { "x": F_e }\n' +
    'sub vcl_recv {\n  if (backend.F_c.healthy && req.backend == F_d) { set req.backend = d; }\n  set req.http.X = table.lookup(routes, "x");\n}';
  expectDiagnostic(input);
});

test('req.backend compared with an undeclared name points at the name', () => {
  expectDiagnostic(`${B}sub vcl_recv { if (req.backend == F_x) { return(pass); } }`,
    '2:35 error ref/unknown-backend F_x is not a declared backend or director');
});

test('ACL matches mark the ACL used; matching against a non-IP with a declared ACL name is still an ACL match', () => {
  expectDiagnostic(`${B}acl office { "10.0.0.0"/8; }\nsub vcl_recv { if (client.ip !~ office) { error 403 "Forbidden"; } }`);
});

test('locals are per subroutine and typed by their declaration', () => {
  expectDiagnostic(`${B}sub vcl_recv { declare local var.n INTEGER; set var.n = std.strlen(req.url); set req.http.N = var.n; }\nsub vcl_deliver { set resp.http.N = var.n; }`,
    '3:37 error var/undeclared-local var.n is not declared in this subroutine: add declare local var.n TYPE;');
});

test('a typed custom subroutine is called like a function, returns a value, and runs with its caller\'s permissions', () => {
  expectDiagnostic(`${B}sub lower STRING { return std.tolower(req.url); }\nsub vcl_recv { set req.url = lower(); }`);
  expectDiagnostic(`${B}sub lower STRING { return beresp.http.X; }\nsub vcl_recv { set req.http.Y = "a" lower(); }`,
    '2:27 error var/not-readable beresp.http.X cannot be read in vcl_recv (through lower)');
});

test('the runtime subset a routing VCL needs checks silent', () => {
  const input = `${B}backend F_b { .dynamic = true; .share_key = "k"; .host = "b"; .probe = { .url = "/health"; .window = 5; .threshold = 3; } }
director shop random { .quorum = 50%; .retries = 2; { .backend = F_a; .weight = 2; } { .backend = F_b; .weight = 1; } }
acl internal { "10.0.0.0"/8; !"10.1.0.0"/16; }
table redirects { "/old": "/new" }
sub route {
  if (req.url ~ "^/shop/(.*)$") { set req.url = "/" re.group.1; set req.backend = shop; }
}
sub vcl_recv {
#FASTLY recv
  declare local var.q STRING;
  set var.q = querystring.get(req.url, "q");
  if (table.contains(redirects, req.url)) { error 301 table.lookup(redirects, req.url); }
  if (client.ip ~ internal && !req.backend.healthy) { set req.http.X-Internal = "1"; }
  set req.http.X-Lower = std.tolower(regsuball(req.http.host, "\\\\.", "-"));
  call route;
  if (req.method != "GET" && req.method != "HEAD") { return(pass); }
  return(lookup);
}
sub vcl_hash { set req.hash += req.url; set req.hash += req.http.host; return(hash); }
sub vcl_miss { set bereq.http.X-Origin = "lacquer"; return(fetch); }
sub vcl_fetch {
  if (beresp.status >= 500 && req.restarts < 2) { restart; }
  set beresp.ttl = 1h; set beresp.grace = 10s; set beresp.stale_if_error = 1d;
  unset beresp.http.Set-Cookie;
  return(deliver);
}
sub vcl_error {
  if (obj.status == 301) { set obj.http.Location = obj.response; set obj.response = "Moved"; return(deliver); }
  synthetic {"<h1>error</h1>"};
  return(deliver);
}
sub vcl_deliver { set resp.http.X-Hits = obj.hits; set resp.http.X-Time = time.elapsed; return(deliver); }
sub vcl_log { }
`;
  expectDiagnostic(input);
});

test("declarations resolve across included files and diagnostics carry each file's own position", () => {
  const program = parseWithIncludesFromMap('main.vcl', {
    'main.vcl': 'include "backends";\nsub vcl_recv {\n  set req.backend = F_missing;\n}\n',
    'backends.vcl': `${B}backend F_b { .dynamic = true; .share_key = "k"; .host = "h"; }\n`,
  });
  assert.deepEqual(program.diagnostics, []);
  assert.deepEqual(check(program).map((d) => `${d.file}:${short(d)}`), [
    'main.vcl:3:21 error ref/unknown-backend F_missing is not a declared backend or director',
    'backends.vcl:2:9 warning ref/unused backend F_b is declared but never used',
  ]);
  assert.equal(summarize(program).defaultBackend, 'F_a');
});

test('summarize gives later stages the declared names and backend property values', () => {
  const text = readFileSync(new URL('../fixtures/vcl/fastly-backend-example.vcl', import.meta.url), 'utf8');
  const s = checkProgram(parse(text, 'x.vcl')).summary;
  const b = s.backends.get('backend_name');
  assert.ok(b !== undefined);
  assert.deepEqual(b.properties.get('port'), { kind: 'string', value: '443' });
  assert.deepEqual(b.properties.get('ssl_check_cert'), { kind: 'name', value: 'always' });
  assert.deepEqual(b.properties.get('first_byte_timeout'), { kind: 'rtime', ms: 15_000 });
  assert.deepEqual(b.properties.get('max_connections'), { kind: 'integer', value: 200 });
  assert.deepEqual(b.probe?.get('request'), { kind: 'strings', values: ['HEAD / HTTP/1.1', 'Host: storage.googleapis.com', 'Connection: close'] });
  assert.deepEqual(b.probe?.get('dummy'), { kind: 'bool', value: true });
  assert.equal(b.properties.has('probe'), false);
  assert.deepEqual([...s.subs.keys()], ['vcl_recv']);
  assert.equal(s.defaultBackend, 'backend_name');
});

test('director summaries keep the type, properties and members', () => {
  const s = summarize(parse(`${B}director d random { .quorum = 50%; { .backend = F_a; .weight = 3; } }`));
  const d = s.directors.get('d');
  assert.equal(d?.type, 'random');
  assert.deepEqual(d?.properties.get('quorum'), { kind: 'percent', value: 50 });
  assert.deepEqual(d?.members.map((m) => [...m.entries()]), [[['backend', { kind: 'name', value: 'F_a' }], ['weight', { kind: 'integer', value: 3 }]]]);
});

test('a probe with the default .initial of threshold - 1 is not warned about (Fastly\'s API default: 2 of 3)', () => {
  expectDiagnostic('backend F_a { .dynamic = true; .share_key = "k"; .host = "a"; .probe = { .url = "/"; .threshold = 3; .initial = 2; } }');
});

test('unused warnings can be turned off', () => {
  assert.deepEqual(check(parse(`${B}${B.replace('F_a', 'F_b')}`), { warnUnused: false }), []);
});

test('Fastly-generated declarations lacquer has no use for are lacquer\'s limit or accepted, not unknown', () => {
  expectDiagnostic(`backend F_a { .dynamic = true; .share_key = "k"; .host = "a"; .bypass_local_route_table = false; }\n` +
    'director ssl_shield_hnd shield { .shield = "hnd-tokyo-jp"; .is_ssl = true; }',
  '2:10 warning ref/unused director ssl_shield_hnd is declared but never used',
  '2:25 error lacquer/unsupported the shield director ssl_shield_hnd is not supported by lacquer');
});

test('Fastly\'s edge rate limiting declarations and calls check without a diagnostic', () => {
  const vcl = 'penaltybox rl_pb { }\nratecounter rl_rc { }\n' +
    `${B}sub vcl_recv {\n  if (ratelimit.check_rate(client.ip, rl_rc, 1, 10, 100, rl_pb, 2m)) { error 429; }\n}`;
  expectDiagnostic(vcl);
});
