// Versionless data across a fleet on PostgreSQL (DESIGN.md §4.6): a dictionary item, an ACL
// entry and a dynamic snippet changed on the control node reach every edge node of every POP
// through LISTEN/NOTIFY, within 1 s, while the same version stays active. (Cluster workers
// within a node: test/process/live-workers.test.ts.)
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { apiOk, type FleetNode } from '../../support/fleet.ts';
import { everyEdge, startFleet, type Fleet } from './fleet.ts';

const HOST = 'live.fleet.example';
const PROPAGATION_MS = 1_000;

let fleet: Fleet;
let edges: readonly FleetNode[];
let sid: string;
let ids: { dictionary: string; acl: string; snippet: string };
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const fn of cleanups.reverse()) await fn();
});
before(async () => {
  fleet = await startFleet((fn) => cleanups.push(fn));
  const server = http.createServer((_req, res) => res.writeHead(200, { 'cache-control': 'no-store' }).end('origin'));
  await once(server.listen(0, '127.0.0.1'), 'listening');
  cleanups.push(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  edges = fleet.edges;
  const c = fleet.control;
  ({ id: sid } = await apiOk(c, 'POST', '/service', { name: 'live' }) as { id: string });
  const base = `/service/${sid}/version/1`;
  await apiOk(c, 'POST', `${base}/domain`, { name: HOST });
  await apiOk(c, 'POST', `${base}/backend`, { name: 'origin', address: '127.0.0.1', port: (server.address() as AddressInfo).port });
  const dictionary = String((await apiOk(c, 'POST', `${base}/dictionary`, { name: 'flags' })).id);
  const acl = String((await apiOk(c, 'POST', `${base}/acl`, { name: 'denied' })).id);
  await apiOk(c, 'POST', `${base}/snippet`, { name: 'deny', type: 'recv', content: 'if (client.ip ~ denied) { error 403 "Denied"; }' });
  await apiOk(c, 'POST', `${base}/snippet`, { name: 'flag', type: 'deliver', content: 'set resp.http.X-Flag = table.lookup(flags, "colour", "unset");' });
  const snippet = String((await apiOk(c, 'POST', `${base}/snippet`, { name: 'dyn', type: 'deliver', dynamic: 1, content: 'set resp.http.X-Dyn = "v1";' })).id);
  ids = { dictionary, acl, snippet };
  await apiOk(c, 'PUT', `${base}/activate`);
  await everyEdge(edges, (r) => r.status === 200 && r.headers['x-flag'] === 'unset' && r.headers['x-dyn'] === 'v1', HOST, 5_000);
});

test('a dictionary item changed on the control node reaches every edge node within 1 s, without an activation', async () => {
  await apiOk(fleet.control, 'PUT', `/service/${sid}/dictionary/${ids.dictionary}/item/colour`, { item_value: 'green' });
  await everyEdge(edges, (r) => r.headers['x-flag'] === 'green', HOST, PROPAGATION_MS);
});

test('an ACL entry added on the control node blocks the client on every edge node within 1 s', async () => {
  const entry = await apiOk(fleet.control, 'POST', `/service/${sid}/acl/${ids.acl}/entry`, { ip: '127.0.0.1' });
  await everyEdge(edges, (r) => r.statusLine === 'HTTP/1.1 403 Denied', HOST, PROPAGATION_MS);
  await apiOk(fleet.control, 'DELETE', `/service/${sid}/acl/${ids.acl}/entry/${String(entry.id)}`);
  await everyEdge(edges, (r) => r.status === 200, HOST, PROPAGATION_MS);
});

test('a dynamic snippet changed on the control node runs on every edge node within 1 s', async () => {
  await apiOk(fleet.control, 'PUT', `/service/${sid}/snippet/${ids.snippet}`, { content: 'set resp.http.X-Dyn = "v2";' });
  await everyEdge(edges, (r) => r.headers['x-dyn'] === 'v2' && r.headers['x-flag'] === 'green', HOST, PROPAGATION_MS);
});
