// Fastly's edge rate limiting through the real edge, as a Fiddle would run it: VCL that sends
// 429 to an entry over its limit, an origin, clients. A client over the limit is blocked while
// another is served; once the penalty box TTL has passed (the clock moved on) it is served again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpOrigin } from '../../edge/helpers.ts';
import { startEdgeStack } from '../harness.ts';

// Fastly's own pattern (ratelimit.check_rate reference): 429 for a penalized entry. The entry is
// a request header so one test can be several clients; delta 60 over the 60 s window makes the
// rate after k requests exactly k RPS, so the 11th goes above the limit of 10 whatever second
// each request falls in.
const VCL = `
ratecounter requests { }
penaltybox blocked { }
sub vcl_recv {
  #FASTLY recv
  if (ratelimit.check_rate(req.http.X-Client, requests, 60, 60, 10, blocked, 1m)) {
    error 429 "Too many requests";
  }
  set req.http.X-Rate = ratecounter.requests.rate.60s;
  return(pass);
}
sub vcl_deliver {
  #FASTLY deliver
  set resp.http.X-Rate = req.http.X-Rate;
}
`;

test('a client over its limit gets 429 while others are served, and is served again once its penalty box TTL passes', async (t) => {
  let originRequests = 0;
  const { port } = await httpOrigin(t, (_req, res) => { originRequests++; res.end('from origin'); });
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: ['limited.example'], backends: [{ name: 'origin', address: '127.0.0.1', port }], vcl: VCL });
  const from = (client: string) => lq.edge('limited.example', { path: '/', headers: { 'x-client': client } });

  const first: string[] = [];
  for (let i = 0; i < 10; i++) { const r = await from('alice'); first.push(`${r.status} ${r.headers['x-rate']}`); }
  assert.deepEqual(first, Array.from({ length: 10 }, (_, i) => `200 ${(i + 1).toFixed(3)}`));
  const over = await from('alice');
  assert.equal(over.statusLine, 'HTTP/1.1 429 Too many requests');
  assert.equal((await from('alice')).status, 429, 'still in the penalty box');
  assert.equal((await from('bob')).status, 200, 'another entry is not limited');
  assert.equal(originRequests, 11);

  // The penalty box holds alice for 1 minute; move the clock past it (and past the counter's
  // 60 s window) rather than wait.
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
  t.mock.timers.tick(61_000);
  const after = await from('alice');
  assert.deepEqual([after.status, after.headers['x-rate']], [200, '1.000']);
});
