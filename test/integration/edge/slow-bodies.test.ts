// Request bodies and origin connections: a body is read into memory up to a bound before an
// upstream connection is taken (nginx's `proxy_request_buffering on`), so clients that trickle
// their bodies hold no origin slot; beyond the bound it streams. A client that goes away
// mid-body leaves no origin request open and no slot taken.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { httpOrigin } from '../../edge/helpers.ts';
import { startEdgeStack, waitFor } from '../harness.ts';

const HOST = 'slowbody.example';

const PASS_ON_HEADER = `sub vcl_recv {
  #FASTLY recv
  if (req.http.X-Pass) {
    return(pass);
  }
  return(lookup);
}
`;

/** A raw client connection; destroyed when the test ends. */
function open(port: number, sockets: net.Socket[]): net.Socket {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  sockets.push(socket);
  return socket;
}

test('clients trickling POST bodies hold no origin connection: GET misses and passes to the same backend are answered', async (t) => {
  let posts = 0;
  const { port } = await httpOrigin(t, (req, res) => {
    if (req.method === 'POST') posts++;
    req.resume();
    req.on('end', () => res.end(`origin ${req.url ?? ''}`));
  });
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port, max_conn: 4 }], vcl: PASS_ON_HEADER });

  const sockets: net.Socket[] = [];
  t.after(() => { for (const s of sockets) s.destroy(); });
  for (let i = 0; i < 12; i++) {
    // 1 byte of the 1000 promised, and nothing more.
    open(lq.edgePort, sockets).write(`POST /upload/${i} HTTP/1.1\r\nHost: ${HOST}\r\nContent-Length: 1000\r\n\r\nx`);
  }
  // Time for the edge to read all twelve heads and first bytes (an edge that connected upstream
  // on the head would have taken the backend's four connections by now).
  await sleep(300);

  const answers: string[] = [];
  for (let i = 0; i < 4; i++) {
    const miss = await lq.edge(HOST, { path: `/page/${i}` });
    const pass = await lq.edge(HOST, { path: `/api/${i}`, headers: { 'x-pass': '1' } });
    answers.push(`${miss.statusLine} ${miss.headers['x-cache'] as string} ${miss.body}`, `${pass.statusLine} ${pass.headers['x-cache'] as string} ${pass.body}`);
  }
  assert.deepEqual(answers, [0, 1, 2, 3].flatMap((i) => [`HTTP/1.1 200 OK MISS origin /page/${i}`, `HTTP/1.1 200 OK PASS origin /api/${i}`]));
  assert.equal(posts, 0, 'no trickling POST reached the origin');
  for (const s of sockets) assert.equal(s.destroyed, false, 'the slow clients are still connected');
  // Gone before the edge stops, so its drain does not wait for their requests.
  for (const s of sockets) s.destroy();
});

test('a POST whose body completes after trickling reaches the origin whole, with its Content-Length', async (t) => {
  const seen: string[] = [];
  const { port } = await httpOrigin(t, (req, res) => {
    const sha = createHash('sha256');
    let bytes = 0;
    req.on('data', (c: Buffer) => { bytes += c.length; sha.update(c); });
    req.on('end', () => {
      seen.push(`${req.method ?? ''} ${req.headers['content-length'] ?? '-'} ${bytes} ${sha.digest('hex').slice(0, 12)}`);
      res.end('stored');
    });
  });
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port, max_conn: 1 }] });

  const body = Buffer.from(Array.from({ length: 1000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join(''));
  const sockets: net.Socket[] = [];
  t.after(() => { for (const s of sockets) s.destroy(); });
  const socket = open(lq.edgePort, sockets);
  let got = '';
  socket.setEncoding('latin1');
  socket.on('data', (c: string) => { got += c; });
  socket.write(`POST /form HTTP/1.1\r\nHost: ${HOST}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
  for (let i = 0; i < body.length; i += 250) {
    socket.write(body.subarray(i, i + 250));
    await sleep(20);
  }
  await waitFor(() => socket.destroyed || got.endsWith('stored'), 5000, 'the edge answered the POST');
  assert.equal(got.split('\r\n')[0], 'HTTP/1.1 200 OK');
  assert.deepEqual(seen, [`POST 1000 1000 ${createHash('sha256').update(body).digest('hex').slice(0, 12)}`]);
});

test('a client gone mid-body before the buffer filled: nothing reached the origin and the one connection is free', async (t) => {
  const requests: string[] = [];
  const { port } = await httpOrigin(t, (req, res) => {
    requests.push(`${req.method ?? ''} ${req.url ?? ''}`);
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port, max_conn: 1 }] });

  const sockets: net.Socket[] = [];
  t.after(() => { for (const s of sockets) s.destroy(); });
  const quitter = open(lq.edgePort, sockets);
  quitter.write(`POST /upload HTTP/1.1\r\nHost: ${HOST}\r\nContent-Length: 1000\r\n\r\n${'y'.repeat(100)}`);
  await sleep(100);
  quitter.destroy();

  const r = await lq.edge(HOST, { path: '/after' });
  assert.equal(r.statusLine, 'HTTP/1.1 200 OK');
  assert.deepEqual(requests, ['GET /after']);
});

test('a client gone mid-body after the body began streaming: the origin request is aborted and its connection freed', async (t) => {
  let received = 0;
  let aborted = false;
  const { port } = await httpOrigin(t, (req, res) => {
    if (req.method !== 'POST') return void res.end('ok');
    req.on('data', (c: Buffer) => { received += c.length; });
    req.on('close', () => { if (!req.complete) aborted = true; });
    req.on('end', () => res.end('whole'));
  });
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port, max_conn: 1 }] });

  const sockets: net.Socket[] = [];
  t.after(() => { for (const s of sockets) s.destroy(); });
  const quitter = open(lq.edgePort, sockets);
  quitter.write(`POST /upload HTTP/1.1\r\nHost: ${HOST}\r\nContent-Length: ${1024 * 1024}\r\n\r\n`);
  quitter.write(Buffer.alloc(200 * 1024, 'z'));
  await waitFor(() => received > 0, 5000, 'the origin receives the start of the body');
  quitter.destroy();
  await waitFor(() => aborted, 5000, 'the origin sees its request aborted');

  const r = await lq.edge(HOST, { path: '/after' });
  assert.equal(r.statusLine, 'HTTP/1.1 200 OK');
});
