// HTTP/2 clients at the edge's HTTPS listener: many sessions with many streams, and the
// deadlines and limits one session is held to (docs/edge-clients.md, "HTTP/2"). The edge server
// runs in the test's process with small timeouts; every wait is bounded.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import tls from 'node:tls';
import { EdgeServer } from '../../../src/edge/server.ts';
import { CertificateTable, H2_LIMITS } from '../../../src/edge/tls/index.ts';
import type { ClientRequest, ClientResponse, ClientTimeouts } from '../../../src/edge/http1/index.ts';
import { makeCa, material, type TestCa } from '../../support/certificates.ts';

const HOST = 'h2.example.test';
const BODY = 'x'.repeat(1024);

type Handler = (req: ClientRequest, res: ClientResponse) => void;

/** 1 KB for a request without a body; `<bytes>` once a body ended. */
const answer: Handler = (req, res) => {
  const done = (text: string) => {
    res.writeHead(200, 'OK', { 'content-length': String(Buffer.byteLength(text)), 'content-type': 'text/plain' });
    res.end(text);
  };
  if (!(req instanceof Readable)) return done(BODY);
  let n = 0;
  req.on('data', (c: Buffer) => { n += c.length; });
  req.on('end', () => done(String(n)));
  req.on('error', () => {});
};

async function edge(t: TestContext, ca: TestCa, timeouts: Partial<ClientTimeouts> = {}, handler: Handler = answer): Promise<number> {
  const certificates = new CertificateTable();
  certificates.replace(material(1, [[HOST, await ca.leaf([HOST])]]));
  const server = new EdgeServer({ host: '127.0.0.1', port: 0, handler, clientTimeouts: timeouts, tls: { host: '127.0.0.1', port: 0, certificates } });
  await server.listen();
  const address = await server.listenTls();
  t.after(() => server.drain());
  return (address as { port: number }).port;
}

function connect(t: TestContext, port: number, ca: TestCa): http2.ClientHttp2Session {
  const session = http2.connect(`https://${HOST}:${port}`, {
    createConnection: () => tls.connect({ host: '127.0.0.1', port, servername: HOST, ca: ca.caPem, ALPNProtocols: ['h2'] }),
  });
  session.on('error', () => {});
  t.after(() => session.destroy());
  return session;
}

interface Reply { readonly status: number; readonly body: string }

function get(session: http2.ClientHttp2Session, path = '/1k'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':path': path });
    let status = 0;
    let body = '';
    req.setEncoding('utf8');
    req.on('response', (h) => { status = Number(h[':status']); });
    req.on('data', (c: string) => { body += c; });
    req.on('end', () => resolve({ status, body }));
    req.on('error', reject);
  });
}

/** Resolves with what ended the session: the GOAWAY code the server sent (or -1), and when the connection closed. */
function ending(session: http2.ClientHttp2Session): Promise<{ goaway: number; closedAt: number }> {
  return new Promise((resolve) => {
    let goaway = -1;
    session.on('goaway', (code: number) => { goaway = code; });
    session.once('close', () => resolve({ goaway, closedAt: performance.now() }));
  });
}

test('50 HTTP/2 sessions with 10 streams each get all 500 answers, 1 KB each', { timeout: 60_000 }, async (t) => {
  const ca = await makeCa(t);
  const port = await edge(t, ca);
  const sessions = Array.from({ length: 50 }, () => connect(t, port, ca));
  const replies = await Promise.all(sessions.flatMap((s) => Array.from({ length: 10 }, () => get(s))));
  assert.equal(replies.length, 500);
  assert.deepEqual(new Set(replies.map((r) => `${r.status} ${r.body.length}`)), new Set(['200 1024']));
  for (const s of sessions) s.close();
});

test('a session with no stream open is closed with GOAWAY (NO_ERROR) after the client idle timeout', { timeout: 20_000 }, async (t) => {
  const ca = await makeCa(t);
  const port = await edge(t, ca, { idleMs: 400 });
  const session = connect(t, port, ca);
  const ended = ending(session);
  assert.equal((await get(session)).status, 200);
  const idleFrom = performance.now();
  const { goaway, closedAt } = await ended;
  assert.equal(goaway, http2.constants.NGHTTP2_NO_ERROR);
  const idle = closedAt - idleFrom;
  assert.ok(idle >= 350 && idle < 3_000, `closed after ${idle.toFixed(0)} ms idle`);
});

