// The health rows every Store keeps (DESIGN.md §4.6: each POP writes flips and a summary;
// overrides per service and backend), run by runStoreConformance for every implementation.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HealthStateRow, Store, StoreEvent } from '../../src/store/index.ts';

const T0 = '2025-01-01T00:00:00.000Z';
const T1 = '2025-01-01T00:00:01.000Z';
const T2 = '2025-01-01T00:00:02.000Z';

function state(pop: string, key: string, over: Partial<HealthStateRow> = {}): HealthStateRow {
  return {
    pop, key, nodeId: 'n1', healthy: true, good: 5, window: 5, threshold: 3, intervalMs: 1000, registers: '0'.repeat(128),
    avgRttMs: 0.25, rate: 4, lastResponse: 'HTTP/1.1 200 OK', lastChange: T0, updatedAt: T0, ...over,
  };
}

export function runHealthStoreConformance(fresh: (t: { after: (fn: () => Promise<void>) => void }) => Promise<Store>): void {
  describe('Store conformance: health', () => {
    test('health states are replaced by (pop, key) and listed by pop, keys or update time', async (t) => {
      const store = await fresh(t);
      await store.transaction(async (tx) => {
        await tx.upsertHealthStates([state('b', 'k1'), state('a', 'k2'), state('a', 'k1')]);
        await tx.upsertHealthStates([state('a', 'k1', { nodeId: 'n2', healthy: false, good: 1, avgRttMs: 1.5, updatedAt: T1 })]);
        assert.deepEqual((await tx.listHealthStates({})).map((r) => [r.pop, r.key, r.nodeId, r.healthy]),
          [['a', 'k1', 'n2', false], ['a', 'k2', 'n1', true], ['b', 'k1', 'n1', true]]);
        assert.deepEqual(await tx.listHealthStates({ pop: 'a', keys: ['k1', 'k9'] }),
          [state('a', 'k1', { nodeId: 'n2', healthy: false, good: 1, avgRttMs: 1.5, updatedAt: T1 })]);
        assert.deepEqual((await tx.listHealthStates({ updatedSince: T1 })).map((r) => r.key), ['k1']);
        assert.deepEqual((await tx.listHealthStates({ pop: 'a', notBy: 'n2' })).map((r) => r.key), ['k2']);
        assert.deepEqual(await tx.listHealthStates({ keys: [] }), []);
      });
    });

    test('summaries are one per (pop, node) and say whether it stopped; pruning drops old summaries, flips and states', async (t) => {
      const store = await fresh(t);
      await store.transaction(async (tx) => {
        await tx.upsertHealthSummary({ pop: 'a', nodeId: 'n2', probing: 3, sick: 1, stopped: false, at: T0 });
        await tx.upsertHealthSummary({ pop: 'a', nodeId: 'n1', probing: 2, sick: 0, stopped: false, at: T0 });
        await tx.upsertHealthSummary({ pop: 'a', nodeId: 'n1', probing: 4, sick: 2, stopped: true, at: T2 });
        assert.deepEqual(await tx.listHealthSummaries(), [
          { pop: 'a', nodeId: 'n1', probing: 4, sick: 2, stopped: true, at: T2 }, { pop: 'a', nodeId: 'n2', probing: 3, sick: 1, stopped: false, at: T0 },
        ]);
        await tx.insertHealthFlip({ pop: 'a', key: 'k', nodeId: 'n1', healthy: false, at: T0 });
        await tx.insertHealthFlip({ pop: 'a', key: 'k', nodeId: 'n1', healthy: true, at: T2 });
        await tx.insertHealthFlip({ pop: 'b', key: 'k', nodeId: 'n3', healthy: true, at: T1 });
        assert.deepEqual((await tx.listHealthFlips({ pop: 'a' })).map((f) => [f.at, f.healthy]), [[T0, false], [T2, true]]);
        assert.deepEqual((await tx.listHealthFlips({ since: T1 })).map((f) => f.pop), ['b', 'a']);
        await tx.upsertHealthStates([state('a', 'old'), state('a', 'new', { updatedAt: T2 })]);
        await tx.pruneHealth(T1);
        assert.deepEqual((await tx.listHealthSummaries()).map((s) => s.nodeId), ['n1']);
        assert.deepEqual((await tx.listHealthFlips({})).map((f) => f.at), [T1, T2]);
        assert.deepEqual((await tx.listHealthStates({})).map((r) => r.key), ['new']);
      });
    });

    test('overrides are one per (service, backend), listed by service or time, and go with their service', async (t) => {
      const store = await fresh(t);
      await store.transaction(async (tx) => {
        await tx.setHealthOverride({ serviceId: 'svc1', backend: 'F_b', admin: 'sick', at: T0 });
        await tx.setHealthOverride({ serviceId: 'svc1', backend: 'F_a', admin: 'healthy', at: T0 });
        await tx.setHealthOverride({ serviceId: 'other', backend: 'F_a', admin: 'sick', at: T1 });
        await tx.setHealthOverride({ serviceId: 'svc1', backend: 'F_b', admin: 'auto', at: T2 });
        assert.deepEqual(await tx.listHealthOverrides({ serviceId: 'svc1' }), [
          { serviceId: 'svc1', backend: 'F_a', admin: 'healthy', at: T0 }, { serviceId: 'svc1', backend: 'F_b', admin: 'auto', at: T2 },
        ]);
        assert.deepEqual((await tx.listHealthOverrides({ since: T1 })).map((o) => [o.serviceId, o.backend]), [['other', 'F_a'], ['svc1', 'F_b']]);
        await tx.deleteService('svc1');
        assert.deepEqual((await tx.listHealthOverrides({})).map((o) => o.serviceId), ['other']);
      });
    });

    test('health events are delivered after commit, as published', async (t) => {
      const store = await fresh(t);
      const seen: StoreEvent[] = [];
      store.events.on('event', (e) => seen.push(e));
      const flip: StoreEvent = { type: 'health', pop: 'a', nodeId: 'n1', key: 'k', healthy: false, at: T0 };
      const admin: StoreEvent = { type: 'health-admin', serviceId: 'svc1', backend: 'F_a', admin: 'sick', at: T0 };
      await store.transaction(async (tx) => {
        tx.publish(flip);
        tx.publish(admin);
      });
      assert.deepEqual(seen, [flip, admin]);
    });
  });
}
