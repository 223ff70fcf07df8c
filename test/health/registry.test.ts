import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { HealthRegistry } from '../../src/health/registry.ts';
import type { HealthEvent, HealthTarget, ProbeFn } from '../../src/health/registry.ts';
import { HealthMetrics } from '../../src/health/metrics.ts';
import { HealthView } from '../../src/health/ipc.ts';
import { runProbe } from '../../src/health/probe.ts';
import { probeIdentity } from '../../src/model/backend.ts';
import type { ProbeResult } from '../../src/health/state.ts';
import { BAD, GOOD, answer, backendDef, probeDef, scriptedOrigin } from './fixtures.ts';
import { virtualClock } from './clock.ts';
import type { VirtualClock } from './clock.ts';

/** A probe that answers from a script, one result per call (the last repeats). */
function scripted(results: ProbeResult[], calls: string[] = []): ProbeFn {
  return async (b) => {
    calls.push(b.name);
    return results[Math.min(calls.length - 1, results.length - 1)];
  };
}

function registry(clock: VirtualClock, probe: ProbeFn, extra: { metrics?: HealthMetrics; spread?: boolean } = {}): HealthRegistry {
  return new HealthRegistry({
    pop: 'ams', probe: (b, o) => clock.track(probe(b, o)), now: Date.now, scheduler: { clock: Date.now },
    spread: extra.spread ?? false, metrics: extra.metrics,
  });
}

test('every backend has its entry from sync on, before any probe answers', (t) => {
  const clock = virtualClock(t);
  const reg = registry(clock, () => new Promise(() => {}));
  t.after(() => reg.close());
  const probed = backendDef({ name: 'F_origin' });
  const plain = backendDef({ name: 'F_static', host: '127.0.0.9', probe: null });
  reg.sync([{ serviceId: 'svc1', backend: probed }, { serviceId: 'svc1', backend: plain }]);
  const none = '-'.repeat(64);
  const at = new Date(1_000_000).toISOString();
  assert.deepEqual(reg.snapshot('svc1'), {
    service_id: 'svc1',
    backends: [
      {
        name: 'F_origin', pop: 'ams', identity: probeIdentity(probed), admin: 'auto', healthy: false, stale: false, good: 2,
        threshold: 3, window: 8, bits: { '4': none, '6': none, U: none, x: none, X: none, r: none, R: none, H: '-'.repeat(62) + 'HH' },
        last_change: at, last_response: '', avg_rtt_ms: 0,
      },
      {
        name: 'F_static', pop: 'ams', identity: probeIdentity(plain), admin: 'auto', healthy: true, stale: false, good: 0,
        threshold: 0, window: 0, bits: { '4': none, '6': none, U: none, x: none, X: none, r: none, R: none, H: none },
        last_change: at, last_response: '', avg_rtt_ms: 0,
      },
    ],
  });
  assert.deepEqual(reg.snapshot('unknown'), { service_id: 'unknown', backends: [] });
  assert.equal(reg.isHealthy(probeIdentity(probed)), false);
  assert.equal(reg.isHealthy(probeIdentity(plain)), true);
});

test('the origin sees one probe per interval per identity: shared key, distinct keys, API default', async (t) => {
  const OK = 'HTTP/1.1 200 OK\r\n\r\n';
  const cases: Array<[string, (i: number, port: number) => HealthTarget, number]> = [
    ['ten services, one share key', (i, port) => ({ serviceId: `svc${i}`, backend: backendDef({ name: `b${i}`, shareKey: 'shared', port }) }), 3],
    ['ten services, ten share keys', (i, port) => ({ serviceId: `svc${i}`, backend: backendDef({ shareKey: `key${i}`, port }) }), 30],
    ['API default: share key = service id', (i, port) => ({ serviceId: `svc${i}`, backend: backendDef({ shareKey: `svc${i}`, port }) }), 30],
  ];
  const clock = virtualClock(t);
  for (const [name, target, expected] of cases) {
    const origin = await scriptedOrigin(answer(OK));
    const reg = registry(clock, runProbe);
    const targets = Array.from({ length: 10 }, (_, i) => target(i, origin.port));
    reg.sync(targets);
    await clock.advance(2 * 5_000 + 100); // probes at 1, 5001, 10001 (interval 5 s)
    reg.close();
    await origin.close();
    assert.equal(origin.requests.length, expected, name);
    if (expected === 3) {
      const ids = new Set(targets.map((x) => reg.identityOf(x.serviceId, x.backend.name)));
      assert.equal(ids.size, 1);
    }
  }
});

