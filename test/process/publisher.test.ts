// The publisher keeps what the edge routes equal to what the Store says is active: it reads the
// active version after each event instead of replaying events (src/process/publisher.ts).
// Transactions are queued back to back here, as two control nodes or two API calls racing do.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { activateVersion, cloneVersion, deactivateVersion } from '../../src/control/versions.ts';
import { ServicePublisher, type Publication } from '../../src/process/publisher.ts';
import { activeSources } from '../../src/control/sources.ts';
import { vclValidator } from '../../src/vcl/index.ts';
import { startApi, type Api } from '../control/helpers.ts';

async function setup(t: Parameters<typeof startApi>[0]): Promise<{ api: Api; sid: string; publisher: ServicePublisher; applied: string[] }> {
  const api = await startApi(t);
  const sid = ((await api.call('POST', '/service', { name: 'p' })).body as { id: string }).id;
  await api.call('POST', `/service/${sid}/version/1/domain`, { name: 'p.example' });
  await api.call('POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: '127.0.0.1', port: 9 });
  assert.equal((await api.call('PUT', `/service/${sid}/version/1/activate`)).status, 200);
  const applied: string[] = [];
  const describe = (c: Publication): string => (c.type === 'put' ? `put v${c.source.version}` : 'remove');
  const publisher = new ServicePublisher({ store: api.store, logger: pino({ level: 'silent' }), apply: (c) => applied.push(describe(c)) });
  publisher.seed(await activeSources(api.store));
  api.store.events.on('event', (e) => { if (e.type === 'activated' || e.type === 'deactivated') publisher.notify(e.serviceId); });
  return { api, sid, publisher, applied };
}

test('replacing the active version is one put of the new version, never a removal', async (t) => {
  const { api, sid, publisher, applied } = await setup(t);
  await api.call('PUT', `/service/${sid}/version/1/clone`);
  assert.equal((await api.call('PUT', `/service/${sid}/version/2/activate`)).status, 200);
  await publisher.idle();
  assert.deepEqual(applied, ['put v2']);
  assert.equal(publisher.published(sid), 2);
});

test('an activation and a deactivation committed back to back never publish the deactivated version', async (t) => {
  const { api, sid, publisher, applied } = await setup(t);
  await api.store.transaction((tx) => cloneVersion(tx, sid, 1));
  // Both are queued before the first commits, so the first event's read runs after the second commit.
  await Promise.all([
    api.store.transaction((tx) => activateVersion(tx, sid, 2, vclValidator, null)),
    api.store.transaction((tx) => deactivateVersion(tx, sid, 2)),
  ]);
  await publisher.idle();
  assert.deepEqual(applied, ['remove']);
  assert.equal(publisher.published(sid), null);
});

test('activations queued together are published in order and end on the last one', async (t) => {
  const { api, sid, publisher, applied } = await setup(t);
  for (let v = 1; v < 8; v++) await api.store.transaction((tx) => cloneVersion(tx, sid, v));
  await Promise.all([2, 3, 4, 5, 6, 7, 8].map((v) => api.store.transaction((tx) => activateVersion(tx, sid, v, vclValidator, null))));
  await publisher.idle();
  const versions = applied.map((a) => Number(a.slice('put v'.length)));
  assert.deepEqual([...versions].sort((x, y) => x - y), versions, `in order: ${applied.join(', ')}`);
  assert.equal(versions.at(-1), 8);
  assert.equal(publisher.published(sid), 8);
});

test('an activation whose event came while the full load was reading is not undone by the load', async (t) => {
  const { api, sid, publisher } = await setup(t);
  const loaded = await activeSources(api.store); // read while version 1 is active
  await api.store.transaction((tx) => cloneVersion(tx, sid, 1));
  await api.store.transaction((tx) => activateVersion(tx, sid, 2, vclValidator, null));
  await publisher.idle();
  assert.equal(publisher.published(sid), 2);
  publisher.seed(loaded); // the load finishes after the event was applied
  assert.equal(publisher.published(sid), 2);
  assert.deepEqual([...publisher.sources()].map((s) => s.version), [2]);
});
