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
  // time.add(TIME, RTIME): an RTIME literal and a TIME (std.integer2time) both pass as the offset.
  const vcl = `${BACKEND}sub vcl_recv { set req.http.X = time.add(std.integer2time(0), 1d); set req.http.Y = time.sub(std.integer2time(120), std.integer2time(60)); }`;
  assert.deepEqual(checkText(vcl).map((d) => `${d.code} ${d.message}`), []);
  const ctx = makeContext();
  compileVcl(vcl).run('recv', ctx);
  assert.deepEqual([ctx.req.http.get('X'), ctx.req.http.get('Y')], ['Fri, 02 Jan 1970 00:00:00 GMT', 'Thu, 01 Jan 1970 00:01:00 GMT']);
  assert.equal(isAssignable('TIME', 'RTIME'), true);
  assert.equal(isAssignable('RTIME', 'TIME'), true);
  assert.equal(isAssignable('TIME', 'STRING'), false);
  assert.equal(isAssignable('INTEGER', 'TIME'), false);
});
