// The edge's own HTTP/1.1 exchange on its connections (src/edge/upstream/exchange.ts,
// connection-pool.ts): what goes on the wire, when a connection is reused and when it is not,
// and what happens to bytes the origin sends outside a response. Scenarios: origin script →
// UpstreamPools.fetch → expectations; every origin is on 127.0.0.1.
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { once } from 'node:events';
import net from 'node:net';
import { test, type TestContext } from 'node:test';
import { EdgeError } from '../../../src/edge/errors.ts';
import { UpstreamPools, type UpstreamResponse } from '../../../src/edge/upstream/index.ts';
import type { BackendDefinition } from '../../../src/model/backend.ts';
import { backend, httpOrigin, portOf, readAll } from '../helpers.ts';

const client = { clientIp: '192.0.2.50' };
const GET = { method: 'GET', path: '/', headers: { host: 'www.example' } };

function pools(t: TestContext): UpstreamPools {
  const p = new UpstreamPools({ cdnId: 'lacquer-test' });
  t.after(() => p.destroy());
  return p;
}

async function failure(p: Promise<unknown>): Promise<EdgeError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof EdgeError, `expected an EdgeError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the fetch to fail');
}

async function bodyOf(res: UpstreamResponse): Promise<string> {
  return res.whole !== null ? res.whole.toString('latin1') : readAll(res.body);
}

interface Conn {
  readonly socket: net.Socket;
  /** Request heads (and bodies, by Content-Length) received on this connection, in order. */
  readonly requests: string[];
}

/**
 * A TCP origin that hands each request (head and Content-Length body) to `onRequest` with its
 * connection and its index on that connection; `onRequest` writes whatever it likes.
 */
async function scriptedOrigin(t: TestContext, onRequest: (conn: Conn, request: string, index: number) => void): Promise<{ port: number; conns: Conn[] }> {
  const conns: Conn[] = [];
  const server = net.createServer((socket) => {
    const conn: Conn = { socket, requests: [] };
    conns.push(conn);
    socket.on('error', () => {});
    let pending = '';
    socket.on('data', (d: Buffer) => {
      pending += d.toString('latin1');
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end === -1) return;
        const length = Number(/\r\ncontent-length: (\d+)/i.exec(pending.slice(0, end))?.[1] ?? 0);
        if (pending.length < end + 4 + length) return;
        const request = pending.slice(0, end + 4 + length);
        pending = pending.slice(request.length);
        conn.requests.push(request);
        onRequest(conn, request, conn.requests.length - 1);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    for (const c of conns) c.socket.destroy();
    server.close();
  });
  return { port: portOf(server), conns };
}

const ok = (body: string, extra = ''): string => `HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n${extra}\r\n${body}`;

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`not within 5 s: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('the request goes out as undici writes it: host first, then connection, the fields in order, then the framing', async (t) => {
  const { port, conns } = await scriptedOrigin(t, (c) => c.socket.write(ok('x')));
  const p = pools(t);
  const b = backend({ port });
  await bodyOf(await p.fetch(b, { method: 'GET', path: '/p?q=1', headers: { 'x-first': '1', host: 'www.example', 'x-list': ['a', 'b'] } }, client));
  await bodyOf(await p.fetch(b, { method: 'POST', path: '/form', headers: { host: 'www.example', 'content-length': '99' }, body: Buffer.from('a=1&b=2') }, client));
  await bodyOf(await p.fetch(b, { method: 'PUT', path: '/empty', headers: { host: 'www.example' } }, client));
  const fixed = 'true-client-ip: 192.0.2.50\r\nfastly-client-ip: 192.0.2.50\r\nx-forwarded-for: 192.0.2.50\r\ncdn-loop: lacquer-test\r\n';
  assert.deepEqual(conns.flatMap((c) => c.requests), [
    `GET /p?q=1 HTTP/1.1\r\nhost: www.example\r\nconnection: keep-alive\r\nx-first: 1\r\nx-list: a\r\nx-list: b\r\n${fixed}\r\n`,
    `POST /form HTTP/1.1\r\nhost: www.example\r\nconnection: keep-alive\r\n${fixed}content-length: 7\r\n\r\na=1&b=2`,
    `PUT /empty HTTP/1.1\r\nhost: www.example\r\nconnection: keep-alive\r\n${fixed}content-length: 0\r\n\r\n`,
  ]);
  assert.equal(conns.length, 1, 'all three on one kept-alive connection');
});

