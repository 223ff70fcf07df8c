import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND, bereq, beresp, compileVcl, makeContext, obj, resp } from '../helpers/context.ts';

/** Runs `set req.http.Out = <expr>;` in vcl_recv and returns the header. */
function read(expr: string, init: Parameters<typeof makeContext>[0] = {}): string | null {
  const s = compileVcl(BACKEND + `sub vcl_recv { set req.http.Out = ${expr}; }`);
  const ctx = makeContext(init);
  s.run('recv', ctx);
  return ctx.req.http.get('out');
}

test('request, client and server variables read the context', () => {
  const init = { method: 'POST', url: '/p/a.html?x=1&y=2', clientIp: '2001:db8::1', headers: { Host: 'h.test' } };
  assert.equal(read('req.url', init), '/p/a.html?x=1&y=2');
  assert.equal(read('req.method', init), 'POST');
  assert.equal(read('req.request', init), 'POST');
  assert.equal(read('req.proto', init), 'HTTP/1.1');
  assert.equal(read('req.restarts', init), '0');
  assert.equal(read('req.is_ipv6', init), '1');
  assert.equal(read('req.is_ipv6'), '0');
  assert.equal(read('client.ip', init), '2001:db8::1');
  assert.equal(read('client.identity', init), '2001:db8::1');
  assert.equal(read('server.hostname'), 'edge-1');
  assert.equal(read('server.identity'), 'edge-1-id');
  assert.equal(read('server.ip'), '127.0.0.1');
  assert.equal(read('server.port'), '8080');
  assert.equal(read('server.region'), 'test-pop');
  assert.equal(read('server.datacenter'), 'test-pop');
  assert.equal(read('fastly_info.state'), 'RECV');
  assert.equal(read('fastly.error'), null);
});

test('req.url.path and req.url.qs split the URL; bereq.proto reads the backend request', () => {
  assert.equal(read('req.url.path', { url: '/p/a.html?x=1&y=2' }), '/p/a.html');
  assert.equal(read('req.url.qs', { url: '/p/a.html?x=1&y=2' }), 'x=1&y=2');
  assert.equal(read('req.url.qs', { url: '/p' }), '');
  const s = compileVcl(BACKEND + 'sub vcl_miss { set bereq.http.Proto = bereq.proto; }');
  const ctx = makeContext();
  bereq(ctx);
  s.run('miss', ctx);
  assert.equal(ctx.bereq?.http.get('proto'), 'HTTP/1.1');
});

test('req.url and req.method can be set; client.identity can be set and read back', () => {
  const s = compileVcl(BACKEND + 'sub vcl_recv { set req.url = "/new" req.url; set req.method = "GET"; set client.identity = req.http.User; set req.http.Id = client.identity; }');
  const ctx = makeContext({ method: 'HEAD', url: '/a', headers: { User: 'u42' } });
  s.run('recv', ctx);
  assert.deepEqual([ctx.req.url, ctx.req.method, ctx.clientIdentity, ctx.req.http.get('id')], ['/new/a', 'GET', 'u42', 'u42']);
});

test('req.backend reads the default until set; health comes from isHealthy', () => {
  const s = compileVcl(`backend F_a { .host = "a.test"; .dynamic = true; .share_key = "k"; }
backend F_b { .host = "b.test"; .dynamic = true; .share_key = "k"; }
sub vcl_recv {
  set req.http.Before = req.backend;
  set req.http.Before-Healthy = req.backend.healthy;
  if (!backend.F_a.healthy) { set req.backend = F_b; }
  set req.http.After = req.backend;
  set req.http.After-Healthy = req.backend.healthy;
  set req.http.Is-B = (req.backend == F_b);
}`);
  const sick = makeContext({ healthy: { F_a: false, F_b: true } });
  s.run('recv', sick);
  assert.deepEqual(sick.req.http.toJSON(), { before: 'F_a', 'before-healthy': '0', after: 'F_b', 'after-healthy': '1', 'is-b': '1' });
  assert.equal(sick.req.backend, 'F_b');
  const fine = makeContext({ healthy: { F_a: true } });
  s.run('recv', fine);
  assert.deepEqual([fine.req.backend, fine.req.http.get('after'), fine.req.http.get('is-b')], [null, 'F_a', '0']);
});

