// req.body and req.body.base64 at the edge: a body of at most 8 KB is what VCL reads in
// vcl_recv (Fastly's limit), a longer one reads as empty; either way the origin still gets the
// whole body, and a service whose VCL does not read req.body is not changed by it.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { startEdgeStack } from '../../integration/harness.ts';
import { origin } from '../../integration/cache/origin.ts';

test('req.body reads a body of up to 8 KB in vcl_recv, empty above, and the origin gets every body whole', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => { res.writeHead(200, { 'x-origin-length': String(Buffer.concat(chunks).length) }); res.end('ok'); });
  });
  await lq.createService({
    domains: ['body.example'],
    backends: [{ name: 'o', address: '127.0.0.1', port: o.port }],
    vcl: [
      'sub vcl_recv {',
      '#FASTLY recv',
      '  set req.http.X-Body-Length = std.strlen(req.body);',
      '  set req.http.X-Body-B64 = req.body.base64;',
      '  if (req.body ~ "^action=block") { error 403 "Blocked by body"; }',
      '  return(pass);',
      '}',
      'sub vcl_deliver {',
      '#FASTLY deliver',
      '  set resp.http.X-Body-Length = req.http.X-Body-Length;',
      '  set resp.http.X-Body-B64 = req.http.X-Body-B64;',
      '}',
    ].join('\n'),
  });
  const small = await lq.edge('body.example', { method: 'POST', path: '/form', body: 'a=1&b=2', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.deepEqual([small.status, small.headers['x-body-length'], small.headers['x-body-b64'], small.headers['x-origin-length']], [200, '7', 'YT0xJmI9Mg==', '7']);
  const blocked = await lq.edge('body.example', { method: 'POST', path: '/form', body: 'action=block' });
  assert.equal(blocked.status, 403);
  const limit = await lq.edge('body.example', { method: 'POST', path: '/up', body: 'x'.repeat(8192) });
  assert.deepEqual([limit.headers['x-body-length'], limit.headers['x-origin-length']], ['8192', '8192']);
  const large = await lq.edge('body.example', { method: 'POST', path: '/up', body: 'x'.repeat(8193) });
  assert.deepEqual([large.status, large.headers['x-body-length'], large.headers['x-body-b64'], large.headers['x-origin-length']], [200, '0', '', '8193']);
  const huge = await lq.edge('body.example', { method: 'POST', path: '/up', body: 'y'.repeat(200_000) });
  assert.deepEqual([huge.status, huge.headers['x-body-length'], huge.headers['x-origin-length']], [200, '0', '200000']);
  const chunked = await lq.edge('body.example', { method: 'POST', path: '/chunked', body: Readable.from([Buffer.from('a=1'), Buffer.from('&c=3')]) });
  assert.deepEqual([chunked.headers['x-body-length'], chunked.headers['x-origin-length']], ['7', '7']);
  const none = await lq.edge('body.example', { path: '/get' });
  assert.deepEqual([none.status, none.headers['x-body-length']], [200, '0']);
});
