// Protecting users from origin failure (DESIGN.md §4.4): a cached copy is served
// `X-Cache: STALE` while the origin is down, within its stale-if-error window; without a usable
// copy the client gets the 503 with Fastly's reason.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { startEdgeStack, type EdgeReply, type Lacquer, type ServiceSpec } from '../harness.ts';
import { origin, send, sleep } from './origin.ts';

const reason = (r: EdgeReply): string => r.statusLine;

/** Creates a service like `createService`, with general.* settings stored before activation. */
async function serviceWithSettings(lq: Lacquer, spec: ServiceSpec, settings: Record<string, unknown>): Promise<string> {
  const created = await lq.apiOk('POST', '/service', { name: spec.domains[0] }) as { id: string };
  await lq.fill(created.id, 1, spec);
  await lq.apiOk('PUT', `/service/${created.id}/version/1/settings`, settings);
  await lq.activate(created.id, 1);
  return created.id;
}

test('origin killed: a cached URL is served STALE with 200; an uncached URL gets 503 Connection refused, then 503 Backend is unhealthy once probes mark it sick', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, (req, res) => {
    // max-age=0: every request goes to the origin, and the copy is kept for stale-if-error
    // (general.stale_if_error_ttl, 43200 s by default).
    send(res, { 'cache-control': 'max-age=0' }, `page ${req.url ?? ''}`);
  });
  await lq.createService({
    domains: ['s.example'],
    // Two failed probes in a row mark the backend sick: the first request after the kill
    // comes at least one interval before that can happen.
    healthchecks: [{ name: 'hc', path: '/health', check_interval: 1000, timeout: 300, window: 2, threshold: 1, initial: 2 }],
    backends: [{ name: 'o', address: '127.0.0.1', port: o.port, healthcheck: 'hc' }],
  });

  const first = await lq.edge('s.example', { path: '/page' });
  assert.equal(first.headers['x-cache'], 'MISS');
  assert.equal(first.body, 'page /page');
  await o.kill();

  const stale = await lq.edge('s.example', { path: '/page' });
  assert.equal(reason(stale), 'HTTP/1.1 200 OK');
  assert.equal(stale.headers['x-cache'], 'STALE');
  assert.equal(stale.body, 'page /page');

  const refused = await lq.edge('s.example', { path: '/never-cached' });
  assert.equal(reason(refused), 'HTTP/1.1 503 Connection refused');
  assert.equal(refused.headers['x-cache'], 'MISS');

  // Poll until the probes mark the backend sick; every answer before that is Connection refused.
  const seen: string[] = [];
  const deadline = Date.now() + 8_000;
  for (;;) {
    const r = await lq.edge('s.example', { path: '/never-cached' });
    seen.push(reason(r));
    if (reason(r) !== 'HTTP/1.1 503 Connection refused' || Date.now() > deadline) break;
    await sleep(50);
  }
  assert.equal(seen.at(-1), 'HTTP/1.1 503 Backend is unhealthy', `answers while waiting: ${[...new Set(seen)].join(', ')}`);

  const staleWhileSick = await lq.edge('s.example', { path: '/page' });
  assert.equal(reason(staleWhileSick), 'HTTP/1.1 200 OK');
  assert.equal(staleWhileSick.headers['x-cache'], 'STALE');
  assert.equal(staleWhileSick.body, 'page /page');
  assert.equal(o.count('/page'), 1);
});

test('a stale copy past its stale-if-error window is not served: the client gets the 503', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, (req, res) => send(res, { 'cache-control': 'max-age=0, stale-if-error=1' }, `page ${req.url ?? ''}`));
  await lq.createService({ domains: ['w.example'], backends: [{ name: 'o', address: '127.0.0.1', port: o.port }] });

  assert.equal((await lq.edge('w.example', { path: '/p' })).headers['x-cache'], 'MISS');
  await o.kill();
  const within = await lq.edge('w.example', { path: '/p' });
  assert.equal(within.headers['x-cache'], 'STALE');
  assert.equal(within.body, 'page /p');

  await sleep(1_100);
  const after = await lq.edge('w.example', { path: '/p' });
  assert.equal(reason(after), 'HTTP/1.1 503 Connection refused');
});