test('first probes of new identities are spread over the first interval', async (t) => {
  const clock = virtualClock(t);
  const starts: number[] = [];
  const probe: ProbeFn = async () => {
    starts.push(clock.now());
    return GOOD;
  };
  const reg = registry(clock, probe, { spread: true });
  t.after(() => reg.close());
  const targets = [0, 1, 2, 3].map((i) => ({ serviceId: 's', backend: backendDef({ name: `b${i}`, port: 8000 + i, probe: probeDef({ intervalMs: 400 }) }) }));
  reg.sync(targets);
  await clock.advance(399);
  assert.deepEqual(starts, [1, 100, 200, 300]);
});

test('re-sync keeps the state of kept identities and stops the others', async (t) => {
  const clock = virtualClock(t);
  const calls: string[] = [];
  const reg = registry(clock, scripted([GOOD], calls));
  t.after(() => reg.close());
  const a = { serviceId: 's', backend: backendDef({ name: 'A', port: 8001 }) };
  const b = { serviceId: 's', backend: backendDef({ name: 'B', port: 8002 }) };
  const idA = probeIdentity(a.backend);
  const idB = probeIdentity(b.backend);
  assert.deepEqual(reg.sync([a]), { started: [idA], kept: [], stopped: [] });
  await clock.advance(10);
  assert.deepEqual([reg.state(idA)?.probes, reg.isHealthy(idA)], [1, true]);
  assert.deepEqual(reg.sync([a, b]), { started: [idB], kept: [idA], stopped: [] });
  assert.deepEqual([reg.state(idA)?.probes, reg.isHealthy(idA)], [1, true]);
  await clock.advance(10);
  assert.deepEqual(reg.sync([b]), { started: [], kept: [idB], stopped: [idA] });
  assert.equal(reg.state(idA), undefined);
  assert.deepEqual(reg.snapshot('s').backends.map((e) => e.name), ['B']);
  await clock.advance(5_000);
  assert.deepEqual(calls, ['A', 'B', 'B']);
});

test('flips reach listeners, per-identity subscribers and workers through IPC messages', async (t) => {
  const clock = virtualClock(t);
  const reg = registry(clock, scripted([GOOD, BAD, BAD, BAD, BAD, BAD, BAD, GOOD]));
  t.after(() => reg.close());
  const target = { serviceId: 's', backend: backendDef({ probe: probeDef({ window: 4, threshold: 2, initial: 1, intervalMs: 100 }) }) };
  const id = probeIdentity(target.backend);
  const events: HealthEvent[] = [];
  reg.on('health', (e) => events.push(e));
  const mine: boolean[] = [];
  const unsubscribe = reg.subscribe(id, (e) => mine.push(e.healthy));
  const view = new HealthView();
  reg.on('health', (e) => view.apply({ type: e.type, identity: e.identity, healthy: e.healthy }));
  reg.sync([target]);
  assert.equal(view.isHealthy(id), false);
  await clock.advance(1);
  assert.equal(view.isHealthy(id), true);
  await clock.advance(800);
  assert.deepEqual(events.map((e) => [e.cause, e.healthy]), [['start', false], ['probe', true], ['probe', false], ['probe', true]]);
  assert.deepEqual(events[1].backends, [{ service_id: 's', name: 'F_origin' }]);
  assert.equal(events[1].at, new Date(1_000_000 + 1).toISOString());
  assert.deepEqual(mine, [false, true, false, true]);
  unsubscribe();
  assert.deepEqual(reg.messages(), [{ type: 'health', identity: id, healthy: true }]);
  assert.equal(view.apply({ type: 'other' }), false);
});

