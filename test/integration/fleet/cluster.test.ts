// Clustering within a POP and shielding between POPs (DESIGN.md §4.4), on a fleet of real
// `lacquer serve` processes and a throwaway PostgreSQL: POP `a` of two edge nodes with two
// workers each (four cache members), POP `b` that shields for a backend of `a`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { origin, send, sleep, type Origin } from '../cache/origin.ts';
import type { EdgeReply } from '../harness.ts';
import { api, apiOk, startNode, type FleetNode } from '../../support/fleet.ts';
import { startPostgres } from '../../support/postgres.ts';
import { edge } from './fleet.ts';

const HOST = 'cluster.example';

// Headers that show, in the response, what VCL saw at each POP (fastly.ff.visits_this_service in
// vcl_recv) and whether another member fetched the object (req.backend.is_cluster in vcl_deliver).
const VCL = `sub vcl_recv {
  #FASTLY recv
  set req.http.X-Visits = fastly.ff.visits_this_service;
  return(lookup);
}
sub vcl_deliver {
  #FASTLY deliver
  if (server.datacenter == "b") {
    set resp.http.X-Visits-B = req.http.X-Visits;
  } else {
    set resp.http.X-Visits-A = req.http.X-Visits;
  }
  if (req.backend.is_cluster) {
    set resp.http.X-Is-Cluster = "1";
  } else {
    set resp.http.X-Is-Cluster = "0";
  }
  return(deliver);
}
`;

interface Pop {
  readonly control: FleetNode;
  node(pop: string, workers: number): Promise<FleetNode>;
}

async function fleet(t: { after(fn: () => Promise<void>): void }): Promise<Pop> {
  const pg = await startPostgres();
  const nodes: FleetNode[] = [];
  t.after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await pg.destroy();
  });
  const db = await pg.createDatabase();
  const start = async (role: 'control' | 'edge', pop: string, workers: number): Promise<FleetNode> => {
    const n = await startNode({ db, role, pop, workers });
    nodes.push(n);
    return n;
  };
  return { control: await start('control', 'ctl', 0), node: (pop, workers) => start('edge', pop, workers) };
}

async function createService(control: FleetNode, originPort: number, shield: string | null): Promise<string> {
  const { id } = await apiOk(control, 'POST', '/service', { name: HOST }) as { id: string };
  await apiOk(control, 'POST', `/service/${id}/version/1/domain`, { name: HOST });
  await apiOk(control, 'POST', `/service/${id}/version/1/backend`, { name: 'origin', address: '127.0.0.1', port: originPort, ...(shield === null ? {} : { shield }) });
  await apiOk(control, 'POST', `/service/${id}/version/1/vcl`, { name: 'main', content: VCL, main: true });
  await apiOk(control, 'PUT', `/service/${id}/version/1/activate`);
  return id;
}

/** Until every node serves the service and answers /ready, then one more membership refresh. */
async function settled(nodes: readonly FleetNode[]): Promise<void> {
  const deadline = Date.now() + 40_000;
  for (const n of nodes) {
    for (;;) {
      const ready = await edge(n, 'not-a-domain.example', { path: '/ready' }).catch(() => null);
      const served = await edge(n, HOST, { path: '/warm', headers: { 'fastly-no-shield': '1' } }).catch(() => null);
      if (ready?.status === 200 && served?.status === 200) break;
      if (Date.now() > deadline) throw new Error(`${n.pop}:${n.edgePort} never became ready`);
      await sleep(50);
    }
  }
  // Every node refreshes its members every second: after 1.5 s all see all.
  await sleep(1_500);
}

function counter(t: Parameters<typeof origin>[0]): Promise<Origin> {
  // A little slow, so that concurrent misses overlap at the owner.
  return origin(t, (req, res) => setTimeout(() => send(res, { 'cache-control': 'max-age=600', 'surrogate-key': 'all' }, `body of ${req.url}`), 30));
}

