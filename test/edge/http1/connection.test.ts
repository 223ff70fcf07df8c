// The edge's own HTTP/1.1 connections: framing, keep-alive, pipelining, and the hand-over to
// node:http at the first request outside the common case — all through EdgeServer on loopback.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import { EdgeServer } from '../../../src/edge/server.ts';
import type { ClientRequest, ClientResponse } from '../../../src/edge/http1/index.ts';

type Handler = (req: ClientRequest, res: ClientResponse) => void;

/** Answers with which reader served the request, its method, URL and body. */
const echo: Handler = (req, res) => {
  const reader = req instanceof http.IncomingMessage ? 'node' : 'edge';
  const done = (body: string) => {
    const text = `${reader} ${req.method} ${req.url}${body === '' ? '' : ` ${body}`}`;
    res.writeHead(200, 'OK', { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  if (req instanceof Readable) {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { body += c; });
    req.on('end', () => done(body));
  } else {
    done(req.wholeBody?.toString('latin1') ?? '');
  }
};

async function edge(t: TestContext, handler: Handler, idleMs?: number): Promise<{ server: EdgeServer; port: number }> {
  const server = new EdgeServer({ host: '127.0.0.1', port: 0, handler, clientTimeouts: idleMs === undefined ? {} : { idleMs } });
  const { port } = await server.listen();
  t.after(() => server.drain());
  return { server, port };
}

/** Writes `bytes` (each string a separate write) and returns everything read until the server closes. */
function exchange(port: number, ...writes: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', async () => {
      for (const w of writes) {
        socket.write(Buffer.from(w, 'latin1'));
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    let got = '';
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => { got += c; });
    socket.on('error', reject);
    socket.on('close', () => resolve(got));
    socket.setTimeout(5000, () => { socket.destroy(); reject(new Error(`no close within 5 s; got ${JSON.stringify(got)}`)); });
  });
}

/** Status line and body of each response in a byte stream of Content-Length framed responses. */
function responses(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let rest = text;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    const head = rest.slice(0, end);
    const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
    out.push([head.split('\r\n')[0], rest.slice(end + 4, end + 4 + length)]);
    rest = rest.slice(end + 4 + length);
  }
  return out;
}

