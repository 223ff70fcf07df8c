import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BACKEND, bereq, beresp, compileErrors, compileUnchecked, compileVcl, makeContext, obj, resp, source } from './helpers/context.ts';
import { compileService } from '../../src/vcl/compile/compile.ts';
import type { Phase } from '../../src/vcl/compile/compiled.ts';
import { VclRuntimeError } from '../../src/vcl/runtime/errors.ts';

test('phases without a subroutine end with Fastly\'s default actions', () => {
  const s = compileVcl(BACKEND);
  const expected: Record<Exclude<Phase, 'recv'>, string> = {
    hash: 'hash', hit: 'deliver', miss: 'fetch', pass: 'pass', fetch: 'deliver', error: 'deliver', deliver: 'deliver', log: 'deliver',
  };
  for (const [phase, action] of Object.entries(expected)) assert.equal(s.run(phase as Phase, makeContext()), action, phase);
});

test('vcl_recv falls back to lookup for GET and HEAD and to pass for any other method', () => {
  const s = compileVcl(BACKEND + 'sub vcl_recv { set req.http.X-Seen = "1"; }');
  assert.equal(s.run('recv', makeContext({ method: 'GET' })), 'lookup');
  assert.equal(s.run('recv', makeContext({ method: 'HEAD' })), 'lookup');
  assert.equal(s.run('recv', makeContext({ method: 'POST' })), 'pass');
  assert.equal(s.run('recv', makeContext({ method: 'PURGE' })), 'pass');
});

test('vcl_hash falls back to hashing req.url and req.http.host', () => {
  const s = compileVcl(BACKEND);
  const ctx = makeContext({ url: '/a?b=1', headers: { Host: 'www.example.com' } });
  assert.equal(s.run('hash', ctx), 'hash');
  assert.deepEqual(ctx.hashData, ['/a?b=1', 'www.example.com']);
});

test('a vcl_hash that adds to req.hash replaces the default key', () => {
  const s = compileVcl(BACKEND + 'sub vcl_hash { set req.hash += req.url.path; set req.hash += "v2"; }');
  const ctx = makeContext({ url: '/p?q=1', headers: { Host: 'h' } });
  assert.equal(s.run('hash', ctx), 'hash');
  assert.deepEqual(ctx.hashData, ['/p', 'v2']);
});

test('return with and without parentheses ends the phase with that action', () => {
  const s = compileVcl(BACKEND + 'sub vcl_recv { if (req.url == "/p") { return(pass); } return lookup; }');
  assert.equal(s.run('recv', makeContext({ url: '/p' })), 'pass');
  assert.equal(s.run('recv', makeContext({ url: '/x', method: 'POST' })), 'lookup');
});

test('an action a phase may not return fails loudly as an internal error', () => {
  // The checker rejects this statically (sub/action-not-allowed); the runtime guard is the last line.
  const { service: s } = compileUnchecked(BACKEND + 'sub vcl_deliver { return(lookup); }');
  assert.throws(() => s.run('deliver', makeContext()), (e: unknown) => e instanceof VclRuntimeError && e.code === 'vcl/illegal-action');
});

test('error NNN "text" creates the synthetic object and vcl_error fills it with synthetic', () => {
  const s = compileVcl(BACKEND + `
sub vcl_recv { if (req.url ~ "^/admin") { error 403 "Forbidden here"; } }
sub vcl_error {
  set obj.http.Content-Type = "text/plain";
  synthetic {"denied: "} req.url;
  return(deliver);
}`);
  const ctx = makeContext({ url: '/admin/x' });
  assert.equal(s.run('recv', ctx), 'error');
  assert.equal(ctx.obj?.status, 403);
  assert.equal(ctx.obj?.response, 'Forbidden here');
  assert.equal(s.run('error', ctx), 'deliver');
  assert.equal(ctx.obj?.http.get('content-type'), 'text/plain');
  assert.equal(ctx.syntheticBody, 'denied: /admin/x');
});

test('error without text takes the standard reason phrase; bare error is 503', () => {
  const s = compileVcl(BACKEND + 'sub vcl_recv { if (req.url == "/a") { error 404; } error; }');
  const a = makeContext({ url: '/a' });
  assert.equal(s.run('recv', a), 'error');
  assert.deepEqual([a.obj?.status, a.obj?.response], [404, 'Not Found']);
  const b = makeContext({ url: '/b' });
  s.run('recv', b);
  assert.deepEqual([b.obj?.status, b.obj?.response], [503, 'Service Unavailable']);
});

