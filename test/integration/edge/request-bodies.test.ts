// A client's request body between lookup and origin. The cache key never covers the body, so a
// lookup's fetch goes without it (Varnish builtin.vcl `vcl_builtin_backend_fetch`) and the
// object stored is the answer every plain GET gets; a pass forwards it; a HEAD with a body is a
// hard 400 (Varnish http1/cache_http1_proto.c). Whatever is not forwarded is read and thrown
// away, so the client's keep-alive connection stays in step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { httpOrigin } from '../../edge/helpers.ts';
import { startEdgeStack } from '../harness.ts';
import { bodyEchoingOrigin, HOST, keepAliveAgent, send } from './body-client.ts';

/** Raw bytes on a fresh connection; resolves with everything the edge wrote until it closed (or 2 s passed). */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    let got = '';
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => { got += c; });
    socket.on('error', () => {});
    socket.on('close', () => resolve(got));
    socket.setTimeout(2000, () => socket.destroy());
  });
}

test('a GET with a body that looks up is fetched without it, and the plain answer is what every later GET hits', async (t) => {
  const { port, seen } = await bodyEchoingOrigin(t);
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port }] });
  const agent = keepAliveAgent(t);

  const first = await send(agent, lq, { path: '/p', headers: { 'content-length': '6' }, body: 'q=evil' });
  assert.deepEqual(first, { status: 200, cache: 'MISS', body: 'plain answer', reused: false });
  assert.deepEqual(seen, [{ method: 'GET', url: '/p', contentLength: null, transferEncoding: null, body: '' }]);

  // The same connection (node:http reads it since the body-bearing request) and a fresh one
  // (the edge's own reader) both hit the plain object.
  const sameConnection = await send(agent, lq, { path: '/p' });
  assert.deepEqual(sameConnection, { status: 200, cache: 'HIT', body: 'plain answer', reused: true });
  const fresh = await lq.edge(HOST, { path: '/p' });
  assert.deepEqual([fresh.status, fresh.headers['x-cache'], fresh.body], [200, 'HIT', 'plain answer']);
  assert.equal(seen.length, 1);
});

test('a chunked GET body on a lookup is read and dropped too: no Transfer-Encoding reaches the origin', async (t) => {
  const { port, seen } = await bodyEchoingOrigin(t);
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port }] });
  const agent = keepAliveAgent(t);

  const first = await send(agent, lq, { path: '/c', headers: { 'transfer-encoding': 'chunked' }, body: 'q=evil' });
  assert.deepEqual(first, { status: 200, cache: 'MISS', body: 'plain answer', reused: false });
  assert.deepEqual(seen, [{ method: 'GET', url: '/c', contentLength: null, transferEncoding: null, body: '' }]);
  const next = await send(agent, lq, { path: '/c' });
  assert.deepEqual(next, { status: 200, cache: 'HIT', body: 'plain answer', reused: true });
});

test('a GET with a body that hits is answered from the cache and its body read, so the connection stays usable', async (t) => {
  const { port, seen } = await bodyEchoingOrigin(t);
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port }] });
  assert.equal((await lq.edge(HOST, { path: '/h' })).headers['x-cache'], 'MISS');
  const agent = keepAliveAgent(t);

  const withBody = await send(agent, lq, { path: '/h', headers: { 'content-length': '6' }, body: 'q=evil' });
  assert.deepEqual(withBody, { status: 200, cache: 'HIT', body: 'plain answer', reused: false });
  // Had the 6 body bytes stayed unread, they would be taken for the start of this request.
  const next = await send(agent, lq, { path: '/h' });
  assert.deepEqual(next, { status: 200, cache: 'HIT', body: 'plain answer', reused: true });
  assert.equal(seen.length, 1);
});

