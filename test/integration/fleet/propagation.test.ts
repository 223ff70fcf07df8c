// A fleet on one PostgreSQL database (DESIGN.md §4.6): what one control node activates, every
// edge node of every POP serves within 1 s; `GET /datacenters` lists the POPs with a live edge
// node; an edge node is ready once it has every active configuration, and never runs the API.
// The tests share one fleet, in order; the last one stops a node.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { api } from '../../support/fleet.ts';
import { edge, everyEdge, startFleet, type Fleet } from './fleet.ts';

let fleet: Fleet;
let originPort: number;
// Registered here, at the top: `after` called inside `before` would run as soon as `before` ends.
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const fn of cleanups.reverse()) await fn();
});
before(async () => {
  fleet = await startFleet((fn) => cleanups.push(fn));
  const server = http.createServer((req, res) => res.writeHead(200, { 'cache-control': 'no-store' }).end(`origin of ${req.headers.host}`));
  await once(server.listen(0, '127.0.0.1'), 'listening');
  cleanups.push(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  originPort = (server.address() as AddressInfo).port;
});

test('an activation through the control node is served by every edge node of both POPs within 1 s', async () => {
  const sid = await fleet.createService('fleet.example', originPort);
  const routed = await everyEdge(fleet.edges, (r) => r.status === 200 && r.body === 'origin of fleet.example', 'fleet.example', 1_000);
  assert.ok(routed <= 1_000, `${routed} ms`);
  for (const n of fleet.edges) assert.equal((await edge(n, 'fleet.example')).headers['x-served-by'], n.pop);
  // A deactivation reaches them the same way.
  assert.equal((await api(fleet.control, 'PUT', `/service/${sid}/version/1/deactivate`)).status, 200);
  await everyEdge(fleet.edges, (r) => r.status === 404 && r.statusLine.endsWith('Domain Not Found'), 'fleet.example', 1_000);
});

test('edge nodes answer /ready once loaded and have no API; a control node has no edge', async () => {
  await fleet.createService('ready.example', originPort);
  // A node that starts now loads the active configuration before it says it is ready.
  const late = await fleet.node({ role: 'edge', pop: 'b' });
  const ready = await edge(late, 'anything', { path: '/ready' });
  assert.deepEqual([ready.status, ready.body], [200, 'ready\n']);
  const served = await edge(late, 'ready.example');
  assert.deepEqual([served.status, served.body], [200, 'origin of ready.example']);
  assert.equal(late.apiUrl, null);
  assert.doesNotMatch(late.output(), /control API on/);
  assert.equal(fleet.control.edgePort, null);
  assert.doesNotMatch(fleet.control.output(), /^edge on/m);
  await late.stop();
});

test('GET /datacenters lists each POP with a live edge node once, by its --pop name; a POP whose nodes all stopped is gone', async () => {
  const pops = async (): Promise<unknown> => (await api(fleet.control, 'GET', '/datacenters')).body;
  const entry = (pop: string) => ({ code: pop, name: pop, group: null, region: null, stats_region: null, billing_region: null, coordinates: null, shield: pop });
  assert.deepEqual(await pops(), [entry('a'), entry('b')]);
  await fleet.edges[2].stop(); // b's only node: it deregisters as it stops
  assert.deepEqual(await pops(), [entry('a')]);
});
