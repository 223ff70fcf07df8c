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

test('a keep-alive connection carries on after a 503 that left the request body unread', async (t) => {
  const { port } = await httpOrigin(t, (req, res) => {
    req.resume();
    req.on('end', () => res.end(`${req.method ?? ''} ok`));
  });
  const lq = await startEdgeStack(t);
  const sid = await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port }] });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  const send = (method: string, body?: Buffer) => new Promise<string>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: lq.edgePort, method, path: '/', agent, headers: { host: HOST } }, (res) => {
      const localPort = res.socket.localPort;
      let text = '';
      res.on('data', (c: Buffer) => { text += String(c); });
      res.on('end', () => resolve(`${res.statusCode ?? 0} ${res.statusMessage ?? ''} | ${text.trim()} | ${localPort ?? 0}`));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.end(body);
  });
  const first = await send('GET');
  const socketPort = first.split(' | ')[2];
  await lq.apiOk('PUT', `/service/${sid}/health/F_origin`, { state: 'sick' });
  const refused = await send('POST', Buffer.alloc(1_000_000, 'u'));
  await lq.apiOk('PUT', `/service/${sid}/health/F_origin`, { state: 'auto' });
  const after = await send('POST', Buffer.from('small'));
  assert.deepEqual([first, refused, after], [
    `200 OK | GET ok | ${socketPort}`,
    `503 Backend is unhealthy | 503 Backend is unhealthy | ${socketPort}`,
    `200 OK | POST ok | ${socketPort}`,
  ]);
});

test('204 and 304 answers pass through without a body', async (t) => {
  const { port } = await httpOrigin(t, (req, res) => {
    if (req.url === '/304') res.writeHead(304, { etag: '"v7"' }).end();
    else res.writeHead(204, { 'x-origin': 'yes' }).end();
  });
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port }] });
  const notModified = await lq.edge(HOST, { path: '/304', headers: { 'if-none-match': '"v7"' } });
  assert.deepEqual([notModified.statusLine, notModified.headers.etag, notModified.body, notModified.complete], ['HTTP/1.1 304 Not Modified', '"v7"', '', true]);
  const noContent = await lq.edge(HOST, { path: '/204' });
  assert.deepEqual([noContent.statusLine, noContent.headers['x-origin'], noContent.body, noContent.complete], ['HTTP/1.1 204 No Content', 'yes', '', true]);
});
