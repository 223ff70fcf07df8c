// Slow clients on both readers (connections that start on the edge's own reader, and ones
// node:http reads from the start): a head that never ends, a body that trickles, a keep-alive
// connection left idle. Small timeouts; every wait is bounded.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { EdgeServer } from '../../../src/edge/server.ts';
import { sweepPeriod, type ClientTimeouts } from '../../../src/edge/http1/index.ts';
import type { ClientRequest, ClientResponse } from '../../../src/edge/http1/index.ts';

const READERS = [{ name: 'edge reader', fastPath: true }, { name: 'node:http', fastPath: false }] as const;
const LONG = 5_000;

type Handler = (req: ClientRequest, res: ClientResponse) => void;

/** Answers `<bytes of body>` once the body ended, or at once for a request without one. */
const countBody: Handler = (req, res) => {
  const done = (n: number) => {
    res.writeHead(200, 'OK', { 'content-length': String(n).length });
    res.end(String(n));
  };
  if (!(req instanceof Readable)) return done(0);
  let n = 0;
  req.on('data', (c: Buffer) => { n += c.length; });
  req.on('end', () => done(n));
  req.on('error', () => {});
};

async function edge(t: TestContext, fastPath: boolean, timeouts: Partial<ClientTimeouts>, handler: Handler = countBody): Promise<number> {
  const server = new EdgeServer({ host: '127.0.0.1', port: 0, fastPath, handler, clientTimeouts: timeouts });
  const { port } = await server.listen();
  t.after(() => server.drain());
  return port;
}

interface Ending {
  /** Everything the client read. */
  readonly got: string;
  /** ms from the connection until the server closed it. */
  readonly closedAfter: number;
}

/**
 * Connects, writes `first`, then `drip` every `everyMs` until the server closes the connection
 * (or fails after `limitMs`).
 */
function drip(t: TestContext, port: number, first: string, drip: string, everyMs: number, limitMs: number): Promise<Ending> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let got = '';
    let start = 0;
    let timer: NodeJS.Timeout | undefined;
    t.after(() => { clearInterval(timer); socket.destroy(); });
    socket.setEncoding('latin1');
    socket.on('connect', () => {
      start = performance.now();
      socket.write(first);
      timer = setInterval(() => { if (socket.writable) socket.write(drip); }, everyMs);
    });
    socket.on('data', (c: string) => { got += c; });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ got, closedAfter: performance.now() - start });
    });
    setTimeout(() => reject(new Error(`still open after ${limitMs} ms; got ${JSON.stringify(got)}`)), limitMs).unref();
  });
}

