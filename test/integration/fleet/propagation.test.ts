// A fleet on one PostgreSQL database (DESIGN.md §4.6): what one control node activates, every
// edge node of every POP serves within 1 s; `GET /datacenters` lists the POPs with a live edge
// node; an edge node is ready once it has every active configuration, and never runs the API.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { origin, send } from '../cache/origin.ts';
import { api } from '../../support/fleet.ts';
import { edge, everyEdge, startFleet } from './fleet.ts';

test('an activation through the control node is served by every edge node of both POPs within 1 s', async (t) => {
  const fleet = await startFleet(t);
  const o = await origin(t, (_req, res) => send(res, { 'cache-control': 'no-store' }, 'from the origin'));
  const sid = await fleet.createService('fleet.example', o.port);
  const routed = await everyEdge(fleet.edges, (r) => r.status === 200 && r.body === 'from the origin', 'fleet.example', 1_000);
  assert.ok(routed <= 1_000, `${routed} ms`);
  for (const n of fleet.edges) {
    const r = await edge(n, 'fleet.example');
    assert.equal(r.headers['x-served-by'], n.pop);
  }
  // A deactivation reaches them the same way.
  await fleet.createService('other.example', o.port);
  const deactivated = await api(fleet.control, 'PUT', `/service/${sid}/version/1/deactivate`);
  assert.equal(deactivated.status, 200);
  await everyEdge(fleet.edges, (r) => r.status === 404 && r.statusLine.endsWith('Domain Not Found'), 'fleet.example', 1_000);
  await everyEdge(fleet.edges, (r) => r.status === 200, 'other.example', 1_000);
});

test('GET /datacenters lists each POP with a live edge node once, by its --pop name; a POP whose nodes all stopped is gone', async (t) => {
  const fleet = await startFleet(t);
  const pops = async (): Promise<unknown> => (await api(fleet.control, 'GET', '/datacenters')).body;
  const entry = (pop: string) => ({ code: pop, name: pop, group: null, region: null, stats_region: null, billing_region: null, coordinates: null, shield: pop });
  assert.deepEqual(await pops(), [entry('a'), entry('b')]);
  await fleet.edges[2].stop(); // b's only node: it deregisters as it stops
  assert.deepEqual(await pops(), [entry('a')]);
});

test('edge nodes answer /ready once loaded and have no API; a control node has no edge', async (t) => {
  const fleet = await startFleet(t);
  const o = await origin(t, (_req, res) => send(res, {}, 'ok'));
  await fleet.createService('ready.example', o.port);
  // A node that starts now loads the active configuration before it says it is ready.
  const late = await fleet.node({ role: 'edge', pop: 'b' });
  const ready = await edge(late, 'anything', { path: '/ready' });
  assert.deepEqual([ready.status, ready.body], [200, 'ready\n']);
  const served = await edge(late, 'ready.example');
  assert.deepEqual([served.status, served.body], [200, 'ok']);
  assert.equal(late.apiUrl, null);
  assert.doesNotMatch(late.output(), /control API on/);
  assert.equal(fleet.control.edgePort, null);
  assert.doesNotMatch(fleet.control.output(), /^edge on/m);
});
