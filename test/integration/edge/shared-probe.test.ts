// Two services whose backends share one probe (same share_key and definition, DESIGN.md §1
// "one probe per identity"): the probe's verdict is shared, an operator's admin state is not.
// Scenarios in the style of a Varnish .vtc: origin, lacquer, clients, expectations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpOrigin } from '../../edge/helpers.ts';
import { startChild } from '../cache/child.ts';
import { startEdgeStack, waitFor, type Lacquer } from '../harness.ts';

const PROBE = { name: 'hc', path: '/health', check_interval: 1000, timeout: 300, window: 5, threshold: 1, initial: 1 };

interface Entry { name: string; identity: string; healthy: boolean; admin: string; bits: { H: string }; last_response: string; last_change: string }

async function entry(lq: Lacquer, sid: string, name = 'F_origin'): Promise<Entry> {
  const snap = await lq.apiOk('GET', `/service/${sid}/health`) as { backends: Entry[] };
  const found = snap.backends.find((b) => b.name === name);
  assert.ok(found !== undefined, `${name} is in the health of ${sid}`);
  return found;
}

const happyCount = (e: Entry): number => e.bits.H.replace(/-/g, '').length;

test('sick set on one service leaves another service sharing the probe serving 200, at the edge and in its health', async (t) => {
  // Uncacheable, so every request reaches the routing decision.
  const { port } = await httpOrigin(t, (_req, res) => res.writeHead(200, { 'cache-control': 'no-store' }).end('up'));
  const lq = await startEdgeStack(t);
  const backend = { name: 'origin', address: '127.0.0.1', port, healthcheck: 'hc' };
  const b = await lq.createService({ domains: ['b.example'], healthchecks: [PROBE], backends: [backend] });
  // share_key defaults to the service id (DESIGN.md §4.2): C joins B's probe by naming B's id.
  const c = await lq.createService({ domains: ['c.example'], healthchecks: [PROBE], backends: [{ ...backend, share_key: b }] });
  assert.equal((await entry(lq, c)).identity, (await entry(lq, b)).identity, 'one probe identity');

  const set = await lq.apiOk('PUT', `/service/${c}/health/F_origin`, { state: 'sick' }) as Entry;
  assert.deepEqual([set.name, set.admin, set.healthy], ['F_origin', 'sick', false]);
  assert.equal((await lq.edge('c.example')).statusLine, 'HTTP/1.1 503 Backend is unhealthy');
  assert.equal((await lq.edge('b.example')).statusLine, 'HTTP/1.1 200 OK');
  const other = await entry(lq, b);
  assert.deepEqual([other.admin, other.healthy], ['auto', true]);

  // The override belongs to C's backend F_origin and outlives an activation that keeps it.
  await lq.apiOk('PUT', `/service/${c}/version/1/clone`);
  await lq.apiOk('POST', `/service/${c}/version/2/domain`, { name: 'c2.example' });
  await lq.activate(c, 2);
  assert.deepEqual([(await entry(lq, c)).admin, (await entry(lq, c)).healthy], ['sick', false]);
  assert.equal((await lq.edge('c2.example')).statusLine, 'HTTP/1.1 503 Backend is unhealthy');
  assert.equal((await lq.edge('b.example')).statusLine, 'HTTP/1.1 200 OK');

  await lq.apiOk('PUT', `/service/${c}/health/F_origin`, { state: 'auto' });
  assert.equal((await lq.edge('c.example')).statusLine, 'HTTP/1.1 200 OK');
});

