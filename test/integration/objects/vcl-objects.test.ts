// The VCL service objects at the edge, configured only through the API as the Terraform
// provider does (create the objects in a version, activate it): a conditioned backend serves
// only its paths, headers appear where configured, a response object answers without the
// origin, cache settings change the TTL, request settings force a pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { httpOrigin } from '../../edge/helpers.ts';
import { startEdgeStack, type Lacquer } from '../harness.ts';

interface Origin { readonly port: number; readonly seen: Array<{ url: string; headers: Record<string, string | string[] | undefined> }> }

async function origin(t: Parameters<typeof httpOrigin>[0], name: string, headers: Record<string, string> = {}): Promise<Origin> {
  const seen: Origin['seen'] = [];
  const { port } = await httpOrigin(t, (req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'text/plain', 'x-origin': name, ...headers });
    res.end(`${name} ${req.url ?? ''}`);
  });
  return { port, seen };
}

async function service(lq: Lacquer, domain: string, objects: Array<[string, Record<string, unknown>]>): Promise<string> {
  const { id } = await lq.apiOk('POST', '/service', { name: domain }) as { id: string };
  await lq.apiOk('POST', `/service/${id}/version/1/domain`, { name: domain });
  for (const [kind, body] of objects) await lq.apiOk('POST', `/service/${id}/version/1/${kind}`, body);
  await lq.activate(id, 1);
  return id;
}

test('a backend with a request condition serves only the requests its condition matches', async (t) => {
  const lq = await startEdgeStack(t);
  const web = await origin(t, 'web');
  const api = await origin(t, 'api');
  await service(lq, 'routes.example', [
    ['condition', { name: 'is_api', type: 'REQUEST', statement: 'req.url ~ "^/api/"', priority: 10 }],
    ['backend', { name: 'web', address: '127.0.0.1', port: web.port }],
    ['backend', { name: 'api', address: '127.0.0.1', port: api.port, request_condition: 'is_api' }],
  ]);
  assert.equal((await lq.edge('routes.example', { path: '/api/users' })).body, 'api /api/users');
  assert.equal((await lq.edge('routes.example', { path: '/index.html' })).body, 'web /index.html');
  assert.equal((await lq.edge('routes.example', { path: '/apix' })).body, 'web /apix');
  assert.deepEqual(api.seen.map((s) => s.url), ['/api/users']);
});

test('headers of each type appear where they are configured', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, 'o', { 'x-secret': 'internal', 'cache-control': 'max-age=60' });
  await service(lq, 'headers.example', [
    ['backend', { name: 'o', address: '127.0.0.1', port: o.port }],
    ['condition', { name: 'has_debug', type: 'REQUEST', statement: 'req.http.X-Debug == "1"' }],
    ['header', { name: 'to-origin', type: 'request', action: 'set', dst: 'http.X-From-Edge', src: '"yes"' }],
    ['header', { name: 'rewrite-url', type: 'request', action: 'regex', dst: 'url', src: 'req.url', regex: '^/old/', substitution: '/new/' }],
    ['header', { name: 'strip-secret', type: 'cache', action: 'delete', dst: 'http.X-Secret' }],
    ['header', { name: 'debug', type: 'response', action: 'set', dst: 'http.X-Debug-Url', src: 'req.url', request_condition: 'has_debug' }],
    ['header', { name: 'keep', type: 'response', action: 'set', dst: 'http.X-Origin', src: '"edge"', ignore_if_set: true }],
  ]);
  const plain = await lq.edge('headers.example', { path: '/old/page' });
  assert.equal(plain.body, 'o /new/page');
  assert.equal(o.seen[0].headers['x-from-edge'], 'yes');
  assert.equal(plain.headers['x-secret'], undefined);
  assert.equal(plain.headers['x-debug-url'], undefined);
  assert.equal(plain.headers['x-origin'], 'o');
  const debug = await lq.edge('headers.example', { path: '/old/page', headers: { 'x-debug': '1' } });
  assert.equal(debug.headers['x-cache'], 'HIT');
  assert.equal(debug.headers['x-debug-url'], '/new/page');
});

test('a response object answers without touching the origin', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, 'o');
  await service(lq, 'synthetic.example', [
    ['backend', { name: 'o', address: '127.0.0.1', port: o.port }],
    ['condition', { name: 'robots', type: 'REQUEST', statement: 'req.url == "/robots.txt"' }],
    ['response_object', { name: 'robots', status: 200, response: 'OK', content: 'User-agent: *\nDisallow: /\n', content_type: 'text/plain', request_condition: 'robots' }],
    ['condition', { name: 'gone', type: 'REQUEST', statement: 'req.url ~ "^/old"' }],
    ['response_object', { name: 'gone', status: 410, response: 'Gone', request_condition: 'gone' }],
  ]);
  const robots = await lq.edge('synthetic.example', { path: '/robots.txt' });
  assert.equal(robots.statusLine, 'HTTP/1.1 200 OK');
  assert.equal(robots.headers['content-type'], 'text/plain');
  assert.equal(robots.body, 'User-agent: *\nDisallow: /\n');
  const gone = await lq.edge('synthetic.example', { path: '/old/thing' });
  assert.equal(gone.statusLine, 'HTTP/1.1 410 Gone');
  assert.equal(gone.body, '');
  assert.equal((await lq.edge('synthetic.example', { path: '/page' })).body, 'o /page');
  assert.deepEqual(o.seen.map((s) => s.url), ['/page']);
});

