// RFC 9112 §3.2 through a whole lacquer: an absolute-form target picks the service by its
// authority and reaches the origin in origin-form with that authority as Host; two Host fields
// never reach a service.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { httpOrigin } from '../../edge/helpers.ts';
import { startEdgeStack } from '../harness.ts';

/** Sends raw bytes and returns the whole answer (the request asks to close the connection). */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    let got = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => { got += c; });
    socket.on('error', reject);
    socket.on('close', () => resolve(got));
    socket.setTimeout(5000, () => { socket.destroy(); reject(new Error('no answer within 5 s')); });
  });
}

test('an absolute-form target is routed by its authority and forwarded in origin-form with that Host', async (t) => {
  const seen: string[] = [];
  const origin = (name: string) => httpOrigin(t, (req, res) => {
    seen.push(`${name} ${req.method} ${req.url} ${req.headers.host}`);
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': name.length, 'cache-control': 'no-store' }).end(name);
  });
  const hard = await origin('hard');
  const other = await origin('other');
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: ['hard.test'], backends: [{ name: 'origin', address: '127.0.0.1', port: hard.port }] });
  await lq.createService({ domains: ['other.test'], backends: [{ name: 'origin', address: '127.0.0.1', port: other.port }] });

  const answer = await raw(lq.edgePort, 'GET http://other.test/x?y=1 HTTP/1.1\r\nHost: hard.test\r\nConnection: close\r\n\r\n');
  assert.match(answer, /^HTTP\/1\.1 200 OK\r\n/);
  assert.ok(answer.endsWith('\r\n\r\nother'), JSON.stringify(answer));
  const twoHosts = await raw(lq.edgePort, 'GET /x HTTP/1.1\r\nHost: other.test\r\nHost: hard.test\r\nConnection: close\r\n\r\n');
  assert.match(twoHosts, /^HTTP\/1\.1 400 Bad Request\r\n/);
  assert.deepEqual(seen, ['other GET /x?y=1 other.test']);
});
