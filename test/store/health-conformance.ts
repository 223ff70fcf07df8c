// The health rows every Store keeps (DESIGN.md §4.6: each POP writes flips and a summary;
// overrides per service and backend), run by runStoreConformance for every implementation.
// When a row was written is the store's clock: these tests let real time pass between writes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HealthStateRow, Store, StoreEvent } from '../../src/store/index.ts';

const T0 = '2025-01-01T00:00:00.000Z';
const T1 = '2025-01-01T00:00:01.000Z';
const T2 = '2025-01-01T00:00:02.000Z';

function state(pop: string, key: string, over: Partial<HealthStateRow> = {}): HealthStateRow {
  return {
    pop, key, nodeId: 'n1', healthy: true, good: 5, window: 5, threshold: 3, intervalMs: 1000, registers: '0'.repeat(128),
    avgRttMs: 0.25, rate: 4, lastResponse: 'HTTP/1.1 200 OK', lastChange: T0, ...over,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** A row as listed, without its age (which depends on when the test ran). */
const unaged = <T extends { ageMs: number }>({ ageMs: _, ...rest }: T): Omit<T, 'ageMs'> => rest;

export function runHealthStoreConformance(fresh: (t: { after: (fn: () => Promise<void>) => void }) => Promise<Store>): void {
  describe('Store conformance: health', () => {
    test('health states are replaced by (pop, key), listed by pop, keys, writer or age, and aged by the store\'s clock', async (t) => {
      const store = await fresh(t);
      await store.transaction((tx) => tx.upsertHealthStates([state('b', 'k1'), state('a', 'k2'), state('a', 'k1')]));
      await sleep(300);
      const changed = state('a', 'k1', { nodeId: 'n2', healthy: false, good: 1, avgRttMs: 1.5, lastChange: T1 });
      // A key given twice in one call keeps its last row.
      await store.transaction((tx) => tx.upsertHealthStates([state('a', 'k1', { good: 4 }), changed]));
      await store.transaction(async (tx) => {
        const all = await tx.listHealthStates({});
        assert.deepEqual(all.map((r) => [r.pop, r.key, r.nodeId, r.healthy]), [['a', 'k1', 'n2', false], ['a', 'k2', 'n1', true], ['b', 'k1', 'n1', true]]);
        assert.deepEqual(all.map((r) => r.ageMs < 250), [true, false, false], 'ages by when each row was last written');
        assert.deepEqual((await tx.listHealthStates({ pop: 'a', keys: ['k1', 'k9'] })).map(unaged), [changed]);
        assert.deepEqual((await tx.listHealthStates({ withinMs: 250 })).map((r) => r.key), ['k1']);
        assert.deepEqual((await tx.listHealthStates({ pop: 'a', notBy: 'n2' })).map((r) => r.key), ['k2']);
        assert.deepEqual(await tx.listHealthStates({ keys: [] }), []);
      });
    });

    test('summaries are one per (pop, node) with their age; pruning drops old summaries, flips, states and cleared overrides', async (t) => {
      const store = await fresh(t);
      await store.transaction(async (tx) => {
        await tx.upsertHealthSummary({ pop: 'a', nodeId: 'n2', probing: 3, sick: 1 });
        await tx.upsertHealthSummary({ pop: 'a', nodeId: 'n1', probing: 2, sick: 0 });
        await tx.insertHealthFlip({ pop: 'a', key: 'k', nodeId: 'n1', healthy: false, at: T0 });
        await tx.upsertHealthStates([state('a', 'old')]);
        await tx.setHealthOverride({ serviceId: 'svc1', backend: 'F_cleared', admin: 'auto', at: T0 });
        await tx.setHealthOverride({ serviceId: 'svc1', backend: 'F_kept', admin: 'sick', at: T0 });
      });
      await sleep(300);
      await store.transaction(async (tx) => {
        await tx.upsertHealthSummary({ pop: 'a', nodeId: 'n1', probing: 4, sick: 2 });
        await tx.insertHealthFlip({ pop: 'a', key: 'k', nodeId: 'n1', healthy: true, at: T2 });
        await tx.insertHealthFlip({ pop: 'b', key: 'k', nodeId: 'n3', healthy: true, at: T1 });
        await tx.upsertHealthStates([state('a', 'new')]);
        const summaries = await tx.listHealthSummaries();
        assert.deepEqual(summaries.map(unaged), [{ pop: 'a', nodeId: 'n1', probing: 4, sick: 2 }, { pop: 'a', nodeId: 'n2', probing: 3, sick: 1 }]);
        assert.deepEqual(summaries.map((s) => s.ageMs < 250), [true, false]);
        assert.deepEqual((await tx.listHealthFlips({ pop: 'a' })).map((f) => [f.at, f.healthy]), [[T0, false], [T2, true]]);
        assert.deepEqual((await tx.listHealthFlips({ withinMs: 250 })).map((f) => f.pop).sort(), ['a', 'b']);
        await tx.pruneHealth(250);
        assert.deepEqual((await tx.listHealthSummaries()).map((s) => s.nodeId), ['n1']);
        assert.deepEqual((await tx.listHealthFlips({})).map((f) => f.at).sort(), [T1, T2]);
        assert.deepEqual((await tx.listHealthStates({})).map((r) => r.key), ['new']);
        assert.deepEqual((await tx.listHealthOverrides({})).map((o) => o.backend), ['F_kept'], 'an override in force is never pruned');
      });
    });

    test('overrides are one per (service, backend), listed by service or age, and go with their service', async (t) => {
      const store = await fresh(t);
      await store.transaction(async (tx) => {
        await tx.setHealthOverride({ serviceId: 'svc1', backend: 'F_b', admin: 'sick', at: T0 });
        await tx.setHealthOverride({ serviceId: 'svc1', backend: 'F_a', admin: 'healthy', at: T0 });
      });
      await sleep(300);
      await store.transaction(async (tx) => {
        await tx.setHealthOverride({ serviceId: 'other', backend: 'F_a', admin: 'sick', at: T1 });
        await tx.setHealthOverride({ serviceId: 'svc1', backend: 'F_b', admin: 'auto', at: T2 });
        assert.deepEqual(await tx.listHealthOverrides({ serviceId: 'svc1' }), [
          { serviceId: 'svc1', backend: 'F_a', admin: 'healthy', at: T0 }, { serviceId: 'svc1', backend: 'F_b', admin: 'auto', at: T2 },
        ]);
        assert.deepEqual((await tx.listHealthOverrides({ withinMs: 250 })).map((o) => [o.serviceId, o.backend]), [['other', 'F_a'], ['svc1', 'F_b']]);
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
      await waitUntil(() => seen.length >= 2);
      assert.deepEqual(seen.filter((e) => e.type === 'health' || e.type === 'health-admin'), [flip, admin]);
    });
  });
}

async function waitUntil(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    assert.ok(Date.now() < deadline, 'timed out');
    await sleep(5);
  }
}
