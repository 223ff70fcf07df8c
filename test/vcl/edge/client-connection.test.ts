// client.port and client.requests at the edge: the client's TCP port, and the number of requests
// its connection has carried, this one included (Fastly's client-connection variables).
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { startEdgeStack } from '../../integration/harness.ts';
import { origin, send } from '../../integration/cache/origin.ts';

function get(port: number, agent: http.Agent, path: string): Promise<{ headers: http.IncomingHttpHeaders; localPort: number }> {
  return new Promise((resolve, reject) => {
    const r = http.request({ host: '127.0.0.1', port, path, agent, headers: { host: 'conn.example' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ headers: res.headers, localPort: r.socket?.localPort ?? -1 }));
    });
    r.on('error', reject);
    r.end();
  });
}

test('client.requests counts the requests of one keep-alive connection, and client.port is the client\'s port', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, (_req, res) => send(res, { 'cache-control': 'max-age=60' }, 'ok'));
  await lq.createService({
    domains: ['conn.example'],
    backends: [{ name: 'o', address: '127.0.0.1', port: o.port }],
    vcl: 'sub vcl_deliver {\n#FASTLY deliver\n  set resp.http.X-Requests = client.requests;\n  set resp.http.X-Port = client.port;\n}',
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  const seen = [];
  for (const path of ['/a', '/b', '/c']) {
    const r = await get(lq.edgePort, agent, path);
    seen.push([r.headers['x-requests'], r.headers['x-port'] === String(r.localPort)]);
  }
  assert.deepEqual(seen, [['1', true], ['2', true], ['3', true]]);
  const fresh = await lq.edge('conn.example', { path: '/d' });
  assert.equal(fresh.headers['x-requests'], '1');
});