test('bereq, beresp, obj and resp variables read and write their objects', () => {
  const s = compileVcl(BACKEND + `
sub vcl_pass { set bereq.method = "GET"; set bereq.http.X-P = bereq.url " " bereq.method; }
sub vcl_fetch { set beresp.status = 201; set beresp.response = "Made"; set beresp.http.X-Old = beresp.cacheable; set beresp.cacheable = false; }
sub vcl_hit { set obj.ttl = 5s; set req.http.X-Obj = obj.status " " obj.response " " obj.hits " " obj.age; }
sub vcl_deliver { set resp.status = 299; set resp.response = "Fine"; set resp.http.X-Was = obj.age; }
sub vcl_log { set req.http.X-Ttl = obj.ttl; }`);
  const ctx = makeContext({ method: 'POST', url: '/b' });
  bereq(ctx);
  assert.equal(s.run('pass', ctx), 'pass');
  assert.deepEqual([ctx.bereq?.method, ctx.bereq?.http.get('x-p')], ['GET', '/b GET']);
  const br = beresp(ctx);
  s.run('fetch', ctx);
  assert.deepEqual([br.status, br.response, br.http.get('x-old'), br.cacheable], [201, 'Made', '1', false]);
  const o = obj(ctx, 200);
  assert.equal(s.run('hit', ctx), 'deliver');
  assert.deepEqual([o.ttl, ctx.req.http.get('x-obj')], [5, '200 OK 2 5.000']);
  const r = resp(ctx);
  s.run('deliver', ctx);
  assert.deepEqual([r.status, r.response, r.http.get('x-was')], [299, 'Fine', '5.000']);
  s.run('log', ctx);
  assert.equal(ctx.req.http.get('x-ttl'), '5.000');
});

test('now is a TIME that prints as an HTTP date; time.elapsed is RTIME since the request started', () => {
  const s = compileVcl(BACKEND + 'sub vcl_recv { set req.http.Now = now; set req.http.Elapsed = time.elapsed; }');
  const ctx = makeContext();
  (ctx as { startTime: number }).startTime = Date.now() - 1500;
  s.run('recv', ctx);
  assert.match(ctx.req.http.get('now')!, /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  assert.match(ctx.req.http.get('elapsed')!, /^1\.5\d\d$/);
});

test('header subfields read, set and unset one item of a list (";" for Cookie, "," otherwise)', () => {
  const s = compileVcl(BACKEND + `
sub vcl_recv {
  set req.http.Session = req.http.Cookie:session;
  set req.http.Missing = if(req.http.Cookie:nope, "yes", "no");
  unset req.http.Cookie:tracking;
  set req.http.Cache-Control:max-age = "300";
  set req.http.Cache-Control:public = "";
}`);
  const ctx = makeContext({ headers: { Cookie: 'a=1; session=abc; tracking=xyz', 'Cache-Control': 'no-transform, max-age=10' } });
  s.run('recv', ctx);
  assert.equal(ctx.req.http.get('session'), 'abc');
  assert.equal(ctx.req.http.get('missing'), 'no');
  assert.equal(ctx.req.http.get('cookie'), 'a=1; session=abc');
  assert.equal(ctx.req.http.get('cache-control'), 'no-transform, max-age=300, public');
});

test('assigning a header that is not set leaves the target unset; concatenating it adds nothing', () => {
  const s = compileVcl(BACKEND + 'sub vcl_recv { set req.http.A = req.http.Nope; set req.http.B = "x" req.http.Nope "y"; }');
  const ctx = makeContext({ headers: { A: 'old' } });
  s.run('recv', ctx);
  assert.deepEqual([ctx.req.http.get('a'), ctx.req.http.get('b')], [null, 'xy']);
});

test('stale.exists is a non-NULL string only while a stale copy is at hand, so `if (stale.exists)` tests it', () => {
  assert.equal(read('stale.exists', { staleExists: true }), '1');
  assert.equal(read('stale.exists', { staleExists: false }), null);
  const s = compileVcl(BACKEND + 'sub vcl_recv { if (stale.exists) { set req.http.Out = "stale"; } else { set req.http.Out = "none"; } }');
  for (const [staleExists, out] of [[true, 'stale'], [false, 'none']] as const) {
    const ctx = makeContext({ staleExists });
    s.run('recv', ctx);
    assert.equal(ctx.req.http.get('out'), out);
  }
});
