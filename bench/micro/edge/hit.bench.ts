// The edge's own cost of a cache hit, without sockets: a stored 1 KB object is served through
// the real Pipeline (VCL phases, lookup, serve, metrics, stats, access log) into a stand-in
// response object, and compared in the same run with a bare handler that writes the same
// status, headers and body into the same stand-in. The ratio is lacquer's overhead on top of
// what any Node server pays; Node's HTTP parsing and socket writes are not in either side.
//   node bench/micro/edge/hit.bench.ts [--seconds 3]
import { parseArgs } from 'node:util';
import type http from 'node:http';
import { BODY, hitRuntime, ORIGIN_HEADERS } from './hit-fixture.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '3' } } });
const seconds = Number(values.seconds);

const runtime = hitRuntime();

/** A stand-in for ServerResponse: keeps what a socket would be sent, counts responses. */
class Res {
  static ended = 0;
  static lastHeaders: unknown = null;
  headersSent = false;
  writableFinished = false;
  destroyed = false;
  statusCode = 0;
  writeHead(status: number, _reason: string, headers: unknown): this {
    this.statusCode = status;
    Res.lastHeaders = headers;
    this.headersSent = true;
    return this;
  }
  end(_body?: unknown): this {
    this.writableFinished = true;
    Res.ended++;
    return this;
  }
  once(): this { return this; }
  getHeader(): undefined { return undefined; }
  destroy(): void {}
}

function request(): http.IncomingMessage {
  return {
    method: 'GET', url: '/a', httpVersion: '1.1',
    headers: { host: 'hit.test', 'user-agent': 'wrk', accept: '*/*' },
    socket: { remoteAddress: '127.0.0.1' },
  } as unknown as http.IncomingMessage;
}

const STATIC_HEADERS = { ...ORIGIN_HEADERS, age: '0', 'x-cache-hits': '1', 'accept-ranges': 'bytes', 'x-served-by': 'bench', 'x-cache': 'HIT' };
const bare = (_req: http.IncomingMessage, res: http.ServerResponse): void => {
  res.writeHead(200, 'OK', { ...STATIC_HEADERS });
  res.end(BODY);
};

async function measure(label: string, handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  const startEnded = Res.ended;
  const cpu0 = process.cpuUsage();
  let sent = 0;
  while (performance.now() < deadline) {
    for (let i = 0; i < 1000; i++) handler(request(), new Res() as unknown as http.ServerResponse);
    sent += 1000;
    await new Promise((r) => setImmediate(r));
  }
  const cpu = process.cpuUsage(cpu0);
  const done = Res.ended - startEnded;
  if (done !== sent) throw new Error(`${label}: ${sent} requests, ${done} responses`);
  const us = (cpu.user + cpu.system) / done;
  console.log(`${label.padEnd(34)} ${(done / seconds).toFixed(0).padStart(8)} req/s   ${us.toFixed(2).padStart(6)} µs CPU per request`);
  return us;
}

// Warm up both, check that the pipeline really answers from cache, then measure.
await measure('warm-up (pipeline)', runtime.pipeline.handle);
const served = Res.lastHeaders as Record<string, string>;
if (served['x-cache'] !== 'HIT') throw new Error(`expected a cache hit, got ${JSON.stringify(served)}`);
await measure('warm-up (bare)', bare);
const b = await measure('bare handler, same response', bare);
const l = await measure('lacquer pipeline, 1 KB hit', runtime.pipeline.handle);
console.log(`lacquer ÷ bare: ${(l / b).toFixed(1)}× the CPU per request; lacquer's own share ${(l - b).toFixed(2)} µs`);
await runtime.upstream.destroy();
