// The database goes away and comes back (DESIGN.md §4.6): edge nodes keep serving their last
// configuration, say so once, reconnect at most 1 s apart and catch up; the control node
// answers 503 Database unavailable meanwhile; nothing acknowledged before is lost.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { origin, send } from '../cache/origin.ts';
import { api, apiOk } from '../../support/fleet.ts';
import { edge, everyEdge, startFleet } from './fleet.ts';

test('PostgreSQL restarts: edges serve throughout, the control node answers 503 while it is down, and an activation after it reaches every edge', async (t) => {
  const fleet = await startFleet((fn) => t.after(fn));
  const o = await origin(t, (req, res) => send(res, { 'cache-control': 'no-store' }, `origin ${req.headers.host}`));
  const before = await fleet.createService('before.example', o.port);
  await everyEdge(fleet.edges, (r) => r.status === 200, 'before.example', 1_000);

  await fleet.pg.shutDown();
  // Down for 2.5 s: several reconnect attempts, each of which could have logged.
  const downUntil = Date.now() + 2_500;
  while (Date.now() < downUntil) {
    for (const n of fleet.edges) {
      const r = await edge(n, 'before.example');
      assert.deepEqual([r.status, r.body], [200, 'origin before.example'], 'an edge serves its last configuration');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const refused = await api(fleet.control, 'GET', `/service/${before}`);
  assert.equal(refused.status, 503);
  assert.equal((refused.body as { msg: string }).msg, 'Database unavailable');
  assert.match((refused.body as { detail: string }).detail, /PostgreSQL/);
  await fleet.pg.startUp();

  // The control node serves again with the next request; what was acknowledged is there.
  const details = await apiOk(fleet.control, 'GET', `/service/${before}/details`);
  assert.equal((details.active_version as { number: number }).number, 1);
  const sid = await fleet.createService('after.example', o.port);
  // Within 2 s: each edge reconnects at most 1 s after the server is back, and catches up.
  await everyEdge(fleet.edges, (r) => r.status === 200 && r.body === 'origin after.example', 'after.example', 2_000);
  assert.notEqual(sid, before);

  // Each edge said once that the database was gone and once that it was back.
  await Promise.all(fleet.edges.map((n) => n.stop()));
  for (const n of fleet.edges) {
    const lines = n.output().split('\n');
    assert.equal(lines.filter((l) => l.includes('database unreachable')).length, 1, n.output());
    assert.equal(lines.filter((l) => l.includes('database reachable again')).length, 1, n.output());
  }
});
