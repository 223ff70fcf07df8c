// What the origin sees of a client's request (DESIGN.md §4.4): Host per the backend's override
// rules, True-Client-IP and Fastly-Client-IP from the socket, X-Forwarded-For and CDN-Loop appended, loops refused.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { httpOrigin } from '../../edge/helpers.ts';
import { startEdgeStack } from '../harness.ts';

const HOST = 'hdr.example';

/** An origin that answers with the request headers it received, as JSON; `seen` counts requests. */
async function echoOrigin(t: TestContext): Promise<{ port: number; seen: IncomingHttpHeaders[] }> {
  const seen: IncomingHttpHeaders[] = [];
  const { port } = await httpOrigin(t, (req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.headers));
  });
  return { port, seen };
}

function vclBackend(port: number, extra: string): string {
  return `backend origin {
  .dynamic = true;
  .share_key = "hdrtest";
  .host = "127.0.0.1";
  .port = "${port}";
${extra}}
`;
}

async function hostSeen(t: TestContext, vcl: string, clientHost = HOST): Promise<string | undefined> {
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [], vcl });
  const r = await lq.edge(clientHost);
  assert.equal(r.statusLine, 'HTTP/1.1 200 OK', r.body);
  return (JSON.parse(r.body) as IncomingHttpHeaders).host;
}

const RECV_UNSET_HOST = 'sub vcl_recv {\n  #FASTLY recv\n  unset req.http.host;\n  return(pass);\n}\n';
const RECV_PASS = 'sub vcl_recv {\n  #FASTLY recv\n  return(pass);\n}\n';

test('Host: the client\'s Host is forwarded when the backend sets no override', async (t) => {
  const origin = await echoOrigin(t);
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port: origin.port }] });
  const r = await lq.edge(`${HOST}:8080`);
  assert.equal((JSON.parse(r.body) as IncomingHttpHeaders).host, `${HOST}:8080`);
});

test('Host: an API backend\'s override_host replaces the client\'s Host', async (t) => {
  const origin = await echoOrigin(t);
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port: origin.port, override_host: 'bucket.storage.test' }] });
  const r = await lq.edge(HOST);
  assert.equal((JSON.parse(r.body) as IncomingHttpHeaders).host, 'bucket.storage.test');
});

test('Host: .host_header alone leaves a request that has a Host alone', async (t) => {
  const origin = await echoOrigin(t);
  assert.equal(await hostSeen(t, vclBackend(origin.port, '  .host_header = "hh.test";\n') + RECV_PASS), HOST);
});

test('Host: .host_header fills in a Host that VCL removed', async (t) => {
  const origin = await echoOrigin(t);
  assert.equal(await hostSeen(t, vclBackend(origin.port, '  .host_header = "hh.test";\n') + RECV_UNSET_HOST), 'hh.test');
});

test('Host: .always_use_host_header = true always sends .host_header', async (t) => {
  const origin = await echoOrigin(t);
  assert.equal(await hostSeen(t, vclBackend(origin.port, '  .host_header = "hh.test";\n  .always_use_host_header = true;\n') + RECV_PASS), 'hh.test');
});

test('Host: without Host and without .host_header the origin gets the backend address and port', async (t) => {
  const origin = await echoOrigin(t);
  assert.equal(await hostSeen(t, vclBackend(origin.port, '') + RECV_UNSET_HOST), `127.0.0.1:${origin.port}`);
});

test('a spoofed True-Client-IP or Fastly-Client-IP is replaced, X-Forwarded-For and CDN-Loop are appended, hop-by-hop fields dropped', async (t) => {
  const origin = await echoOrigin(t);
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port: origin.port }] });
  // A GET is read by the edge's own reader, a POST with a body by node:http: both are checked.
  for (const extra of [{}, { method: 'POST', body: 'form=1' }]) {
    const r = await lq.edge(HOST, {
      ...extra,
      headers: {
        'true-client-ip': '198.51.100.66', 'fastly-client-ip': '198.51.100.67', 'x-forwarded-for': '203.0.113.7', 'cdn-loop': 'other-cdn',
        connection: 'keep-alive, x-private', 'x-private': 'secret', 'x-kept': 'yes',
      },
    });
    assert.equal(r.statusLine, 'HTTP/1.1 200 OK');
    const seen = JSON.parse(r.body) as IncomingHttpHeaders;
    assert.equal(seen['true-client-ip'], '127.0.0.1');
    assert.equal(seen['fastly-client-ip'], '127.0.0.1');
    assert.equal(seen['x-forwarded-for'], '203.0.113.7, 127.0.0.1');
    assert.equal(seen['cdn-loop'], `other-cdn, lacquer-${lq.pop}`);
    assert.equal(seen['x-private'], undefined);
    assert.equal(seen['x-kept'], 'yes');
  }
  assert.deepEqual(origin.seen.map((h) => h['content-length'] ?? null), [null, '6']);
});

test('a request whose CDN-Loop already names this POP twice is refused with 508 without reaching the origin', async (t) => {
  const origin = await echoOrigin(t);
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port: origin.port }] });
  const id = `lacquer-${lq.pop}`;
  const once = await lq.edge(HOST, { headers: { 'cdn-loop': id } });
  assert.equal(once.statusLine, 'HTTP/1.1 200 OK');
  assert.equal((JSON.parse(once.body) as IncomingHttpHeaders)['cdn-loop'], `${id}, ${id}`);

  const looped = await lq.edge(HOST, { headers: { 'cdn-loop': `${id}, other; x=1, ${id.toUpperCase()}` } });
  assert.equal(looped.statusLine, 'HTTP/1.1 508 Loop Detected');
  assert.equal(origin.seen.length, 1);
});

test('a service whose backend is the edge itself stops at the third pass with 508 Loop Detected', async (t) => {
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'self', address: '127.0.0.1', port: lq.edgePort }] });
  const r = await lq.edge(HOST);
  assert.equal(r.statusLine, 'HTTP/1.1 508 Loop Detected');
});
