// Health as the edge routes by it and as the API shows it: probes, admin state, readiness and
// the flip stream (DESIGN.md §4.2 health routes, §4.6 Health).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { httpOrigin } from '../../edge/helpers.ts';
import { request, startEdgeStack, TOKEN, vclName, waitFor } from '../harness.ts';

const HOST = 'health.example';
const PROBE = { name: 'hc', path: '/health', check_interval: 1000, timeout: 300 };

interface Entry { name: string; healthy: boolean; admin: string; last_response: string }

test('a backend its probes find sick answers 503 Backend is unhealthy without touching the origin', async (t) => {
  const seen: string[] = [];
  const { port } = await httpOrigin(t, (req, res) => {
    seen.push(req.url ?? '');
    res.writeHead(req.url === '/health' ? 500 : 200).end('origin');
  });
  const lq = await startEdgeStack(t);
  const sid = await lq.createService({
    domains: [HOST], healthchecks: [{ ...PROBE, window: 2, threshold: 2, initial: 0 }],
    backends: [{ name: 'origin', address: '127.0.0.1', port, healthcheck: 'hc' }],
  });
  await waitFor(() => seen.includes('/health'), 3000, 'the first probe reached the origin');
  await waitFor(async () => {
    const snap = await lq.apiOk('GET', `/service/${sid}/health`) as { backends: Entry[] };
    return snap.backends[0]?.last_response.includes('500') ?? false;
  }, 3000, 'the probe result is recorded');

  const r = await lq.edge(HOST, { path: '/page' });
  assert.equal(r.statusLine, 'HTTP/1.1 503 Backend is unhealthy');
  assert.deepEqual(seen.filter((u) => u !== '/health'), [], 'only probes reached the origin');
});

test('admin state sick via PUT /service/{sid}/health/{backend} takes a backend out; auto puts it back', async (t) => {
  let requests = 0;
  // Uncacheable: every request must reach the routing decision, not a cached copy.
  const { port } = await httpOrigin(t, (_req, res) => { requests++; res.writeHead(200, { 'cache-control': 'no-store' }).end('up'); });
  const lq = await startEdgeStack(t);
  const sid = await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port }] });
  assert.equal((await lq.edge(HOST)).statusLine, 'HTTP/1.1 200 OK');
  assert.equal(requests, 1);

  const sick = await lq.apiOk('PUT', `/service/${sid}/health/${vclName('origin')}`, { state: 'sick' }) as Entry;
  assert.deepEqual([sick.name, sick.admin, sick.healthy], ['F_origin', 'sick', false]);
  const r = await lq.edge(HOST);
  assert.equal(r.statusLine, 'HTTP/1.1 503 Backend is unhealthy');
  assert.equal(requests, 1);

  await lq.apiOk('PUT', `/service/${sid}/health/${vclName('origin')}`, { state: 'auto' });
  assert.equal((await lq.edge(HOST)).statusLine, 'HTTP/1.1 200 OK');
  assert.equal(requests, 2);
});

test('GET /ready answers 200 on the API and on the edge', async (t) => {
  const lq = await startEdgeStack(t);
  const api = await fetch(`${lq.apiUrl}/ready`);
  assert.equal(api.status, 200);
  assert.deepEqual(await api.json(), { status: 'ok', pop: lq.pop });
  const edge = await request(lq.edgePort, `127.0.0.1:${lq.edgePort}`, { path: '/ready' });
  assert.equal(edge.statusLine, 'HTTP/1.1 200 OK');
  assert.equal(edge.body, 'ready\n');
});

test('GET /service/{sid}/health lists every backend right after activation', async (t) => {
  const { port } = await httpOrigin(t, (_req, res) => res.end('ok'));
  const lq = await startEdgeStack(t);
  const sid = await lq.createService({
    domains: [HOST], healthchecks: [{ ...PROBE, window: 3, threshold: 1, initial: 1 }],
    backends: [{ name: 'probed', address: '127.0.0.1', port, healthcheck: 'hc' }, { name: 'plain', address: '127.0.0.1', port }],
  });
  const snap = await lq.apiOk('GET', `/service/${sid}/health`) as { service_id: string; backends: Array<Entry & { pop: string }> };
  assert.equal(snap.service_id, sid);
  assert.deepEqual(snap.backends.map((b) => [b.name, b.pop, b.healthy, b.admin]).sort(), [
    ['F_plain', lq.pop, true, 'auto'],
    ['F_probed', lq.pop, true, 'auto'],
  ]);
});

test('/health/events streams a flip to sick when the origin dies', async (t) => {
  const origin = await httpOrigin(t, (_req, res) => res.writeHead(200, { 'cache-control': 'no-store' }).end('ok'));
  const lq = await startEdgeStack(t);
  const sid = await lq.createService({
    domains: [HOST], healthchecks: [{ ...PROBE, window: 1, threshold: 1, initial: 1 }],
    backends: [{ name: 'origin', address: '127.0.0.1', port: origin.port, healthcheck: 'hc' }],
  });
  const events: string[] = [];
  const stream = http.get(`${lq.apiUrl}/health/events?service_id=${sid}`, { headers: { 'fastly-key': TOKEN } });
  t.after(() => stream.destroy());
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => stream.once('response', resolve).once('error', reject));
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'text/event-stream');
  res.setEncoding('utf8');
  let buffered = '';
  res.on('data', (chunk: string) => {
    buffered += chunk;
    let end: number;
    while ((end = buffered.indexOf('\n\n')) !== -1) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const data = block.split('\n').find((l) => l.startsWith('data: '));
      if (block.startsWith('event: health') && data !== undefined) events.push(data.slice(6));
    }
  });
  assert.equal((await lq.edge(HOST)).statusLine, 'HTTP/1.1 200 OK');

  origin.server.closeAllConnections();
  origin.server.close();
  await waitFor(() => events.length > 0, 4000, 'a health event arrives');
  const flip = JSON.parse(events[0]) as { healthy: boolean; cause: string; pop: string; backends: unknown };
  assert.deepEqual([flip.healthy, flip.cause, flip.pop], [false, 'probe', lq.pop]);
  assert.deepEqual(flip.backends, [{ service_id: sid, name: 'F_origin' }]);
  assert.equal((await lq.edge(HOST)).statusLine, 'HTTP/1.1 503 Backend is unhealthy');
  stream.destroy();
});

test('every newly activated probed backend is probed at once, not spread over its interval', async (t) => {
  const probes: string[] = [];
  const origin = async (name: string) => (await httpOrigin(t, (req, res) => {
    if (req.url === '/health') probes.push(name);
    res.end(name);
  })).port;
  const ports = [await origin('a'), await origin('b'), await origin('c')];
  const lq = await startEdgeStack(t);
  // Fastly's API defaults (threshold 3, initial 2): a new backend is sick until its first good probe.
  const sid = await lq.createService({
    domains: [HOST], healthchecks: [{ ...PROBE, check_interval: 30_000 }],
    backends: ports.map((port, i) => ({ name: `o${i}`, address: '127.0.0.1', port, healthcheck: 'hc' })),
  });
  await waitFor(async () => {
    const snap = await lq.apiOk('GET', `/service/${sid}/health`) as { backends: Entry[] };
    return snap.backends.length === 3 && snap.backends.every((b) => b.healthy);
  }, 3000, 'all three backends are healthy');
  assert.deepEqual(probes.sort(), ['a', 'b', 'c']);
  assert.equal((await lq.edge(HOST)).statusLine, 'HTTP/1.1 200 OK');
});