test('a session that sends no request is closed after the client header timeout', { timeout: 20_000 }, async (t) => {
  const ca = await makeCa(t);
  const port = await edge(t, ca, { headerMs: 500, idleMs: 60_000 });
  const start = performance.now();
  const session = connect(t, port, ca);
  const { goaway, closedAt } = await ending(session);
  assert.equal(goaway, http2.constants.NGHTTP2_NO_ERROR);
  const after = closedAt - start;
  assert.ok(after >= 450 && after < 4_000, `closed after ${after.toFixed(0)} ms`);
});

test('a request body that trickles below the minimum rate gets 408 and its stream is reset; the session serves on', { timeout: 20_000 }, async (t) => {
  const ca = await makeCa(t);
  const port = await edge(t, ca, { bodyMs: 500, bodyMinRate: 1000, idleMs: 60_000 });
  const session = connect(t, port, ca);
  const req = session.request({ ':path': '/upload', ':method': 'POST', 'content-length': '100000' });
  const drip = setInterval(() => { if (!req.destroyed) req.write('x'); }, 100);
  t.after(() => clearInterval(drip));
  const start = performance.now();
  const outcome = await new Promise<{ status: number; rst: number }>((resolve) => {
    let status = 0;
    req.on('response', (h) => { status = Number(h[':status']); });
    req.on('error', () => {});
    req.on('close', () => resolve({ status, rst: req.rstCode ?? -1 }));
    req.resume();
  });
  clearInterval(drip);
  const after = performance.now() - start;
  assert.deepEqual(outcome, { status: 408, rst: http2.constants.NGHTTP2_NO_ERROR });
  assert.ok(after >= 450 && after < 4_000, `cut after ${after.toFixed(0)} ms`);
  assert.deepEqual(await get(session), { status: 200, body: BODY });
});

test('a body that keeps up the minimum rate is never cut', { timeout: 20_000 }, async (t) => {
  const ca = await makeCa(t);
  const port = await edge(t, ca, { bodyMs: 300, bodyMinRate: 1000 });
  const session = connect(t, port, ca);
  const req = session.request({ ':path': '/upload', ':method': 'POST' });
  let sent = 0;
  // 2000 bytes a second for 1.2 s: four times the body timeout, at twice the minimum rate.
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      req.write('y'.repeat(200));
      sent += 200;
      if (sent >= 2400) { clearInterval(timer); req.end(); resolve(); }
    }, 100);
  });
  const reply = await new Promise<Reply>((resolve, reject) => {
    let status = 0;
    let body = '';
    req.setEncoding('utf8');
    req.on('response', (h) => { status = Number(h[':status']); });
    req.on('data', (c: string) => { body += c; });
    req.on('end', () => resolve({ status, body }));
    req.on('error', reject);
  });
  assert.deepEqual(reply, { status: 200, body: '2400' });
});

test('the edge advertises 100 concurrent streams and a 16 KiB header list per session', { timeout: 20_000 }, async (t) => {
  const ca = await makeCa(t);
  const port = await edge(t, ca);
  const session = connect(t, port, ca);
  const settings = await new Promise<http2.Settings>((resolve) => session.once('remoteSettings', resolve));
  assert.equal(settings.maxConcurrentStreams, 100);
  assert.equal(settings.maxHeaderListSize, 16 * 1024);
  assert.deepEqual(H2_LIMITS, { maxConcurrentStreams: 100, maxHeaderListSize: 16384, streamResetBurst: 1000, streamResetRate: 33, maxSessionRejectedStreams: 100 });
});

