// ESI, Fiddle-style: VCL + origin + requests → exact pages. Includes are requests to the same
// service (vcl_recv runs with req.esi_level > 0), cached on their own, bounded in depth (5)
// and count (256), assembled in document order (Fastly's esi statement page).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { httpOrigin } from '../../edge/helpers.ts';
import { startEdgeStack } from '../harness.ts';
import { get, gunzip } from './client.ts';

const VCL = `
sub vcl_recv {
  #FASTLY recv
  set req.http.X-Esi-Level = req.esi_level;
  if (req.esi_level > 0) { set req.http.X-Top-Url = req.topurl; }
  if (req.url ~ "noesi") { set req.esi = false; }
  return(lookup);
}
sub vcl_fetch {
  #FASTLY fetch
  if (beresp.http.X-Esi) { esi; }
  if (beresp.http.X-Gzip) { set beresp.gzip = true; }
  return(deliver);
}
`;

type Route = { readonly status?: number; readonly body: string | Buffer; readonly esi?: boolean; readonly headers?: Record<string, string> };

async function stack(t: TestContext, routes: Record<string, Route | ((req: IncomingMessage) => Route)>) {
  const seen: Array<{ url: string; level: string | undefined; top: string | undefined; host: string | undefined }> = [];
  const hooks: { onRequest: (url: string) => Promise<void> } = { onRequest: async () => {} };
  const { port } = await httpOrigin(t, (req: IncomingMessage, res: ServerResponse) => void hooks.onRequest(req.url ?? '').then(() => {
    const path = (req.url ?? '').replace(/\?.*$/, '');
    seen.push({ url: req.url ?? '', level: req.headers['x-esi-level'] as string | undefined, top: req.headers['x-top-url'] as string | undefined, host: req.headers.host });
    const found = routes[path];
    const route = typeof found === 'function' ? found(req) : found;
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain', 'cache-control': 'max-age=300' });
      res.end('not here');
      return;
    }
    res.writeHead(route.status ?? 200, { 'content-type': 'text/html', 'cache-control': 'max-age=300', ...(route.esi === true ? { 'x-esi': '1' } : {}), ...route.headers });
    res.end(route.body);
  }));
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: ['esi.example', 'other.example'], backends: [{ name: 'origin', address: '127.0.0.1', port }], vcl: VCL });
  return {
    seen, port: lq.edgePort,
    set onRequest(f: (url: string) => Promise<void>) { hooks.onRequest = f; },
    get: (path: string, headers: Record<string, string> = {}, method = 'GET') => get(lq.edgePort, 'esi.example', path, headers, method),
  };
}

test('a page assembles its includes in order — relative, absolute and nested — and each is cached on its own', async (t) => {
  const s = await stack(t, {
    '/shop/page': { esi: true, body: 'A<esi:include src="header"/>B<esi:include src="http://other.example/nav?x=1&amp;y=2"/>C<!--esi <esi:include src="/shop/footer"/>-->D<esi:remove>origin-only</esi:remove>E<esi:comment text="x"/>F' },
    '/shop/header': { body: '[header]' },
    '/nav': { body: '[nav]' },
    '/shop/footer': { esi: true, body: '[footer <esi:include src="/copyright"/>]' },
    '/copyright': { body: '(c)' },
  });
  const first = await s.get('/shop/page');
  assert.equal(first.status, 200);
  assert.equal(first.body.toString(), 'A[header]B[nav]C[footer (c)]DEF');
  assert.equal(first.headers['content-length'], undefined);
  assert.equal(first.complete, true);
  assert.deepEqual(s.seen, [
    { url: '/shop/page', level: '0', top: undefined, host: 'esi.example' },
    { url: '/shop/header', level: '1', top: '/shop/page', host: 'esi.example' },
    { url: '/nav?x=1&y=2', level: '1', top: '/shop/page', host: 'other.example' },
    { url: '/shop/footer', level: '1', top: '/shop/page', host: 'esi.example' },
    { url: '/copyright', level: '2', top: '/shop/page', host: 'esi.example' },
  ]);
  const second = await s.get('/shop/page');
  assert.equal(second.headers['x-cache'], 'HIT');
  assert.equal(second.body.toString(), 'A[header]B[nav]C[footer (c)]DEF');
  assert.equal(s.seen.length, 5, 'the page and every fragment came from the cache');
});

test('includes stop at depth 5: a page that includes itself ends', async (t) => {
  const s = await stack(t, { '/loop': { esi: true, body: '<<esi:include src="/loop"/>>' } });
  const r = await s.get('/loop');
  assert.equal(r.body.toString(), '<<<<<<>>>>>>', 'the page and 5 levels of includes');
  assert.equal(r.complete, true);
});

