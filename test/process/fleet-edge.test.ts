// What an edge node does with the fleet's events (src/process/fleet-edge.ts), on a one-node
// store: the same events arrive from PostgreSQL's event log in a fleet (test/store/postgres.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import type { PurgeCommand } from '../../src/edge/cache/index.ts';
import { activeSources } from '../../src/control/sources.ts';
import { followFleet } from '../../src/process/fleet-edge.ts';
import { ServicePublisher, type Publication } from '../../src/process/publisher.ts';
import { startApi } from '../control/helpers.ts';

async function setup(t: Parameters<typeof startApi>[0]) {
  const api = await startApi(t);
  const service = async (domain: string): Promise<string> => {
    const sid = ((await api.call('POST', '/service', { name: domain })).body as { id: string }).id;
    await api.call('POST', `/service/${sid}/version/1/domain`, { name: domain });
    await api.call('POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: '127.0.0.1', port: 9 });
    return sid;
  };
  const applied: string[] = [];
  const publisher = new ServicePublisher({
    store: api.store, logger: pino({ level: 'silent' }),
    apply: (c: Publication) => applied.push(c.type === 'put' ? `put ${c.source.serviceId} v${c.source.version}` : `remove ${c.serviceId}`),
  });
  const purges: PurgeCommand[] = [];
  const health: string[] = [];
  const stop = followFleet({
    store: api.store, publisher, nodeId: 'node-1', pop: 'p', logger: pino({ level: 'silent' }),
    purge: async (c) => { purges.push(c); }, health: (e) => health.push(e.type),
  });
  t.after(stop);
  return { api, service, publisher, applied, purges };
}

test('an activation anywhere makes the node read that one service again', async (t) => {
  const { api, service, publisher, applied, purges } = await setup(t);
  const quiet = await service('quiet.example');
  await api.call('PUT', `/service/${quiet}/version/1/activate`);
  await publisher.idle();
  applied.length = 0;
  const sid = await service('one.example');
  assert.equal((await api.call('PUT', `/service/${sid}/version/1/activate`)).status, 200);
  await publisher.idle();
  assert.deepEqual(applied, [`put ${sid} v1`]);
  assert.deepEqual(purges, []);
});

test('a purge is applied by the node, then confirmed in the store with the node\'s id', async (t) => {
  const { api, service, purges } = await setup(t);
  const sid = await service('purge.example');
  const answer = (await api.call('POST', `/service/${sid}/purge/news`)).body as { id: string; pops: number };
  // No edge node is registered in this store: nobody had to confirm, and none was waited for.
  assert.equal(answer.pops, 0);
  assert.deepEqual(purges, [{ kind: 'surrogate-key', id: answer.id, serviceId: sid, surrogateKey: 'news', soft: false }]);
  const deadline = Date.now() + 2_000;
  while ((await api.store.transaction((tx) => tx.listPurgeAcks(answer.id))).length === 0) {
    assert.ok(Date.now() < deadline, 'confirmed');
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.deepEqual(await api.store.transaction((tx) => tx.listPurgeAcks(answer.id)), ['node-1']);
});

test('a resync reads every service again and empties the cache of each, the purges it missed being unknown', async (t) => {
  const { api, service, publisher, applied, purges } = await setup(t);
  const [kept, missed] = [await service('kept.example'), await service('missed.example')];
  await api.call('PUT', `/service/${kept}/version/1/activate`);
  await publisher.idle();
  publisher.seed(await activeSources(api.store));
  // An activation whose event this node never saw (the publisher is not told).
  await api.store.transaction(async (tx) => {
    await tx.updateVersion(missed, 1, { active: true, locked: true });
  });
  applied.length = 0;
  api.store.events.emit('resync');
  await new Promise((r) => setTimeout(r, 50));
  await publisher.idle();
  assert.deepEqual(applied, [`put ${missed} v1`]);
  assert.deepEqual(purges.map((p) => [p.kind, p.kind === 'all' ? p.serviceId : null, p.soft]), [['all', kept, false]]);
  assert.equal(publisher.published(missed), 1);
});
