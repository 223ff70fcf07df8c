// Scenarios: origin script → UpstreamPools.fetch → expectations. Every origin is on 127.0.0.1.

import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import type { IncomingHttpHeaders } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import { EdgeError } from '../../../src/edge/errors.ts';
import { BODY_BUFFER_BYTES, RequestBody } from '../../../src/edge/request-body.ts';
import { UpstreamPools } from '../../../src/edge/upstream/index.ts';
import { poolIdentity, probeIdentity, type BackendDefinition } from '../../../src/model/backend.ts';
import { backend, closedPort, fullBacklogPort, httpOrigin, readAll, tcpOrigin } from '../helpers.ts';

function pools(t: TestContext): UpstreamPools {
  const p = new UpstreamPools({ cdnId: 'lacquer-test' });
  t.after(() => p.destroy());
  return p;
}

const GET = { method: 'GET', path: '/', headers: { host: 'www.example' } };
const client = { clientIp: '192.0.2.50' };

async function failure(p: Promise<unknown>): Promise<EdgeError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof EdgeError, `expected an EdgeError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the fetch to fail');
}

test('a response streams back with status, reason phrase and headers minus hop-by-hop', async (t) => {
  const { port } = await httpOrigin(t, (_req, res) => {
    res.writeHead(201, 'Made', { 'x-origin': 'yes', connection: 'keep-alive, x-private', 'x-private': 'p', 'keep-alive': 'timeout=5' });
    res.end('hello world');
  });
  const res = await pools(t).fetch(backend({ port }), GET, client);
  assert.equal(res.status, 201);
  assert.equal(res.statusText, 'Made');
  assert.equal(res.headers['x-origin'], 'yes');
  assert.equal(res.headers['x-private'], undefined);
  assert.equal(res.headers['connection'], undefined);
  assert.equal(res.headers['keep-alive'], undefined);
  assert.equal(await readAll(res.body), 'hello world');
  assert.deepEqual(await res.completed, { bytes: 11, truncated: false, error: null });
  assert.equal(res.truncated, false);
});

test('the origin sees the client address, appended XFF and CDN-Loop, and a spoofed True-Client-IP replaced', async (t) => {
  let seen: IncomingHttpHeaders = {};
  const { port } = await httpOrigin(t, (req, res) => { seen = req.headers; res.end(); });
  const headers = { host: 'www.example', 'true-client-ip': '6.6.6.6', 'x-forwarded-for': '198.51.100.9', 'cdn-loop': 'upstream-cdn', connection: 'x-drop', 'x-drop': '1', te: 'trailers' };
  const res = await pools(t).fetch(backend({ port }), { method: 'GET', path: '/p?q=1', headers }, client);
  await readAll(res.body);
  assert.equal(seen['true-client-ip'], '192.0.2.50');
  assert.equal(seen['x-forwarded-for'], '198.51.100.9, 192.0.2.50');
  assert.equal(seen['cdn-loop'], 'upstream-cdn, lacquer-test');
  assert.equal(seen['x-drop'], undefined);
  assert.equal(seen['te'], undefined);
  assert.equal(seen['host'], 'www.example');
});

test('Host at the origin: the request Host, .host_header when it has none, .always_use_host_header always', async (t) => {
  const hosts: Array<string | undefined> = [];
  const { port } = await httpOrigin(t, (req, res) => { hosts.push(req.headers.host); res.end(); });
  const p = pools(t);
  const cases: Array<[Partial<BackendDefinition>, Record<string, string>]> = [
    [{}, { host: 'www.example' }],
    [{ hostHeader: 'origin.example' }, { host: 'www.example' }],
    [{ hostHeader: 'origin.example' }, {}],
    [{ hostHeader: 'origin.example', alwaysUseHostHeader: true }, { host: 'www.example' }],
    [{}, {}],
  ];
  for (const [fields, headers] of cases) {
    const res = await p.fetch(backend({ port, ...fields }), { method: 'GET', path: '/', headers }, client);
    await readAll(res.body);
  }
  assert.deepEqual(hosts, ['www.example', 'www.example', 'origin.example', 'origin.example', `127.0.0.1:${port}`]);
});

test('a request body streams to the origin as it is produced', async (t) => {
  let received = '';
  let firstChunkSeenEarly = false;
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => { release = r; });
  const { port } = await httpOrigin(t, (req, res) => {
    req.once('data', () => { firstChunkSeenEarly = true; release(); });
    req.setEncoding('utf8');
    req.on('data', (c: string) => { received += c; });
    req.on('end', () => res.end('ok'));
  });
  async function* produce() {
    yield 'part1,';
    await gate; // the second part is only produced after the origin has the first
    yield 'part2';
  }
  const res = await pools(t).fetch(backend({ port }), { method: 'POST', path: '/up', headers: { host: 'a', 'content-type': 'text/plain' }, body: Readable.from(produce()) }, client);
  assert.equal(await readAll(res.body), 'ok');
  assert.equal(firstChunkSeenEarly, true);
  assert.equal(received, 'part1,part2');
});

/** An origin that answers each request with what framed its body and the body itself. */
async function framingOrigin(t: TestContext): Promise<number> {
  const { port } = await httpOrigin(t, (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { body += c; });
    req.on('end', () => res.end(`${req.method ?? ''} cl=${req.headers['content-length'] ?? '-'} te=${req.headers['transfer-encoding'] ?? '-'} body=${body}`));
  });
  return port;
}

test('a request sent without a body announces none, whatever Content-Length bereq still carries', async (t) => {
  const port = await framingOrigin(t);
  const p = pools(t);
  const b = backend({ port, maxConnections: 1 });
  const dropped = await p.fetch(b, { method: 'GET', path: '/p', headers: { host: 'a', 'content-length': '6' }, body: null }, client);
  assert.equal(await readAll(dropped.body), 'GET cl=- te=- body=');
  // The one pooled connection is still in step: the next request on it is read as sent.
  const next = await p.fetch(b, { method: 'POST', path: '/p', headers: { host: 'a', 'content-length': '6' } }, client);
  assert.equal(await readAll(next.body), 'POST cl=0 te=- body=');
});

test('a whole body goes with its own length; a stream with the length the client declared, or chunked', async (t) => {
  const port = await framingOrigin(t);
  const p = pools(t);
  const b = backend({ port });
  const whole = await p.fetch(b, { method: 'POST', path: '/w', headers: { host: 'a', 'content-length': '99' }, body: Buffer.from('a=1') }, client);
  assert.equal(await readAll(whole.body), 'POST cl=3 te=- body=a=1');
  const declared = await p.fetch(b, { method: 'PUT', path: '/d', headers: { host: 'a', 'content-length': '99' }, body: Readable.from(['ab', 'cd']), bodyLength: 4 }, client);
  assert.equal(await readAll(declared.body), 'PUT cl=4 te=- body=abcd');
  const chunked = await p.fetch(b, { method: 'PUT', path: '/c', headers: { host: 'a', 'content-length': '99' }, body: Readable.from(['ab', 'cd']), bodyLength: null }, client);
  assert.equal(await readAll(chunked.body), 'PUT cl=- te=chunked body=abcd');
});

test('a closed port fails with Connection refused', async (t) => {
  const port = await closedPort();
  const err = await failure(pools(t).fetch(backend({ port }), GET, client));
  assert.equal(err.reason, 'Connection refused');
  assert.equal(err.status, 503);
  assert.equal(err.retryable, true);
  assert.equal(err.backend, 'origin');
});

test('a listener that never accepts fails with Connection timed out', async (t) => {
  const port = await fullBacklogPort(t);
  const err = await failure(pools(t).fetch(backend({ port, connectTimeoutMs: 300 }), GET, client));
  assert.equal(err.reason, 'Connection timed out');
  assert.equal(err.code, 'CONNECT_TIMEOUT');
});

test('an origin that accepts but never answers fails with first byte timeout', async (t) => {
  const port = await tcpOrigin(t, () => {});
  const err = await failure(pools(t).fetch(backend({ port, firstByteTimeoutMs: 200 }), GET, client));
  assert.equal(err.reason, 'first byte timeout');
  assert.equal(err.retryable, false);
});

test('garbage instead of HTTP fails with backend read error', async (t) => {
  const port = await tcpOrigin(t, (s) => s.end('SSH-2.0-OpenSSH_9.6\r\n\r\n'));
  const err = await failure(pools(t).fetch(backend({ port }), GET, client));
  assert.equal(err.reason, 'backend read error');
});

test('a reset before the headers fails with backend read error', async (t) => {
  const port = await tcpOrigin(t, (s) => s.once('data', () => s.resetAndDestroy()));
  const err = await failure(pools(t).fetch(backend({ port }), GET, client));
  assert.equal(err.reason, 'backend read error');
});

test('max_connections: requests beyond the limit fail at once with Backend.max_conn reached', async (t) => {
  let arrived = 0;
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => { release = r; });
  const { port } = await httpOrigin(t, (_req, res) => { arrived += 1; void gate.then(() => res.end('slow')); });
  const p = pools(t);
  const b = backend({ port, maxConnections: 2 });
  const slow = [p.fetch(b, GET, client), p.fetch(b, GET, client)];
  assert.equal(p.inFlight(b), 2);
  const err = await failure(p.fetch(b, GET, client));
  assert.equal(err.reason, 'Backend.max_conn reached');
  while (arrived < 2) await new Promise((r) => setTimeout(r, 10));
  release();
  for (const r of await Promise.all(slow)) assert.equal(await readAll(r.body), 'slow');
  assert.equal(p.inFlight(b), 0);
  const after = await p.fetch(b, GET, client);
  assert.equal(await readAll(after.body), 'slow');
});

test('a body that stalls past between_bytes_timeout ends early, delivered and marked truncated', async (t) => {
  const { port } = await httpOrigin(t, (_req, res) => {
    res.writeHead(200, { 'content-length': '100' });
    res.write('first part;');
  });
  const res = await pools(t).fetch(backend({ port, betweenBytesTimeoutMs: 200 }), GET, client);
  assert.equal(res.status, 200);
  assert.equal(await readAll(res.body), 'first part;');
  const outcome = await res.completed;
  assert.equal(outcome.truncated, true);
  assert.equal(outcome.bytes, 11);
  assert.equal(outcome.error?.reason, 'backend read error');
  assert.equal(res.truncated, true);
});

test('an origin that resets mid-body is delivered as far as it got, marked truncated', async (t) => {
  const port = await tcpOrigin(t, (s) => s.once('data', () => {
    s.write('HTTP/1.1 200 OK\r\ncontent-length: 50\r\n\r\npartial');
    setTimeout(() => s.resetAndDestroy(), 50);
  }));
  const res = await pools(t).fetch(backend({ port }), GET, client);
  assert.equal(await readAll(res.body), 'partial');
  assert.equal((await res.completed).truncated, true);
});

test('aborting the signal abandons the exchange and frees the slot', async (t) => {
  const port = await tcpOrigin(t, () => {});
  const p = pools(t);
  const b = backend({ port, maxConnections: 1 });
  const ac = new AbortController();
  const pending = p.fetch(b, GET, { ...client, signal: ac.signal });
  ac.abort();
  const err = await failure(pending);
  assert.equal(err.code, 'CLIENT_ABORTED');
  assert.equal(err.source, 'downstream');
  assert.equal(p.inFlight(b), 0);
});

test('a client whose body breaks mid-upload fails the exchange as Client closed request, not against the origin\'s health', async (t) => {
  let received = 0;
  const { port } = await httpOrigin(t, (req, res) => {
    req.on('data', (c: Buffer) => { received += c.length; });
    req.on('end', () => res.end('ok'));
  });
  const p = pools(t);
  const b = backend({ port, maxConnections: 1, errorThreshold: 1 });
  const clientRequest = Object.assign(new PassThrough(), { headers: { 'content-length': String(4 * BODY_BUFFER_BYTES) } });
  const body = new RequestBody(clientRequest);
  const ready = body.forward();
  clientRequest.write(Buffer.alloc(BODY_BUFFER_BYTES + 1));
  const stream = await ready;
  assert.ok(stream instanceof Readable);
  const pending = p.fetch(b, { method: 'POST', path: '/up', headers: { host: 'a' }, body: stream, bodyLength: body.length }, client);
  while (received === 0) await new Promise((r) => setTimeout(r, 5));
  // What node:http does to a request whose client connection reset mid-body.
  clientRequest.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
  const err = await failure(pending);
  assert.deepEqual([err.code, err.source], ['CLIENT_ABORTED', 'downstream']);
  assert.equal(p.inFlight(b), 0);
  const next = await p.fetch(b, { method: 'POST', path: '/up', headers: { host: 'a' }, body: Buffer.from('x') }, client);
  assert.equal(await readAll(next.body), 'ok');
});

test('error_threshold consecutive failures mark the backend sick until a good probe', async (t) => {
  const port = await closedPort();
  const p = pools(t);
  const b = backend({ port, errorThreshold: 2 });
  assert.equal((await failure(p.fetch(b, GET, client))).reason, 'Connection refused');
  assert.equal((await failure(p.fetch(b, GET, client))).reason, 'Connection refused');
  assert.equal((await failure(p.fetch(b, GET, client))).reason, 'Backend is unhealthy');
  p.markProbeGood(probeIdentity(b));
  assert.equal((await failure(p.fetch(b, GET, client))).reason, 'Connection refused');
});

test('a success in between resets the consecutive failure count', async (t) => {
  let fail = true;
  const port = await tcpOrigin(t, (s) => s.once('data', () => {
    if (fail) s.resetAndDestroy();
    else s.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok');
  }));
  const p = pools(t);
  const b = backend({ port, errorThreshold: 2 });
  assert.equal((await failure(p.fetch(b, GET, client))).reason, 'backend read error');
  fail = false;
  assert.equal(await readAll((await p.fetch(b, GET, client)).body), 'ok');
  fail = true;
  assert.equal((await failure(p.fetch(b, GET, client))).reason, 'backend read error');
  fail = false;
  assert.equal(await readAll((await p.fetch(b, GET, client)).body), 'ok');
});

test('pools are kept across a config swap when the identity is unchanged, and closed otherwise', async (t) => {
  const sockets = new Set<unknown>();
  const { server, port } = await httpOrigin(t, (_req, res) => res.end('x'));
  server.on('connection', (s) => sockets.add(s));
  const p = pools(t);
  const v1 = backend({ port });
  const v2same = backend({ port, name: 'renamed' }); // the VCL name is not part of the identity
  const v2changed = backend({ port, firstByteTimeoutMs: 1234 });
  // undici hands a kept-alive socket out again one event-loop turn after a response completes.
  const turn = () => new Promise((r) => setImmediate(r));
  await readAll((await p.fetch(v1, GET, client)).body);
  await turn();
  await readAll((await p.fetch(v2same, GET, client)).body);
  assert.equal(sockets.size, 1); // the second request reused the first one's connection
  assert.deepEqual(p.identities(), [poolIdentity(v1)]);
  await readAll((await p.fetch(v2changed, GET, client)).body);
  assert.equal(p.identities().length, 2);
  await p.retain([poolIdentity(v2changed)]);
  assert.deepEqual(p.identities(), [poolIdentity(v2changed)]);
  await turn();
  await readAll((await p.fetch(v2changed, GET, client)).body);
  assert.equal(sockets.size, 2);
});

test('retain lets a request in flight on a dropped pool finish', async (t) => {
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => { release = r; });
  const { port } = await httpOrigin(t, (_req, res) => { void gate.then(() => res.end('done')); });
  const p = pools(t);
  const b = backend({ port });
  const pending = p.fetch(b, GET, client);
  await new Promise((r) => setTimeout(r, 50));
  const closing = p.retain([]);
  release();
  const res = await pending;
  assert.equal(await readAll(res.body), 'done');
  await closing;
  assert.deepEqual(p.identities(), []);
});

test('destroying the body (client gone) stops the origin read and frees the slot', async (t) => {
  let originClosed = false;
  const { port } = await httpOrigin(t, (req, res) => {
    res.writeHead(200, { 'content-length': '1000000' });
    res.write('x'.repeat(1000));
    req.socket.on('close', () => { originClosed = true; });
  });
  const p = pools(t);
  const b = backend({ port, maxConnections: 1 });
  const res = await p.fetch(b, GET, client);
  assert.equal(p.inFlight(b), 1);
  res.body.destroy();
  const outcome = await res.completed;
  assert.equal(outcome.truncated, true);
  assert.equal(outcome.error, null);
  assert.equal(p.inFlight(b), 0);
  while (!originClosed) await new Promise((r) => setTimeout(r, 10));
});

test('connectMs is the wait for a connected socket: part of firstByteMs, and the origin\'s think time is not in it', async (t) => {
  const { port } = await httpOrigin(t, (_req, res) => { setTimeout(() => res.end('ok'), 60); });
  const p = pools(t);
  const first = await p.fetch(backend({ port }), GET, client);
  await readAll(first.body);
  assert.ok(first.connectMs >= 0 && first.connectMs <= first.firstByteMs, `${first.connectMs} ≤ ${first.firstByteMs}`);
  assert.ok(first.firstByteMs - first.connectMs >= 50, `the 60 ms the origin thinks is after the connect (${first.connectMs} / ${first.firstByteMs})`);
});
