// Fastly's documented values for the request variables lacquer computes from the request alone,
// and the fixed values of those that only mean something on Fastly's network (docs/vcl.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { BACKEND, bereq, compileVcl, makeContext } from '../helpers/context.ts';

function read(expr: string, url = '/'): string | null {
  const s = compileVcl(BACKEND + `sub vcl_recv { set req.http.Out = ${expr}; }`);
  const ctx = makeContext({ url });
  s.run('recv', ctx);
  return ctx.req.http.get('out');
}

const cases: [string, string, string | null][] = [
  ['req.url.basename', '/foo/bar/file.tar.gz?x=1', 'file.tar.gz'],
  ['req.url.dirname', '/foo/bar/file.tar.gz?x=1', '/foo/bar'],
  ['req.url.dirname', '/file.html', '/'],
  ['req.url.ext', '/foo/bar/file.tar.gz?x=1', 'gz'],
  ['req.url.ext', '/foo.d/bar', ''],
  ['req.url.ext', '/', ''],
  ['fastly.ddos_detected', '/', '0'],
  ['fastly.is_staging', '/', '0'],
  ['client.class.bot', '/', '0'],
  ['client.platform.mobile', '/', '0'],
  ['if(client.browser.name, "set", "not set")', '/', 'not set'],
  ['if(client.os.name, "set", "not set")', '/', 'not set'],
  ['req.service_id', '/', 'svc1'],
  ['req.vcl.version', '/', '1'],
  ['req.vcl.generation', '/', '1'],
  ['req.max_stale_if_error', '/', '31536000.000'],
  ['req.grace', '/', '31536000.000'],
];

for (const [expr, url, expected] of cases) {
  test(`${expr} for ${url} → ${JSON.stringify(expected)}`, () => assert.equal(read(expr, url), expected));
}

test('time.start.* are the arrival time in Fastly\'s text forms, time.elapsed.* count from it', () => {
  const s = compileVcl(BACKEND + `sub vcl_recv {
  set req.http.T = time.start.sec "|" time.start.msec "|" time.start.msec_frac "|" time.start.usec "|" time.start.usec_frac;
  set req.http.E = time.elapsed.msec;
  set req.http.N = now.sec;
  set req.http.X = "S" time.start.sec "." time.start.usec_frac;
}`);
  const ctx = makeContext();
  (ctx as { startTime: number }).startTime = 1700000000123;
  s.run('recv', ctx);
  assert.equal(ctx.req.http.get('t'), '1700000000|1700000000123|123|1700000000123000|123000');
  assert.ok(Number(ctx.req.http.get('e')) >= Date.now() - 1700000000123 - 5_000);
  assert.ok(Math.abs(Number(ctx.req.http.get('n')) - Date.now() / 1000) < 5);
  // Fastly's own X-Timer line.
  assert.equal(ctx.req.http.get('x'), 'S1700000000.123000');
});

test('req.xid is one id for the whole request; req.digest is the SHA-256 of what vcl_hash fed req.hash', () => {
  const s = compileVcl(BACKEND + 'sub vcl_recv { set req.http.A = req.xid; set req.http.B = req.xid; }\nsub vcl_hash { set req.hash += req.url; set req.hash += "h"; }\nsub vcl_deliver { set resp.http.D = req.digest; }');
  const ctx = makeContext({ url: '/x' });
  s.run('recv', ctx);
  assert.match(ctx.req.http.get('a') ?? '', /^[0-9a-f]{32}$/);
  assert.equal(ctx.req.http.get('a'), ctx.req.http.get('b'));
  assert.notEqual(makeContext().req, ctx.req);
  s.run('hash', ctx);
  const d = createHash('sha256').update('/x').update('\n').update('h').update('\n').digest('hex');
  assert.equal(ctx.hashData.join(','), '/x,h');
  const deliver = compileVcl(BACKEND + 'sub vcl_recv { set req.http.D = req.digest; }');
  deliver.run('recv', ctx);
  assert.equal(ctx.req.http.get('d'), d);
  assert.equal(d.length, 64);
});

test('bereq.url.path, .basename, .dirname, .ext and .qs split the backend request URL', () => {
  const s = compileVcl(BACKEND + 'sub vcl_miss { set bereq.http.P = bereq.url.path "|" bereq.url.basename "|" bereq.url.dirname "|" bereq.url.ext "|" bereq.url.qs; }');
  const ctx = makeContext();
  bereq(ctx, '/a/b/c.js?v=2');
  s.run('miss', ctx);
  assert.equal(ctx.bereq?.http.get('p'), '/a/b/c.js|c.js|/a/b|js|v=2');
});

test('req.max_stale_while_revalidate and req.hash_always_miss are kept on the request for the cache to read; a negative stale limit is 0', () => {
  const s = compileVcl(BACKEND + 'sub vcl_recv { set req.max_stale_while_revalidate = 5s; set req.max_stale_if_error = -1s; set req.hash_always_miss = true; }');
  const ctx = makeContext();
  s.run('recv', ctx);
  assert.deepEqual(ctx.cacheRequest, { maxStaleIfError: 0, maxStaleWhileRevalidate: 5, hashAlwaysMiss: true, hashIgnoreBusy: false });
});