test('a HEAD with a body is 400 Bad Request and reaches no origin (Varnish: a hard error)', async (t) => {
  const { port, seen } = await bodyEchoingOrigin(t);
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port }] });

  const got = await raw(lq.edgePort, `HEAD /p HTTP/1.1\r\nHost: ${HOST}\r\nContent-Length: 6\r\n\r\nq=evil`);
  assert.equal(got.split('\r\n')[0], 'HTTP/1.1 400 Bad Request');
  assert.match(got, /\r\nconnection: close\r\n/i);
  const chunked = await raw(lq.edgePort, `HEAD /p HTTP/1.1\r\nHost: ${HOST}\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nq=evil\r\n0\r\n\r\n`);
  assert.equal(chunked.split('\r\n')[0], 'HTTP/1.1 400 Bad Request');
  assert.equal(seen.length, 0, 'the origin saw neither');
  // Content-Length: 0 is no body (RFC 9112 §6.3): an ordinary HEAD.
  const empty = await raw(lq.edgePort, `HEAD /p HTTP/1.1\r\nHost: ${HOST}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
  assert.equal(empty.split('\r\n')[0], 'HTTP/1.1 200 OK');
  assert.deepEqual(seen.map((s) => [s.method, s.body]), [['GET', '']]);
});

test('a pass forwards the body: a GET passed in vcl_recv and a POST reach the origin with their bodies and lengths', async (t) => {
  const { port, seen } = await bodyEchoingOrigin(t);
  const lq = await startEdgeStack(t);
  await lq.createService({
    domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port }],
    vcl: `sub vcl_recv {
  #FASTLY recv
  if (req.http.X-Pass) {
    return(pass);
  }
  return(lookup);
}
`,
  });
  const agent = keepAliveAgent(t);

  const passed = await send(agent, lq, { path: '/s', headers: { 'x-pass': '1', 'content-length': '6' }, body: 'q=evil' });
  assert.deepEqual(passed, { status: 200, cache: 'PASS', body: 'answer for q=evil', reused: false });
  const posted = await send(agent, lq, { method: 'POST', path: '/s', headers: { 'content-length': '9' }, body: 'a=1&b=two' });
  assert.deepEqual(posted, { status: 200, cache: 'PASS', body: 'answer for a=1&b=two', reused: true });
  assert.deepEqual(seen, [
    { method: 'GET', url: '/s', contentLength: '6', transferEncoding: null, body: 'q=evil' },
    { method: 'POST', url: '/s', contentLength: '9', transferEncoding: null, body: 'a=1&b=two' },
  ]);
  // Nothing of either was stored: a plain GET is a miss with the plain answer.
  const plain = await send(agent, lq, { path: '/s' });
  assert.deepEqual(plain, { status: 200, cache: 'MISS', body: 'plain answer', reused: true });
});

test('a chunked POST body that fits the buffer reaches the origin whole, with its Content-Length', async (t) => {
  const { port, seen } = await bodyEchoingOrigin(t);
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port }] });
  const r = await send(keepAliveAgent(t), lq, { method: 'POST', path: '/form', headers: { 'transfer-encoding': 'chunked' }, body: ['x'.repeat(400), 'x'.repeat(600)] });
  assert.deepEqual([r.status, r.body], [200, `answer for ${'x'.repeat(1000)}`]);
  assert.deepEqual(seen.map((s) => [s.method, s.contentLength, s.transferEncoding, s.body.length]), [['POST', '1000', null, 1000]]);
});

test('a collapsed waiter with a body fetches without it when the leader\'s answer cannot be shared', async (t) => {
  const seen: string[] = [];
  let release = (): void => {};
  const gate = new Promise<void>((r) => { release = r; });
  const { port } = await httpOrigin(t, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push(`${req.method ?? ''} ${req.headers['content-length'] ?? '-'} ${Buffer.concat(chunks).toString()}`);
      void gate.then(() => res.writeHead(200, { 'cache-control': 'private' }).end('per user'));
    });
  });
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port }] });

  const leader = lq.edge(HOST, { path: '/w' });
  while (seen.length === 0) await new Promise((r) => setTimeout(r, 5));
  const waiter = send(keepAliveAgent(t), lq, { path: '/w', headers: { 'content-length': '6' }, body: 'q=evil' });
  // Time for the second request to queue behind the first (had it not, it is a miss of its own
  // and must go without its body all the same).
  await new Promise((r) => setTimeout(r, 100));
  release();
  assert.equal((await leader).body, 'per user');
  assert.deepEqual([(await waiter).status, (await waiter).body], [200, 'per user']);
  assert.deepEqual(seen, ['GET - ', 'GET - ']);
});


test('the docs example (docs/caching.md, Request bodies) passes GET bodies to the origin, and bodiless GETs still hit', async (t) => {
  const doc = readFileSync(join(import.meta.dirname, '../../../docs/caching.md'), 'utf8');
  const vcl = /## Request bodies[\s\S]*?```vcl\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(vcl !== undefined, 'docs/caching.md has a VCL example under "Request bodies"');
  const { port, seen } = await bodyEchoingOrigin(t);
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port }], vcl });
  const agent = keepAliveAgent(t);

  const search = await send(agent, lq, { path: '/search', headers: { 'content-length': '6' }, body: 'q=shoe' });
  const chunked = await send(agent, lq, { path: '/search', headers: { 'transfer-encoding': 'chunked' }, body: 'q=boot' });
  const plain = [await send(agent, lq, { path: '/search' }), await send(agent, lq, { path: '/search' })];
  assert.deepEqual([search, chunked, ...plain].map((r) => `${r.cache ?? ''} ${r.body}`), ['PASS answer for q=shoe', 'PASS answer for q=boot', 'MISS plain answer', 'HIT plain answer']);
  assert.deepEqual(seen.map((s) => s.body), ['q=shoe', 'q=boot', '']);
});
