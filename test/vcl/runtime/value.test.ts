import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND, compileUnchecked, compileVcl, makeContext } from '../helpers/context.ts';
import { formatValue } from '../../../src/vcl/runtime/value.ts';

/** Runs `body` in vcl_recv and returns the request headers. */
function run(body: string, init: Parameters<typeof makeContext>[0] = {}): Record<string, string> {
  const s = compileVcl(BACKEND + `sub vcl_recv {\n${body}\n}`);
  const ctx = makeContext(init);
  s.run('recv', ctx);
  return ctx.req.http.toJSON();
}

test('values convert to STRING as Fastly prints them', () => {
  assert.equal(formatValue('INTEGER', 42), '42');
  assert.equal(formatValue('FLOAT', 1.5), '1.500');
  assert.equal(formatValue('RTIME', 302400), '302400.000');
  assert.equal(formatValue('BOOL', true), '1');
  assert.equal(formatValue('BOOL', false), '0');
  assert.equal(formatValue('TIME', 1136239445000), 'Mon, 02 Jan 2006 22:04:05 GMT');
  assert.equal(formatValue('IP', '10.0.0.1'), '10.0.0.1');
  assert.equal(formatValue('STRING', null), null);
});

test('INTEGER, FLOAT, RTIME and BOOL concatenate into strings', () => {
  const h = run(`
declare local var.i INTEGER; declare local var.f FLOAT; declare local var.r RTIME; declare local var.b BOOL;
set var.i = 7; set var.f = 2.25; set var.r = 3.5d; set var.b = true;
set req.http.Out = "i=" var.i " f=" var.f " r=" var.r " b=" var.b + " ms=" 1500ms;`);
  assert.equal(h.out, 'i=7 f=2.250 r=302400.000 b=1 ms=1.500');
});

test('RTIME is seconds: literals of every unit compare and add as seconds', () => {
  const h = run(`
declare local var.r RTIME;
set var.r = 1m;
set var.r += 30s;
set var.r -= 500ms;
set req.http.Out = var.r;
set req.http.Cmp = (var.r > 1m);
set req.http.Week = 1w;`);
  assert.deepEqual([h.out, h.cmp, h.week], ['89.500', '1', '604800.000']);
});

test('integer arithmetic truncates; FLOAT to INTEGER rounds; division by zero sets EDOM and keeps the value', () => {
  const h = run(`
declare local var.i INTEGER; declare local var.f FLOAT;
set var.i = 17; set var.i /= 5; set req.http.Div = var.i;
set var.i = 17; set var.i %= 5; set req.http.Mod = var.i;
set var.i = 6; set var.i *= 7; set var.i -= 2; set req.http.Mul = var.i;
set var.i = 12; set var.i |= 3; set req.http.Or = var.i;
set var.i = 12; set var.i &= 6; set req.http.And = var.i;
set var.i = 12; set var.i ^= 5; set req.http.Xor = var.i;
set var.i = 1; set var.i <<= 10; set req.http.Shl = var.i;
set var.i = 1024; set var.i >>= 3; set req.http.Shr = var.i;
set var.i = 1; set var.i rol= 65; set req.http.Rol = var.i;
set var.f = 2.6; set var.i = var.f; set req.http.Round = var.i;
set var.f = 1; set var.f /= 4; set req.http.Float = var.f;
set var.i = 5; set var.i /= 0; set req.http.Zero = var.i; set req.http.Err = fastly.error;`);
  assert.deepEqual(
    [h.div, h.mod, h.mul, h.or, h.and, h.xor, h.shl, h.shr, h.rol, h.round, h.float, h.zero, h.err],
    ['3', '2', '40', '15', '4', '9', '1024', '128', '2', '3', '0.250', '5', 'EDOM'],
  );
});

