// GET /service/{sid}/stats: what the edge answered, by cache outcome, and what it
// asked each backend, over the last minute and hour.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startEdgeStack } from '../harness.ts';
import { origin, send } from './origin.ts';

test('stats count hits, misses, passes and stale answers, the hit ratio and origin requests per backend', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, (req, res) => send(res, { 'cache-control': req.url === '/dyn' ? 'private' : 'max-age=0' }, 'x'));
  const sid = await lq.createService({
    domains: ['stats.example'],
    backends: [{ name: 'main', address: '127.0.0.1', port: o.port }, { name: 'second origin', address: '127.0.0.1', port: o.port }],
    vcl: `
sub vcl_recv {
  #FASTLY recv
  if (req.url == "/b") { set req.backend = F_second_origin; }
  return(lookup);
}
`,
  });
  const other = await lq.createService({ domains: ['quiet.example'], backends: [{ name: 'main', address: '127.0.0.1', port: o.port }] });

  await lq.edge('stats.example', { path: '/a' }); // MISS (stored for stale-if-error only)
  await lq.edge('stats.example', { path: '/b' }); // MISS via the second backend
  await lq.edge('stats.example', { method: 'POST', path: '/a', body: 'x' }); // PASS
  await lq.edge('stats.example', { path: '/dyn' }); // MISS, private: hit-for-pass
  await lq.edge('stats.example', { path: '/dyn' }); // PASS
  await o.kill();
  await lq.edge('stats.example', { path: '/a' }); // STALE: the origin refuses, the copy is served
  await lq.edge('stats.example', { path: '/never' }); // MISS, 503 Connection refused

  const stats = await lq.apiOk('GET', `/service/${sid}/stats`);
  const window = {
    requests: 7, hits: 0, misses: 4, passes: 2, stale: 1, hit_ratio: 0.2,
    origin_requests: { F_main: 6, F_second_origin: 1 },
  };
  assert.deepEqual(stats, { service_id: sid, pop: lq.pop, minute: window, hour: window });

  const zero = { requests: 0, hits: 0, misses: 0, passes: 0, stale: 0, hit_ratio: null, origin_requests: {} };
  assert.deepEqual(await lq.apiOk('GET', `/service/${other}/stats`), { service_id: other, pop: lq.pop, minute: zero, hour: zero });
  assert.equal((await lq.api('GET', '/service/nope/stats')).status, 404);
  const anonymous = await fetch(`${lq.apiUrl}/service/${sid}/stats`);
  assert.equal(anonymous.status, 401);
});