test('general.stale_if_error_ttl bounds the stale window when the response states none; general.stale_if_error off serves no stale copy', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, (req, res) => send(res, { 'cache-control': 'max-age=0' }, `page ${req.url ?? ''}`));
  const backends = [{ name: 'o', address: '127.0.0.1', port: o.port }];
  await serviceWithSettings(lq, { domains: ['ttl1.example'], backends }, { 'general.stale_if_error_ttl': 1 });
  await serviceWithSettings(lq, { domains: ['off.example'], backends }, { 'general.stale_if_error': false });

  assert.equal((await lq.edge('ttl1.example', { path: '/p' })).headers['x-cache'], 'MISS');
  assert.equal((await lq.edge('off.example', { path: '/p' })).headers['x-cache'], 'MISS');
  await o.kill();

  assert.equal((await lq.edge('ttl1.example', { path: '/p' })).headers['x-cache'], 'STALE');
  assert.equal(reason(await lq.edge('off.example', { path: '/p' })), 'HTTP/1.1 503 Connection refused');
  await sleep(1_100);
  assert.equal(reason(await lq.edge('ttl1.example', { path: '/p' })), 'HTTP/1.1 503 Connection refused');
});

test('an origin answering 5xx does not replace a stale copy: STALE 200 is served instead', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, (req, res, n) => {
    if (n === 1 && req.url !== '/broken') send(res, { 'cache-control': 'max-age=0' }, 'good copy');
    else send(res, {}, 'origin broke', 500);
  });
  await lq.createService({ domains: ['5xx.example'], backends: [{ name: 'o', address: '127.0.0.1', port: o.port }] });

  assert.equal((await lq.edge('5xx.example', { path: '/' })).body, 'good copy');
  const r = await lq.edge('5xx.example', { path: '/' });
  assert.equal(reason(r), 'HTTP/1.1 200 OK');
  assert.equal(r.headers['x-cache'], 'STALE');
  assert.equal(r.body, 'good copy');
  assert.equal(o.count('/'), 2);
  // Without a copy the origin's own 500 is delivered.
  const broken = await lq.edge('5xx.example', { path: '/broken' });
  assert.equal(reason(broken), 'HTTP/1.1 500 Internal Server Error');
  assert.equal(broken.headers['x-cache'], 'MISS');
  assert.equal(broken.body, 'origin broke');
});

/**
 * A service with `vcl` in front of an origin whose /a is good once (max-age=0) and then marked
 * X-Broken, and whose /b is broken from the start. Checks that /a's first answer is cached and
 * its second is served STALE, and returns the answer for /b, which has no copy to fall back on.
 */
async function brokenOriginScenario(t: TestContext, domain: string, vcl: string): Promise<EdgeReply> {
  const lq = await startEdgeStack(t);
  const o = await origin(t, (req, res, n) => {
    const broken = n > 1 || req.url === '/b';
    send(res, { 'cache-control': 'max-age=0', ...(broken ? { 'x-broken': '1' } : {}) }, `version ${n}`);
  });
  await lq.createService({ domains: [domain], backends: [{ name: 'o', address: '127.0.0.1', port: o.port }], vcl });

  assert.equal((await lq.edge(domain, { path: '/a' })).body, 'version 1');
  const stale = await lq.edge(domain, { path: '/a' });
  assert.equal(reason(stale), 'HTTP/1.1 200 OK');
  assert.equal(stale.headers['x-cache'], 'STALE');
  assert.equal(stale.body, 'version 1');
  return lq.edge(domain, { path: '/b' });
}

test('return(deliver_stale) in vcl_error serves the stale copy after vcl_fetch raised an error; without a copy the synthetic error is sent', async (t) => {
  const synthetic = await brokenOriginScenario(t, 'ds.example', `
sub vcl_fetch {
  #FASTLY fetch
  if (beresp.http.X-Broken) {
    error 503 "origin sent a broken page";
  }
  return(deliver);
}
sub vcl_error {
  #FASTLY error
  if (obj.status == 503) {
    return(deliver_stale);
  }
  return(deliver);
}
`);
  assert.equal(reason(synthetic), 'HTTP/1.1 503 origin sent a broken page');
});

test("Fastly's serve-stale VCL: vcl_fetch returns deliver_stale when stale.exists, else raises its own error", async (t) => {
  const none = await brokenOriginScenario(t, 'se.example', `
sub vcl_fetch {
  #FASTLY fetch
  if (beresp.http.X-Broken) {
    if (stale.exists) {
      return(deliver_stale);
    }
    error 503 "broken, and nothing stale";
  }
  return(deliver);
}
`);
  assert.equal(reason(none), 'HTTP/1.1 503 broken, and nothing stale');
});
