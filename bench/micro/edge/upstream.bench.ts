// The upstream exchange alone: the CPU one request to an origin and its response cost this
// process, with lacquer's UpstreamPools against the clients it is measured against, in the same
// run, on the same origin, with the same request fields:
//
//   node:http      http.request with a keep-alive Agent (what a bare node:http proxy uses)
//   undici request Pool.request, undici's everyday API (a Readable per response)
//   undici dispatch Pool.dispatch with a handler that keeps the chunks, undici's lowest layer
//                  (its own benchmarks' fastest row, benchmarks/benchmark.js "undici - dispatch")
//   lacquer        UpstreamPools.fetch, the edge's pass and miss path, a streamed body read
//                  through `body` (as the cache copier and the transforms read it)
//   lacquer deliverTo  the same, a streamed body written to a sink as it arrives (deliverTo,
//                  as edge/respond.ts delivers a pass nobody else reads); a 1 KB body comes whole
//                  either way, so this differs from `lacquer` only with --size 100k
//
// The origin is the edge bench's (bench/macro/lib/origin-server.ts) in its own process, so
// only the client's work is counted: user and system CPU of this process per exchange, kept
// apart because the system part is the kernel's loopback work, the same for every client.
// Rounds are interleaved; medians are printed with the spread.
//
//   node bench/micro/edge/upstream.bench.ts [--seconds 2] [--rounds 5] [--concurrency 16] [--size 1k|100k] [--post 10240]
//                                          [--clients node:http,undici request,undici dispatch,lacquer,lacquer deliverTo]

import { Buffer } from 'node:buffer';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { Pool, type Dispatcher } from 'undici';
import { Cleanup, startOrigin } from '../../macro/lib/index.ts';
import { applyServeV8Flags } from '../../../src/process/v8-flags.ts';
import { UpstreamPools } from '../../../src/edge/upstream/index.ts';
import { BACKEND_DEFAULTS, type BackendDefinition } from '../../../src/model/backend.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '16' },
    size: { type: 'string', default: '1k' },
    post: { type: 'string', default: '0' },
    clients: { type: 'string', default: 'node:http,undici request,undici dispatch,lacquer,lacquer deliverTo' },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const concurrency = Number(values.concurrency);
const urlPath = values.size === '100k' ? '/100k/pass' : '/1k/pass';
const postBytes = Number(values.post);
const requestBody = postBytes > 0 ? Buffer.alloc(postBytes, 'p') : null;
const method = requestBody === null ? 'GET' : 'POST';
const expectedBytes = values.size === '100k' ? 100 * 1024 : 1024;

// The fields a pass carries to the origin after the edge added its own (headers.ts).
const FIELDS: Record<string, string> = {
  host: 'pass.bench', 'user-agent': 'wrk', 'true-client-ip': '192.0.2.1', 'fastly-client-ip': '192.0.2.1',
  'x-forwarded-for': '192.0.2.1', 'cdn-loop': 'bench',
};

type Client = () => Promise<number>;

function nodeHttp(port: number): Client {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  return () => new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method, headers: requestBody === null ? FIELDS : { ...FIELDS, 'content-length': String(requestBody.length) }, agent }, (res) => {
      let n = 0;
      res.on('data', (c: Buffer) => { n += c.length; });
      res.on('end', () => resolve(n));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(requestBody ?? undefined);
  });
}

function undiciRequest(pool: Pool): Client {
  return async () => {
    const res = await pool.request({ path: urlPath, method, headers: FIELDS, body: requestBody });
    let n = 0;
    for await (const c of res.body) n += (c as Buffer).length;
    return n;
  };
}

function undiciDispatch(pool: Pool): Client {
  return () => new Promise((resolve, reject) => {
    let n = 0;
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart() {},
      onResponseStart() {},
      onResponseData(_c, chunk) { n += chunk.length; },
      onResponseEnd() { resolve(n); },
      onResponseError(_c, err) { reject(err); },
    };
    pool.dispatch({ origin: undefined, path: urlPath, method, headers: FIELDS, body: requestBody }, handler);
  });
}

function lacquer(pools: UpstreamPools, b: BackendDefinition): Client {
  return async () => {
    const res = await pools.fetch(b, { method, path: urlPath, headers: FIELDS, body: requestBody }, { clientIp: '192.0.2.1' });
    if (res.whole !== null) return res.whole.length;
    let n = 0;
    for await (const c of res.body) n += (c as Buffer).length;
    return n;
  };
}

