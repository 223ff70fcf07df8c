// A 1 KB cache hit through the edge's own HTTP/1.1 connection, without a kernel: wrk's request
// bytes go into a FastConnection over a stand-in socket, the real Pipeline answers from cache,
// and FastResponse serialises the response into the stand-in's write(). Compared in the same
// run with a bare handler on the same connection writing the same status, fields and body, so
// the ratio is the request path's cost on top of reading and writing (docs/benchmarks.md).
//   node bench/micro/edge/hit-connection.bench.ts [--requests 300000]
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import { parseArgs } from 'node:util';
import { FastConnection, type ClientRequest, type ClientResponse } from '../../../src/edge/http1/index.ts';
import { BODY, hitRuntime, ORIGIN_HEADERS } from './hit-fixture.ts';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '300000' } } });
const requests = Number(values.requests);

const runtime = hitRuntime();

/** What FastConnection uses of a net.Socket; every write is taken at once, as on an idle socket. */
class StandInSocket extends EventEmitter {
  readonly remoteAddress = '127.0.0.1';
  readonly writableNeedDrain = false;
  writes = 0;
  last: Buffer | string = '';
  write(chunk: Buffer | string): boolean {
    this.writes++;
    this.last = chunk;
    return true;
  }
  cork(): void {}
  uncork(): void {}
  isPaused(): boolean { return false; }
  resume(): this { return this; }
  pause(): this { return this; }
  end(): this { return this; }
  destroy(): this { return this; }
}

const STATIC_HEADERS = { ...ORIGIN_HEADERS, 'accept-ranges': 'bytes', age: '0', 'x-cache-hits': '1', 'x-served-by': 'bench', 'x-cache': 'HIT' };
const bare = (_req: ClientRequest, res: ClientResponse): void => {
  res.writeHead(200, 'OK', { ...STATIC_HEADERS });
  res.end(BODY);
};

const REQUEST = 'GET /a HTTP/1.1\r\nHost: hit.test\r\n\r\n';

async function measure(label: string, handler: (req: ClientRequest, res: ClientResponse) => void): Promise<number> {
  const socket = new StandInSocket();
  new FastConnection(socket as unknown as net.Socket, {
    handler, handOff: () => { throw new Error('handed to node:http'); }, keepAliveTimeoutMs: 60_000, idleSweeps: 60, ended: () => {},
  });
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < requests; i++) {
    // A new Buffer per request, as Node's socket hands the reader one per read.
    socket.emit('data', Buffer.from(REQUEST, 'latin1'));
    if (i % 100 === 99) await new Promise((r) => setImmediate(r));
  }
  const cpu = process.cpuUsage(cpu0);
  if (socket.writes !== requests) throw new Error(`${label}: ${requests} requests, ${socket.writes} writes`);
  const text = Buffer.isBuffer(socket.last) ? socket.last.toString('latin1') : socket.last;
  if (!text.startsWith('HTTP/1.1 200 OK\r\n') || !text.includes('\r\nx-cache: HIT\r\n')) throw new Error(`${label}: not a cache hit:\n${text.slice(0, 400)}`);
  const us = (cpu.user + cpu.system) / requests;
  console.log(`${label.padEnd(34)} ${us.toFixed(2).padStart(6)} µs CPU per request`);
  return us;
}

await measure('warm-up (pipeline)', runtime.pipeline.handle);
await measure('warm-up (bare)', bare);
const b = await measure('bare handler, same response', bare);
const l = await measure('lacquer pipeline, 1 KB hit', runtime.pipeline.handle);
console.log(`lacquer ÷ bare: ${(l / b).toFixed(2)}× the CPU per request; the request path's own share ${(l - b).toFixed(2)} µs`);
runtime.pipeline.flushLog();
await runtime.upstream.destroy();