test('BOOL in conditions: a STRING is true when set, even if empty; numbers when non-zero', () => {
  const h = run(`
declare local var.b BOOL; declare local var.i INTEGER;
if (req.http.Empty) { set req.http.A = "set"; }
if (!req.http.Nope) { set req.http.B = "absent"; }
set var.b = if(req.http.Empty, true, false);
set req.http.C = var.b;
set var.b = true; set var.b &&= false; set req.http.D = var.b;
set var.b ||= true; set req.http.E = var.b;
if (var.i) { set req.http.F = "nonzero"; } else { set req.http.F = "zero"; }
if (req.http.Empty && !req.http.Nope || false) { set req.http.G = "logic"; }`, { headers: { Empty: '' } });
  assert.deepEqual([h.a, h.b, h.c, h.d, h.e, h.f, h.g], ['set', 'absent', '1', '0', '1', 'zero', 'logic']);
});

test('comparisons: numbers numerically, strings exactly, and -x negates', () => {
  const h = run(`
declare local var.i INTEGER;
set var.i = -5;
set req.http.A = (var.i < 0);
set req.http.B = (10 > 9);
set req.http.C = ("10" == "10.0");
set req.http.D = (req.method != "POST");
set req.http.E = (2.5 >= 2.5 && 1 <= 2);
set req.http.F = -var.i;`);
  assert.deepEqual([h.a, h.b, h.c, h.d, h.e, h.f], ['1', '1', '0', '1', '1', '5']);
});

test('if(cond, a, b) picks a branch and converts mixed types to STRING', () => {
  const h = run('set req.http.A = if(req.url == "/", "root", "other"); set req.http.B = if(false, 1, "one");', { url: '/' });
  assert.deepEqual([h.a, h.b], ['root', 'one']);
});

test('client.ip matches ACLs by longest prefix, with negated entries excluding', () => {
  const s = compileVcl(BACKEND + `
acl office { "10.0.0.0"/8; !"10.1.0.0"/16; "10.1.2.3"; "2001:db8::"/32; }
sub vcl_recv { if (client.ip ~ office) { set req.http.In = "1"; } else { set req.http.In = "0"; } }`);
  for (const [ip, inside] of [['10.9.9.9', '1'], ['10.1.9.9', '0'], ['10.1.2.3', '1'], ['11.0.0.1', '0'], ['2001:db8:1::5', '1'], ['2001:db9::1', '0'], ['::ffff:10.0.0.1', '0']]) {
    const ctx = makeContext({ clientIp: ip });
    s.run('recv', ctx);
    assert.equal(ctx.req.http.get('in'), inside, ip);
  }
});

test('what only the checker should refuse reaches the compiler as one internal error, not a second catalogue', () => {
  // The compiler trusts a checked program (DESIGN.md §1); given an unchecked one it still
  // refuses to run what it cannot, and says the checker should have caught it.
  const errors = (body: string): string[] => compileUnchecked(BACKEND + `sub vcl_recv {\n${body}\n}`).errors;
  assert.deepEqual(errors('  declare local var.i INTEGER;\n  set var.i = "x";'), ['4:15 compile/internal']);
  assert.deepEqual(errors('  set req.restarts = 1;'), ['3:7 compile/internal']);
  assert.deepEqual(errors('  set var.x = 1;'), ['3:7 compile/internal']);
  assert.deepEqual(errors('  set req.http.X = nosuch.variable;'), ['3:20 compile/internal']);
  assert.deepEqual(errors('  set req.http.X = nosuch.fn("a");'), ['3:20 compile/internal']);
  assert.deepEqual(errors('  set req.http.X = regsub(req.url, req.url, "");'), ['3:36 compile/internal']);
  assert.deepEqual(errors('  goto nowhere;'), ['3:8 compile/internal']);
  assert.deepEqual(errors('  call nosub;'), ['3:8 compile/internal']);
  const [d] = compileUnchecked(BACKEND + 'sub vcl_recv {\n  call nosub;\n}').diagnostics;
  assert.equal(d.message, 'internal error: the checker accepted call nosub, which the compiler cannot run; please report this to lacquer');
});