function lacquerDeliverTo(pools: UpstreamPools, b: BackendDefinition): Client {
  return async () => {
    const res = await pools.fetch(b, { method, path: urlPath, headers: FIELDS, body: requestBody }, { clientIp: '192.0.2.1' });
    if (res.whole !== null) return res.whole.length;
    return new Promise((resolve) => {
      let n = 0;
      // A client socket that takes every write at once.
      res.deliverTo!({
        write: (c: Buffer) => { n += c.length; return true; },
        once: () => undefined,
        end: (c?: Buffer) => resolve(n + (c?.length ?? 0)),
        destroy: () => resolve(-1),
      });
    });
  };
}

/** Runs `concurrency` loops of exchanges for `ms`; returns exchanges and CPU µs (user, system) of this process. */
async function run(client: Client, ms: number): Promise<{ n: number; user: number; system: number }> {
  const cpu0 = process.cpuUsage();
  const until = performance.now() + ms;
  let n = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < until) {
      const bytes = await client();
      if (bytes !== expectedBytes) throw new Error(`a response of ${bytes} bytes, not ${expectedBytes}`);
      n++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const cpu = process.cpuUsage(cpu0);
  return { n, user: cpu.user, system: cpu.system };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// The V8 settings `lacquer serve` runs with: without them V8 pretenures per-request objects and
// the numbers are a different process's.
applyServeV8Flags();
const cleanup = new Cleanup();
cleanup.installSignalHandlers();
const dir = mkdtempSync(path.join(os.tmpdir(), 'lacquer-upstream-bench-'));
try {
  const origin = await startOrigin(cleanup, dir, 1);
  const backend: BackendDefinition = {
    name: 'origin', shareKey: 'bench', dynamic: true, host: '127.0.0.1', port: origin.port, ssl: false,
    sslCertHostname: null, sslSniHostname: null, sslCheckCert: true, sslCaCert: null, minTlsVersion: null, maxTlsVersion: null,
    sslCiphers: null, connectTimeoutMs: BACKEND_DEFAULTS.connectTimeoutMs, firstByteTimeoutMs: BACKEND_DEFAULTS.firstByteTimeoutMs,
    betweenBytesTimeoutMs: BACKEND_DEFAULTS.betweenBytesTimeoutMs, maxConnections: BACKEND_DEFAULTS.maxConnections,
    hostHeader: null, alwaysUseHostHeader: false, keepaliveTimeMs: 60_000, preferIpv6: false, errorThreshold: 0, probe: null,
  };
  const pools = new UpstreamPools({ cdnId: 'bench' });
  const undiciPool = new Pool(`http://127.0.0.1:${origin.port}`, { connections: concurrency, keepAliveTimeout: 60_000 });
  const wanted = new Set(values.clients.split(','));
  const clients = ([
    ['node:http', nodeHttp(origin.port)],
    ['undici request', undiciRequest(undiciPool)],
    ['undici dispatch', undiciDispatch(undiciPool)],
    ['lacquer', lacquer(pools, backend)],
    ['lacquer deliverTo', lacquerDeliverTo(pools, backend)],
  ] as [string, Client][]).filter(([name]) => wanted.has(name));
  console.log(`${method} ${urlPath}${requestBody === null ? '' : ` with a ${postBytes}-byte body`}, ${concurrency} in flight, ${rounds} rounds of ${seconds} s, interleaved; CPU of this process per exchange`);
  for (const [, c] of clients) await run(c, 500); // warm-up: connections and JIT
  const results = new Map<string, { total: number[]; user: number[]; system: number[]; rate: number[] }>();
  for (let r = 0; r < rounds; r++) {
    for (const [name, c] of clients) {
      const m = await run(c, seconds * 1000);
      const e = results.get(name) ?? { total: [], user: [], system: [], rate: [] };
      e.total.push((m.user + m.system) / m.n);
      e.user.push(m.user / m.n);
      e.system.push(m.system / m.n);
      e.rate.push(m.n / seconds);
      results.set(name, e);
    }
  }
  const base = median((results.get('undici dispatch') ?? [...results.values()][0]).total);
  console.log(`${'client'.padEnd(16)} ${'exch/s'.padStart(7)} ${'µs CPU'.padStart(7)} ${'user'.padStart(6)} ${'system'.padStart(6)}  ${'÷ undici dispatch'.padStart(17)}  rounds (µs CPU)`);
  for (const [name, e] of results) {
    const total = median(e.total);
    console.log(`${name.padEnd(16)} ${median(e.rate).toFixed(0).padStart(7)} ${total.toFixed(1).padStart(7)} ${median(e.user).toFixed(1).padStart(6)} ${median(e.system).toFixed(1).padStart(6)}  ${(total / base).toFixed(2).padStart(16)}x  ${e.total.map((x) => x.toFixed(1)).join(' ')}`);
  }
  await pools.destroy();
  await undiciPool.destroy();
} finally {
  await cleanup.run();
  rmSync(dir, { recursive: true, force: true });
}
