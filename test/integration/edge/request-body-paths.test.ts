// Every path a request with a body can take besides lookup and pass: a restart sends a body held
// whole again and fails on one already streamed (Varnish: "Uncached req.body can only be
// consumed once", cache_req_body.c); a failed fetch and a synthetic answer read the body and
// drop it (Varnish VRB_Ignore), so the keep-alive connection stays usable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import { BODY_BUFFER_BYTES } from '../../../src/edge/request-body.ts';
import { closedPort, httpOrigin } from '../../edge/helpers.ts';
import { startEdgeStack } from '../harness.ts';
import { bodyEchoingOrigin, HOST, keepAliveAgent, send } from './body-client.ts';

test('a restart sends a body the edge holds whole again; one already streamed to an origin fails with 503', async (t) => {
  const primary: string[] = [];
  const spare: string[] = [];
  const record = (into: string[]) => (req: http.IncomingMessage, res: http.ServerResponse): void => {
    let bytes = 0;
    req.on('data', (c: Buffer) => { bytes += c.length; });
    req.on('end', () => {
      into.push(`${req.method ?? ''} ${req.headers['content-length'] ?? '-'} ${bytes}`);
      if (into === primary) res.writeHead(500).end('broken');
      else res.end(`spare got ${bytes}`);
    });
  };
  const { port: bad } = await httpOrigin(t, record(primary));
  const { port: good } = await httpOrigin(t, record(spare));
  const lq = await startEdgeStack(t);
  await lq.createService({
    domains: [HOST],
    backends: [{ name: 'primary', address: '127.0.0.1', port: bad }, { name: 'spare', address: '127.0.0.1', port: good }],
    vcl: `sub vcl_recv {
  #FASTLY recv
  if (req.restarts > 0) {
    set req.backend = F_spare;
  } else {
    set req.backend = F_primary;
  }
  return(pass);
}
sub vcl_fetch {
  #FASTLY fetch
  if (beresp.status >= 500 && req.restarts < 1) {
    restart;
  }
  return(deliver);
}
`,
  });
  const agent = keepAliveAgent(t);
  const small = await send(agent, lq, { method: 'POST', path: '/small', headers: { 'content-length': '9' }, body: 'a=1&b=two' });
  assert.deepEqual([small.status, small.body], [200, 'spare got 9']);
  const large = 'L'.repeat(BODY_BUFFER_BYTES + 1000);
  const big = await send(agent, lq, { method: 'POST', path: '/large', headers: { 'content-length': String(large.length) }, body: large });
  assert.deepEqual([big.status, big.body, big.reused], [503, '503 Request body already sent\n', true]);
  assert.deepEqual(primary, ['POST 9 9', `POST ${large.length} ${large.length}`]);
  assert.deepEqual(spare, ['POST 9 9']);
});

test('a restart after a fetch that failed before sending a long body sends it whole to the next backend', async (t) => {
  const { port: up, seen } = await bodyEchoingOrigin(t);
  const lq = await startEdgeStack(t);
  await lq.createService({
    domains: [HOST],
    backends: [{ name: 'down', address: '127.0.0.1', port: await closedPort() }, { name: 'up', address: '127.0.0.1', port: up }],
    vcl: `sub vcl_recv {
  #FASTLY recv
  if (req.restarts > 0) {
    set req.backend = F_up;
  } else {
    set req.backend = F_down;
  }
  return(pass);
}
sub vcl_error {
  #FASTLY error
  if (req.restarts < 1) {
    restart;
  }
  return(deliver);
}
`,
  });
  const large = 'R'.repeat(2 * BODY_BUFFER_BYTES);
  const r = await send(keepAliveAgent(t), lq, { method: 'POST', path: '/retry', headers: { 'content-length': String(large.length) }, body: large });
  assert.deepEqual([r.status, r.body.length], [200, `answer for ${large}`.length]);
  assert.deepEqual(seen.map((s) => [s.method, s.contentLength, s.body.length]), [['POST', String(large.length), large.length]]);
});

test('a fetch that fails before sending a long body: the 503 is answered and the body read, so the connection stays usable', async (t) => {
  const lq = await startEdgeStack(t);
  const { port: up } = await bodyEchoingOrigin(t);
  await lq.createService({
    domains: [HOST],
    backends: [{ name: 'down', address: '127.0.0.1', port: await closedPort() }, { name: 'up', address: '127.0.0.1', port: up }],
    vcl: `sub vcl_recv {
  #FASTLY recv
  if (req.url ~ "^/down") {
    set req.backend = F_down;
  } else {
    set req.backend = F_up;
  }
  return(pass);
}
`,
  });
  const agent = keepAliveAgent(t);
  // Far more than node:http and the kernel buffer for a connection: unless the edge reads it,
  // the client cannot finish sending it and the next request never starts.
  const large = 'D'.repeat(64 * BODY_BUFFER_BYTES);
  const failed = await send(agent, lq, { method: 'POST', path: '/down', headers: { 'content-length': String(large.length) }, body: large });
  assert.deepEqual([failed.status, failed.body], [503, '503 Connection refused\n']);
  const after = await send(agent, lq, { method: 'POST', path: '/up', headers: { 'content-length': '3' }, body: 'x=1' });
  assert.deepEqual(after, { status: 200, cache: 'PASS', body: 'answer for x=1', reused: true });
});

test('a synthetic answer to a request with a body (error in vcl_recv) reads the body, so the connection stays usable', async (t) => {
  const { port, seen } = await bodyEchoingOrigin(t);
  const lq = await startEdgeStack(t);
  await lq.createService({
    domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port }],
    vcl: `sub vcl_recv {
  #FASTLY recv
  if (req.url ~ "^/admin") {
    error 403 "Forbidden here";
  }
  return(pass);
}
`,
  });
  const agent = keepAliveAgent(t);
  const denied = await send(agent, lq, { method: 'POST', path: '/admin', headers: { 'content-length': '6' }, body: 'q=evil' });
  assert.deepEqual([denied.status, denied.body], [403, '403 Forbidden here\n']);
  const next = await send(agent, lq, { method: 'POST', path: '/open', headers: { 'content-length': '3' }, body: 'x=1' });
  assert.deepEqual(next, { status: 200, cache: 'PASS', body: 'answer for x=1', reused: true });
  assert.deepEqual(seen.map((s) => s.body), ['x=1']);
});