const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: a.example\r\n${extra}\r\n`;

test('pipelined requests are answered in order, and the first one outside the common case moves the connection to node:http', async (t) => {
  const { port } = await edge(t, echo);
  const text = await exchange(port,
    get('/1') + get('/2') + 'POST /3 HTTP/1.1\r\nHost: a.example\r\nContent-Length: 4\r\n\r\nbody'
    + 'POST /4 HTTP/1.1\r\nHost: a.example\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nmore\r\n0\r\n\r\n' + get('/5', 'Connection: close\r\n'));
  assert.deepEqual(responses(text), [
    ['HTTP/1.1 200 OK', 'edge GET /1'],
    ['HTTP/1.1 200 OK', 'edge GET /2'],
    ['HTTP/1.1 200 OK', 'edge POST /3 body'],
    ['HTTP/1.1 200 OK', 'node POST /4 more'],
    ['HTTP/1.1 200 OK', 'node GET /5'],
  ]);
});

test('a POST, PUT or PATCH whose Content-Length body came with its head is the edge reader\'s; one whose body is still arriving is node:http\'s', async (t) => {
  const { port } = await edge(t, echo);
  const send = (method: string, path: string, length: number, body: string, extra = '') =>
    `${method} ${path} HTTP/1.1\r\nHost: a.example\r\nContent-Length: ${length}\r\n${extra}\r\n${body}`;
  const long = 'x'.repeat(2000);
  const text = await exchange(port,
    send('POST', '/1', 3, 'a=1') + send('PUT', '/2', long.length, long) + send('PATCH', '/3', 0, '') + send('POST', '/4', 10, 'half', 'Connection: close\r\n'),
    '-done!');
  assert.deepEqual(responses(text), [
    ['HTTP/1.1 200 OK', 'edge POST /1 a=1'],
    ['HTTP/1.1 200 OK', `edge PUT /2 ${long}`],
    ['HTTP/1.1 200 OK', 'edge PATCH /3'],
    ['HTTP/1.1 200 OK', 'node POST /4 half-done!'],
  ]);
});

test('a head split over two reads is handed to node:http and answered', async (t) => {
  const { port } = await edge(t, echo);
  const text = await exchange(port, 'GET /split HTTP/1.1\r\nHo', 'st: a.example\r\nConnection: close\r\n\r\n');
  assert.deepEqual(responses(text), [['HTTP/1.1 200 OK', 'node GET /split']]);
});

test('a keep-alive response says so; Connection: close and HTTP/1.0 close the connection after the response', async (t) => {
  const { port } = await edge(t, echo, 7000);
  const text = await exchange(port, get('/a'), get('/b', 'Connection: close\r\n'));
  const [first, second] = text.split('HTTP/1.1 200 OK\r\n').slice(1);
  assert.match(first, /\r\nconnection: keep-alive\r\nkeep-alive: timeout=7\r\n/);
  assert.match(first, /\r\ndate: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT\r\n/);
  assert.match(second, /\r\nconnection: close\r\n\r\nedge GET \/b$/);
  assert.deepEqual(responses(await exchange(port, 'GET /old HTTP/1.0\r\n\r\n')), [['HTTP/1.1 200 OK', 'edge GET /old']]);
});

test('a streamed body is chunked for HTTP/1.1 and delimited by the close for HTTP/1.0; HEAD gets no body', async (t) => {
  const { port } = await edge(t, (req, res) => {
    res.writeHead(200, 'OK', { 'content-type': 'text/plain' });
    res.write(Buffer.from('hello '));
    setImmediate(() => res.end(Buffer.from('world')));
    void req;
  });
  const chunked = await exchange(port, get('/', 'Connection: close\r\n'));
  assert.match(chunked, /\r\ntransfer-encoding: chunked\r\n/);
  assert.ok(chunked.endsWith('\r\n\r\n6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n'), JSON.stringify(chunked));
  const old = await exchange(port, 'GET / HTTP/1.0\r\n\r\n');
  assert.doesNotMatch(old, /transfer-encoding/);
  assert.ok(old.endsWith('\r\nconnection: close\r\n\r\nhello world'), JSON.stringify(old));
  const head = await exchange(port, 'HEAD / HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n');
  assert.ok(head.endsWith('\r\n\r\n'), JSON.stringify(head));
});

test('a field value with CR or LF is refused before anything is written', async (t) => {
  const errors: unknown[] = [];
  const { port } = await edge(t, (_req, res) => {
    res.writeHead(200, 'OK', { 'x-split': 'a\r\nset-cookie: stolen=1' });
    try {
      res.end('x');
    } catch (err) {
      errors.push(err);
      res.writeHead(500, 'Internal Server Error', { 'content-length': 0 });
      res.end();
    }
  });
  const text = await exchange(port, get('/', 'Connection: close\r\n'));
  assert.equal((errors[0] as { code?: string }).code, 'ERR_INVALID_CHAR');
  assert.match(text, /^HTTP\/1\.1 500 Internal Server Error\r\n/);
  assert.doesNotMatch(text, /stolen/);
});

test('a client that hangs up while its response is pending makes the response emit close unfinished', async (t) => {
  let closed: (finished: boolean) => void = () => {};
  const outcome = new Promise<boolean>((resolve) => { closed = resolve; });
  const { port } = await edge(t, (_req, res) => {
    res.once('close', () => closed(res.writableFinished));
  });
  const socket = net.connect(port, '127.0.0.1', () => socket.end(get('/never')));
  socket.resume();
  assert.equal(await outcome, false);
});

test('draining closes idle connections at once and ends a busy one after its response, with Connection: close', async (t) => {
  let release: () => void = () => {};
  const { server, port } = await edge(t, (req, res) => {
    const answer = () => { res.writeHead(200, 'OK', { 'content-length': 2 }); res.end('ok'); };
    if (req.url === '/slow') release = answer;
    else answer();
  });
  const idle = exchange(port, get('/fast'));
  const busy = exchange(port, get('/slow'));
  await new Promise((r) => setTimeout(r, 100));
  const drained = server.drain();
  assert.deepEqual(responses(await idle), [['HTTP/1.1 200 OK', 'ok']]);
  release();
  const text = await busy;
  assert.match(text, /\r\nconnection: close\r\n\r\nok$/);
  await drained;
});

test('an idle keep-alive connection is closed after the keep-alive timeout, and not while it is in use', async (t) => {
  const { port } = await edge(t, echo, 400);
  const socket = net.connect(port, '127.0.0.1');
  t.after(() => socket.destroy());
  socket.setEncoding('latin1');
  let got = '';
  let lastAnswer = 0;
  socket.on('data', (c: string) => { got += c; lastAnswer = performance.now(); });
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(performance.now())));
  await new Promise((resolve) => socket.once('connect', resolve));
  for (const path of ['/1', '/2', '/3']) {
    socket.write(get(path));
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.deepEqual(responses(got).map(([, body]) => body), ['edge GET /1', 'edge GET /2', 'edge GET /3']);
  const at = await Promise.race([closed, new Promise<number>((_, reject) => setTimeout(() => reject(new Error('still open after 3 s')), 3000))]);
  // Sweeps every 100 ms; five idle sweeps in a row close it: 400-500 ms after the last answer.
  assert.ok(at - lastAnswer >= 380, `closed ${Math.round(at - lastAnswer)} ms after the last answer`);
});

test('garbage after a request on the same connection is node:http\'s to refuse with 400', async (t) => {
  const { port } = await edge(t, echo);
  const text = await exchange(port, get('/ok') + 'GARBAGE / HTTP/9.9\r\n\x00\r\n\r\n');
  const [first, second] = text.split(/(?=HTTP\/1\.1 )/);
  assert.deepEqual(responses(first), [['HTTP/1.1 200 OK', 'edge GET /ok']]);
  assert.match(second, /^HTTP\/1\.1 400 Bad Request\r\n/);
  assert.deepEqual(responses(await exchange(port, get('/after', 'Connection: close\r\n'))), [['HTTP/1.1 200 OK', 'edge GET /after']]);
});