test('error status and text may be expressions, and obj.status/obj.response can be changed in vcl_error', () => {
  const s = compileVcl(BACKEND + `
sub vcl_recv { error 600 "redirect:" req.url; }
sub vcl_error {
  if (obj.status == 600) { set obj.status = 301; set obj.response = "Moved Permanently"; set obj.http.Location = "https://x.test" req.url; }
}`);
  const ctx = makeContext({ url: '/old' });
  s.run('recv', ctx);
  assert.equal(ctx.obj?.response, 'redirect:/old');
  assert.equal(s.run('error', ctx), 'deliver');
  assert.deepEqual([ctx.obj?.status, ctx.obj?.response, ctx.obj?.http.get('location')], [301, 'Moved Permanently', 'https://x.test/old']);
});

test('synthetic.base64 decodes its argument', () => {
  const s = compileVcl(BACKEND + 'sub vcl_error { synthetic.base64 "aGVsbG8="; }');
  const ctx = makeContext();
  obj(ctx, 503);
  s.run('error', ctx);
  assert.equal(ctx.syntheticBody, 'hello');
});

test('restart returns restart and the next pass sees req.restarts', () => {
  const s = compileVcl(BACKEND + `
sub vcl_recv { set req.http.X-Restarts = req.restarts; }
sub vcl_deliver { if (resp.status == 503 && req.restarts < 2) { restart; } }`);
  const ctx = makeContext();
  resp(ctx, 503);
  assert.equal(s.run('deliver', ctx), 'restart');
  ctx.req.restarts = 2;
  assert.equal(s.run('deliver', ctx), 'deliver');
  s.run('recv', ctx);
  assert.equal(ctx.req.http.get('X-Restarts'), '2');
});

test('set, unset, remove and add act on headers, case-insensitively', () => {
  const s = compileVcl(BACKEND + `
sub vcl_recv {
  set req.http.X-A = "1";
  set req.http.x-b = req.http.X-A "2";
  unset req.http.Cookie;
  remove req.http.X-Remove;
  add req.http.Via = "lacquer";
}`);
  const ctx = makeContext({ headers: { cookie: 'a=1', 'X-REMOVE': 'y', Via: '1.1 proxy' } });
  s.run('recv', ctx);
  assert.equal(ctx.req.http.get('x-a'), '1');
  assert.equal(ctx.req.http.get('X-B'), '12');
  assert.equal(ctx.req.http.get('cookie'), null);
  assert.equal(ctx.req.http.get('x-remove'), null);
  assert.deepEqual(ctx.req.http.lines('via'), ['1.1 proxy', 'lacquer']);
});

test('if / elsif / elseif / else if / else pick the first true branch', () => {
  const s = compileVcl(BACKEND + `
sub vcl_recv {
  if (req.url == "/1") { set req.http.B = "if"; }
  elsif (req.url == "/2") { set req.http.B = "elsif"; }
  elseif (req.url == "/3") { set req.http.B = "elseif"; }
  else if (req.url == "/4") { set req.http.B = "else if"; }
  else { set req.http.B = "else"; }
}`);
  for (const [url, branch] of [['/1', 'if'], ['/2', 'elsif'], ['/3', 'elseif'], ['/4', 'else if'], ['/5', 'else']]) {
    const ctx = makeContext({ url });
    s.run('recv', ctx);
    assert.equal(ctx.req.http.get('b'), branch, url);
  }
});

test('locals start at their zero value on every invocation', () => {
  const s = compileVcl(BACKEND + `
sub count { declare local var.n INTEGER; set var.n += 1; set req.http.N = req.http.N "," var.n; }
sub vcl_recv {
  declare local var.s STRING;
  declare local var.b BOOL;
  declare local var.f FLOAT;
  declare local var.r RTIME;
  set req.http.Zero = if(var.s, "set", "notset") " " var.b " " var.f " " var.r;
  call count; call count;
  set var.s = "x";
}`);
  for (let i = 0; i < 2; i++) {
    const ctx = makeContext();
    s.run('recv', ctx);
    assert.equal(ctx.req.http.get('zero'), 'notset 0 0.000 0.000');
    assert.equal(ctx.req.http.get('n'), ',1,1');
  }
});

