// obj.* read in vcl_deliver and vcl_log when there is no cached object (a miss, a pass, a
// synthetic answer): Fastly documents obj.hits as 0 on a miss in vcl_deliver (cache-object
// variables reference); the request must be answered, never failed by the read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startEdgeStack } from '../../integration/harness.ts';
import { origin, send } from '../../integration/cache/origin.ts';

test('obj.hits and obj.age read in vcl_deliver are 0 on a miss and a pass, and count hits after', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, (req, res) => send(res, { 'cache-control': 'max-age=3600' }, `page ${req.url ?? ''}`));
  await lq.createService({
    domains: ['hits.example'],
    backends: [{ name: 'o', address: '127.0.0.1', port: o.port }],
    vcl: [
      'sub vcl_recv {',
      '#FASTLY recv',
      '  if (req.http.X-Pass) { return(pass); }',
      '}',
      'sub vcl_deliver {',
      '#FASTLY deliver',
      '  set resp.http.X-Hits = obj.hits;',
      '  set resp.http.X-Obj-Age = obj.age;',
      '  if (obj.hits > 0) { set resp.http.X-Cache-Hits = "hit"; } else { set resp.http.X-Cache-Hits = "miss"; }',
      '}',
      'sub vcl_log {',
      '#FASTLY log',
      '  log "hits " obj.hits;',
      '}',
    ].join('\n'),
  });
  const seen = [];
  for (const headers of [{}, {}, {}, { 'X-Pass': '1' }] as Record<string, string>[]) {
    const r = await lq.edge('hits.example', { path: '/a', headers });
    seen.push([r.status, r.headers['x-cache'], r.headers['x-hits'], r.headers['x-cache-hits'], r.body]);
  }
  assert.deepEqual(seen, [
    [200, 'MISS', '0', 'miss', 'page /a'],
    [200, 'HIT', '1', 'hit', 'page /a'],
    [200, 'HIT', '2', 'hit', 'page /a'],
    [200, 'PASS', '0', 'miss', 'page /a'],
  ]);
  const miss = await lq.edge('hits.example', { path: '/b' });
  assert.equal(miss.headers['x-obj-age'], '0.000');
});