test('POP a of two nodes × two workers fetches each object once for the whole POP, survives a dead node, and Fastly-No-Shield keeps it local', async (t) => {
  const f = await fleet(t);
  const o = await counter(t);
  const a1 = await f.node('a', 2);
  const a2 = await f.node('a', 2);
  await createService(f.control, o.port, null);
  await settled([a1, a2]);
  const urls = Array.from({ length: 50 }, (_, i) => `/obj/${i}`);

  // 100 concurrent misses (each URL twice, once at each node), then 1,000 requests over every
  // member: each request opens its own connection, so the workers of each node share them.
  const first = await Promise.all(urls.flatMap((u) => [edge(a1, HOST, { path: u }), edge(a2, HOST, { path: u })]));
  assert.deepEqual(first.filter((r) => r.status !== 200), []);
  const replies: EdgeReply[] = [];
  for (let round = 0; round < 10; round++) {
    replies.push(...await Promise.all(urls.flatMap((u, i) => [edge(i % 2 === 0 ? a1 : a2, HOST, { path: u }), edge(i % 2 === 0 ? a2 : a1, HOST, { path: u })])));
  }
  assert.equal(replies.length, 1_000);
  assert.deepEqual(replies.filter((r) => r.status !== 200 || !r.body.startsWith('body of /obj/')), []);
  assert.deepEqual(urls.map((u) => o.count(u)), urls.map(() => 1), 'exactly one origin request per object for the whole POP');
  assert.equal(o.count() - o.count('/warm'), 50);
  assert.ok(replies.some((r) => r.headers['x-is-cluster'] === '1'), 'some were fetched by another member (req.backend.is_cluster)');

  // Fastly-No-Shield: the member that received it fetches and keeps its own copy.
  const solo1 = await edge(a1, HOST, { path: '/solo', headers: { 'fastly-no-shield': '1' } });
  const solo2 = await edge(a2, HOST, { path: '/solo', headers: { 'fastly-no-shield': '1' } });
  assert.deepEqual([solo1.headers['x-cache'], solo1.headers['x-is-cluster'], solo2.headers['x-cache'], solo2.headers['x-is-cluster']], ['MISS', '0', 'MISS', '0']);
  assert.equal(o.count('/solo'), 2, 'each delivery member fetched it alone');

  // One node killed mid-run: the other answers every request (its keys' owners that died cost a fetch).
  const during = Array.from({ length: 40 }, (_, i) => edge(a1, HOST, { path: `/late/${i % 20}` }));
  a2.signal('SIGKILL');
  const after = await Promise.all([...during, ...Array.from({ length: 40 }, (_, i) => edge(a1, HOST, { path: `/late/${i % 20}` }))]);
  assert.deepEqual(after.filter((r) => r.status !== 200).map((r) => r.statusLine), [], 'no client error');
});

test('POP b shields a backend for POP a: one origin request from b for N misses at a, visits 0 at a and 1 at b, and a fetches directly once b stops', async (t) => {
  const f = await fleet(t);
  const o = await counter(t);
  const a1 = await f.node('a', 0);
  const b1 = await f.node('b', 0);
  // A POP that is not part of the fleet is refused, naming the field.
  const refused = await api(f.control, 'POST', '/service', { name: 'refused' }).then(async (r) => {
    const sid = (r.body as { id: string }).id;
    return api(f.control, 'POST', `/service/${sid}/version/1/backend`, { name: 'o', address: '127.0.0.1', port: o.port, shield: 'nowhere' });
  });
  assert.equal(refused.status, 400);
  assert.match(JSON.stringify(refused.body), /shield: must name a POP of this fleet/);

  const sid = await createService(f.control, o.port, 'b');
  await settled([a1, b1]);
  const before = o.seen.length;
  const replies = await Promise.all(Array.from({ length: 20 }, () => edge(a1, HOST, { path: '/shielded' })));
  assert.deepEqual(replies.map((r) => r.status), replies.map(() => 200));
  assert.equal(o.count('/shielded'), 1, 'one origin request for the 20 misses at a');
  const fetched = o.seen.slice(before).find((s) => s.url === '/shielded');
  assert.ok(fetched !== undefined);
  const ff = String(fetched.headers['fastly-ff']).split(', ');
  assert.deepEqual(ff.map((e) => e.split('!')[1]), ['a', 'b'], 'the origin heard from b, after a (Fastly-FF)');
  assert.equal(String(fetched.headers['cdn-loop']), 'lacquer-a, lacquer-b');
  assert.ok(!JSON.stringify(fetched.headers).includes(sid), 'no service id in clear');
  assert.equal(replies[0].headers['x-visits-a'], '0');
  assert.equal(replies[0].headers['x-visits-b'], '1');

  // A client that dresses up as a fleet node is not one: its Fastly-FF is not believed (visits 0)
  // and its True-Client-IP is replaced by the connecting address.
  const hash = ff[0].split('!')[0];
  const forged = await edge(b1, HOST, { path: '/forged', headers: {
    'fastly-ff': `${hash}!a!x, ${hash}!a!y`, 'lacquer-fleet': `${Date.now()}.AAAA`, 'true-client-ip': '203.0.113.9',
  } });
  assert.equal(forged.headers['x-visits-b'], '0');
  const forgedAtOrigin = o.seen.find((s) => s.url === '/forged');
  assert.equal(forgedAtOrigin?.headers['true-client-ip'], '127.0.0.1');
  assert.equal(forgedAtOrigin?.headers['lacquer-fleet'], undefined);
  assert.deepEqual(String(forgedAtOrigin?.headers['fastly-ff']).split(', ').map((e) => e.split('!')[1]), ['b']);

  // b stops: a fetches the origin itself, within 5 s.
  await b1.stop();
  const t0 = Date.now();
  const direct = await edge(a1, HOST, { path: '/after-b' });
  assert.equal(direct.status, 200);
  assert.ok(Date.now() - t0 < 5_000, `answered in ${Date.now() - t0} ms`);
  const last = o.seen.filter((s) => s.url === '/after-b');
  assert.equal(last.length, 1);
  assert.deepEqual(String(last[0].headers['fastly-ff']).split(', ').map((e) => e.split('!')[1]), ['a']);
});