test('a field value with CR or LF is refused before anything is written, and not held against the origin', async (t) => {
  const { port, conns } = await scriptedOrigin(t, (c) => c.socket.write(ok('x')));
  const p = pools(t);
  const b = backend({ port, errorThreshold: 1 });
  for (const headers of [{ host: 'a', 'x-split': 'a\r\nx-evil: 1' }, { host: 'a', 'bad name': 'v' }]) {
    const err = await failure(p.fetch(b, { method: 'GET', path: '/', headers }, client));
    assert.equal(err.reason, 'backend read error');
  }
  assert.equal((await failure(p.fetch(b, { method: 'GET', path: '/a b', headers: { host: 'a' } }, client))).reason, 'backend read error');
  assert.equal(conns.length, 0);
  assert.equal(p.inFlight(b), 0);
  assert.equal(await bodyOf(await p.fetch(b, GET, client)), 'x', 'passive health did not count the refusals');
});

test('sequential requests reuse one connection; a response with Connection: close is not reused', async (t) => {
  const { port, conns } = await scriptedOrigin(t, (c, _r, i) => c.socket.write(i === 2 ? ok('last', 'connection: close\r\n') : ok(`r${i}`)));
  const p = pools(t);
  const b = backend({ port });
  const bodies = [];
  for (let i = 0; i < 4; i++) bodies.push(await bodyOf(await p.fetch(b, GET, client)));
  assert.deepEqual(bodies, ['r0', 'r1', 'last', 'r0']);
  assert.deepEqual(conns.map((c) => c.requests.length), [3, 1]);
});

test('bytes after the end of a response in the same read are refused as backend read error', async (t) => {
  const { port } = await scriptedOrigin(t, (c) => c.socket.write(`${ok('ok')}HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\nforged`));
  const err = await failure(pools(t).fetch(backend({ port }), GET, client));
  assert.equal(err.reason, 'backend read error');
});

test('bytes after the end of a streamed body end it as truncated, delivered as far as its framing', async (t) => {
  const { port } = await scriptedOrigin(t, (c) => {
    c.socket.write('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n01234');
    setTimeout(() => c.socket.write('56789EXTRA'), 30);
  });
  const res = await pools(t).fetch(backend({ port }), GET, client);
  assert.equal(res.whole, null);
  assert.equal(await readAll(res.body), '0123456789');
  const outcome = await res.completed;
  assert.deepEqual([outcome.truncated, outcome.error?.reason], [true, 'backend read error']);
});

test('bytes an origin sends on an idle connection close it: the next request goes on a new connection', async (t) => {
  const { port, conns } = await scriptedOrigin(t, (c) => c.socket.write(ok(conns.length === 1 ? 'ok' : 'fresh')));
  const p = pools(t);
  // Kept alive far longer than the test, so only the forged bytes can close the connection.
  const b = backend({ port, keepaliveTimeMs: 60_000 });
  assert.equal(await bodyOf(await p.fetch(b, GET, client)), 'ok');
  conns[0].socket.write(ok('forged'));
  await until(() => conns[0].socket.readableEnded || conns[0].socket.destroyed, 'the edge closed the connection the forged response came on');
  assert.equal(await bodyOf(await p.fetch(b, GET, client)), 'fresh');
  assert.deepEqual(conns.map((c) => c.requests.length), [1, 1]);
});