test('admin state overrides one service\'s backend only, on top of the probe it shares', async (t) => {
  const clock = virtualClock(t);
  const reg = registry(clock, scripted([GOOD]));
  t.after(() => reg.close());
  const a = backendDef({ name: 'F_a', shareKey: 'k' });
  const b = backendDef({ name: 'F_b', shareKey: 'k' });
  reg.sync([{ serviceId: 's1', backend: a }, { serviceId: 's2', backend: b }]);
  await clock.advance(5);
  const id = probeIdentity(a);
  assert.equal(probeIdentity(b), id, 'one shared probe');
  const events: HealthEvent[] = [];
  reg.on('health', (e) => events.push(e));
  const messages: unknown[] = [];
  reg.on('message', (m) => messages.push(m));
  const view = new HealthView();
  for (const m of reg.messages()) view.apply(m);
  reg.on('message', (m) => view.apply(m));

  assert.equal(reg.setAdmin({ serviceId: 's1', name: 'F_a' }, 'sick'), true);
  assert.equal(reg.isHealthy(id), true, 'the probe\'s verdict is unchanged');
  assert.deepEqual(reg.snapshot('s1').backends.map((e) => [e.name, e.admin, e.healthy]), [['F_a', 'sick', false]]);
  assert.deepEqual(reg.snapshot('s2').backends.map((e) => [e.name, e.admin, e.healthy]), [['F_b', 'auto', true]]);
  assert.deepEqual([view.isBackendHealthy('s1', 'F_a', id), view.isBackendHealthy('s2', 'F_b', id)], [false, true]);
  assert.equal(reg.setAdmin({ serviceId: 's1', name: 'F_a' }, 'auto'), true);
  assert.equal(view.isBackendHealthy('s1', 'F_a', id), true);
  assert.equal(reg.setAdmin({ serviceId: 's1', name: 'F_nope' }, 'sick'), false);
  assert.equal(reg.setAdmin({ serviceId: 's1', name: 'F_b' }, 'sick'), false, 'another service\'s backend is not found');
  assert.deepEqual(events.map((e) => [e.cause, e.healthy, e.backends]), [
    ['admin', false, [{ service_id: 's1', name: 'F_a' }]],
    ['admin', true, [{ service_id: 's1', name: 'F_a' }]],
  ]);
  assert.deepEqual(messages, [
    { type: 'health', serviceId: 's1', backend: 'F_a', admin: 'sick' },
    { type: 'health', serviceId: 's1', backend: 'F_a', admin: 'auto' },
  ]);
});

test('a probe flip reaches the backends that follow the probe, not one held by an override', async (t) => {
  const clock = virtualClock(t);
  const promRegistry = new Registry();
  const reg = registry(clock, scripted([GOOD, BAD]), { metrics: new HealthMetrics(promRegistry) });
  t.after(() => reg.close());
  const probe = probeDef({ window: 1, threshold: 1, initial: 1, intervalMs: 100 });
  const a = backendDef({ name: 'F_a', shareKey: 'k', probe });
  const b = backendDef({ name: 'F_b', shareKey: 'k', probe });
  reg.sync([{ serviceId: 's1', backend: a }, { serviceId: 's2', backend: b }]);
  reg.setAdmin({ serviceId: 's1', name: 'F_a' }, 'healthy');
  const events: HealthEvent[] = [];
  reg.on('health', (e) => events.push(e));
  const messages: unknown[] = [];
  reg.on('message', (m) => messages.push(m));
  await clock.advance(150);
  assert.deepEqual(events.map((e) => [e.cause, e.healthy, e.backends]), [['probe', false, [{ service_id: 's2', name: 'F_b' }]]]);
  assert.deepEqual(messages, [{ type: 'health', identity: probeIdentity(a), healthy: false }]);
  const gauge = (await promRegistry.getSingleMetric('lacquer_backend_healthy')?.get())?.values;
  assert.deepEqual(gauge?.map((v) => [v.labels.service, v.value]), [['s1', 1], ['s2', 0]]);
  assert.deepEqual(reg.snapshot('s1').backends.map((e) => [e.admin, e.healthy, e.last_response]), [['healthy', true, 'HTTP/1.1 500 Internal Server Error']]);
});

test('an override lasts while its service keeps the backend, across syncs and a moment without the service', async (t) => {
  const clock = virtualClock(t);
  const reg = registry(clock, scripted([GOOD]));
  t.after(() => reg.close());
  const a = { serviceId: 's1', backend: backendDef({ name: 'F_a' }) };
  const other = { serviceId: 's1', backend: backendDef({ name: 'F_other', port: 8009 }) };
  const messages: unknown[] = [];
  reg.on('message', (m) => messages.push(m));
  reg.sync([a, other]);
  reg.setAdmin({ serviceId: 's1', name: 'F_a' }, 'sick');
  // An activation: the old version's deactivation, then the new version.
  reg.sync([]);
  reg.sync([a]);
  assert.deepEqual(reg.snapshot('s1').backends.map((e) => [e.name, e.admin]), [['F_a', 'sick']]);
  // Its definition may change; the override is the service's, for that backend name.
  reg.sync([{ serviceId: 's1', backend: backendDef({ name: 'F_a', port: 8010 }) }]);
  assert.deepEqual(reg.snapshot('s1').backends.map((e) => [e.name, e.admin, e.healthy]), [['F_a', 'sick', false]]);
  assert.deepEqual(reg.messages().filter((m) => !('identity' in m)), [{ type: 'health', serviceId: 's1', backend: 'F_a', admin: 'sick' }]);
  messages.length = 0;
  // A version of the service without the backend drops it, and tells the workers.
  reg.sync([other]);
  assert.deepEqual(messages.filter((m) => !('identity' in (m as object))), [{ type: 'health', serviceId: 's1', backend: 'F_a', admin: 'auto' }]);
  reg.sync([a, other]);
  assert.deepEqual(reg.snapshot('s1').backends.map((e) => [e.name, e.admin]), [['F_a', 'auto'], ['F_other', 'auto']]);
});

