// A client that pipelines requests and never reads the answers: what one connection may make a
// worker hold stays bounded, on the edge's own reader and on node:http, while the client keeps
// writing. Measured on the server's side of a real loopback connection.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { EdgeServer } from '../../../src/edge/server.ts';
import type { ClientRequest } from '../../../src/edge/http1/index.ts';

/** A cacheable object's body: one buffer every response shares, as the cache's is. */
const BODY = Buffer.alloc(16_000, 'x');
/** One 128-byte GET. */
const REQUEST = Buffer.from(`GET /object HTTP/1.1\r\nHost: a.example\r\nX-Pad: ${'p'.repeat(128 - 50)}\r\n\r\n`, 'latin1');
const BATCH = Buffer.concat(Array.from({ length: 256 }, () => REQUEST));
/** How much the client pipelines at most: 8,192 requests, 131 MB of answers if all were held. */
const CLIENT_BYTES = 1024 * 1024;

interface Sample {
  readonly answered: number;
  /** Responses begun and not yet handed whole to the socket (node:http queues pipelined ones). */
  readonly queued: number;
  readonly writableLength: number;
  /** Bytes read from the client beyond the requests answered: kept by the reader or the socket. */
  readonly unreadInput: number;
}

/** Starts an edge that answers BODY, pipelines at a paused client, and samples the server side for `ms`. */
async function flood(t: TestContext, fastPath: boolean, ms: number): Promise<Sample[]> {
  let socket: net.Socket | null = null;
  const readers = new Set<string>();
  let answered = 0;
  let finished = 0;
  const server = new EdgeServer({
    host: '127.0.0.1', port: 0, fastPath,
    handler: (req: ClientRequest, res) => {
      socket = req.socket as net.Socket;
      readers.add(req instanceof http.IncomingMessage ? 'node' : 'edge');
      answered++;
      res.once('close', () => { if (res.writableFinished) finished++; });
      res.writeHead(200, 'OK', { 'content-type': 'application/octet-stream', 'content-length': BODY.length, 'cache-control': 'max-age=3600' });
      res.end(BODY);
    },
  });
  const { port } = await server.listen();
  const client = net.connect(port, '127.0.0.1');
  client.pause();
  client.on('error', () => {});
  t.after(async () => {
    client.destroy();
    await server.drain();
  });
  let sent = 0;
  const pump = (): void => {
    while (sent < CLIENT_BYTES && !client.destroyed) {
      sent += BATCH.length;
      if (!client.write(BATCH)) return void client.once('drain', pump);
    }
  };
  client.once('connect', pump);
  const samples: Sample[] = [];
  const until = performance.now() + ms;
  while (performance.now() < until) {
    await new Promise((r) => setTimeout(r, 20));
    const s = socket as net.Socket | null;
    if (s === null) continue;
    samples.push({
      answered, queued: answered - finished, writableLength: s.writableLength,
      unreadInput: s.bytesRead - answered * REQUEST.length,
    });
  }
  assert.deepEqual([...readers], [fastPath ? 'edge' : 'node']);
  return samples;
}

const max = (samples: Sample[], key: keyof Sample): number => Math.max(...samples.map((s) => s[key]));

test('the edge\'s reader stops answering and reading while the client does not read: output and input stay bounded', async (t) => {
  const samples = await flood(t, true, 1500);
  // The bound ./connection.ts states (./connection.ts): the high-water mark (64 KiB) plus one response.
  assert.ok(max(samples, 'writableLength') <= 64 * 1024 + 17 * 1024, `unsent output reached ${max(samples, 'writableLength')} bytes`);
  // MAX_PENDING plus one read kept by the reader, and the paused socket's buffer plus one read.
  assert.ok(max(samples, 'unreadInput') <= 4 * 64 * 1024, `unread input reached ${max(samples, 'unreadInput')} bytes`);
  // Nothing was queued outside the socket, and the last half second answered nothing more.
  assert.equal(max(samples, 'queued'), 0);
  const late = samples.filter((_, i) => i >= samples.length - 20);
  assert.equal(late[0].answered, late[late.length - 1].answered, 'still answering a client that does not read');
  assert.ok(late[0].answered < CLIENT_BYTES / REQUEST.length, 'answered every request the client sent');
});

test('node:http, which reads what the edge hands it, also stops: at most one read of pipelined requests is queued', async (t) => {
  const samples = await flood(t, false, 1500);
  // node:http pauses once its unsent output passes the high-water mark, after answering the
  // rest of the read it is parsing (_http_server.js parserOnIncoming): one read is ≤ 64 KiB.
  const oneRead = Math.ceil(64 * 1024 / REQUEST.length);
  assert.ok(max(samples, 'queued') <= oneRead + 1, `${max(samples, 'queued')} responses queued`);
  assert.ok(max(samples, 'writableLength') <= 64 * 1024 + 17 * 1024, `unsent output reached ${max(samples, 'writableLength')} bytes`);
  const late = samples.filter((_, i) => i >= samples.length - 20);
  assert.equal(late[0].answered, late[late.length - 1].answered, 'still answering a client that does not read');
});