test('a response that arrives on an idle connection in the same event-loop turn as a new request is never taken as its answer', async (t) => {
  // undici's GHSA-35p6-xmwp-9g52: the forged response and the event that makes the next request
  // are both ready when the event loop next polls, the trigger first. A request written on the
  // idle connection at once would read the forged bytes as its response.
  const { port, conns } = await scriptedOrigin(t, (c) => c.socket.write(conns.length === 1 ? ok('ok') : ok('fresh')));
  const triggers = net.createServer();
  triggers.listen(0, '127.0.0.1');
  await once(triggers, 'listening');
  const trigger = net.connect(portOf(triggers), '127.0.0.1');
  const [triggerServerSide] = await once(triggers, 'connection') as [net.Socket];
  t.after(() => {
    trigger.destroy();
    triggerServerSide.destroy();
    triggers.close();
  });
  const p = pools(t);
  const b = backend({ port });
  assert.equal(await bodyOf(await p.fetch(b, GET, client)), 'ok');
  await new Promise((r) => setTimeout(r, 20));
  const second = new Promise<string>((resolve, reject) => {
    trigger.once('data', () => { p.fetch(b, GET, client).then(bodyOf).then(resolve, reject); });
  });
  triggerServerSide.write('go');
  conns[0].socket.write(ok('forged'));
  assert.equal(await second, 'fresh');
  assert.deepEqual(conns.map((c) => c.requests.length), [1, 1]);
});

