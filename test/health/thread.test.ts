// The probe engine on a thread of its own (DESIGN.md §1 health/): the thread that serves the
// API and the edge workers see the same verdicts, overrides and entries as with the registry
// in-process, learnt through messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProbeThread } from '../../src/health/thread-client.ts';
import { HealthView } from '../../src/health/ipc.ts';
import type { HealthEvent } from '../../src/health/registry-types.ts';
import { probeIdentity } from '../../src/model/backend.ts';
import { answer, backendDef, closedPort, probeDef, scriptedOrigin } from './fixtures.ts';

const ENTRY = new URL('../../src/process/health-thread.ts', import.meta.url);
const OK = 'HTTP/1.1 200 OK\r\n\r\n';

async function waitFor(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('the probe thread probes, and its verdicts, overrides and entries reach the owning thread', { timeout: 20_000 }, async (t) => {
  const origin = await scriptedOrigin(answer(OK));
  const thread = new ProbeThread({ pop: 'ams', entry: ENTRY, spread: false, extra: { logLevel: 'silent' } });
  t.after(async () => {
    await thread.close();
    await origin.close();
  });
  const view = new HealthView();
  thread.on('message', (m) => view.apply(m));
  const events: HealthEvent[] = [];
  thread.on('health', (e) => events.push(e));
  const backend = backendDef({ port: origin.port, probe: probeDef({ intervalMs: 100, window: 3, threshold: 2, initial: 1 }) });
  const id = probeIdentity(backend);

  thread.putService('s1', [backend]);
  // Announced before the thread answers: a new backend is routed by its initial verdict at once.
  assert.deepEqual([view.isHealthy(id), thread.isHealthy(id)], [false, false]);
  await waitFor(() => view.isHealthy(id), 3000, 'the first good probe makes it healthy');
  assert.equal(thread.isHealthy(id), true);
  assert.deepEqual(events.map((e) => [e.cause, e.healthy, e.pop]), [['start', false, 'ams'], ['probe', true, 'ams']]);

  const snap = await thread.snapshot('s1');
  assert.deepEqual(snap.backends.map((e) => [e.name, e.pop, e.identity, e.healthy, e.stale, e.last_response]),
    [['F_origin', 'ams', id, true, false, 'HTTP/1.1 200 OK']]);

  assert.equal(thread.setAdmin({ serviceId: 's1', name: 'F_origin' }, 'sick'), true);
  // The override reaches routing at once, not after a round trip to the thread.
  assert.equal(view.isBackendHealthy('s1', 'F_origin', id), false);
  assert.equal(thread.setAdmin({ serviceId: 's1', name: 'F_other' }, 'sick'), false);
  assert.equal(thread.setAdmin({ serviceId: 's2', name: 'F_origin' }, 'sick'), false);
  assert.deepEqual((await thread.snapshot('s1')).backends.map((e) => [e.admin, e.healthy]), [['sick', false]]);
  assert.deepEqual(thread.messages(), [
    { type: 'health', identity: id, healthy: true },
    { type: 'health', serviceId: 's1', backend: 'F_origin', admin: 'sick' },
  ]);

  const stats = await thread.stats();
  assert.ok(stats !== null && stats.probes >= 1 && stats.happy >= 1 && stats.cpuUs > 0, JSON.stringify(stats));
  assert.match(await thread.metrics(), /^lacquer_probes_total\{result="happy"\} \d+$/m);

  thread.removeService('s1');
  assert.deepEqual((await thread.snapshot('s1')).backends, []);
  const probes = origin.requests.length;
  await new Promise((r) => setTimeout(r, 250));
  assert.ok(origin.requests.length <= probes + 1, 'a removed service is no longer probed');
});

test('a probe thread that dies is started again with every service it had, and probes them again', { timeout: 20_000 }, async (t) => {
  const origin = await scriptedOrigin(answer(OK));
  const crashed = new SharedArrayBuffer(4);
  const thread = new ProbeThread({
    pop: 'ams', entry: new URL('./crashing-thread.ts', import.meta.url), spread: false, extra: { crashed, crashAfterMs: 300 },
  });
  t.after(async () => {
    await thread.close();
    await origin.close();
  });
  thread.putService('s1', [backendDef({ port: origin.port, probe: probeDef({ intervalMs: 50 }) })]);
  await waitFor(() => Atomics.load(new Int32Array(crashed), 0) === 1 && origin.requests.length >= 1, 3000, 'the first probe');
  await new Promise((r) => setTimeout(r, 400));
  const before = origin.requests.length;
  await waitFor(() => origin.requests.length > before + 2, 3000, 'probes resume on the new thread');
  assert.deepEqual((await thread.snapshot('s1')).backends.map((e) => e.name), ['F_origin']);
});

test('probes keep their cadence while the owning thread is blocked', { timeout: 20_000 }, async (t) => {
  // A refused port: the kernel answers each probe, so nothing on the blocked thread is needed
  // for a probe to end and the next to be due one interval later.
  const port = await closedPort();
  const thread = new ProbeThread({ pop: 'ams', entry: ENTRY, spread: false, extra: { logLevel: 'silent' } });
  t.after(() => thread.close());
  thread.putService('s1', [backendDef({ port, probe: probeDef({ intervalMs: 100, timeoutMs: 1000 }) })]);
  await waitFor(async () => ((await thread.stats())?.probes ?? 0) >= 2, 5000, 'the first probes');
  const before = await thread.stats();
  // Blocked without using a core (Atomics.wait), so the probe thread is not starved of CPU.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
  const after = await thread.stats();
  assert.ok(before !== null && after !== null);
  // ~19 starts are due in 2 s at 100 ms; half of them is enough to show the thread went on.
  const starts = after.starts - before.starts;
  assert.ok(starts >= 10, `${starts} probes started while the owning thread was blocked for 2 s`);
});