test('with --workers 2, an override reaches every worker for its own service only', async (t) => {
  const { port } = await httpOrigin(t, (_req, res) => res.writeHead(200, { 'cache-control': 'no-store' }).end('up'));
  const lq = await startChild(t, { workers: 2 });
  const service = async (domain: string, shareKey?: string): Promise<string> => {
    const { id } = await lq.apiOk('POST', '/service', { name: domain }) as { id: string };
    await lq.apiOk('POST', `/service/${id}/version/1/domain`, { name: domain });
    await lq.apiOk('POST', `/service/${id}/version/1/backend`, { name: 'origin', address: '127.0.0.1', port, ...(shareKey === undefined ? {} : { share_key: shareKey }) });
    await lq.apiOk('PUT', `/service/${id}/version/1/activate`);
    // Fresh connections go to the workers in turn: two 200s in a row are both workers.
    let served = 0;
    for (let i = 0; served < 2; i++) {
      assert.ok(i < 200, `${domain} was not routed by every worker`);
      served = (await lq.edge(domain)).status === 200 ? served + 1 : 0;
    }
    return id;
  };
  const b = await service('b.example');
  const c = await service('c.example', b);

  await lq.apiOk('PUT', `/service/${c}/health/origin`, { state: 'sick' });
  // Four requests in a row reach each worker twice.
  const statuses = async (host: string): Promise<string[]> => {
    const out: string[] = [];
    for (let i = 0; i < 4; i++) out.push((await lq.edge(host)).statusLine);
    return out;
  };
  assert.deepEqual(await statuses('c.example'), Array(4).fill('HTTP/1.1 503 Backend is unhealthy'));
  assert.deepEqual(await statuses('b.example'), Array(4).fill('HTTP/1.1 200 OK'));
});

test('healthy set on one service does not hide a sick shared probe from the other service', async (t) => {
  const { port } = await httpOrigin(t, (req, res) => res.writeHead(req.url === '/health' ? 500 : 200, { 'cache-control': 'no-store' }).end('origin'));
  const lq = await startEdgeStack(t);
  const backend = { name: 'origin', address: '127.0.0.1', port, healthcheck: 'hc', share_key: 'sharedorigin' };
  const hc = { ...PROBE, threshold: 1, initial: 0 };
  const b = await lq.createService({ domains: ['b.example'], healthchecks: [hc], backends: [backend] });
  const c = await lq.createService({ domains: ['c.example'], healthchecks: [hc], backends: [backend] });
  await waitFor(async () => (await entry(lq, b)).last_response.includes('500'), 4000, 'the shared probe saw the 500');

  await lq.apiOk('PUT', `/service/${c}/health/F_origin`, { state: 'healthy' });
  assert.equal((await lq.edge('c.example')).statusLine, 'HTTP/1.1 200 OK');
  assert.equal((await lq.edge('b.example')).statusLine, 'HTTP/1.1 503 Backend is unhealthy');
  assert.deepEqual([(await entry(lq, b)).admin, (await entry(lq, b)).healthy], ['auto', false]);
});

test('an activation that keeps a backend\'s identity keeps its probe history', async (t) => {
  const { port } = await httpOrigin(t, (_req, res) => res.writeHead(200, { 'cache-control': 'no-store' }).end('up'));
  const lq = await startEdgeStack(t);
  const sid = await lq.createService({
    domains: ['h.example'], healthchecks: [PROBE], backends: [{ name: 'origin', address: '127.0.0.1', port, healthcheck: 'hc' }],
  });
  // initial 1 credits one happy bit; each probe adds one.
  await waitFor(async () => happyCount(await entry(lq, sid)) >= 3, 5000, 'two probes answered');
  const before = await entry(lq, sid);

  await lq.apiOk('PUT', `/service/${sid}/version/1/clone`);
  await lq.apiOk('POST', `/service/${sid}/version/2/domain`, { name: 'h2.example' });
  await lq.activate(sid, 2);
  const after = await entry(lq, sid);
  assert.equal(after.identity, before.identity);
  assert.ok(happyCount(after) >= happyCount(before), `history kept: ${happyCount(before)} happy bits before, ${happyCount(after)} after`);
  assert.ok(after.bits.H.endsWith(before.bits.H.replace(/^-+/, '')), 'the older bits are the same bits');
  assert.equal(after.last_change, before.last_change);
});
