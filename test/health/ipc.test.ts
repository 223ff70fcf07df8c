import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { HealthRegistry } from '../../src/health/registry.ts';
import { adminMessage, healthMessage, isHealthMessage } from '../../src/health/ipc.ts';
import { probeIdentity } from '../../src/model/backend.ts';
import { BAD, GOOD, backendDef, probeDef } from './fixtures.ts';

test('health messages (verdicts and overrides) are plain data a worker process receives and routes by', async (t) => {
  const worker = fork(new URL('./ipc-worker.ts', import.meta.url));
  t.after(() => worker.disconnect());
  const ask = (identity: string, backend?: { serviceId: string; backend: string }) => new Promise<unknown>((resolve) => {
    worker.once('message', resolve);
    worker.send({ type: 'ask', identity, ...backend });
  });
  // A registry whose probe flips a backend, the primary forwarding every event to the worker.
  const results = [GOOD, BAD, BAD, BAD];
  let n = 0;
  const reg = new HealthRegistry({ pop: 'p', probe: async () => results[Math.min(n++, results.length - 1)] });
  t.after(() => reg.close());
  reg.on('message', (m) => worker.send(m));
  const backend = backendDef({ probe: probeDef({ window: 3, threshold: 2, initial: 1, intervalMs: 10 }) });
  const id = probeIdentity(backend);
  assert.deepEqual(await ask(id), { identity: id, healthy: true }, 'unknown identities count as healthy');
  const probes: boolean[] = [];
  reg.on('probe', (identity, r) => identity === id && probes.push(r.bits.H));
  const sick = new Promise<void>((resolve) => reg.on('health', (e) => e.cause === 'probe' && !e.healthy && resolve()));
  reg.sync([{ serviceId: 's', backend }]);
  await sick;
  assert.deepEqual(await ask(id), { identity: id, healthy: false });
  // An override reaches the worker for that service's backend only.
  reg.setAdmin({ serviceId: 's', name: 'F_origin' }, 'healthy');
  assert.deepEqual(await ask(id, { serviceId: 's', backend: 'F_origin' }), { identity: id, healthy: true });
  assert.deepEqual(await ask(id, { serviceId: 'other', backend: 'F_origin' }), { identity: id, healthy: false });
  assert.deepEqual(probes.slice(0, 3), [true, false, false]);
  assert.equal(isHealthMessage(healthMessage(id, true)), true);
  assert.equal(isHealthMessage({ type: 'health', identity: id }), false);
  assert.equal(isHealthMessage(adminMessage('s', 'F_origin', 'sick')), true);
  assert.equal(isHealthMessage({ type: 'health', serviceId: 's', backend: 'F_origin', admin: 'down' }), false);
});
