// Directors losing members to health (DESIGN.md §4.4, Fastly director declaration): the
// survivors take the traffic, quorum and "none left" have their own 503 reasons.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { closedPort, httpOrigin } from '../../edge/helpers.ts';
import { startEdgeStack, vclName, type Lacquer } from '../harness.ts';

const HOST = 'dir.example';

async function named(t: TestContext, name: string): Promise<{ port: number; hits: () => number }> {
  let hits = 0;
  const { port } = await httpOrigin(t, (_req, res) => {
    hits++;
    // Uncacheable, so every request shows the director's choice rather than a cache hit.
    res.setHeader('cache-control', 'no-store');
    res.end(name);
  });
  return { port, hits: () => hits };
}

async function bodies(lq: Lacquer, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await lq.edge(HOST, { path: `/obj/${i}` });
    out.push(r.statusLine === 'HTTP/1.1 200 OK' ? r.body : r.statusLine);
  }
  return out;
}

async function setHealth(lq: Lacquer, sid: string, backend: string, state: 'sick' | 'auto'): Promise<void> {
  await lq.apiOk('PUT', `/service/${sid}/health/${vclName(backend)}`, { state });
}

test('a random director spreads over healthy members and stops using one that goes sick', async (t) => {
  const a = await named(t, 'a');
  const b = await named(t, 'b');
  const lq = await startEdgeStack(t);
  const sid = await lq.createService({
    domains: [HOST],
    backends: [{ name: 'a', address: '127.0.0.1', port: a.port }, { name: 'b', address: '127.0.0.1', port: b.port }],
    directors: [{ name: 'pool', type: 1, quorum: 0, members: ['a', 'b'] }],
    vcl: 'sub vcl_recv {\n  #FASTLY recv\n  set req.backend = pool;\n  return(pass);\n}\n',
  });
  const before = await bodies(lq, 40);
  assert.deepEqual(new Set(before), new Set(['a', 'b']), 'both members serve while healthy');

  await setHealth(lq, sid, 'a', 'sick');
  const hitsA = a.hits();
  assert.deepEqual(new Set(await bodies(lq, 20)), new Set(['b']));
  assert.equal(a.hits(), hitsA, 'the sick member gets nothing');
});

test('a fallback director uses the first healthy member, and the next one on a refused connection', async (t) => {
  const second = await named(t, 'second');
  const third = await named(t, 'third');
  const lq = await startEdgeStack(t);
  const sid = await lq.createService({
    domains: [HOST],
    backends: [
      { name: 'first', address: '127.0.0.1', port: await closedPort() },
      { name: 'second', address: '127.0.0.1', port: second.port },
      { name: 'third', address: '127.0.0.1', port: third.port },
    ],
    vcl: `director chain fallback {
  { .backend = F_first; }
  { .backend = F_second; }
  { .backend = F_third; }
}
sub vcl_recv {
  #FASTLY recv
  set req.backend = chain;
  return(pass);
}
`,
  });
  assert.deepEqual(await bodies(lq, 3), ['second', 'second', 'second']);
  await setHealth(lq, sid, 'second', 'sick');
  assert.deepEqual(await bodies(lq, 2), ['third', 'third']);
  await setHealth(lq, sid, 'third', 'sick');
  assert.deepEqual(await bodies(lq, 1), ['HTTP/1.1 503 All backends failed or unhealthy']);
});

test('a director below its quorum answers 503 Quorum weight not reached', async (t) => {
  const a = await named(t, 'a');
  const b = await named(t, 'b');
  const lq = await startEdgeStack(t);
  const sid = await lq.createService({
    domains: [HOST],
    backends: [{ name: 'a', address: '127.0.0.1', port: a.port }, { name: 'b', address: '127.0.0.1', port: b.port }],
    directors: [{ name: 'pool', type: 1, quorum: 75, members: ['a', 'b'] }],
    vcl: 'sub vcl_recv {\n  #FASTLY recv\n  set req.backend = pool;\n  return(pass);\n}\n',
  });
  assert.equal((await lq.edge(HOST)).statusLine, 'HTTP/1.1 200 OK');
  await setHealth(lq, sid, 'b', 'sick');
  const r = await lq.edge(HOST);
  assert.equal(r.statusLine, 'HTTP/1.1 503 Quorum weight not reached');
  assert.equal(r.body, '503 Quorum weight not reached\n');
});

test('a director whose members all refuse connections answers 503 All backends failed or unhealthy', async (t) => {
  const lq = await startEdgeStack(t);
  await lq.createService({
    domains: [HOST],
    backends: [{ name: 'a', address: '127.0.0.1', port: await closedPort() }, { name: 'b', address: '127.0.0.1', port: await closedPort() }],
    directors: [{ name: 'pool', type: 1, quorum: 0, retries: 5, members: ['a', 'b'] }],
    vcl: 'sub vcl_recv {\n  #FASTLY recv\n  set req.backend = pool;\n  return(pass);\n}\n',
  });
  const r = await lq.edge(HOST);
  assert.equal(r.statusLine, 'HTTP/1.1 503 All backends failed or unhealthy');
});

test('the auto_loadbalance director is the default backend and survives a member going sick', async (t) => {
  const a = await named(t, 'a');
  const b = await named(t, 'b');
  const lq = await startEdgeStack(t);
  const sid = await lq.createService({
    domains: [HOST],
    backends: [
      { name: 'a', address: '127.0.0.1', port: a.port, auto_loadbalance: true },
      { name: 'b', address: '127.0.0.1', port: b.port, auto_loadbalance: true },
    ],
  });
  assert.deepEqual(new Set(await bodies(lq, 40)), new Set(['a', 'b']));
  await setHealth(lq, sid, 'b', 'sick');
  assert.deepEqual(new Set(await bodies(lq, 10)), new Set(['a']));
});
