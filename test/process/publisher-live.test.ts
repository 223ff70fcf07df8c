// The publisher and versionless data (src/process/publisher.ts): a dictionary's or an ACL's
// change is published as a live update of the version that runs, never as a new put; one for a
// dictionary only an editable version holds publishes nothing; a dynamic snippet's change is a
// put of the same version; and a resync reads the live data again even when the version is the same.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { activeSources } from '../../src/control/sources.ts';
import { ServicePublisher, type Publication } from '../../src/process/publisher.ts';
import { startApi } from '../control/helpers.ts';

test('live changes are published as in-place updates, snippets as a put, and a resync reads them again', async (t) => {
  const api = await startApi(t);
  const ok = async (method: string, path: string, body?: string | Record<string, unknown>): Promise<{ id: string }> => {
    const r = await api.call(method, path, body);
    assert.equal(r.status, 200, r.text);
    return r.body as { id: string };
  };
  const { id: sid } = await ok('POST', '/service', 'name=p');
  await ok('POST', `/service/${sid}/version/1/domain`, 'name=p.example');
  await ok('POST', `/service/${sid}/version/1/backend`, 'name=origin&address=127.0.0.1');
  const { id: dict } = await ok('POST', `/service/${sid}/version/1/dictionary`, 'name=flags');
  const { id: snip } = await ok('POST', `/service/${sid}/version/1/snippet`, 'name=s&type=recv&dynamic=1');
  await ok('PUT', `/service/${sid}/version/1/activate`);
  await ok('PUT', `/service/${sid}/version/1/clone`);
  const { id: draftOnly } = await ok('POST', `/service/${sid}/version/2/dictionary`, 'name=later');

  const applied: string[] = [];
  const describe = (c: Publication): string => {
    if (c.type === 'table') return `table ${c.name} ${JSON.stringify(c.items)}`;
    if (c.type === 'acl') return `acl ${c.name}`;
    return c.type === 'put' ? `put v${c.source.version}` : 'remove';
  };
  const publisher = new ServicePublisher({ store: api.store, logger: pino({ level: 'silent' }), apply: (c) => applied.push(describe(c)) });
  publisher.seed(await activeSources(api.store));
  api.store.events.on('event', (e) => {
    if (e.type === 'dictionary' || e.type === 'acl' || e.type === 'snippet') publisher.notifyLive(e);
    else if (e.type === 'activated' || e.type === 'deactivated') publisher.notify(e.serviceId);
  });

  await ok('PUT', `/service/${sid}/dictionary/${dict}/item/a`, 'item_value=1');
  await ok('PUT', `/service/${sid}/dictionary/${draftOnly}/item/x`, 'item_value=2');
  await publisher.idle();
  assert.deepEqual(applied, ['table flags [["a","1"]]']);
  await ok('PUT', `/service/${sid}/snippet/${snip}`, 'content=set req.http.X = "1";');
  await publisher.idle();
  assert.deepEqual(applied.slice(1), ['put v1']);
  assert.equal([...publisher.sources()][0].files[0].content.includes('set req.http.X = "1";'), true);

  // A change whose event this node missed (pruned while it was away): the resync reads it.
  await api.store.transaction((tx) => tx.putDictionaryItem({ serviceId: sid, dictionaryId: dict, key: 'a', value: 'missed', createdAt: 'x', updatedAt: 'x' }));
  await publisher.resync();
  await publisher.idle();
  assert.deepEqual(applied.slice(2), ['put v1']);
  assert.deepEqual([...publisher.sources()][0].dictionaries?.[0].items, [['a', 'missed']]);
});
