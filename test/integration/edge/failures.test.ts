// Every synthetic 503 the edge produces from a real misbehaving origin on loopback, checked in
// the status line exactly as DESIGN.md §4.4 lists Fastly's reasons.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closedPort, fullBacklogPort, httpOrigin, tcpOrigin } from '../../edge/helpers.ts';
import { startEdgeStack, type Fields } from '../harness.ts';

const HOST = 'fail.example';

async function oneBackend(t: Parameters<typeof startEdgeStack>[0], backend: Fields) {
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', ...backend }] });
  return lq;
}

test('a closed port: 503 Connection refused', async (t) => {
  const lq = await oneBackend(t, { port: await closedPort() });
  const r = await lq.edge(HOST);
  assert.equal(r.statusLine, 'HTTP/1.1 503 Connection refused');
  assert.equal(r.body, '503 Connection refused\n');
  assert.equal(r.headers['x-served-by'], lq.pop);
});

test('a listener whose accept queue is full: 503 Connection timed out', async (t) => {
  const lq = await oneBackend(t, { port: await fullBacklogPort(t), connect_timeout: 200 });
  const r = await lq.edge(HOST);
  assert.equal(r.statusLine, 'HTTP/1.1 503 Connection timed out');
  assert.equal(r.body, '503 Connection timed out\n');
});

test('an origin that accepts and never answers: 503 first byte timeout', async (t) => {
  let requests = 0;
  const { port } = await httpOrigin(t, () => { requests++; /* never answers */ });
  const lq = await oneBackend(t, { port, first_byte_timeout: 200 });
  const r = await lq.edge(HOST);
  assert.equal(r.statusLine, 'HTTP/1.1 503 first byte timeout');
  assert.equal(requests, 1);
});

test('a sub-second first_byte_timeout is kept: an origin answering after 900 ms exceeds 300 ms', async (t) => {
  const timers: NodeJS.Timeout[] = [];
  t.after(() => timers.forEach(clearTimeout));
  const { port } = await httpOrigin(t, (_req, res) => {
    timers.push(setTimeout(() => res.end('too late'), 900));
  });
  const lq = await oneBackend(t, { port, first_byte_timeout: 300 });
  const r = await lq.edge(HOST);
  assert.equal(r.statusLine, 'HTTP/1.1 503 first byte timeout');
});

test('an origin that resets the connection before the headers: 503 backend read error', async (t) => {
  const port = await tcpOrigin(t, (s) => s.once('data', () => s.resetAndDestroy()));
  const lq = await oneBackend(t, { port });
  const r = await lq.edge(HOST);
  assert.equal(r.statusLine, 'HTTP/1.1 503 backend read error');
});

test('an origin that answers garbage instead of HTTP: 503 backend read error', async (t) => {
  const port = await tcpOrigin(t, (s) => s.once('data', () => s.end('SSH-2.0-OpenSSH_9.6\r\n\r\n')));
  const lq = await oneBackend(t, { port });
  const r = await lq.edge(HOST);
  assert.equal(r.statusLine, 'HTTP/1.1 503 backend read error');
});

test('max_conn 2 with slow requests in flight: the third fails at once with 503 Backend.max_conn reached', async (t) => {
  const waiting: Array<() => void> = [];
  const { port } = await httpOrigin(t, (req, res) => {
    waiting.push(() => res.end(`slow ${req.url ?? ''}`));
  });
  t.after(() => { for (const release of waiting) release(); });
  const lq = await oneBackend(t, { port, max_conn: 2 });
  const slow = [lq.edge(HOST, { path: '/1' }), lq.edge(HOST, { path: '/2' })];
  while (waiting.length < 2) await new Promise((r) => setTimeout(r, 5));

  const third = await lq.edge(HOST, { path: '/3' });
  assert.equal(third.statusLine, 'HTTP/1.1 503 Backend.max_conn reached');
  assert.equal(waiting.length, 2, 'the refused request never reached the origin');

  for (const release of waiting.splice(0)) release();
  const done = await Promise.all(slow);
  assert.deepEqual(done.map((r) => `${r.statusLine} ${r.body}`), ['HTTP/1.1 200 OK slow /1', 'HTTP/1.1 200 OK slow /2']);
  const after = lq.edge(HOST, { path: '/4' });
  while (waiting.length < 1) await new Promise((r) => setTimeout(r, 5));
  waiting.splice(0).forEach((release) => release());
  assert.equal((await after).statusLine, 'HTTP/1.1 200 OK', 'a slot frees once a request finishes');
});

test('a hostname that cannot resolve (.invalid, RFC 6761): 503 DNS lookup failed', async (t) => {
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: 'origin.lacquer.invalid', port: 80 }] });
  const r = await lq.edge(HOST);
  assert.equal(r.statusLine, 'HTTP/1.1 503 DNS lookup failed');
});
