// Every edge behaviour holds over HTTPS, HTTP/1.1 and HTTP/2 alike (DESIGN.md §4.4): both reach
// the same pipeline. Origin script, edge, client, expectations — run once per protocol.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { closedPort, httpOrigin } from '../../edge/helpers.ts';
import { makeCa, material, type TestCa } from '../../support/certificates.ts';
import { startEdgeStack, vclName, type Lacquer } from '../harness.ts';
import { httpsRequest, type HttpsReply } from './clients.ts';

const HOST = 'site.example.test';
const PROTOCOLS = [{ name: 'HTTP/1.1', h2: false }, { name: 'HTTP/2', h2: true }] as const;

async function edge(t: TestContext): Promise<{ lq: Lacquer; ca: TestCa; get: (h2: boolean, path: string, init?: { method?: string; headers?: Record<string, string> }) => Promise<HttpsReply> }> {
  const ca = makeCa(t);
  const leaf = ca.leaf([HOST]);
  const lq = await startEdgeStack(t, { tlsMaterial: async () => material(1, [[HOST, leaf]]) });
  return { lq, ca, get: (h2, path, init = {}) => httpsRequest({ port: lq.tlsPort, host: HOST, ca: ca.caPem, path, h2, ...init }) };
}

test('over HTTPS a cacheable object is a MISS, then a HIT, and a MISS again after purge_all', async (t) => {
  let fetched = 0;
  const origin = await httpOrigin(t, (req, res) => {
    fetched++;
    res.setHeader('cache-control', 'max-age=300');
    res.end(`object ${req.url ?? ''}`);
  });
  const { lq, get } = await edge(t);
  const sid = await lq.createService({ domains: [HOST], backends: [{ name: 'o', address: '127.0.0.1', port: origin.port }] });
  for (const p of PROTOCOLS) {
    const path = `/cached-${p.h2 ? 'h2' : 'h1'}`;
    const first = await get(p.h2, path);
    assert.deepEqual([first.status, first.headers['x-cache'], first.body], [200, 'MISS', `object ${path}`], p.name);
    const second = await get(p.h2, path);
    assert.deepEqual([second.status, second.headers['x-cache'], second.body], [200, 'HIT', `object ${path}`], p.name);
  }
  assert.equal(fetched, 2, 'one origin fetch per object, whichever protocol asked');
  // The cache is one: an object fetched over HTTP/2 is a hit over HTTP/1.1.
  assert.equal((await get(false, '/cached-h2')).headers['x-cache'], 'HIT');
  await lq.apiOk('POST', `/service/${sid}/purge_all`);
  for (const p of PROTOCOLS) assert.equal((await get(p.h2, `/cached-${p.h2 ? 'h2' : 'h1'}`)).headers['x-cache'], 'MISS', p.name);
});

test('over HTTPS a stale copy is served while the origin fails', async (t) => {
  let failing = false;
  const origin = await httpOrigin(t, (req, res) => {
    if (failing) return void res.socket?.destroy();
    res.setHeader('cache-control', 'max-age=0, stale-if-error=300');
    res.end(`fresh ${req.url ?? ''}`);
  });
  const { lq, get } = await edge(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'o', address: '127.0.0.1', port: origin.port }] });
  for (const p of PROTOCOLS) assert.equal((await get(p.h2, `/s-${String(p.h2)}`)).headers['x-cache'], 'MISS');
  failing = true;
  for (const p of PROTOCOLS) {
    const r = await get(p.h2, `/s-${String(p.h2)}`);
    assert.deepEqual([r.status, r.headers['x-cache'], r.body], [200, 'STALE', `fresh /s-${String(p.h2)}`], p.name);
  }
});

test('over HTTPS a random director sends nothing to its sick member', async (t) => {
  const serve = (name: string) => httpOrigin(t, (_req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.end(name);
  });
  const a = await serve('a');
  const b = await serve('b');
  const { lq, get } = await edge(t);
  const sid = await lq.createService({
    domains: [HOST],
    backends: [{ name: 'a', address: '127.0.0.1', port: a.port }, { name: 'b', address: '127.0.0.1', port: b.port }],
    directors: [{ name: 'pool', type: 1, quorum: 0, members: ['a', 'b'] }],
    vcl: 'sub vcl_recv {\n  #FASTLY recv\n  set req.backend = pool;\n  return(pass);\n}\n',
  });
  await lq.apiOk('PUT', `/service/${sid}/health/${vclName('a')}`, { state: 'sick' });
  for (const p of PROTOCOLS) {
    for (let i = 0; i < 8; i++) assert.equal((await get(p.h2, '/')).body, 'b', p.name);
  }
  await lq.apiOk('PUT', `/service/${sid}/health/${vclName('a')}`, { state: 'auto' });
  await lq.apiOk('PUT', `/service/${sid}/health/${vclName('b')}`, { state: 'sick' });
  for (const p of PROTOCOLS) {
    for (let i = 0; i < 8; i++) assert.equal((await get(p.h2, '/')).body, 'a', p.name);
  }
});

test('over HTTPS a failed fetch is 503 with Fastly\'s reason: in the HTTP/1.1 status line, in the body over HTTP/2 (which has no reason phrase)', async (t) => {
  const port = await closedPort();
  const { lq, get } = await edge(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'down', address: '127.0.0.1', port }] });
  const h1 = await get(false, '/');
  assert.equal(h1.statusLine, 'HTTP/1.1 503 Connection refused');
  assert.equal(h1.body, '503 Connection refused\n');
  const h2 = await get(true, '/');
  assert.equal(h2.statusLine, 'HTTP/2 503');
  assert.equal(h2.body, '503 Connection refused\n');
  assert.equal(h2.headers['content-type'], 'text/plain; charset=utf-8');
});

test('over HTTP/2 a request body of unknown length reaches the origin whole, as over HTTP/1.1', async (t) => {
  const origin = await httpOrigin(t, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += String(c); });
    req.on('end', () => res.end(`${req.method ?? ''} ${body.length} ${body.slice(0, 10)}`));
  });
  const { lq, ca } = await edge(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'o', address: '127.0.0.1', port: origin.port }] });
  const { default: http2 } = await import('node:http2');
  const { default: tls } = await import('node:tls');
  const session = http2.connect(`https://${HOST}`, {
    createConnection: () => tls.connect({ host: '127.0.0.1', port: lq.tlsPort, servername: HOST, ca: ca.caPem, ALPNProtocols: ['h2'] }),
  });
  t.after(() => session.destroy());
  const body = 'abcdefghij'.repeat(10_000);
  const reply = await new Promise<string>((resolve, reject) => {
    const s = session.request({ ':method': 'POST', ':path': '/upload' });
    let text = '';
    s.on('data', (c: Buffer) => { text += String(c); });
    s.on('end', () => resolve(text));
    s.on('error', reject);
    s.write(body.slice(0, 50_000));
    setTimeout(() => s.end(body.slice(50_000)), 20);
  });
  assert.equal(reply, `POST ${body.length} abcdefghij`);
});