for (const { name, fastPath } of READERS) {
  test(`${name}: a head that never ends gets 408 and the connection closes within the header timeout`, async (t) => {
    const headerMs = 300;
    const port = await edge(t, fastPath, { headerMs, idleMs: LONG, bodyMs: LONG });
    const sweep = sweepPeriod({ headerMs, idleMs: LONG, bodyMs: LONG, bodyMinRate: 500 });
    const { got, closedAfter } = await drip(t, port, 'GET / HTTP/1.1\r\nHost: a.example\r\n', 'X-Slow: 1\r\n', 50, 3000);
    assert.equal(got, 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
    assert.ok(closedAfter >= headerMs - 20 && closedAfter <= headerMs + 2 * sweep + 250, `closed after ${Math.round(closedAfter)} ms`);
  });

  test(`${name}: a body that trickles is cut near the body timeout with 408, and the request stream errors`, async (t) => {
    const bodyMs = 300;
    const seen: string[] = [];
    const port = await edge(t, fastPath, { headerMs: LONG, idleMs: LONG, bodyMs, bodyMinRate: 500 }, (req) => {
      const body = req as unknown as Readable;
      body.on('data', () => {});
      body.on('error', (err: Error & { code?: string }) => seen.push(`error ${err.code}`));
      body.on('close', () => seen.push('close'));
    });
    // One byte every 100 ms of a 1000-byte body: 500 bytes/s would allow 2 ms more per byte.
    const { got, closedAfter } = await drip(t, port, 'POST /upload HTTP/1.1\r\nHost: a.example\r\nContent-Length: 1000\r\n\r\nx', 'x', 100, 3000);
    assert.equal(got, 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
    // Due once 300 ms + 2 ms a byte passed (a few bytes), found by the next sweep (75 ms).
    assert.ok(closedAfter >= bodyMs && closedAfter <= bodyMs + 2 * 75 + 250, `closed after ${Math.round(closedAfter)} ms`);
    assert.deepEqual(seen, ['error ERR_HTTP_REQUEST_TIMEOUT', 'close']);
  });

  test(`${name}: 200 connections that each send one byte of a 1000-byte body are all closed near the body timeout`, async (t) => {
    const port = await edge(t, fastPath, { headerMs: LONG, idleMs: LONG, bodyMs: 300, bodyMinRate: 500 });
    const endings = await Promise.all(Array.from({ length: 200 }, () =>
      drip(t, port, 'POST /upload HTTP/1.1\r\nHost: a.example\r\nContent-Length: 1000\r\n\r\nx', '', 1000, 4000)));
    for (const { got } of endings) assert.equal(got, 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
    const slowest = Math.max(...endings.map((e) => e.closedAfter));
    assert.ok(slowest <= 300 + 2 * 75 + 1000, `the last closed after ${Math.round(slowest)} ms`);
  });

  test(`${name}: a body that keeps up the minimum rate is read whole, however long past the body timeout`, async (t) => {
    const port = await edge(t, fastPath, { headerMs: LONG, idleMs: LONG, bodyMs: 200, bodyMinRate: 500 });
    // 100 bytes every 50 ms (2,000 bytes/s) for about a second.
    const chunk = 'y'.repeat(100);
    const socket = net.connect(port, '127.0.0.1');
    t.after(() => socket.destroy());
    socket.setEncoding('latin1');
    let got = '';
    socket.on('data', (c: string) => { got += c; });
    const closed = new Promise((resolve) => socket.once('close', resolve));
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('POST /upload HTTP/1.1\r\nHost: a.example\r\nContent-Length: 2000\r\nConnection: close\r\n\r\n');
    for (let i = 0; i < 20; i++) {
      socket.write(chunk);
      await new Promise((r) => setTimeout(r, 50));
    }
    await closed;
    assert.match(got, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n2000$/);
  });

  test(`${name}: a body that arrived whole is not cut while the request waits longer than the body timeout`, async (t) => {
    const port = await edge(t, fastPath, { headerMs: LONG, idleMs: LONG, bodyMs: 200 }, (_req, res) => {
      // Like a slow origin: the answer comes well after the body timeout, the body never read.
      setTimeout(() => { res.writeHead(200, 'OK', { 'content-length': 4 }); res.end('late'); }, 700);
    });
    const { got } = await drip(t, port, 'POST /form HTTP/1.1\r\nHost: a.example\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello', '', 1000, 3000);
    assert.match(got, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nlate$/);
  });

  test(`${name}: an idle keep-alive connection closes after the idle timeout, not before`, async (t) => {
    const idleMs = 400;
    const port = await edge(t, fastPath, { headerMs: LONG, idleMs, bodyMs: LONG });
    const sweep = sweepPeriod({ headerMs: LONG, idleMs, bodyMs: LONG, bodyMinRate: 500 });
    const socket = net.connect(port, '127.0.0.1');
    t.after(() => socket.destroy());
    let answeredAt = 0;
    socket.on('data', () => { answeredAt = performance.now(); });
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(performance.now())));
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET / HTTP/1.1\r\nHost: a.example\r\n\r\n');
    const at = await Promise.race([closed, new Promise<number>((_, reject) => setTimeout(() => reject(new Error('still open after 3 s')), 3000))]);
    assert.ok(answeredAt > 0, 'no answer');
    const idle = at - answeredAt;
    assert.ok(idle >= idleMs - 20 && idle <= idleMs + 2 * sweep + 250, `closed ${Math.round(idle)} ms after the answer`);
  });
}

test('edge reader: a response still being sent is not cut by the idle timeout', async (t) => {
  const body = Buffer.alloc(32 * 1024 * 1024, 'z');
  const port = await edge(t, true, { headerMs: LONG, idleMs: 200, bodyMs: LONG }, (_req, res) => {
    res.writeHead(200, 'OK', { 'content-length': body.length });
    res.end(body);
  });
  const socket = net.connect(port, '127.0.0.1');
  t.after(() => socket.destroy());
  socket.pause();
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write('GET /big HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n');
  // The client reads nothing for well over the idle timeout, then everything.
  await new Promise((r) => setTimeout(r, 800));
  let bytes = 0;
  socket.on('data', (c: Buffer) => { bytes += c.length; });
  socket.resume();
  await new Promise((resolve) => socket.once('close', resolve));
  const head = 'HTTP/1.1 200 OK\r\n'.length;
  assert.ok(bytes > body.length + head, `received ${bytes} bytes of a ${body.length}-byte body`);
});
