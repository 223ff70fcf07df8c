// Requests that end unusually: a client that hangs up, VCL errors and restarts, passive health.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { closedPort, httpOrigin } from '../../edge/helpers.ts';
import { startEdgeStack, waitFor } from '../harness.ts';

const HOST = 'life.example';

test('a client that hangs up frees its max_conn slot and the origin request is abandoned', async (t) => {
  let arrived = 0;
  let originSawClose = false;
  const { port } = await httpOrigin(t, (req, res) => {
    arrived++;
    if (req.url === '/hang') {
      res.on('close', () => { originSawClose = true; });
      return;
    }
    res.end('next');
  });
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port, max_conn: 1 }] });

  const client = http.get({ host: '127.0.0.1', port: lq.edgePort, path: '/hang', headers: { host: HOST }, agent: false });
  client.on('error', () => {});
  await waitFor(() => arrived === 1, 5000, 'the first request reached the origin');
  client.destroy();
  await waitFor(() => originSawClose, 5000, 'the edge abandoned the origin request');

  const r = await lq.edge(HOST, { path: '/next' });
  assert.equal(r.statusLine, 'HTTP/1.1 200 OK');
  assert.equal(r.body, 'next');
});

test('error NNN in vcl_recv becomes a synthetic response shaped by vcl_error', async (t) => {
  let requests = 0;
  const { port } = await httpOrigin(t, (_req, res) => { requests++; res.end('origin'); });
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
sub vcl_error {
  #FASTLY error
  set obj.http.Content-Type = "text/html";
  set obj.http.X-Reason = obj.response;
  synthetic {"<h1>"} obj.status {"</h1>"};
  return(deliver);
}
`,
  });
  const r = await lq.edge(HOST, { path: '/admin/users' });
  assert.equal(r.statusLine, 'HTTP/1.1 403 Forbidden here');
  assert.equal(r.headers['content-type'], 'text/html');
  assert.equal(r.headers['x-reason'], 'Forbidden here');
  assert.equal(r.body, '<h1>403</h1>');
  assert.equal(requests, 0);
  assert.equal((await lq.edge(HOST, { path: '/public' })).body, 'origin');
});

test('a restart in vcl_fetch after a 5xx retries on another backend', async (t) => {
  const { port: bad } = await httpOrigin(t, (_req, res) => res.writeHead(500).end('broken'));
  const { port: good } = await httpOrigin(t, (req, res) => res.end(`good ${req.url ?? ''}`));
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
sub vcl_deliver {
  #FASTLY deliver
  set resp.http.X-Restarts = req.restarts;
  return(deliver);
}
`,
  });
  const r = await lq.edge(HOST, { path: '/item' });
  assert.equal(r.statusLine, 'HTTP/1.1 200 OK');
  assert.equal(r.body, 'good /item');
  assert.equal(r.headers['x-restarts'], '1');
});

test('error_threshold consecutive connection failures take the backend out before any probe notices', async (t) => {
  const lq = await startEdgeStack(t);
  // Declared in VCL: the API's error_threshold is not carried into the generated VCL yet.
  await lq.createService({
    domains: [HOST], backends: [],
    vcl: `backend origin {
  .dynamic = true;
  .share_key = "passive";
  .host = "127.0.0.1";
  .port = "${await closedPort()}";
  .error_threshold = 2;
}
sub vcl_recv {
  #FASTLY recv
  return(pass);
}
`,
  });
  const lines = [];
  for (let i = 0; i < 3; i++) lines.push((await lq.edge(HOST)).statusLine);
  assert.deepEqual(lines, ['HTTP/1.1 503 Connection refused', 'HTTP/1.1 503 Connection refused', 'HTTP/1.1 503 Backend is unhealthy']);
});

test('a request without a Host header (HTTP/1.0) is 404 Domain Not Found', async (t) => {
  const lq = await startEdgeStack(t);
  const socket = net.connect(lq.edgePort, '127.0.0.1');
  t.after(() => socket.destroy());
  socket.end('GET / HTTP/1.0\r\n\r\n');
  let raw = '';
  for await (const c of socket) raw += String(c);
  assert.equal(raw.split('\r\n')[0], 'HTTP/1.1 404 Domain Not Found');
});