test('cache settings set the TTL of what their condition matches, and pass what they say to pass', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, 'o', { 'cache-control': 'max-age=3600' });
  await service(lq, 'ttl.example', [
    ['backend', { name: 'o', address: '127.0.0.1', port: o.port }],
    ['condition', { name: 'short', type: 'CACHE', statement: 'req.url ~ "^/short"' }],
    ['cache_settings', { name: 'short', ttl: 1, stale_ttl: 0, cache_condition: 'short' }],
    ['condition', { name: 'nocache', type: 'CACHE', statement: 'beresp.http.X-Origin == "o" && req.url ~ "^/private"' }],
    ['cache_settings', { name: 'private', action: 'pass', cache_condition: 'nocache' }],
  ]);
  await lq.edge('ttl.example', { path: '/short' });
  await lq.edge('ttl.example', { path: '/long' });
  assert.equal((await lq.edge('ttl.example', { path: '/short' })).headers['x-cache'], 'HIT');
  await new Promise((r) => setTimeout(r, 1_100));
  assert.equal((await lq.edge('ttl.example', { path: '/short' })).headers['x-cache'], 'MISS');
  assert.equal((await lq.edge('ttl.example', { path: '/long' })).headers['x-cache'], 'HIT');
  await lq.edge('ttl.example', { path: '/private' });
  assert.notEqual((await lq.edge('ttl.example', { path: '/private' })).headers['x-cache'], 'HIT');
  assert.equal(o.seen.filter((s) => s.url === '/private').length, 2);
});

test('request settings force a pass for what their condition matches', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, 'o', { 'cache-control': 'max-age=3600' });
  await service(lq, 'pass.example', [
    ['backend', { name: 'o', address: '127.0.0.1', port: o.port }],
    ['condition', { name: 'admin', type: 'REQUEST', statement: 'req.url ~ "^/admin"' }],
    ['request_settings', { name: 'admin', action: 'pass', request_condition: 'admin', xff: 'append', force_miss: false, geo_headers: false, max_stale_age: 0 }],
  ]);
  await lq.edge('pass.example', { path: '/admin' });
  assert.equal((await lq.edge('pass.example', { path: '/admin' })).headers['x-cache'], 'PASS');
  await lq.edge('pass.example', { path: '/home' });
  assert.equal((await lq.edge('pass.example', { path: '/home' })).headers['x-cache'], 'HIT');
  assert.equal(o.seen.filter((s) => s.url === '/admin').length, 2);
});

test('request settings with force_miss fetch what their condition matches anew, and the fresh copy is stored', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, 'o', { 'cache-control': 'max-age=3600' });
  await service(lq, 'miss.example', [
    ['backend', { name: 'o', address: '127.0.0.1', port: o.port }],
    ['condition', { name: 'refresh', type: 'REQUEST', statement: 'req.http.X-Refresh == "1"' }],
    ['request_settings', { name: 'refresh', force_miss: true, request_condition: 'refresh' }],
  ]);
  await lq.edge('miss.example', { path: '/page' });
  assert.equal((await lq.edge('miss.example', { path: '/page' })).headers['x-cache'], 'HIT');
  assert.equal((await lq.edge('miss.example', { path: '/page', headers: { 'x-refresh': '1' } })).headers['x-cache'], 'MISS');
  assert.equal((await lq.edge('miss.example', { path: '/page' })).headers['x-cache'], 'HIT');
  assert.equal(o.seen.filter((s) => s.url === '/page').length, 2);
});

/** One GET to the edge, the body as bytes (a compressed body is not text). */
function rawGet(port: number, host: string, path: string, headers: Record<string, string>): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, headers: { host, ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

test('a gzip object compresses the content types it lists for clients that accept gzip, and varies on Accept-Encoding', async (t) => {
  const lq = await startEdgeStack(t);
  const page = `<html>${'<p>lacquer</p>'.repeat(200)}</html>`;
  const { port } = await httpOrigin(t, (req, res) => {
    const html = (req.url ?? '').endsWith('.html');
    res.writeHead(200, { 'content-type': html ? 'text/html; charset=utf-8' : 'image/png', 'cache-control': 'max-age=60' });
    res.end(html ? page : 'png bytes');
  });
  await service(lq, 'gzip.example', [
    ['backend', { name: 'o', address: '127.0.0.1', port }],
    ['gzip', { name: 'html', content_types: 'text/html', extensions: 'html' }],
  ]);
  const zipped = await rawGet(lq.edgePort, 'gzip.example', '/a.html', { 'accept-encoding': 'gzip, deflate' });
  assert.equal(zipped.headers['content-encoding'], 'gzip');
  assert.match(String(zipped.headers.vary), /Accept-Encoding/);
  assert.equal(gunzipSync(zipped.body).toString(), page);
  const plain = await rawGet(lq.edgePort, 'gzip.example', '/a.html', {});
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(plain.body.toString(), page);
  const image = await rawGet(lq.edgePort, 'gzip.example', '/b.png', { 'accept-encoding': 'gzip' });
  assert.equal(image.headers['content-encoding'], undefined);
  assert.equal(image.body.toString(), 'png bytes');
});
