// Hostile or broken input at the edge: the worker answers with a clear status and keeps serving.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { httpOrigin } from '../../edge/helpers.ts';
import { startEdgeStack } from '../harness.ts';

const HOST = 'hostile.example';

/** Sends raw bytes and returns the first response's status line (or '' when the socket closed silently). */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    let got = '';
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => { got += c; });
    socket.on('error', () => resolve(got.split('\r\n')[0] ?? ''));
    socket.on('close', () => resolve(got.split('\r\n')[0] ?? ''));
    socket.setTimeout(5000, () => { socket.destroy(); reject(new Error('no answer within 5 s')); });
  });
}

test('malformed requests get 400 and oversized headers 431, and the edge keeps serving', async (t) => {
  const { port } = await httpOrigin(t, (_req, res) => res.end('fine'));
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port }] });
  assert.equal(await raw(lq.edgePort, 'GARBAGE\r\n\r\n'), 'HTTP/1.1 400 Bad Request');
  assert.equal(await raw(lq.edgePort, `GET / HTTP/1.1\r\nHost: ${HOST}\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`), 'HTTP/1.1 431 Request Header Fields Too Large');
  assert.equal(await raw(lq.edgePort, `GET / HTTP/1.1\r\nHost: ${HOST}\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`), 'HTTP/1.1 400 Bad Request');
  const ok = await lq.edge(HOST, { path: '/after' });
  assert.deepEqual([ok.statusLine, ok.body], ['HTTP/1.1 200 OK', 'fine']);
});

test('an origin whose Vary names inherited property names is cached without harm', async (t) => {
  let hits = 0;
  const { port } = await httpOrigin(t, (_req, res) => {
    hits++;
    res.writeHead(200, { 'cache-control': 'max-age=60', vary: 'constructor, __proto__, toString' });
    res.end('varied');
  });
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port }] });
  const first = await lq.edge(HOST, { path: '/v' });
  const second = await lq.edge(HOST, { path: '/v', headers: { constructor: 'x' } });
  const third = await lq.edge(HOST, { path: '/v' });
  assert.deepEqual([first.status, first.headers['x-cache'], second.status, third.headers['x-cache']], [200, 'MISS', 200, 'HIT']);
  assert.equal(second.headers['x-cache'], 'MISS', 'a different value for a Vary field is another variant');
  assert.equal(hits, 2);
});

test('a Host header that is not a hostname is 404 Domain Not Found, not a crash', async (t) => {
  const lq = await startEdgeStack(t);
  for (const host of ['[::1', '::::', 'a'.repeat(300), '%00', '__proto__', 'constructor']) {
    const r = await lq.edge(host);
    assert.equal(r.statusLine, 'HTTP/1.1 404 Domain Not Found', host);
  }
});