test('call runs a custom sub; its return(action) ends the calling phase, a bare return only the sub', () => {
  const s = compileVcl(BACKEND + `
sub route { if (req.url ~ "^/static/") { return(lookup); } if (req.url ~ "^/api/") { return(pass); } return; }
sub mark { set req.http.Marked = "1"; }
sub vcl_recv { call route; call mark; error 404; }`);
  assert.equal(s.run('recv', makeContext({ url: '/static/a.css' })), 'lookup');
  assert.equal(s.run('recv', makeContext({ url: '/api/x' })), 'pass');
  const other = makeContext({ url: '/other' });
  assert.equal(s.run('recv', other), 'error');
  assert.equal(other.req.http.get('marked'), '1');
});

test('a typed custom sub is called as a function and returns its value', () => {
  const s = compileVcl(BACKEND + `
sub is_mobile BOOL { if (req.http.User-Agent ~ "(?i)mobile") { return true; } return false; }
sub vcl_recv { if (is_mobile()) { set req.http.X-Device = "mobile"; } else { set req.http.X-Device = "desktop"; } }`);
  const m = makeContext({ headers: { 'User-Agent': 'Foo MOBILE Safari' } });
  s.run('recv', m);
  assert.equal(m.req.http.get('x-device'), 'mobile');
  const d = makeContext({ headers: { 'User-Agent': 'curl' } });
  s.run('recv', d);
  assert.equal(d.req.http.get('x-device'), 'desktop');
});

test('log sends its string to the context', () => {
  const s = compileVcl(BACKEND + 'sub vcl_log { log "status=" resp.status " url=" req.url; }');
  const ctx = makeContext({ url: '/l' });
  resp(ctx, 204);
  assert.equal(s.run('log', ctx), 'deliver');
  assert.deepEqual(ctx.logs, ['status=204 url=/l']);
});

test('goto jumps forward to a label in the same subroutine', () => {
  const s = compileVcl(BACKEND + `
sub vcl_recv {
  if (req.url == "/skip") { goto done; }
  set req.http.Ran = "1";
  done:
  set req.http.End = "1";
}`);
  const skip = makeContext({ url: '/skip' });
  s.run('recv', skip);
  assert.deepEqual([skip.req.http.get('ran'), skip.req.http.get('end')], [null, '1']);
  const run = makeContext({ url: '/x' });
  s.run('recv', run);
  assert.deepEqual([run.req.http.get('ran'), run.req.http.get('end')], ['1', '1']);
});

test('#FASTLY macros compile to nothing and bare blocks run in line', () => {
  const s = compileVcl(BACKEND + 'sub vcl_recv {\n#FASTLY recv\n{ set req.http.In-Block = "1"; }\nreturn(pass);\n}');
  const ctx = makeContext();
  assert.equal(s.run('recv', ctx), 'pass');
  assert.equal(ctx.req.http.get('in-block'), '1');
});

test('an included file\'s declarations take the place of the include statement', () => {
  const s = compileVcl({
    'main.vcl': BACKEND + 'include "routes";\nsub vcl_recv { call route; set req.http.A = "main"; }',
    'routes.vcl': 'sub route { set req.http.Route = "from include"; }',
  });
  const ctx = makeContext();
  assert.equal(s.run('recv', ctx), 'lookup');
  assert.deepEqual([ctx.req.http.get('route'), ctx.req.http.get('a')], ['from include', 'main']);
});

test('several definitions of one vcl_ subroutine run in order as one', () => {
  // Fastly concatenates them, as Varnish does (language/subroutines.ts, check/summary.ts).
  const s = compileVcl(BACKEND + 'sub vcl_recv { set req.http.A = "1"; }\nsub vcl_recv { set req.http.A = req.http.A "2"; return(pass); }');
  const ctx = makeContext();
  assert.equal(s.run('recv', ctx), 'pass');
  assert.equal(ctx.req.http.get('a'), '12');
});

