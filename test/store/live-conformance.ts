// The Store's versionless data (src/store/store.ts: dictionary items, ACL entries, dynamic
// snippet contents), run by every Store implementation through runStoreConformance.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Store } from '../../src/store/index.ts';

const T0 = '2025-01-01T00:00:00Z';
const T1 = '2025-01-02T00:00:00Z';

type Fresh = (t: { after: (fn: () => Promise<void>) => void }) => Promise<Store>;

export function runLiveDataConformance(fresh: Fresh): void {
  describe('Store conformance: versionless data', () => {
    test('dictionary items upsert by key, list in byte order and belong to one dictionary id', async (t) => {
      const store = await fresh(t);
      await store.transaction(async (tx) => {
        const item = (dictionaryId: string, key: string, value: string, at = T0) =>
          ({ serviceId: 'svc1', dictionaryId, key, value, createdAt: T0, updatedAt: at });
        await tx.putDictionaryItem(item('d1', 'b', '2'));
        await tx.putDictionaryItem(item('d1', 'B', '1'));
        await tx.putDictionaryItem(item('d1', 'a', 'x'));
        await tx.putDictionaryItem(item('d2', 'a', 'other'));
        await tx.putDictionaryItem(item('d1', 'a', 'y', T1));
        assert.deepEqual((await tx.listDictionaryItems('svc1', 'd1')).map((i) => [i.key, i.value]), [['B', '1'], ['a', 'y'], ['b', '2']]);
        assert.deepEqual(await tx.getDictionaryItem('svc1', 'd1', 'a'), item('d1', 'a', 'y', T1));
        assert.equal(await tx.getDictionaryItem('svc1', 'd1', 'zz'), null);
        await tx.deleteDictionaryItem('svc1', 'd1', 'a');
        assert.deepEqual((await tx.listDictionaryItems('svc1', 'd1')).map((i) => i.key), ['B', 'b']);
        assert.deepEqual((await tx.listDictionaryItems('svc1', 'd2')).map((i) => i.value), ['other']);
      });
    });

    test('ACL entries upsert by id with subnet, negation and comment', async (t) => {
      const store = await fresh(t);
      const entry = { serviceId: 'svc1', aclId: 'a1', id: 'e2', ip: '10.0.0.0', subnet: 8, negated: true, comment: 'ten', createdAt: T0, updatedAt: T0 };
      await store.transaction(async (tx) => {
        await tx.putAclEntry(entry);
        await tx.putAclEntry({ ...entry, id: 'e1', ip: '::1', subnet: null, negated: false, comment: null });
        assert.deepEqual(await tx.getAclEntry('svc1', 'a1', 'e2'), entry);
        await tx.putAclEntry({ ...entry, ip: '192.0.2.1', subnet: null, updatedAt: T1 });
        assert.deepEqual((await tx.listAclEntries('svc1', 'a1')).map((e) => [e.id, e.ip, e.subnet, e.negated, e.comment]),
          [['e1', '::1', null, false, null], ['e2', '192.0.2.1', null, true, 'ten']]);
        await tx.deleteAclEntry('svc1', 'a1', 'e1');
        assert.deepEqual((await tx.listAclEntries('svc1', 'a1')).map((e) => e.id), ['e2']);
        assert.deepEqual(await tx.listAclEntries('svc1', 'other'), []);
      });
    });

    test('a dynamic snippet keeps its latest content, and deleteService removes every live row', async (t) => {
      const store = await fresh(t);
      await store.transaction(async (tx) => {
        await tx.putDynamicSnippet({ serviceId: 'svc1', snippetId: 's1', content: 'one', createdAt: T0, updatedAt: T0 });
        await tx.putDynamicSnippet({ serviceId: 'svc1', snippetId: 's1', content: 'two', createdAt: T0, updatedAt: T1 });
        assert.deepEqual(await tx.getDynamicSnippet('svc1', 's1'), { serviceId: 'svc1', snippetId: 's1', content: 'two', createdAt: T0, updatedAt: T1 });
        assert.equal(await tx.getDynamicSnippet('svc1', 'nope'), null);
        await tx.putDictionaryItem({ serviceId: 'svc1', dictionaryId: 'd', key: 'k', value: 'v', createdAt: T0, updatedAt: T0 });
        await tx.putAclEntry({ serviceId: 'svc1', aclId: 'a', id: 'e', ip: '1.2.3.4', subnet: null, negated: false, comment: null, createdAt: T0, updatedAt: T0 });
        await tx.deleteService('svc1');
        assert.equal(await tx.getDynamicSnippet('svc1', 's1'), null);
        assert.deepEqual(await tx.listDictionaryItems('svc1', 'd'), []);
        assert.deepEqual(await tx.listAclEntries('svc1', 'a'), []);
      });
    });

    test('tokens can be deleted by id', async (t) => {
      const store = await fresh(t);
      await store.transaction(async (tx) => {
        await tx.insertToken({ id: 't1', hash: 'h1', name: null, serviceId: null, readOnly: false, createdAt: T0 });
        await tx.insertToken({ id: 't2', hash: 'h2', name: null, serviceId: null, readOnly: false, createdAt: T0 });
        await tx.deleteToken('t1');
        assert.deepEqual((await tx.listTokens()).map((r) => r.id), ['t2']);
        assert.equal(await tx.getTokenByHash('h1'), null);
      });
    });
  });
}