test('a request makes at most 256 includes, every level together', async (t) => {
  const s = await stack(t, {
    '/many': { esi: true, body: '<esi:include src="/item"/>'.repeat(300) },
    '/item': { body: 'i' },
  });
  const r = await s.get('/many');
  assert.equal(r.body.toString(), 'i'.repeat(256));
  assert.deepEqual(s.seen.map((x) => x.url), ['/many', '/item']);
});

test('a failing include: alt is tried, onerror="continue" leaves it out, otherwise the error body is spliced in', async (t) => {
  const s = await stack(t, {
    '/page': { esi: true, body: '1<esi:include src="/broken" alt="/fallback"/>2<esi:include src="/broken" onerror="continue"/>3<esi:include src="/missing"/>4' },
    '/broken': { status: 500, body: 'boom', headers: { 'cache-control': 'no-store' } },
    '/fallback': { body: 'fb' },
  });
  const r = await s.get('/page');
  assert.equal(r.status, 200);
  assert.equal(r.body.toString(), '1fb23not here4');
});

test('ESI and gzip: the page is assembled from uncompressed fragments, then compressed for a client that accepts gzip', async (t) => {
  const s = await stack(t, {
    '/page': { esi: true, headers: { 'x-gzip': '1' }, body: `<p>${'x'.repeat(500)}<esi:include src="/frag"/></p>` },
    '/frag': { headers: { 'x-gzip': '1' }, body: `<i>${'y'.repeat(500)}</i>` },
  });
  const expected = `<p>${'x'.repeat(500)}<i>${'y'.repeat(500)}</i></p>`;
  const gz = await s.get('/page', { 'accept-encoding': 'gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(gz.headers.vary, 'Accept-Encoding');
  assert.equal(gunzip(gz.body), expected);
  const plain = await s.get('/page');
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(plain.body.toString(), expected);
  const head = await s.get('/page', { 'accept-encoding': 'gzip' }, 'HEAD');
  assert.equal(head.headers['content-encoding'], 'gzip');
  assert.equal(head.body.length, 0);
});

test('set req.esi = false delivers the template unprocessed', async (t) => {
  const template = 'a<esi:include src="/frag"/>b';
  const s = await stack(t, { '/noesi': { esi: true, body: template }, '/frag': { body: 'F' } });
  const r = await s.get('/noesi');
  assert.equal(r.body.toString(), template);
  assert.deepEqual(s.seen.map((x) => x.url), ['/noesi']);
});

test('a compressed origin body is never inflated by the edge: an ESI page the origin gzipped (a zip bomb) goes out byte for byte', async (t) => {
  // 64 MiB of zeros in about 64 KiB. The edge neither inflates it to look for ESI markup (Fastly:
  // compressed responses are delivered unprocessed) nor compresses it again, nor inflates it for
  // the client that accepts no encoding: the origin chose the coding, the client gets it.
  const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
  const s = await stack(t, { '/bomb': { esi: true, headers: { 'content-encoding': 'gzip', 'x-gzip': '1' }, body: bomb } });
  for (const headers of [{}, { 'accept-encoding': 'gzip' }] as Array<Record<string, string>>) {
    const r = await s.get('/bomb', headers);
    assert.equal(r.headers['content-encoding'], 'gzip');
    assert.equal(r.body.length, bomb.length);
    assert.deepEqual(r.body, bomb);
  }
});

test('a page streams: what precedes an include reaches the client before the include is fetched', async (t) => {
  let sawPrefix: () => void = () => {};
  const prefixArrived = new Promise<void>((resolve) => { sawPrefix = resolve; });
  const s = await stack(t, {
    '/page': { esi: true, body: `BEFORE${' '.repeat(1024)}<esi:include src="/slow"/>AFTER` },
    '/slow': () => ({ body: 'SLOW' }),
  });
  const fragmentAsked: number[] = [];
  s.onRequest = async (url) => {
    if (url === '/slow') {
      fragmentAsked.push(Date.now());
      await prefixArrived;
    }
  };
  const body = await new Promise<string>((resolve, reject) => {
    const r = http.request({ host: '127.0.0.1', port: s.port, path: '/page', headers: { host: 'esi.example' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString();
        if (text.startsWith('BEFORE')) sawPrefix();
      });
      res.on('end', () => resolve(text));
    });
    r.on('error', reject);
    r.end();
  });
  assert.equal(body, `BEFORE${' '.repeat(1024)}SLOWAFTER`);
  assert.equal(fragmentAsked.length, 1);
});
