// The behaviour every Store implementation must have (src/store/store.ts). An implementation's
// test file calls runStoreConformance with a factory that returns a fresh, empty store.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runHealthStoreConformance } from './health-conformance.ts';
import { runTlsStoreConformance } from './tls-conformance.ts';
import { runLiveDataConformance } from './live-conformance.ts';
import { StoreConflictError, type NewObjectRow, type NodeRow, type ObjectRow, type PurgeAck, type Store, type StoreEvent } from '../../src/store/index.ts';

const T0 = '2025-01-01T00:00:00Z';
const T1 = '2025-01-02T00:00:00Z';

function obj(version: number, kind: ObjectRow['kind'], name: string, data: Record<string, unknown> = {}): NewObjectRow {
  return { serviceId: 'svc1', version, kind, name, data: { name, ...data }, createdAt: T0, updatedAt: T0 };
}

async function seed(store: Store): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.insertService({ id: 'svc1', name: 'one', comment: null, createdAt: T0, updatedAt: T0 });
    await tx.insertVersion({ serviceId: 'svc1', number: 1, active: false, locked: false, comment: null, createdAt: T0, updatedAt: T0 });
  });
}

export function runStoreConformance(makeStore: () => Promise<Store>): void {
  async function fresh(t: { after: (fn: () => Promise<void>) => void }): Promise<Store> {
    const store = await makeStore();
    t.after(() => store.close());
    await seed(store);
    return store;
  }

  describe('Store conformance', () => {
    test('services round-trip and update only the fields patched', async (t) => {
      const store = await fresh(t);
      await store.transaction(async (tx) => {
        await tx.updateService('svc1', { comment: 'hello', updatedAt: T1 });
        assert.deepEqual(await tx.getService('svc1'), { id: 'svc1', name: 'one', comment: 'hello', createdAt: T0, updatedAt: T1 });
        assert.equal(await tx.getService('nope'), null);
        assert.deepEqual((await tx.listServices()).map((s) => s.id), ['svc1']);
      });
    });

    test('a rejected transaction leaves nothing written', async (t) => {
      const store = await fresh(t);
      await assert.rejects(store.transaction(async (tx) => {
        await tx.insertObject(obj(1, 'backend', 'a'));
        await tx.updateVersion('svc1', 1, { locked: true });
        throw new Error('boom');
      }), /boom/);
      await store.transaction(async (tx) => {
        assert.deepEqual(await tx.listObjects('svc1', 1, 'backend'), []);
        assert.equal((await tx.getVersion('svc1', 1))?.locked, false);
      });
    });

    test('objects list by name and a duplicate name throws StoreConflictError', async (t) => {
      const store = await fresh(t);
      await store.transaction(async (tx) => {
        await tx.insertObject(obj(1, 'backend', 'b', { port: 80 }));
        await tx.insertObject(obj(1, 'backend', 'a', { port: 443, use_ssl: true }));
        await tx.insertObject(obj(1, 'domain', 'a'));
      });
      await assert.rejects(store.transaction((tx) => tx.insertObject(obj(1, 'backend', 'a'))), StoreConflictError);
      await store.transaction(async (tx) => {
        const list = await tx.listObjects('svc1', 1, 'backend');
        assert.deepEqual(list.map((o) => o.name), ['a', 'b']);
        assert.deepEqual(list[0].data, { name: 'a', port: 443, use_ssl: true });
        assert.deepEqual((await tx.getObject('svc1', 1, 'domain', 'a'))?.data, { name: 'a' });
      });
    });

    test('replaceObject renames and deleteObject removes', async (t) => {
      const store = await fresh(t);
      await store.transaction(async (tx) => {
        await tx.insertObject(obj(1, 'backend', 'a'));
        await tx.replaceObject('a', { ...obj(1, 'backend', 'z', { port: 8080 }), updatedAt: T1 });
        assert.equal(await tx.getObject('svc1', 1, 'backend', 'a'), null);
        const z = await tx.getObject('svc1', 1, 'backend', 'z');
        assert.deepEqual([z?.data, z?.updatedAt], [{ name: 'z', port: 8080 }, T1]);
        await tx.deleteObject('svc1', 1, 'backend', 'z');
        assert.deepEqual(await tx.listObjects('svc1', 1, 'backend'), []);
      });
    });

    test('copyObjects clones a version with new timestamps', async (t) => {
      const store = await fresh(t);
      await store.transaction(async (tx) => {
        await tx.insertObject(obj(1, 'backend', 'a', { port: 81 }));
        await tx.insertObject(obj(1, 'domain', 'example.com'));
        await tx.insertVersion({ serviceId: 'svc1', number: 2, active: false, locked: false, comment: null, createdAt: T1, updatedAt: T1 });
        await tx.copyObjects('svc1', 1, 2, T1);
        const copy = await tx.getObject('svc1', 2, 'backend', 'a');
        assert.deepEqual(copy, { serviceId: 'svc1', version: 2, kind: 'backend', name: 'a', data: { name: 'a', port: 81 }, createdAt: T1, updatedAt: T1, seq: 1 });
        assert.deepEqual((await tx.listVersions('svc1')).map((v) => v.number), [1, 2]);
      });
    });

    test('objects keep the order they were added in: seq grows per service, survives rename and clone', async (t) => {
      const store = await fresh(t);
      const seqs = async (version: number): Promise<Array<[string, number]>> => store.transaction(async (tx) =>
        (await tx.listObjects('svc1', version, 'backend')).map((o) => [o.name, o.seq]));
      await store.transaction(async (tx) => {
        await tx.insertObject(obj(1, 'backend', 'zeta'));
        await tx.insertObject(obj(1, 'domain', 'example.com'));
        await tx.insertObject({ ...obj(1, 'backend', 'alpha'), seq: 99 }); // a given seq is ignored
      });
      assert.deepEqual(await seqs(1), [['alpha', 3], ['zeta', 1]]);
      await store.transaction(async (tx) => {
        const zeta = await tx.getObject('svc1', 1, 'backend', 'zeta');
        assert.ok(zeta);
        await tx.replaceObject('zeta', { ...zeta, name: 'omega', seq: 7 });
        await tx.insertVersion({ serviceId: 'svc1', number: 2, active: false, locked: false, comment: null, createdAt: T1, updatedAt: T1 });
        await tx.copyObjects('svc1', 1, 2, T1);
        await tx.insertObject(obj(2, 'backend', 'beta'));
      });
      assert.deepEqual(await seqs(1), [['alpha', 3], ['omega', 1]]);
      assert.deepEqual(await seqs(2), [['alpha', 3], ['beta', 4], ['omega', 1]]);
    });

    test('a version\'s VCL is stored once: the first store stays, and it goes with its service', async (t) => {
      const store = await fresh(t);
      const first = { files: [{ name: 'main.vcl', content: 'backend F_a {}\n{"x"}\n', main: true }, { name: 'lib', content: '# lib\n', main: false }], storedAt: T0 };
      await store.transaction(async (tx) => {
        assert.equal(await tx.getVersionVcl('svc1', 1), null);
        await tx.insertVersionVcl('svc1', 1, first);
        await tx.insertVersionVcl('svc1', 1, { files: [{ name: 'other.vcl', content: '', main: true }], storedAt: T1 });
      });
      await store.transaction(async (tx) => {
        assert.deepEqual(await tx.getVersionVcl('svc1', 1), first);
        await tx.deleteService('svc1');
        assert.equal(await tx.getVersionVcl('svc1', 1), null);
      });
    });

    test('servicesWithActiveDomain only sees active versions', async (t) => {
      const store = await fresh(t);
      await store.transaction(async (tx) => {
        await tx.insertObject(obj(1, 'domain', 'www.example.com'));
        assert.deepEqual(await tx.servicesWithActiveDomain('www.example.com'), []);
        await tx.updateVersion('svc1', 1, { active: true, locked: true, updatedAt: T1 });
        assert.deepEqual(await tx.servicesWithActiveDomain('www.example.com'), ['svc1']);
        assert.deepEqual(await tx.getVersion('svc1', 1), { serviceId: 'svc1', number: 1, active: true, locked: true, comment: null, createdAt: T0, updatedAt: T1 });
      });
    });

    test('deleteService removes its versions and objects', async (t) => {
      const store = await fresh(t);
      await store.transaction(async (tx) => {
        await tx.insertObject(obj(1, 'backend', 'a'));
        await tx.deleteService('svc1');
        assert.equal(await tx.getService('svc1'), null);
        assert.deepEqual(await tx.listVersions('svc1'), []);
        assert.deepEqual(await tx.listObjects('svc1', 1, 'backend'), []);
      });
    });

    test('tokens are found by hash only', async (t) => {
      const store = await fresh(t);
      const row = { id: 'tok1', hash: 'ab'.repeat(32), name: 'ci', serviceId: 'svc1', readOnly: true, createdAt: T0 };
      await store.transaction((tx) => tx.insertToken(row));
      await store.transaction(async (tx) => {
        assert.deepEqual(await tx.getTokenByHash('ab'.repeat(32)), row);
        assert.equal(await tx.getTokenByHash('cd'.repeat(32)), null);
        assert.deepEqual(await tx.listTokens(), [row]);
      });
    });

    test('events are delivered after commit and dropped on rollback', async (t) => {
      const store = await fresh(t);
      const seen: StoreEvent[] = [];
      store.events.on('event', (e) => seen.push(e));
      await store.transaction(async (tx) => {
        tx.publish({ type: 'activated', serviceId: 'svc1', version: 1 });
        assert.deepEqual(seen, []);
      });
      await assert.rejects(store.transaction(async (tx) => {
        tx.publish({ type: 'deactivated', serviceId: 'svc1', version: 1 });
        throw new Error('no');
      }));
      assert.deepEqual(seen, [{ type: 'activated', serviceId: 'svc1', version: 1 }]);
    });

    test('concurrent transactions are serializable: read-modify-writes lose no update and seq stays one per object', async (t) => {
      const store = await fresh(t);
      await Promise.all(['a', 'b', 'c', 'd'].map((name) => store.transaction(async (tx) => {
        const count = Number((await tx.getVersion('svc1', 1))?.comment ?? '0');
        await new Promise((r) => setImmediate(r));
        await tx.updateVersion('svc1', 1, { comment: String(count + 1) });
        await tx.insertObject(obj(1, 'backend', name));
      })));
      await store.transaction(async (tx) => {
        assert.equal((await tx.getVersion('svc1', 1))?.comment, '4');
        assert.deepEqual((await tx.listObjects('svc1', 1, 'backend')).map((o) => o.seq).sort(), [1, 2, 3, 4]);
      });
    });

    test('a purge event carries its command whole', async (t) => {
      const store = await fresh(t);
      const seen: StoreEvent[] = [];
      store.events.on('event', (e) => seen.push(e));
      const event: StoreEvent = { type: 'purge', serviceId: 'svc1', command: { kind: 'surrogate-key', id: 'p-1', serviceId: 'svc1', surrogateKey: 'news', soft: true } };
      await store.transaction(async (tx) => tx.publish(event));
      assert.deepEqual(seen, [event]);
    });

    test('nodes: a heartbeat registers or refreshes a node, live nodes list by POP then id, a deleted node is gone', async (t) => {
      const store = await fresh(t);
      const node = (id: string, pop: string, role: NodeRow['role'] = 'edge'): NodeRow => ({ id, role, pop, url: `http://${id}.test`, startedAt: T0 });
      await store.transaction(async (tx) => {
        await tx.heartbeatNode(node('n2', 'b'));
        await tx.heartbeatNode(node('n3', 'a'));
        await tx.heartbeatNode(node('n1', 'b', 'control'));
        await tx.heartbeatNode({ ...node('n2', 'b'), url: 'http://moved.test' });
      });
      await store.transaction(async (tx) => {
        const live = await tx.listLiveNodes(60_000);
        assert.deepEqual(live.map(({ ageMs: _, ...n }) => n), [
          node('n3', 'a'), node('n1', 'b', 'control'), { ...node('n2', 'b'), url: 'http://moved.test' },
        ]);
        assert.ok(live.every((n) => n.ageMs >= 0 && n.ageMs < 60_000), JSON.stringify(live));
        await tx.deleteNode('n3');
        assert.deepEqual((await tx.listLiveNodes(60_000)).map((n) => n.id), ['n1', 'n2']);
      });
      await new Promise((r) => setTimeout(r, 30));
      assert.deepEqual(await store.transaction((tx) => tx.listLiveNodes(5)), [], 'a node not heard from within 5 ms is not live');
      await store.transaction((tx) => tx.pruneFleet({ nodesMs: 5, acksMs: 60_000, eventsMs: 60_000 }));
      assert.deepEqual((await store.transaction((tx) => tx.listLiveNodes(60_000))).map((n) => n.id), [], 'pruned');
    });

    test('a node\'s cache members are kept with its heartbeat, replaced by the next one that has members', async (t) => {
      const store = await fresh(t);
      const row: NodeRow = { id: 'n1', role: 'edge', pop: 'a', url: 'http://n1.test', startedAt: T0, members: ['http://n1.test:1', 'http://n1.test:2'] };
      await store.transaction((tx) => tx.heartbeatNode(row));
      assert.deepEqual((await store.transaction((tx) => tx.listLiveNodes(60_000))).map(({ ageMs: _, ...n }) => n), [row]);
      await store.transaction((tx) => tx.heartbeatNode({ ...row, members: ['http://n1.test:3'] }));
      assert.deepEqual((await store.transaction((tx) => tx.listLiveNodes(60_000)))[0].members, ['http://n1.test:3']);
      const { members: _, ...withoutMembers } = row;
      await store.transaction((tx) => tx.heartbeatNode(withoutMembers));
      assert.deepEqual((await store.transaction((tx) => tx.listLiveNodes(60_000)))[0].members, ['http://n1.test:3'], 'a heartbeat without members keeps them');
    });

    test('the fleet secret is created once: every later caller reads the first candidate', async (t) => {
      const store = await fresh(t);
      assert.equal(await store.transaction((tx) => tx.fleetSecret('first')), 'first');
      assert.equal(await store.transaction((tx) => tx.fleetSecret('second')), 'first');
    });

    test('purge acknowledgements are kept once per node and announced after commit only', async (t) => {
      const store = await fresh(t);
      const acks: PurgeAck[] = [];
      store.events.on('ack', (a) => acks.push(a));
      await store.transaction(async (tx) => {
        await tx.ackPurge({ purgeId: 'p1', nodeId: 'n2' });
        await tx.ackPurge({ purgeId: 'p1', nodeId: 'n1' });
        await tx.ackPurge({ purgeId: 'p1', nodeId: 'n1' });
        await tx.ackPurge({ purgeId: 'p2', nodeId: 'n1' });
      });
      await assert.rejects(store.transaction(async (tx) => {
        await tx.ackPurge({ purgeId: 'p3', nodeId: 'n1' });
        throw new Error('no');
      }));
      await waitUntil(() => acks.length >= 3);
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(new Set(acks.map((a) => `${a.purgeId}/${a.nodeId}`)), new Set(['p1/n2', 'p1/n1', 'p2/n1']));
      assert.deepEqual(await store.transaction((tx) => tx.listPurgeAcks('p1')), ['n1', 'n2']);
      assert.deepEqual(await store.transaction((tx) => tx.listPurgeAcks('p3')), []);
      await new Promise((r) => setTimeout(r, 10));
      await store.transaction((tx) => tx.pruneFleet({ nodesMs: 60_000, acksMs: 5, eventsMs: 60_000 }));
      assert.deepEqual(await store.transaction((tx) => tx.listPurgeAcks('p1')), []);
    });
  });
  runHealthStoreConformance(fresh);
  runTlsStoreConformance(fresh);
  runLiveDataConformance(fresh);
}

/** Polls `check` every 5 ms for up to 5 s. */
async function waitUntil(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    assert.ok(Date.now() < deadline, 'timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}
