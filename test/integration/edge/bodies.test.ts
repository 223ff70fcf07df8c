// Bodies through the edge: streamed both ways without holding whole payloads (a request body
// only up to BODY_BUFFER_BYTES, request-body.ts), HEAD, and an origin that stalls mid-body
// (Fastly between_bytes_timeout: deliver what arrived, close).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { PassThrough } from 'node:stream';
import { BODY_BUFFER_BYTES } from '../../../src/edge/request-body.ts';
import { httpOrigin } from '../../edge/helpers.ts';
import { startEdgeStack, waitFor } from '../harness.ts';

const HOST = 'body.example';

test('a POST body longer than the edge buffers is streamed to the origin as it arrives, not after it ended', async (t) => {
  let received = 0;
  const { port } = await httpOrigin(t, (req, res) => {
    const sha = createHash('sha256');
    req.on('data', (c: Buffer) => { received += c.length; sha.update(c); });
    req.on('end', () => res.end(`${req.method ?? ''} ${req.headers['content-type'] ?? ''} ${req.headers['content-length'] ?? '-'} ${received} ${sha.digest('hex').slice(0, 16)}`));
  });
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port }] });

  const body = new PassThrough();
  const first = Buffer.alloc(BODY_BUFFER_BYTES + 10_000, 'a');
  const last = Buffer.alloc(5_000, 'b');
  const total = first.length + last.length;
  const reply = lq.edge(HOST, { method: 'POST', path: '/upload', headers: { 'content-type': 'text/plain', 'content-length': String(total) }, body });
  body.write(first);
  // The rest is only sent once the origin has the first part: an edge that holds the whole
  // request body before it connects would wait here forever (and the request times out).
  await waitFor(() => received === first.length, 5000, 'the origin received the first part');
  body.end(last);
  const r = await reply;
  const expected = createHash('sha256').update(first).update(last).digest('hex').slice(0, 16);
  assert.equal(r.statusLine, 'HTTP/1.1 200 OK');
  assert.equal(r.body, `POST text/plain ${total} ${total} ${expected}`);
});

test('a chunked POST body longer than the edge buffers goes to the origin chunked, whole', async (t) => {
  const { port } = await httpOrigin(t, (req, res) => {
    const sha = createHash('sha256');
    let received = 0;
    req.on('data', (c: Buffer) => { received += c.length; sha.update(c); });
    req.on('end', () => res.end(`${req.headers['transfer-encoding'] ?? '-'} ${received} ${sha.digest('hex').slice(0, 16)}`));
  });
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port }] });
  const payload = Buffer.alloc(3 * BODY_BUFFER_BYTES, 'c');
  const body = new PassThrough();
  const reply = lq.edge(HOST, { method: 'POST', path: '/chunked', body });
  body.end(payload);
  const r = await reply;
  assert.equal(r.statusLine, 'HTTP/1.1 200 OK');
  assert.equal(r.body, `chunked ${payload.length} ${createHash('sha256').update(payload).digest('hex').slice(0, 16)}`);
});

test('a HEAD miss is fetched as GET (so the whole object can be stored) and answered with the headers and no body', async (t) => {
  const methods: string[] = [];
  const { port } = await httpOrigin(t, (req, res) => {
    methods.push(req.method ?? '');
    res.writeHead(200, { 'content-type': 'text/html', 'content-length': '1234', etag: '"v1"' });
    res.end(req.method === 'HEAD' ? undefined : 'x'.repeat(1234));
  });
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port }] });
  const r = await lq.edge(HOST, { method: 'HEAD', path: '/page' });
  assert.equal(r.statusLine, 'HTTP/1.1 200 OK');
  assert.equal(r.headers['content-length'], '1234');
  assert.equal(r.headers.etag, '"v1"');
  assert.equal(r.body, '');
  assert.equal(r.complete, true);
  assert.deepEqual(methods, ['GET']);
  const again = await lq.edge(HOST, { method: 'HEAD', path: '/page' });
  assert.deepEqual([again.headers['x-cache'], again.headers['content-length'], again.body], ['HIT', '1234', '']);
  assert.deepEqual(methods, ['GET'], 'the second HEAD is a hit');
});

test('a 50 MB response streams with backpressure: a paused client holds the origin back', async (t) => {
  const TOTAL = 50 * 1024 * 1024;
  const CHUNK = Buffer.alloc(64 * 1024, 'z');
  let written = 0;
  const { port } = await httpOrigin(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(TOTAL) });
    const pump = (): void => {
      while (written < TOTAL) {
        written += CHUNK.length;
        if (!res.write(CHUNK)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port }] });

  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: lq.edgePort, path: '/big', headers: { host: HOST }, agent: false }, resolve).on('error', reject);
  });
  t.after(() => res.destroy());
  assert.equal(res.statusCode, 200);
  res.pause();
  // While the client reads nothing, only socket buffers and stream high-water marks fill up.
  await new Promise((r) => setTimeout(r, 300));
  const writtenWhilePaused = written;
  assert.ok(writtenWhilePaused < 24 * 1024 * 1024, `origin wrote ${writtenWhilePaused} bytes while the client was paused`);

  // Reading, the origin is never further ahead of the client than those buffers: nothing in
  // between holds the response whole.
  let got = 0;
  let ahead = 0;
  res.on('data', (c: Buffer) => {
    got += c.length;
    ahead = Math.max(ahead, written - got);
  });
  res.resume();
  await new Promise<void>((resolve, reject) => res.once('end', resolve).once('error', reject));
  assert.equal(got, TOTAL);
  assert.equal(res.complete, true);
  assert.ok(ahead < 24 * 1024 * 1024, `the origin was ${ahead} bytes ahead of the client`);
});

test('an origin that stalls mid-body past between_bytes_timeout: the client gets what arrived, then the connection closes', async (t) => {
  const { port } = await httpOrigin(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
    res.write('p'.repeat(400));
    // …and never the remaining 600 bytes.
  });
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port, between_bytes_timeout: 200 }] });
  const r = await lq.edge(HOST, { path: '/partial' });
  assert.equal(r.statusLine, 'HTTP/1.1 200 OK');
  assert.equal(r.headers['content-length'], '1000');
  assert.equal(r.body, 'p'.repeat(400));
  assert.equal(r.complete, false);
});

test('a chunked origin that stalls mid-body: the client gets what arrived and sees the response end early', async (t) => {
  const { port } = await httpOrigin(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('q'.repeat(300));
  });
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port, between_bytes_timeout: 200 }] });
  const r = await lq.edge(HOST, { path: '/partial-chunked' });
  assert.equal(r.statusLine, 'HTTP/1.1 200 OK');
  assert.equal(r.body, 'q'.repeat(300));
  assert.equal(r.complete, false);
});
