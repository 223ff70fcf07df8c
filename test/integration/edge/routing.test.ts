// Routing scenarios (DESIGN.md §4.4): the Host header picks the service, VCL picks the backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpOrigin } from '../../edge/helpers.ts';
import { startEdgeStack, waitFor } from '../harness.ts';

/** An origin that names itself and echoes the URL it was asked for. */
async function namedOrigin(t: Parameters<typeof httpOrigin>[0], name: string): Promise<number> {
  const { port } = await httpOrigin(t, (req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'x-origin': name });
    res.end(`${name} ${req.url ?? ''}`);
  });
  return port;
}

test('the Host header selects the service; an unknown host is 404 Domain Not Found', async (t) => {
  const lq = await startEdgeStack(t);
  const a = await namedOrigin(t, 'origin-a');
  const b = await namedOrigin(t, 'origin-b');
  await lq.createService({ domains: ['a.example'], backends: [{ name: 'a', address: '127.0.0.1', port: a }] });
  await lq.createService({ domains: ['b.example', 'www.b.example'], backends: [{ name: 'b', address: '127.0.0.1', port: b }] });

  const ra = await lq.edge('a.example', { path: '/one' });
  assert.equal(ra.statusLine, 'HTTP/1.1 200 OK');
  assert.equal(ra.body, 'origin-a /one');
  assert.equal(ra.headers['x-served-by'], lq.pop);
  assert.equal(ra.headers['x-cache'], 'MISS');

  const rb = await lq.edge('WWW.B.Example:8080', { path: '/two?x=1' });
  assert.equal(rb.statusLine, 'HTTP/1.1 200 OK');
  assert.equal(rb.body, 'origin-b /two?x=1');

  const unknown = await lq.edge('c.example', { path: '/' });
  assert.equal(unknown.statusLine, 'HTTP/1.1 404 Domain Not Found');
  assert.equal(unknown.headers['content-type'], 'text/plain; charset=utf-8');
  assert.equal(unknown.body, '404 Domain Not Found: no service has the domain "c.example"\n');
});

test('custom VCL routes by URL prefix with set req.backend', async (t) => {
  const lq = await startEdgeStack(t);
  const web = await namedOrigin(t, 'web');
  const api = await namedOrigin(t, 'api');
  const vcl = `
sub vcl_recv {
  #FASTLY recv
  if (req.url ~ "^/api/") {
    set req.backend = F_api;
    set req.url = regsub(req.url, "^/api", "");
  } else {
    set req.backend = F_web;
  }
  return(pass);
}
sub vcl_deliver {
  #FASTLY deliver
  set resp.http.X-Backend-Chosen = if(req.url ~ "^/v1", "api", "web");
  return(deliver);
}
`;
  await lq.createService({
    domains: ['shop.example'],
    backends: [{ name: 'web', address: '127.0.0.1', port: web }, { name: 'api', address: '127.0.0.1', port: api }],
    vcl,
  });

  const r1 = await lq.edge('shop.example', { path: '/api/v1/items' });
  assert.equal(r1.statusLine, 'HTTP/1.1 200 OK');
  assert.equal(r1.body, 'api /v1/items');
  assert.equal(r1.headers['x-origin'], 'api');
  assert.equal(r1.headers['x-backend-chosen'], 'api');

  const r2 = await lq.edge('shop.example', { path: '/index.html' });
  assert.equal(r2.body, 'web /index.html');
  assert.equal(r2.headers['x-backend-chosen'], 'web');
});

test('deactivating the active version takes the domain off the edge; activating another moves it', async (t) => {
  const one = await namedOrigin(t, 'one');
  const two = await namedOrigin(t, 'two');
  const lq = await startEdgeStack(t);
  const first = await lq.createService({ domains: ['move.example'], backends: [{ name: 'one', address: '127.0.0.1', port: one }] });
  assert.equal((await lq.edge('move.example')).body, 'one /');

  await lq.apiOk('PUT', `/service/${first}/version/1/deactivate`);
  await waitFor(() => lq.running.published(first) === null, 5000, 'the edge dropped the service');
  assert.equal((await lq.edge('move.example')).statusLine, 'HTTP/1.1 404 Domain Not Found');

  await lq.createService({ domains: ['move.example'], backends: [{ name: 'two', address: '127.0.0.1', port: two }] });
  assert.equal((await lq.edge('move.example')).body, 'two /');
});