test('a request whose header list is over 16 KiB never reaches the pipeline', { timeout: 20_000 }, async (t) => {
  const ca = await makeCa(t);
  let served = 0;
  const port = await edge(t, ca, {}, (req, res) => { served++; answer(req, res); });
  const session = connect(t, port, ca);
  await new Promise<void>((resolve) => session.once('remoteSettings', () => resolve()));
  const big = await new Promise<string>((resolve) => {
    // node:http2's client checks the peer's limit itself; the frame must leave to test the edge,
    // so the fields go as several values of one name, each under the limit, together over it.
    const req = session.request({ ':path': '/big', 'x-big': Array.from({ length: 5 }, () => 'b'.repeat(4000)) });
    req.on('response', (h) => resolve(`status ${String(h[':status'])}`));
    req.on('error', (err: Error & { code?: string }) => resolve(err.code ?? err.message));
    req.on('close', () => resolve(`closed ${req.rstCode ?? -1}`));
    req.resume();
  });
  assert.notEqual(big, 'status 200');
  assert.equal(served, 0);
});

test('a client that opens and resets streams without end gets GOAWAY (ENHANCE_YOUR_CALM), and the pipeline sees a bounded number', { timeout: 60_000 }, async (t) => {
  const ca = await makeCa(t);
  let served = 0;
  // An origin that never answers: each stream is still in the pipeline when the client resets
  // it, which is what makes the attack cost the server while the concurrency limit never applies.
  const port = await edge(t, ca, {}, () => { served++; });
  const session = connect(t, port, ca);
  const ended = ending(session);
  await new Promise<void>((resolve) => session.once('remoteSettings', () => resolve()));
  const BATCHES = 60;
  const PER_BATCH = 90;
  let reset = 0;
  // CVE-2023-44487's pattern: HEADERS for a batch of streams, then RST_STREAM (CANCEL) for each,
  // and again. The batch stays under the 100 streams the edge allows, so each HEADERS leaves.
  for (let b = 0; b < BATCHES && !session.closed && !session.destroyed; b++) {
    const batch = Array.from({ length: PER_BATCH }, (_, i) => {
      const req = session.request({ ':path': `/reset-${b}-${i}` });
      req.on('error', () => {});
      return req;
    });
    await new Promise((r) => setTimeout(r, 5));
    // Bounded: once the edge ends the session, a stream may close only with the connection.
    await Promise.race([
      Promise.all(batch.map((req) => new Promise<void>((resolve) => {
        req.once('close', () => resolve());
        req.close(http2.constants.NGHTTP2_CANCEL);
      }))),
      new Promise((r) => setTimeout(r, 3000)),
    ]);
    reset += PER_BATCH;
  }
  const { goaway } = await Promise.race([ended, new Promise<{ goaway: number }>((r) => setTimeout(() => r({ goaway: -2 }), 5000))]);
  assert.equal(goaway, http2.constants.NGHTTP2_ENHANCE_YOUR_CALM, `reset ${reset}, served ${served}`);
  assert.ok(served <= H2_LIMITS.streamResetBurst + H2_LIMITS.maxConcurrentStreams, `served ${served} of ${reset}`);
});

test('streams the edge resets (a body its origin cut short) do not count as the client\'s resets', { timeout: 60_000 }, async (t) => {
  const ca = await makeCa(t);
  // Every answer starts, then is cut: the edge resets the stream (INTERNAL_ERROR), as for an origin that failed mid-body.
  const port = await edge(t, ca, {}, (_req, res) => {
    res.writeHead(200, 'OK', { 'content-length': '100' });
    res.write(Buffer.from('partial'));
    setImmediate(() => res.destroy());
  });
  const session = connect(t, port, ca);
  let goaway = -1;
  session.on('goaway', (code: number) => { goaway = code; });
  const codes = new Map<number, number>();
  for (let b = 0; b < 12; b++) {
    await Promise.all(Array.from({ length: 100 }, () => new Promise<void>((resolve) => {
      const req = session.request({ ':path': '/cut' });
      req.on('error', () => {});
      req.resume();
      req.once('close', () => { codes.set(req.rstCode ?? -1, (codes.get(req.rstCode ?? -1) ?? 0) + 1); resolve(); });
    })));
  }
  // Each stream ended reset (node:http2's client reports INTERNAL_ERROR, or PROTOCOL_ERROR where the
  // DATA fell short of content-length), none ended whole.
  assert.equal([...codes].reduce((n, [code, count]) => n + (code > 0 ? count : 0), 0), 1200, JSON.stringify([...codes]));
  assert.equal(goaway, -1);
  assert.equal(session.closed, false);
});
