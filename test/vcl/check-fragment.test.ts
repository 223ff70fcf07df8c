// Fragment mode (src/vcl/check/external.ts): one file of a service checked on its own, its
// outside names taken as declared elsewhere and reported once each as info.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkText, short } from './check-golden.ts';
import { vclValidator } from '../../src/vcl/compile/validate.ts';
import { snippetSubroutine } from '../../src/vcl/syntax/snippet.ts';

const SNIPPET = [
  'sub vcl_recv {',
  '#FASTLY recv',
  '  if (client.ip ~ office_ips) { set req.http.X-Office = "1"; }',
  '  if (table.lookup(redirects, req.url.path)) { error 601 table.lookup(redirects, req.url.path); }',
  '  if (ratelimit.check_rate(client.ip, rc_main, 1, 10, 100, pb_main, 2m)) { error 429; }',
  '  set req.backend = F_origin_0;',
  '  if (req.http.host == "b") { set req.backend = my_director; }',
  '  if (!backend.F_origin_0.healthy) { set req.http.X-Sick = "1"; }',
  '  call shared_sub;',
  '  return(lookup);',
  '}',
].join('\n');

test('a fragment names each outside table, ACL, backend, director, ratecounter, penaltybox and subroutine once, as info', () => {
  const tail = 'is not declared in this file; it must be declared elsewhere in the service';
  assert.deepEqual(checkText(SNIPPET, 'snippet.vcl', { fragment: true }).map(short), [
    `3:19 info ref/external ACL office_ips ${tail}`,
    `4:20 info ref/external table redirects ${tail}`,
    `5:39 info ref/external ratecounter rc_main ${tail}`,
    `5:60 info ref/external penaltybox pb_main ${tail}`,
    `6:21 info ref/external backend F_origin_0 ${tail}`,
    `7:49 info ref/external backend my_director ${tail}`,
    `9:8 info ref/external subroutine shared_sub ${tail}`,
  ]);
});

test('the same file checked as a whole program reports every outside name as an error', () => {
  assert.deepEqual(checkText(SNIPPET, 'snippet.vcl').map((d) => `${d.line}:${d.col} ${d.severity} ${d.code}`), [
    '3:19 error ref/unknown-acl',
    '4:20 error ref/unknown-table',
    '4:71 error ref/unknown-table',
    '5:39 error ref/unknown-ratecounter',
    '5:60 error ref/unknown-penaltybox',
    '6:21 error ref/unknown-backend',
    '7:49 error ref/unknown-backend',
    '8:8 error ref/unknown-backend',
    '9:8 error ref/unknown-sub',
  ]);
});

test('a fragment still reports real mistakes: an unknown variable, an unknown function, a type mismatch', () => {
  const src = 'sub vcl_recv {\n  set req.http.X = req.urll;\n  set req.http.Y = std.nope("a");\n  set req.ttl = 1s;\n  set req.backend = "F_origin_0";\n}';
  assert.deepEqual(checkText(src, 'f.vcl', { fragment: true }).map((d) => `${d.line}:${d.col} ${d.severity} ${d.code}`), [
    '2:20 error var/unknown',
    '3:20 error fn/unknown',
    '4:7 error var/unknown',
    '5:21 error var/type-mismatch',
  ]);
});

test('a fragment declaring a table, ACL and subroutine that another file uses gets no unused warning', () => {
  const src = 'table redirects { "/a": "/b" }\nacl office { "192.0.2.0"/24; }\nsub shared_sub { set req.http.X = "1"; }\n';
  assert.deepEqual(checkText(src, 'f.vcl', { fragment: true }).map(short), []);
  assert.deepEqual(checkText(src, 'f.vcl').map((d) => d.code), ['ref/unused', 'ref/unused', 'ref/unused']);
});

test('a director and a BACKEND table of a fragment may name backends declared elsewhere', () => {
  const src = [
    'director pool random { { .backend = F_a; .weight = 1; } { .backend = F_b; .weight = 1; } }',
    'table routes BACKEND { "/api": F_a }',
    'sub vcl_recv { set req.backend = table.lookup_backend(routes, req.url.path, pool); }',
  ].join('\n');
  assert.deepEqual(checkText(src, 'f.vcl', { fragment: true }).map((d) => `${d.line}:${d.col} ${d.severity} ${d.message.split(' is ')[0]}`), [
    '1:37 info backend F_a',
    '1:70 info backend F_b',
  ]);
});

test('POST /vcl_lint\'s validator lints a snippet\'s statements as a fragment; linted whole they are no VCL file', () => {
  const snippet = vclValidator([{ name: 'main.vcl', content: 'set req.backend = F_x;\nif (client.ip ~ office) { return(pass); }\n', main: true }], { fragment: true });
  assert.deepEqual(snippet.diagnostics.map((d) => `${d.line}:${d.col} ${d.severity} ${d.code}`), ['1:19 info ref/external', '2:17 info ref/external']);
  const broken = vclValidator([{ name: 'main.vcl', content: 'set req.http.X = ;\n', main: true }], { fragment: true });
  assert.deepEqual(broken.diagnostics.map((d) => `${d.line}:${d.col} ${d.severity} ${d.code}`), ['1:18 error parse/unexpected-token']);
  const whole = vclValidator([{ name: 'main.vcl', content: 'set req.backend = F_x;\n', main: true }]);
  assert.deepEqual(whole.diagnostics.map((d) => d.code), ['parse/unknown-declaration']);
});

test('a snippet\'s subroutine comes from its file name: recv.vcl is vcl_recv, a name with no phase a custom subroutine', () => {
  assert.deepEqual(['recv.vcl', 'snippets/fetch-cache.vcl', 'my_deliver_snippet.vcl', 'main.vcl', 'prefetch.vcl'].map(snippetSubroutine),
    ['vcl_recv', 'vcl_fetch', 'vcl_deliver', 'snippet', 'snippet']);
});

test('the message or header an ID argument names is one its function takes, and exists in the phase', () => {
  const src = [
    'sub vcl_recv {',
    '  set req.http.A = header.get(request, "x");',
    '  set req.http.B = header.get(beresp, "x");',
    '  std.collect(req.headers);',
    '  set req.http.C = std.count(req.http.Cookie) + std.count(req.headers);',
    '  header.filter(req, "Cookie");',
    '}',
    'sub vcl_fetch { set beresp.http.D = setcookie.get_value_by_name(beresp, "s"); }',
  ].join('\n');
  assert.deepEqual(checkText(src, 'f.vcl', { fragment: true }).map(short), [
    '2:31 error fn/argument-type argument 1 of header.get() must be req, bereq, beresp, obj or resp, found request',
    '3:31 error var/not-readable beresp cannot be read in vcl_recv',
    '4:15 error fn/argument-type argument 1 of std.collect() must be a header (req.http.NAME), found req.headers',
  ]);
});

test('in a fragment an unknown bare name is a backend only where a backend goes, or when named like an API backend', () => {
  const src = 'sub vcl_recv {\n  set req.http.X = nope;\n  set req.http.Y = F_origin_0;\n  set req.backend = pool;\n}';
  assert.deepEqual(checkText(src, 'f.vcl', { fragment: true }).map((d) => `${d.line}:${d.col} ${d.severity} ${d.code}`), [
    '2:20 error var/unknown',
    '3:20 info ref/external',
    '4:21 info ref/external',
  ]);
});