test('a body the consumer abandons closes its connection; the next request goes on a new one', async (t) => {
  // The rest of /big never comes: the connection sits quiet, and only the exchange's own rule
  // keeps the next request off it.
  const { port, conns } = await scriptedOrigin(t, (c, r) => {
    if (r.startsWith('GET /big')) c.socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${1 << 20}\r\n\r\n${'b'.repeat(1000)}`);
    else c.socket.write(ok('small'));
  });
  const p = pools(t);
  const b = backend({ port, keepaliveTimeMs: 60_000 });
  const big = await p.fetch(b, { ...GET, path: '/big' }, client);
  big.discard();
  const outcome = await big.completed;
  assert.deepEqual([outcome.truncated, outcome.error], [true, null]);
  assert.equal(p.inFlight(b), 0);
  assert.equal(await bodyOf(await p.fetch(b, { ...GET, path: '/small' }, client)), 'small');
  assert.deepEqual(conns.map((c) => c.requests.length), [1, 1]);
  await until(() => conns[0].socket.readableEnded || conns[0].socket.destroyed, 'the abandoned connection closed');
});

test('a kept-alive connection the origin closes before answering is retried once on a new one for GET, never for POST', async (t) => {
  // Each connection answers its first request and closes on its second, as an origin whose
  // keep-alive timeout ran out just as the request came (Varnish's cache_backend.c retries once).
  const { port, conns } = await scriptedOrigin(t, (c, _r, i) => {
    if (i === 0) c.socket.write(ok('answered'));
    else c.socket.destroy();
  });
  const p = pools(t);
  const b = backend({ port });
  assert.equal(await bodyOf(await p.fetch(b, GET, client)), 'answered');
  assert.equal(await bodyOf(await p.fetch(b, GET, client)), 'answered');
  assert.deepEqual(conns.map((c) => c.requests.length), [2, 1]);
  const err = await failure(p.fetch(b, { method: 'POST', path: '/', headers: { host: 'a' }, body: Buffer.from('once') }, client));
  assert.equal(err.reason, 'backend read error');
  assert.deepEqual(conns.map((c) => c.requests.length), [2, 2]);
});

test('an idle connection is closed after keepalive_time; an origin\'s Keep-Alive timeout of 1 s is not waited out', async (t) => {
  const { port, conns } = await scriptedOrigin(t, (c, _r, i) => c.socket.write(i === 0 && conns.length === 2 ? ok('hint', 'keep-alive: timeout=1\r\n') : ok('x')));
  const p = pools(t);
  const b = backend({ port, keepaliveTimeMs: 100 });
  await bodyOf(await p.fetch(b, GET, client));
  await until(() => conns[0].socket.readableEnded || conns[0].socket.destroyed, 'the idle connection closed after keepalive_time');
  const hinted = backend({ port, keepaliveTimeMs: 60_000, name: 'other', shareKey: 'other' });
  assert.equal(await bodyOf(await p.fetch(hinted, GET, client)), 'hint');
  assert.equal(await bodyOf(await p.fetch(hinted, GET, client)), 'x');
  assert.deepEqual(conns.map((c) => c.requests.length), [1, 1, 1]);
});

test('after HEAD the connection closes and what the origin sends after the head is never read', async (t) => {
  const { port, conns } = await scriptedOrigin(t, (c, r) => c.socket.write(r.startsWith('HEAD') ? ok('not-a-body') : ok('get')));
  const p = pools(t);
  const b = backend({ port });
  const head = await p.fetch(b, { ...GET, method: 'HEAD' }, client);
  assert.deepEqual([head.status, head.headers['content-length'], await bodyOf(head)], [200, '10', '']);
  assert.equal(await bodyOf(await p.fetch(b, GET, client)), 'get');
  assert.match(conns[0].requests[0], /^HEAD \/ HTTP\/1\.1\r\nhost: www\.example\r\nconnection: close\r\n/);
  assert.deepEqual(conns.map((c) => c.requests.length), [1, 1]);
});

test('a body on a method that expects none is sent, and its connection is not reused', async (t) => {
  const { port, conns } = await scriptedOrigin(t, (c, r) => c.socket.write(ok(r.endsWith('payload') ? 'got it' : 'x')));
  const p = pools(t);
  const b = backend({ port });
  assert.equal(await bodyOf(await p.fetch(b, { ...GET, body: Buffer.from('payload') }, client)), 'got it');
  assert.equal(await bodyOf(await p.fetch(b, GET, client)), 'x');
  assert.match(conns[0].requests[0], /\r\nconnection: close\r\n.*content-length: 7\r\n\r\npayload$/s);
  assert.deepEqual(conns.map((c) => c.requests.length), [1, 1]);
});

test('1xx interim responses are read and dropped before the final one (RFC 9110 §15.2); 101 is refused', async (t) => {
  const { port } = await scriptedOrigin(t, (c, r) => {
    if (r.startsWith('GET /101')) c.socket.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n\r\n');
    else c.socket.write(`HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a.css>\r\n\r\n${ok('final', 'x-final: 1\r\n')}`);
  });
  const p = pools(t);
  const res = await p.fetch(backend({ port }), GET, client);
  assert.deepEqual([res.status, res.headers['x-final'], res.headers['link'], await bodyOf(res)], [200, '1', undefined, 'final']);
  assert.equal((await failure(p.fetch(backend({ port }), { ...GET, path: '/101' }, client))).reason, 'backend read error');
});

test('a response body streams with backpressure: while the consumer does not read, at most a window of it is held', async (t) => {
  const total = 8 << 20;
  let written = 0;
  const { port } = await httpOrigin(t, (_req, res) => {
    res.writeHead(200, { 'content-length': String(total) });
    const chunk = Buffer.alloc(64 * 1024, 'z');
    const pump = (): void => {
      while (written < total) {
        written += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
  });
  const res = await pools(t).fetch(backend({ port }), GET, client);
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(res.body.readableLength <= 256 * 1024, `the edge holds ${res.body.readableLength} bytes for a consumer that does not read`);
  assert.ok(written < total, 'the origin is held back too');
  let bytes = 0;
  for await (const c of res.body) bytes += (c as Buffer).length;
  assert.equal(bytes, total);
  assert.deepEqual(await res.completed, { bytes: total, truncated: false, error: null });
});

test('between_bytes_timeout measures the origin, not a consumer that is slow to read', async (t) => {
  const total = 2 << 20;
  const { port } = await httpOrigin(t, (_req, res) => res.end(Buffer.alloc(total, 'q')));
  const res = await pools(t).fetch(backend({ port, betweenBytesTimeoutMs: 150 }), GET, client);
  await new Promise((r) => setTimeout(r, 600));
  let bytes = 0;
  for await (const c of res.body) bytes += (c as Buffer).length;
  assert.deepEqual([bytes, (await res.completed).truncated], [total, false]);
});

test('a chunked body and a body that ends with the connection are read whole', async (t) => {
  const { port } = await scriptedOrigin(t, (c, r) => {
    if (r.startsWith('GET /chunked')) {
      c.socket.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n');
      setTimeout(() => c.socket.write('6;ext=1\r\n world\r\n0\r\ntrailer: t\r\n\r\n'), 20);
    } else {
      c.socket.write('HTTP/1.1 200 OK\r\n\r\nuntil ');
      setTimeout(() => c.socket.end('the end'), 20);
    }
  });
  const p = pools(t);
  const b = backend({ port });
  const chunked = await p.fetch(b, { ...GET, path: '/chunked' }, client);
  assert.equal(await bodyOf(chunked), 'hello world');
  assert.deepEqual(await chunked.completed, { bytes: 11, truncated: false, error: null });
  const close = await p.fetch(b, { ...GET, path: '/close' }, client);
  assert.equal(await bodyOf(close), 'until the end');
  assert.deepEqual(await close.completed, { bytes: 13, truncated: false, error: null });
});

test('a head that arrives in pieces is read whole, and the body after it', async (t) => {
  const text = ok('split body', 'x-a: 1\r\nx-b: 2\r\n');
  const { port } = await scriptedOrigin(t, (c) => {
    void (async () => {
      for (let i = 0; i < text.length; i += 7) {
        c.socket.write(text.slice(i, i + 7));
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
  });
  const res = await pools(t).fetch(backend({ port }), GET, client);
  assert.deepEqual([res.status, res.headers['x-b'], await bodyOf(res)], [200, '2', 'split body']);
});

test('destroying the pools fails a request waiting for its response with backend read error', async (t) => {
  const { port } = await scriptedOrigin(t, () => {});
  const p = new UpstreamPools({ cdnId: 'lacquer-test' });
  const b: BackendDefinition = backend({ port });
  const pending = p.fetch(b, GET, client);
  await new Promise((r) => setTimeout(r, 30));
  await p.destroy();
  assert.equal((await failure(pending)).reason, 'backend read error');
});

test('destroying the pools ends a request on a kept-alive connection too: it is not retried on a new one', async (t) => {
  const { port, conns } = await scriptedOrigin(t, (c, _r, i) => { if (i === 0) c.socket.write(ok('first')); });
  const p = new UpstreamPools({ cdnId: 'lacquer-test' });
  const b = backend({ port });
  assert.equal(await bodyOf(await p.fetch(b, GET, client)), 'first');
  const pending = p.fetch(b, GET, client);
  await until(() => conns[0].requests.length === 2, 'the second request reached the origin on the kept-alive connection');
  await p.destroy();
  assert.equal((await failure(pending)).reason, 'backend read error');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(conns.length, 1, 'no connection was opened after the pools were destroyed');
});

test('a streamed body is read into buffers no larger than what it has left: the last reads of a 100 KB body hold no 64 KiB buffer', async (t) => {
  const total = 100 * 1024;
  // The body in three writes apart in time, so that reads of 16–64 KiB come when less than 64 KiB is left.
  const { port } = await scriptedOrigin(t, (conn) => {
    conn.socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${total}\r\n\r\n${'a'.repeat(10 * 1024)}`);
    setTimeout(() => conn.socket.write('b'.repeat(40 * 1024)), 50);
    setTimeout(() => conn.socket.write('c'.repeat(50 * 1024)), 100);
  });
  const res = await pools(t).fetch(backend({ port }), GET, client);
  let received = res.whole?.length ?? 0;
  if (res.whole === null) {
    for await (const c of res.body) {
      const chunk = c as Buffer;
      // A buffer of its own is sized to the body's rest (at least 16 KiB); a copy is exact, a small one pooled.
      assert.ok(chunk.buffer.byteLength <= Math.max(16 * 1024, total - received),
        `${chunk.length} bytes in a ${chunk.buffer.byteLength}-byte buffer with ${total - received} bytes left`);
      received += chunk.length;
    }
  }
  assert.equal(received, total);
  assert.deepEqual(await res.completed, { bytes: total, truncated: false, error: null });
});