test('vcl_fetch reads and sets beresp, bereq is visible in miss', () => {
  const s = compileVcl(BACKEND + `
sub vcl_miss { set bereq.http.X-Origin-Auth = "secret"; set bereq.url = "/v2" bereq.url; }
sub vcl_fetch {
  if (beresp.status >= 500) { set beresp.ttl = 0s; return(pass); }
  if (beresp.http.Set-Cookie) { return(pass); }
  set beresp.ttl = 10m;
  set beresp.grace = 1h;
  set beresp.stale_if_error = 1d;
  set beresp.stale_while_revalidate = 30s;
  set beresp.http.X-TTL = beresp.ttl;
  set beresp.cacheable = true;
}`);
  const ctx = makeContext({ url: '/x' });
  bereq(ctx);
  assert.equal(s.run('miss', ctx), 'fetch');
  assert.equal(ctx.bereq?.url, '/v2/x');
  assert.equal(ctx.bereq?.http.get('x-origin-auth'), 'secret');
  const r = beresp(ctx, 200);
  assert.equal(s.run('fetch', ctx), 'deliver');
  assert.deepEqual([r.ttl, r.grace, r.staleIfError, r.staleWhileRevalidate, r.http.get('x-ttl')], [600, 3600, 86400, 30, '600.000']);
  beresp(ctx, 502);
  assert.equal(s.run('fetch', ctx), 'pass');
  assert.equal(ctx.beresp?.ttl, 0);
  beresp(ctx, 200, { 'Set-Cookie': 'a=1' });
  assert.equal(s.run('fetch', ctx), 'pass');
});

test('the compiler refuses VCL with parse errors and reports them', () => {
  const errors = compileErrors(BACKEND + 'sub vcl_recv { set req.http.X = ; }');
  assert.ok(errors.length > 0);
  assert.match(errors[0], /^2:\d+ parse\//);
});

test('the compiler refuses what the checker refuses', () => {
  assert.deepEqual(compileErrors(BACKEND + 'sub vcl_deliver {\n  return(lookup);\n}'), ['3:10 sub/action-not-allowed']);
});

test('a regex lacquer cannot run is refused before compiling, at its position', () => {
  assert.deepEqual(compileErrors(BACKEND + 'sub vcl_recv {\n  if (req.url ~ "(?>a+)b") { return(pass); }\n}'), ['3:17 expr/regex']);
});

test('every fixture and docs example the checker accepts compiles without an internal error', () => {
  // The compiler trusts a checked program (DESIGN.md §1): a compile/internal here is the checker
  // letting through what the compiler cannot run.
  const dir = join(import.meta.dirname, '../fixtures/vcl');
  const texts = [
    ...readdirSync(dir).filter((f) => f.endsWith('.vcl')).map((f) => readFileSync(join(dir, f), 'utf8')),
    ...[...readFileSync(join(import.meta.dirname, '../../docs/vcl.md'), 'utf8').matchAll(/```vcl\n([\s\S]*?)```/g)].map((m) => m[1]),
  ];
  let compiled = 0;
  for (const text of texts) {
    const r = compileService(source(text));
    assert.deepEqual(r.diagnostics.filter((d) => d.code === 'compile/internal').map((d) => `${d.line}:${d.col} ${d.message}`), [], text.slice(0, 80));
    if (r.service !== null) compiled++;
  }
  assert.ok(compiled >= 5, `${compiled} of ${texts.length} compiled`);
});

test('VCL that would loop forever on every request is refused before a version can run it', () => {
  // A backward goto would jump back on every request, a recursive call would never return:
  // Fastly allows neither (goto jumps forward only; no recursion), and neither reaches the edge.
  assert.deepEqual(compileErrors(BACKEND + 'sub vcl_recv {\n  top:\n  set req.http.X = "1";\n  goto top;\n}'), ['5:8 sub/unknown-label']);
  assert.deepEqual(compileErrors(BACKEND + 'sub a { call b; }\nsub b { call a; }\nsub vcl_recv { call a; }'), ['3:14 sub/recursion']);
  // A forward goto still runs.
  const ctx = makeContext();
  compileVcl(BACKEND + 'sub vcl_recv {\n  goto done;\n  set req.http.X = "skipped";\n  done:\n  set req.http.Y = "1";\n}').run('recv', ctx);
  assert.deepEqual([ctx.req.http.get('x'), ctx.req.http.get('y')], [null, '1']);
});
