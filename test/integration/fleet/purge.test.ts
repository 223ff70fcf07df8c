// A purge through any control node is applied by every edge node of every POP, and the API
// answers once every edge node heard from within the last 3 s applied it (DESIGN.md §4.6):
// {"status":"ok","id":…,"pops":N,"skipped_pops":[…]}.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { origin, send } from '../cache/origin.ts';
import { apiOk, FLEET_TOKEN, type FleetNode } from '../../support/fleet.ts';
import { edge, everyEdge, startFleet } from './fleet.ts';

const PURGE_ID = /^local-\d+-[0-9a-f]{8}$/;

/** Each edge node caches its own copy of /obj: the first answer is a MISS, the next a HIT. */
async function cacheEverywhere(nodes: readonly FleetNode[]): Promise<void> {
  for (const n of nodes) {
    await edge(n, 'purge.example', { path: '/obj' });
    assert.equal((await edge(n, 'purge.example', { path: '/obj' })).headers['x-cache'], 'HIT', `${n.pop}:${n.edgePort}`);
  }
}

/**
 * The very next request at each node gets the origin's current object: a MISS at the first node
 * of each POP; the POP's other nodes may already find it at its owner (clustering, DESIGN.md §4.4).
 */
async function servesFresh(nodes: readonly FleetNode[], body: string): Promise<void> {
  const pops = new Set<string>();
  for (const n of nodes) {
    const r = await edge(n, 'purge.example', { path: '/obj' });
    const first = !pops.has(n.pop);
    pops.add(n.pop);
    assert.deepEqual([r.body, first ? r.headers['x-cache'] : 'any'], [body, first ? 'MISS' : 'any'], `${n.pop}:${n.edgePort}`);
  }
}

test('a purge through the control node: no edge of any POP serves the old object, and the answer counts the POPs that applied it', async (t) => {
  const fleet = await startFleet((fn) => t.after(fn));
  let version = 1;
  const o = await origin(t, (_q, res) => send(res, { 'cache-control': 'max-age=600', 'surrogate-key': 'obj' }, `object ${version}`));
  const sid = await fleet.createService('purge.example', o.port);
  await everyEdge(fleet.edges, (r) => r.status === 200, 'purge.example', 1_000);

  const kinds: Array<[string, string]> = [
    ['surrogate key', `/service/${sid}/purge/obj`], ['purge_all', `/service/${sid}/purge_all`], ['URL', '/purge/purge.example/obj'],
  ];
  for (const [kind, path] of kinds) {
    await cacheEverywhere(fleet.edges);
    version++;
    const answer = await apiOk(fleet.control, 'POST', path);
    assert.match(String(answer.id), PURGE_ID);
    assert.deepEqual(answer, { status: 'ok', id: answer.id, pops: 2, skipped_pops: [] }, kind);
    await servesFresh(fleet.edges, `object ${version}`);
  }

  // PURGE <url> at one edge node, with a token: every node of every POP drops it too.
  await cacheEverywhere(fleet.edges);
  version++;
  const purged = await edge(fleet.edges[0], 'purge.example', { method: 'PURGE', path: '/obj', headers: { 'fastly-key': FLEET_TOKEN } });
  assert.equal(purged.status, 200);
  await servesFresh(fleet.edges, `object ${version}`);
});

test('with an edge node stopped its POP counts on its other nodes; a frozen one is skipped, or not counted after 3 s, and catches up when it wakes', async (t) => {
  const fleet = await startFleet((fn) => t.after(fn));
  const [a1, a2, b1] = fleet.edges;
  let version = 1;
  const o = await origin(t, (_q, res) => send(res, { 'cache-control': 'max-age=600', 'surrogate-key': 'obj' }, `object ${version}`));
  const sid = await fleet.createService('purge.example', o.port);
  await everyEdge(fleet.edges, (r) => r.status === 200, 'purge.example', 1_000);

  // a2 stops (SIGTERM: it deregisters): POP a is a1 now, and it confirms.
  await a2.stop();
  await cacheEverywhere([a1, b1]);
  version++;
  assert.deepEqual(await apiOk(fleet.control, 'POST', `/service/${sid}/purge/obj`).then(({ pops, skipped_pops }) => ({ pops, skipped_pops })),
    { pops: 2, skipped_pops: [] });
  await servesFresh([a1, b1], `object ${version}`);

  // b1 freezes: still heard from within 3 s, it cannot confirm. The API answers after its
  // bounded wait (2 s) with b skipped, or, if b1 went quiet more than 3 s ago by then, without b.
  await cacheEverywhere([a1, b1]);
  b1.signal('SIGSTOP');
  version++;
  const started = Date.now();
  const frozen = await apiOk(fleet.control, 'POST', `/service/${sid}/purge/obj`);
  assert.ok(Date.now() - started < 5_000, `answered in ${Date.now() - started} ms`);
  assert.equal(frozen.pops, 1);
  assert.ok(JSON.stringify(frozen.skipped_pops) === '["b"]' || JSON.stringify(frozen.skipped_pops) === '[]', JSON.stringify(frozen));
  await servesFresh([a1], `object ${version}`);
  // More than 3 s after its last heartbeat b is no longer live: not counted, not waited for.
  await new Promise((r) => setTimeout(r, 3_000));
  const later = await apiOk(fleet.control, 'POST', `/service/${sid}/purge/other`);
  assert.deepEqual([later.pops, later.skipped_pops], [1, []]);
  assert.deepEqual(await apiOk(fleet.control, 'GET', '/datacenters').then((d) => (d as unknown as Array<{ code: string }>).map((p) => p.code)), ['a']);

  // b1 wakes up, reads the purge it slept through, and serves the new object.
  b1.signal('SIGCONT');
  await everyEdge([b1], (r) => r.body === `object ${version}`, 'purge.example', 2_000, { path: '/obj' });
});
