// Fastly's implicit conversions between TIME and RTIME (both counts of nanoseconds): the checker
// accepts them where Fastly does and the compiled program keeps the count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAssignable } from '../../../src/vcl/language/types.ts';
import { checkText } from '../check-golden.ts';
import { BACKEND, compileVcl, makeContext } from '../helpers/context.ts';

test('an RTIME assigned to a TIME local is that long after the epoch, and back', () => {
  const vcl = `${BACKEND}sub vcl_recv {
  declare local var.t TIME;
  declare local var.r RTIME;
  set var.t = 2m;
  set var.r = var.t;
  set req.http.T = var.t;
  set req.http.R = var.r;
}`;
  assert.deepEqual(checkText(vcl).map((d) => d.code), []);
  const ctx = makeContext();
  compileVcl(vcl).run('recv', ctx);
  assert.deepEqual([ctx.req.http.get('T'), ctx.req.http.get('R')], ['Thu, 01 Jan 1970 00:02:00 GMT', '120.000']);
});

test('a TIME or an RTIME passes where Fastly\'s signature wants the other', () => {
  // time.add(TIME, TIME) is not run by lacquer yet: the only complaint is that, not the types.
  const codes = checkText(`${BACKEND}sub vcl_recv { set req.http.X = time.add(now, 1d); set req.http.Y = time.sub(now, std.integer2time(60)); }`)
    .map((d) => `${d.code} ${d.message}`);
  assert.deepEqual(codes, [
    'lacquer/unsupported the function time.add() is not supported by lacquer',
    'lacquer/unsupported the function time.sub() is not supported by lacquer',
    'lacquer/unsupported the function std.integer2time() is not supported by lacquer',
  ]);
  assert.equal(isAssignable('TIME', 'RTIME'), true);
  assert.equal(isAssignable('RTIME', 'TIME'), true);
  assert.equal(isAssignable('TIME', 'STRING'), false);
  assert.equal(isAssignable('INTEGER', 'TIME'), false);
});