// Two POPs that shield for each other: at a the backend goes through b, at b through a. CDN-Loop
// (RFC 8586), which every hop leaving a POP names that POP in, ends the loop with 508 on the
// third arrival at a POP; a backend shielded by the POP it is fetched from goes to the origin.
// b keeps no stale copy (its vcl_fetch), so when the origin is gone b answers 503 and a, which
// has one, serves it stale (DESIGN.md §4.4 stale-if-error, at the edge POP of a shield).
const LOOP_VCL = `sub vcl_recv {
  #FASTLY recv
  if (req.url ~ "^/loop/" && server.datacenter == "b") {
    set req.backend = F_via_a;
  } else {
    set req.backend = F_via_b;
  }
  return(lookup);
}
sub vcl_fetch {
  #FASTLY fetch
  if (server.datacenter == "b") {
    set beresp.stale_if_error = 0s;
  }
  return(deliver);
}
`;

test('POPs that shield for each other: a loop is refused with 508, a shield POP fetches its own backend directly, and a serves stale when b fails', async (t) => {
  const f = await fleet(t);
  const o = await origin(t, (req, res) => send(res, { 'cache-control': 'max-age=1, stale-if-error=600' }, `body of ${req.url}`));
  const a1 = await f.node('a', 0);
  const b1 = await f.node('b', 0);
  const { id } = await apiOk(f.control, 'POST', '/service', { name: HOST }) as { id: string };
  await apiOk(f.control, 'POST', `/service/${id}/version/1/domain`, { name: HOST });
  for (const [name, shield] of [['via_b', 'b'], ['via_a', 'a']]) {
    await apiOk(f.control, 'POST', `/service/${id}/version/1/backend`, { name, address: '127.0.0.1', port: o.port, shield });
  }
  await apiOk(f.control, 'POST', `/service/${id}/version/1/vcl`, { name: 'main', content: LOOP_VCL, main: true });
  await apiOk(f.control, 'PUT', `/service/${id}/version/1/activate`);
  await settled([a1, b1]);

  const loop = await edge(a1, HOST, { path: '/loop/1' });
  assert.equal(loop.status, 508);
  assert.equal(o.count('/loop/1'), 0, 'the looping request never reached the origin');

  const warm = await edge(a1, HOST, { path: '/stale' });
  assert.deepEqual([warm.status, warm.body], [200, 'body of /stale']);
  assert.equal(o.count('/stale'), 1, 'b, shield for a, fetched it itself (a shield POP never forwards to itself)');
  assert.deepEqual(String(o.seen.find((s) => s.url === '/stale')?.headers['cdn-loop']), 'lacquer-a, lacquer-b');

  await o.kill();
  await sleep(1_500);
  const atB = await edge(b1, HOST, { path: '/stale' });
  assert.equal(atB.status, 503, 'b has no stale copy and its origin is gone');
  const atA = await edge(a1, HOST, { path: '/stale' });
  assert.deepEqual([atA.status, atA.body, atA.headers['x-cache']], [200, 'body of /stale', 'STALE']);
});
