// Two edge nodes of one POP in one process, sharing one Store and its events (DESIGN.md §4.6
// Health), next to a control API on the same Store that runs no probes: the nodes probe each
// identity once between them; a flip on the probing node reaches the other's routing through
// the Store's events; when one dies the other takes its identities over within max(3
// intervals, 5 s); the API shows the POP's entries, stale and never healthy once every node of
// the POP is gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import pino from 'pino';
import { activeSources } from '../../src/control/sources.ts';
import { PopHealth } from '../../src/process/pop-health.ts';
import type { ServiceSource } from '../../src/vcl/index.ts';
import { httpOrigin } from '../edge/helpers.ts';
import { waitFor } from '../integration/harness.ts';
import { startApi, type Api } from '../control/helpers.ts';

const BACKENDS = 6;
const PATHS = Array.from({ length: BACKENDS }, (_, i) => `/health/${i}`);

interface Probe { readonly path: string; readonly at: number }
interface Entry { name: string; pop: string; healthy: boolean; stale: boolean; last_response: string }

interface Fleet {
  readonly api: Api;
  readonly sid: string;
  readonly probes: Probe[];
  /** Paths the origin answers 500 on. */
  readonly sick: Set<string>;
  readonly sources: readonly ServiceSource[];
  node(id: string): Promise<PopHealth>;
  entries(): Promise<Entry[]>;
}

/** A service with BACKENDS probed backends (`/health/<i>`, every second) on one origin, active. */
async function fleet(t: TestContext): Promise<Fleet> {
  const api = await startApi(t);
  const probes: Probe[] = [];
  const sick = new Set<string>();
  const { port } = await httpOrigin(t, (req, res) => {
    probes.push({ path: req.url ?? '', at: Date.now() });
    res.writeHead(sick.has(req.url ?? '') ? 500 : 200, { connection: 'close' }).end();
  });
  const ok = async (method: string, path: string, body?: Record<string, unknown>): Promise<unknown> => {
    const r = await api.call(method, path, body);
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
    return r.body;
  };
  const sid = ((await ok('POST', '/service', { name: 'fleet' })) as { id: string }).id;
  await ok('POST', `/service/${sid}/version/1/domain`, { name: 'fleet.example' });
  for (let i = 0; i < BACKENDS; i++) {
    await ok('POST', `/service/${sid}/version/1/healthcheck`, { name: `hc${i}`, path: `/health/${i}`, check_interval: 1000, window: 2, threshold: 1, initial: 1 });
    await ok('POST', `/service/${sid}/version/1/backend`, { name: `b${i}`, address: '127.0.0.1', port, healthcheck: `hc${i}` });
  }
  await ok('PUT', `/service/${sid}/version/1/activate`);
  const sources = await activeSources(api.store);
  const nodes: PopHealth[] = [];
  // Before the store closes (startApi's own t.after runs after this one).
  t.after(async () => { for (const n of nodes) await n.stop(); });
  return {
    api, sid, probes, sick, sources,
    async node(id) {
      const n = new PopHealth({
        store: api.store, pop: 'a', nodeId: id, logger: pino({ level: 'silent' }), logLevel: 'silent',
      });
      nodes.push(n);
      api.store.events.on('event', (e) => n.onStoreEvent(e));
      await n.start({ id, role: 'edge', pop: 'a', url: 'http://127.0.0.1:9', startedAt: new Date().toISOString() });
      n.seed(sources);
      return n;
    },
    entries: async () => ((await ok('GET', `/service/${sid}/health`)) as { backends: Entry[] }).backends,
  };
}

function countsBetween(probes: readonly Probe[], from: number, to: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of probes) if (p.at > from && p.at <= to) out.set(p.path, (out.get(p.path) ?? 0) + 1);
  return out;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('two nodes of one POP sharing a store: one probe per interval per identity, a flip reaches both, a dead node\'s identities move within 5 s', { timeout: 40_000 }, async (t) => {
  const f = await fleet(t);
  const n1 = await f.node('n1');
  const n2 = await f.node('n2');
  // Each hears of the other at its next summary (every second) and from then probes its share.
  await sleep(2_500);
  const from = Date.now();
  await sleep(4_000);
  const counts = countsBetween(f.probes, from, Date.now());
  assert.deepEqual([...counts.keys()].sort(), PATHS, 'every identity is probed');
  for (const [p, n] of counts) assert.ok(n >= 3 && n <= 5, `${p}: one probe a second over 4 s, got ${n}`);
  const [s1, s2] = [await n1.thread.stats(), await n2.thread.stats()];
  assert.ok((s1?.probes ?? 0) > 0 && (s2?.probes ?? 0) > 0, 'both nodes probe their share');

  // The API (which runs no probes) shows one entry per backend for POP a, fresh.
  const entries = await f.entries();
  assert.deepEqual(entries.map((e) => [e.name, e.pop, e.healthy, e.stale]), PATHS.map((_, i) => [`F_b${i}`, 'a', true, false]));

  // A flip on whichever node probes /health/3 reaches the other node's routing.
  const identity = (await f.api.call('GET', `/service/${f.sid}/health`)).body as { backends: Array<{ name: string; identity: string }> };
  const id3 = identity.backends.find((b) => b.name === 'F_b3')?.identity as string;
  f.sick.add('/health/3');
  await waitFor(() => !n1.thread.isHealthy(id3) && !n2.thread.isHealthy(id3), 4_000, 'both nodes route /health/3 as sick');

  // n1 dies: its probe thread is gone, so it writes no more summaries. n2 takes its identities over.
  await n1.thread.close();
  const died = Date.now();
  await sleep(5_000);
  assert.deepEqual([...countsBetween(f.probes, died, died + 5_000).keys()].sort(), PATHS, 'every identity is probed again within 5 s of the death');
  assert.deepEqual([...countsBetween(f.probes, Date.now() - 1_200, Date.now()).keys()].sort(), PATHS, 'n2 now probes all of them');
  assert.equal(n2.thread.isHealthy(id3), false, 'the sick one stays sick across the hand-over');
  await waitFor(async () => (await f.entries()).find((e) => e.name === 'F_b3')?.last_response === 'HTTP/1.1 500 Internal Server Error', 3_000,
    'the API shows the sick backend\'s last response');
});

test('a POP whose nodes all stop turns stale within max(3 × check_interval, 10 s), and a stale entry is never healthy', { timeout: 40_000 }, async (t) => {
  const f = await fleet(t);
  const n1 = await f.node('n1');
  await waitFor(async () => {
    const entries = await f.entries();
    return entries.length === BACKENDS && entries.every((e) => e.healthy && !e.stale);
  }, 5_000, 'the POP is healthy and fresh');
  // An operator forces one backend healthy: a stale entry is still not healthy.
  assert.equal((await f.api.call('PUT', `/service/${f.sid}/health/b0`, { state: 'healthy' })).status, 200);
  await n1.stop();
  const stopped = Date.now();
  await waitFor(async () => (await f.entries()).every((e) => e.stale), 12_000, 'every entry of POP a is stale');
  const staleAfter = Date.now() - stopped;
  assert.ok(staleAfter >= 8_000 && staleAfter <= 11_500, `stale 10 s after the last summary, here ${staleAfter} ms after the stop`);
  const entries = await f.entries();
  assert.deepEqual(entries.map((e) => [e.name, e.pop, e.healthy, e.stale]), PATHS.map((_, i) => [`F_b${i}`, 'a', false, true]));
  assert.equal((entries[0] as Entry & { admin: string }).admin, 'healthy');
});
