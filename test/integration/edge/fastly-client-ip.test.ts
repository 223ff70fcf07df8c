// Fastly-Client-IP as VCL reads it: Fastly sets it to client.ip before vcl_recv
// (https://www.fastly.com/documentation/reference/http/http-headers/Fastly-Client-IP/), and
// lacquer replaces a value the client sent, as that page tells every service to do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpOrigin } from '../../edge/helpers.ts';
import { startEdgeStack } from '../harness.ts';

const VCL = `
sub vcl_recv {
  #FASTLY recv
  set req.http.X-Seen-Client-IP = req.http.Fastly-Client-IP;
  return(pass);
}
sub vcl_deliver {
  #FASTLY deliver
  set resp.http.X-Seen-Client-IP = req.http.X-Seen-Client-IP;
}
`;

test('vcl_recv reads Fastly-Client-IP as the client address, also when the client sent its own', async (t) => {
  const { port } = await httpOrigin(t, (req, res) => res.end(String(req.headers['fastly-client-ip'])));
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: ['ip.example'], backends: [{ name: 'origin', address: '127.0.0.1', port }], vcl: VCL });
  const plain = await lq.edge('ip.example', { path: '/' });
  assert.deepEqual([plain.headers['x-seen-client-ip'], plain.body], ['127.0.0.1', '127.0.0.1']);
  const spoofed = await lq.edge('ip.example', { path: '/', headers: { 'fastly-client-ip': '203.0.113.9' } });
  assert.deepEqual([spoofed.headers['x-seen-client-ip'], spoofed.body], ['127.0.0.1', '127.0.0.1']);
});
