import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { HealthRegistry } from '../../src/health/registry.ts';
import { healthMessage, isHealthMessage } from '../../src/health/ipc.ts';
import { probeIdentity } from '../../src/model/backend.ts';
import { BAD, GOOD, backendDef, probeDef } from './fixtures.ts';

test('health messages are plain data a worker process receives and routes by', async (t) => {
  const worker = fork(new URL('./ipc-worker.ts', import.meta.url));
  t.after(() => worker.disconnect());
  const ask = (identity: string) => new Promise<unknown>((resolve) => {
    worker.once('message', resolve);
    worker.send({ type: 'ask', identity });
  });
  // A registry whose probe flips a backend, the primary forwarding every event to the worker.
  const results = [GOOD, BAD, BAD, BAD];
  let n = 0;
  const reg = new HealthRegistry({ pop: 'p', probe: async () => results[Math.min(n++, results.length - 1)] });
  t.after(() => reg.close());
  reg.on('health', (e) => worker.send(healthMessage(e.identity, e.healthy)));
  const backend = backendDef({ probe: probeDef({ window: 3, threshold: 2, initial: 1, intervalMs: 10 }) });
  const id = probeIdentity(backend);
  assert.deepEqual(await ask(id), { identity: id, healthy: true }, 'unknown identities count as healthy');
  const probes: boolean[] = [];
  reg.on('probe', (identity, r) => identity === id && probes.push(r.bits.H));
  const sick = new Promise<void>((resolve) => reg.on('health', (e) => e.cause === 'probe' && !e.healthy && resolve()));
  reg.sync([{ serviceId: 's', backend }]);
  await sick;
  assert.deepEqual(await ask(id), { identity: id, healthy: false });
  assert.deepEqual(probes.slice(0, 3), [true, false, false]);
  assert.equal(isHealthMessage(healthMessage(id, true)), true);
  assert.equal(isHealthMessage({ type: 'health', identity: id }), false);
});
