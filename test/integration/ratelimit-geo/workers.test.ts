// Rate limiting across the edge workers of one node: the counts of a client whose requests
// land on different workers add up, within the relay's lag (src/edge/ratelimit/pop-rate-limits.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpOrigin } from '../../edge/helpers.ts';
import { startEdgeStack, waitFor } from '../harness.ts';

const VCL = `
ratecounter requests { }
penaltybox blocked { }
sub vcl_recv {
  #FASTLY recv
  if (req.http.X-Count) {
    if (ratelimit.check_rate(req.http.X-Client, requests, 60, 60, 1000, blocked, 1m)) { error 429; }
  } else {
    set req.http.X-Peek = ratelimit.check_rate(req.http.X-Client, requests, 0, 60, 1000, blocked, 1m);
  }
  set req.http.X-Rate = ratecounter.requests.bucket.60s;
  set req.http.X-Worker = server.identity;
  return(pass);
}
sub vcl_deliver {
  #FASTLY deliver
  set resp.http.X-Rate = req.http.X-Rate;
  set resp.http.X-Worker = req.http.X-Worker;
}
`;

test('a client\'s requests spread over two workers are counted together by each of them', async (t) => {
  const { port } = await httpOrigin(t, (_req, res) => res.end('ok'));
  const lq = await startEdgeStack(t, { workers: 2 });
  await lq.createService({ domains: ['shared.example'], backends: [{ name: 'origin', address: '127.0.0.1', port }], vcl: VCL });
  await waitFor(async () => (await lq.edge('shared.example')).status === 200, 5_000, 'both workers serve the service');
  const workers = new Set<string>();
  for (let i = 0; i < 8; i++) {
    const r = await lq.edge('shared.example', { headers: { 'x-client': 'alice', 'x-count': '1' } });
    assert.equal(r.status, 200);
    workers.add(String(r.headers['x-worker']));
  }
  assert.equal(workers.size, 2, 'the requests reached both workers');
  // Each request added 60; once every worker heard of the others' (one relay, ~100 ms), a peek
  // (delta 0) on any worker reads 8 × 60.
  const seen = new Map<string, string>();
  await waitFor(async () => {
    const r = await lq.edge('shared.example', { headers: { 'x-client': 'alice' } });
    seen.set(String(r.headers['x-worker']), String(r.headers['x-rate']));
    return seen.size === 2 && [...seen.values()].every((v) => v === '480');
  }, 5_000, 'every worker counts all 8 requests');
});
