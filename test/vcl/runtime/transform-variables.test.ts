// The VCL side of edge compression and ESI: beresp.gzip / beresp.brotli (setting one unsets the
// other), the esi statement and beresp.do_esi, and the ESI request variables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND, beresp, compileVcl, makeContext } from '../helpers/context.ts';

test('setting beresp.gzip unsets beresp.brotli and the other way round (Fastly)', () => {
  const s = compileVcl(BACKEND + `sub vcl_fetch {
  set beresp.brotli = true;
  set beresp.http.A = beresp.gzip + "/" + beresp.brotli;
  set beresp.gzip = true;
  set beresp.http.B = beresp.gzip + "/" + beresp.brotli;
  set beresp.brotli = true;
  set beresp.http.C = beresp.gzip + "/" + beresp.brotli;
}`);
  const ctx = makeContext();
  const r = beresp(ctx);
  s.run('fetch', ctx);
  assert.deepEqual([r.http.get('a'), r.http.get('b'), r.http.get('c')], ['0/1', '1/0', '0/1']);
  assert.deepEqual([r.gzip, r.brotli], [false, true]);
});

test('esi; in vcl_fetch sets beresp.do_esi', () => {
  const s = compileVcl(BACKEND + 'sub vcl_fetch { set beresp.http.Before = beresp.do_esi; esi; set beresp.http.After = beresp.do_esi; }');
  const ctx = makeContext();
  const r = beresp(ctx);
  s.run('fetch', ctx);
  assert.deepEqual([r.http.get('before'), r.http.get('after'), r.doEsi], ['0', '1', true]);
});

test('req.esi_level, req.is_esi_subreq and req.topurl read the request; req.esi defaults to true and can be turned off', () => {
  const s = compileVcl(BACKEND + `sub vcl_recv {
  set req.http.Level = req.esi_level;
  set req.http.Sub = req.is_esi_subreq;
  set req.http.Top = req.topurl;
  set req.http.Esi = req.esi;
  set req.esi = false;
}`);
  const top = makeContext();
  s.run('recv', top);
  assert.deepEqual(['level', 'sub', 'top', 'esi'].map((h) => top.req.http.get(h)), ['0', '0', null, '1']);
  assert.equal(top.esiEnabled, false);
  const include = Object.assign(makeContext({ url: '/frag' }), { esiLevel: 2, topUrl: '/page' });
  s.run('recv', include);
  assert.deepEqual(['level', 'sub', 'top'].map((h) => include.req.http.get(h)), ['2', '1', '/page']);
});