test('an identity stopped and synced again within one interval resumes its history and cadence', async (t) => {
  const clock = virtualClock(t);
  const starts: number[] = [];
  const reg = registry(clock, async () => {
    starts.push(clock.now());
    return GOOD;
  });
  t.after(() => reg.close());
  const target = { serviceId: 's', backend: backendDef({ probe: probeDef({ intervalMs: 100 }) }) };
  const id = probeIdentity(target.backend);
  reg.sync([target]);
  await clock.advance(250);
  const before = reg.state(id);
  assert.deepEqual([before?.probes, starts], [3, [1, 101, 201]]);
  assert.deepEqual(reg.sync([]), { started: [], kept: [], stopped: [id] });
  await clock.advance(20);
  // A fresh copy of the definition, as a new compile produces.
  const { started } = reg.sync([{ serviceId: 's', backend: backendDef({ probe: probeDef({ intervalMs: 100 }) }) }]);
  assert.deepEqual(started, [id]);
  assert.equal(reg.state(id), before, 'the same state, history and all');
  await clock.advance(100);
  assert.deepEqual(starts, [1, 101, 201, 301], 'probed when it was due, not at once');
  assert.equal(reg.state(id)?.probes, 4);

  // Away longer than an interval: probes were missed, so it starts afresh.
  reg.sync([]);
  await clock.advance(101);
  reg.sync([target]);
  assert.equal(reg.state(id)?.probes, 0);
});

test('metrics: healthy gauge per backend, probe results and durations, series dropped on stop', async (t) => {
  const clock = virtualClock(t);
  const promRegistry = new Registry();
  const reg = registry(clock, scripted([GOOD, BAD]), { metrics: new HealthMetrics(promRegistry) });
  t.after(() => reg.close());
  const target = { serviceId: 's', backend: backendDef({ probe: probeDef({ intervalMs: 100 }) }) };
  reg.sync([target]);
  const gauge = async () => (await promRegistry.getSingleMetric('lacquer_backend_healthy')?.get())?.values;
  assert.deepEqual(await gauge(), [{ value: 0, labels: { service: 's', backend: 'F_origin', pop: 'ams' } }]);
  await clock.advance(150);
  assert.deepEqual(await gauge(), [{ value: 1, labels: { service: 's', backend: 'F_origin', pop: 'ams' } }]);
  const text = await promRegistry.metrics();
  assert.match(text, /^lacquer_probes_total\{result="happy"\} 1$/m);
  assert.match(text, /^lacquer_probes_total\{result="bad_status"\} 1$/m);
  assert.match(text, /^lacquer_probe_duration_seconds_count\{result="happy"\} 1$/m);
  reg.sync([]);
  assert.deepEqual(await gauge(), []);
});

test('events() yields flips until its signal aborts', async (t) => {
  const clock = virtualClock(t);
  const reg = registry(clock, scripted([GOOD]));
  t.after(() => reg.close());
  const ac = new AbortController();
  const seen: string[] = [];
  const reading = (async () => {
    for await (const e of reg.events(ac.signal)) seen.push(`${e.cause}:${e.healthy}`);
  })();
  reg.sync([{ serviceId: 's', backend: backendDef() }]);
  await clock.advance(5);
  ac.abort();
  await reading;
  assert.deepEqual(seen, ['start:false', 'probe:true']);
});

test('a backend whose definition changes under the same name gets a fresh state and gauge', async (t) => {
  const clock = virtualClock(t);
  const promRegistry = new Registry();
  const reg = registry(clock, scripted([GOOD]), { metrics: new HealthMetrics(promRegistry) });
  t.after(() => reg.close());
  reg.sync([{ serviceId: 's', backend: backendDef({ port: 8001 }) }]);
  await clock.advance(5);
  const moved = backendDef({ port: 8002 });
  const { started, stopped } = reg.sync([{ serviceId: 's', backend: moved }]);
  assert.deepEqual([started.length, stopped.length], [1, 1]);
  assert.deepEqual([reg.state(probeIdentity(moved))?.probes, reg.isHealthy(probeIdentity(moved))], [0, false]);
  const values = (await promRegistry.getSingleMetric('lacquer_backend_healthy')?.get())?.values;
  assert.deepEqual(values?.map((v) => v.value), [0]);
});
