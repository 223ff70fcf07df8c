// A passed body that streams (longer than the read it started in) goes from the origin's reads
// straight to the client's socket (UpstreamResponse.deliverTo): whole and byte for byte when it
// completes, and, when it is cut short, delivered as far as it came on a connection that is then
// closed, so the client never takes it for the whole (RFC 9112 §8).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { httpOrigin } from '../../edge/helpers.ts';
import { startEdgeStack } from '../harness.ts';

const HOST = 'passstream.example';
const PASS = 'sub vcl_recv {\n  #FASTLY recv\n  return(pass);\n}\n';

/** 300 000 letters that differ from one position to the next, so a reordered or repeated piece shows. */
const BODY = Buffer.from(Array.from({ length: 300_000 }, (_, i) => 0x61 + ((i * 7 + (i >> 8)) % 26)));
const sha = (b: Buffer | string): string => createHash('sha256').update(typeof b === 'string' ? Buffer.from(b, 'latin1') : b).digest('hex');

test('a passed body of many reads reaches the client whole and byte for byte, with its Content-Length or chunked', async (t) => {
  const { port } = await httpOrigin(t, (req, res) => {
    if (req.url === '/chunked') res.writeHead(200, { 'content-type': 'application/octet-stream' });
    else res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(BODY.length) });
    // In pieces with pauses between them, so the body arrives in several reads.
    let at = 0;
    const next = (): void => {
      if (at >= BODY.length) {
        res.end();
        return;
      }
      res.write(BODY.subarray(at, at + 50_000));
      at += 50_000;
      setTimeout(next, 5);
    };
    next();
  });
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port }], vcl: PASS });

  for (const path of ['/length', '/chunked']) {
    const r = await lq.edge(HOST, { path });
    assert.deepEqual([r.status, r.headers['x-cache'], r.complete, Buffer.byteLength(r.body, 'latin1'), sha(r.body)], [200, 'PASS', true, BODY.length, sha(BODY)], path);
  }
});

test('a passed body cut short is delivered as far as it came, and the client\'s connection closed before the message is complete', async (t) => {
  const { port } = await httpOrigin(t, (req, res) => {
    res.writeHead(200, { 'content-length': '100000' });
    res.write(Buffer.alloc(30_000, 'a'));
    setTimeout(() => req.socket.destroy(), 50);
  });
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port }], vcl: PASS });

  // A keep-alive client: only the edge closing the connection tells it the body was cut short.
  const socket = net.connect(lq.edgePort, '127.0.0.1');
  t.after(() => socket.destroy());
  socket.write(`GET /cut HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`);
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  const closed = await Promise.race([once(socket, 'close').then(() => true), sleep(5_000).then(() => false)]);
  const text = Buffer.concat(chunks).toString('latin1');
  const head = text.slice(0, text.indexOf('\r\n\r\n') + 4);
  assert.deepEqual([closed, head.split('\r\n')[0], /content-length: 100000\r\n/i.test(head), text.length - head.length], [true, 'HTTP/1.1 200 OK', true, 30_000]);
  // The edge is still well: the next request is answered the same way.
  const again = await lq.edge(HOST, { path: '/cut' });
  assert.deepEqual([again.status, again.complete, again.body.length], [200, false, 30_000]);
});
