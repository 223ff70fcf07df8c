import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND, beresp, compileVcl, makeContext, resp } from '../helpers/context.ts';

// Only the bounded engine has a budget: a lookahead keeps this catastrophic pattern off the
// linear engine. On 'a'×5000 + '!' it would backtrack for longer than the universe exists.
const PATHOLOGICAL = '^(?=a)(a+)+$';
const SUBJECT = `${'a'.repeat(5_000)}!`;
const LOG = `VCL error in vcl_{phase}: regular expression "${PATHOLOGICAL}" exceeded its match limit (1000000 steps) on a 5001-character subject (fastly.error EREGRECUR)`;

test('a regex past its match limit in vcl_recv goes to vcl_error with a 503 and fastly.error EREGRECUR', () => {
  const s = compileVcl(BACKEND + `
sub vcl_recv {
  if (req.http.X ~ "${PATHOLOGICAL}") { set req.http.Matched = "1"; }
  set req.http.After = "1";
}`);
  const ctx = makeContext({ headers: { X: SUBJECT } });
  assert.equal(s.run('recv', ctx), 'error');
  assert.equal(ctx.obj?.status, 503);
  assert.equal(ctx.obj?.response, 'Regex match limit exceeded');
  assert.equal(ctx.fastlyError, 'EREGRECUR');
  assert.deepEqual(ctx.req.http.toJSON(), { x: SUBJECT });
  assert.deepEqual(ctx.logs, [LOG.replace('{phase}', 'recv')]);
});

test('vcl_error sees the regex failure in obj.response and fastly.error', () => {
  const s = compileVcl(BACKEND + `
sub vcl_fetch { set beresp.http.Y = regsub(beresp.http.X, "${PATHOLOGICAL}", "b"); }
sub vcl_error { set obj.http.Why = obj.response " / " fastly.error; }`);
  const ctx = makeContext();
  beresp(ctx, 200, { X: SUBJECT });
  assert.equal(s.run('fetch', ctx), 'error');
  assert.equal(s.run('error', ctx), 'deliver');
  assert.equal(ctx.obj?.http.get('why'), 'Regex match limit exceeded / EREGRECUR');
});

test('in vcl_deliver, which cannot raise an error, the subroutine stops and the response is delivered', () => {
  const s = compileVcl(BACKEND + `
sub vcl_deliver {
  set resp.http.Before = "1";
  if (resp.http.X ~ "${PATHOLOGICAL}") { set resp.http.Matched = "1"; }
  set resp.http.After = "1";
}`);
  const ctx = makeContext();
  resp(ctx, 200, { X: SUBJECT });
  assert.equal(s.run('deliver', ctx), 'deliver');
  assert.deepEqual(ctx.resp?.http.get('before'), '1');
  assert.deepEqual(ctx.resp?.http.get('after'), null);
  assert.equal(ctx.fastlyError, 'EREGRECUR');
  assert.deepEqual(ctx.logs, [LOG.replace('{phase}', 'deliver')]);
});

test('a catastrophic pattern the linear engine can run gets its correct answer instead', () => {
  const s = compileVcl(BACKEND + `
sub vcl_recv {
  if (req.http.X ~ "^(a+)+$") { set req.http.Matched = "1"; } else { set req.http.Matched = "0"; }
  set req.http.Y = regsuball(req.http.X, "(a|a)*!", "<\\0>");
}`);
  const ctx = makeContext({ headers: { X: SUBJECT } });
  assert.equal(s.run('recv', ctx), 'lookup');
  assert.equal(ctx.req.http.get('matched'), '0');
  assert.equal(ctx.req.http.get('y'), `<${SUBJECT}>`);
  assert.equal(ctx.fastlyError, null);
});
