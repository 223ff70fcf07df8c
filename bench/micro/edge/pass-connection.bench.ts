// A 1 KB pass through the edge's own HTTP/1.1 connection: wrk's request bytes go into a
// FastConnection over a stand-in client socket, the real Pipeline runs a service whose vcl_recv
// returns pass, and the real UpstreamPools fetches from the edge bench's origin
// (bench/macro/lib/origin-server.ts), which runs in its own process so its CPU is not counted.
// What is measured is this process's CPU per request, user and system apart: the system part is
// the kernel's work on the upstream socket only (the client socket is a stand-in), the user part
// is everything lacquer and Node do for a pass. Compared in the same run with the 1 KB hit on the
// same stand-in connection, so the difference is what going to the origin costs, and with two
// bare proxies on the same connection and origin, which run no pipeline, no VCL and no log:
//   node-proxy   the handler a bare node:http proxy has: http.request on a keep-alive Agent,
//                the body collected, the origin's status and fields written with it;
//   own-proxy    the same handler on lacquer's UpstreamPools.fetch (the upstream exchange alone).
// So pass − own-proxy is the request path's share (pipeline, VCL, header rules, log), and
// own-proxy − node-proxy what the exchange saves or costs against Node's own client.
// `--cpu-prof FILE` writes a V8 CPU profile of the measured rounds only (not the start-up).
//   node bench/micro/edge/pass-connection.bench.ts [--seconds 3] [--rounds 5] [--concurrency 16]
//        [--cases hit,pass,node-proxy,own-proxy] [--cpu-prof FILE]
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { Session } from 'node:inspector/promises';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { FastConnection, type ClientRequest, type ClientResponse } from '../../../src/edge/http1/index.ts';
import { createObject, primaryKey } from '../../../src/edge/cache/index.ts';
import { EdgeRuntime } from '../../../src/edge/runtime.ts';
import { backend as backendSchema, parseRecord, settings as settingsSchema, vcl as vclSchema } from '../../../src/model/api/index.ts';
import { generateVcl } from '../../../src/model/generate.ts';
import { logStream } from '../../../src/process/logger.ts';
import { Cleanup, startOrigin } from '../../macro/lib/index.ts';
import { applyServeV8Flags } from '../../../src/process/v8-flags.ts';
import { buildDownstreamHeaders } from '../../../src/edge/headers.ts';
import type { UpstreamPools } from '../../../src/edge/upstream/index.ts';
import { BACKEND_DEFAULTS, type BackendDefinition } from '../../../src/model/backend.ts';
import { profileParts, type CpuProfile } from './profile-parts.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '16' },
    cases: { type: 'string', default: 'hit,pass,node-proxy,own-proxy' },
    'cpu-prof': { type: 'string' },
    'alloc-prof': { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const concurrency = Number(values.concurrency);

const BODY = Buffer.alloc(1024, 'x');

/** What FastConnection uses of a net.Socket; every write is taken at once, as on an idle socket. */
class StandInSocket extends EventEmitter {
  readonly remoteAddress = '127.0.0.1';
  readonly writableNeedDrain = false;
  readonly writableLength = 0;
  responses = 0;
  onResponse: (() => void) | null = null;
  write(chunk: Buffer | string): boolean {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('latin1', 0, 16);
    if (!text.startsWith('HTTP/1.1 200 OK')) throw new Error(`not a 200: ${typeof chunk === 'string' ? chunk : chunk.toString('latin1')}`);
    this.responses++;
    this.onResponse?.();
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

function runtimeFor(originPort: number): EdgeRuntime {
  const logger = pino({ base: { pop: 'bench' } }, logStream('/dev/null'));
  const runtime = new EdgeRuntime({ host: '127.0.0.1', port: 0, pop: 'bench', logger, purger: async () => ({ status: 'unauthorized' }) });
  const record = <R extends Parameters<typeof parseRecord>[0]>(schema: R, body: Record<string, unknown>) => {
    const r = parseRecord(schema, body, null);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.record;
  };
  const sources = ['pass', 'hit'].map((kind) => {
    const sid = `bench${kind}`;
    const { files } = generateVcl({
      serviceId: sid, version: 1, healthchecks: [], directors: [], settings: record(settingsSchema, {}),
      vcls: kind === 'pass' ? [record(vclSchema, { name: 'main', main: 'true', content: 'sub vcl_recv {\n#FASTLY recv\n  return(pass);\n}\n' })] : [],
      backends: [record(backendSchema, { name: 'origin', address: '127.0.0.1', port: originPort })],
    });
    return { serviceId: sid, version: 1, domains: [`${kind}.test`], main: files[0].name, files, settings: { defaultTtl: 3600, staleIfError: true, staleIfErrorTtl: 43200 } };
  });
  runtime.apply({ type: 'services', sources });
  runtime.cache.store.insert(primaryKey('benchhit', ['/1k/hot', 'hit.test']), createObject({
    serviceId: 'benchhit', status: 200, reason: 'OK', headers: { 'content-type': 'text/plain', 'cache-control': 'public, max-age=3600', 'content-length': '1024' },
    requestHeaders: {}, lifetimes: { store: true, reason: 'cacheable', ttl: 3600, grace: 0, staleIfError: 0 }, surrogateKeys: [],
  }, BODY));
  return runtime;
}

/** `concurrency` connections, each sending its next request when its response is written; CPU µs per request. */
type Handler = (req: ClientRequest, res: ClientResponse) => void;

async function measure(handler: Handler, host: string, urlPath: string, ms: number): Promise<{ rate: number; user: number; system: number; requests: number }> {
  const request = `GET ${urlPath} HTTP/1.1\r\nHost: ${host}\r\n\r\n`;
  let done = 0;
  let stop = false;
  const finished: Promise<void>[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < concurrency; i++) {
    const socket = new StandInSocket();
    new FastConnection(socket as unknown as net.Socket, {
      handler, handOff: () => { throw new Error('handed to node:http'); }, keepAliveTimeoutMs: 60_000, idleSweeps: 60, ended: () => {},
    });
    finished.push(new Promise((resolve) => {
      const send = (): void => {
        if (stop) {
          resolve();
          return;
        }
        // A new Buffer per request, as Node's socket hands the reader one per read; sent on a
        // later turn, as the next request of a real client comes in a later read.
        setImmediate(() => socket.emit('data', Buffer.from(request, 'latin1')));
      };
      socket.onResponse = () => {
        done++;
        send();
      };
      send();
    }));
  }
  await new Promise((r) => setTimeout(r, ms));
  stop = true;
  await Promise.all(finished);
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { rate: (done / elapsed) * 1000, user: cpu.user / done, system: cpu.system / done, requests: done };
}

// The fields a pass carries to the origin after the edge added its own (headers.ts), for the bare proxies.
const FIELDS = (req: ClientRequest): Record<string, string> => ({
  host: req.headers.host ?? '', 'true-client-ip': '127.0.0.1', 'fastly-client-ip': '127.0.0.1', 'x-forwarded-for': '127.0.0.1', 'cdn-loop': 'bench',
});

/** A bare node:http proxy's handler: node's client on a keep-alive Agent, the body collected and written with the head. */
function nodeProxy(port: number): Handler {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  return (req, res) => {
    const up = http.request({ host: '127.0.0.1', port, path: req.url, method: req.method, headers: FIELDS(req), agent }, (ures) => {
      const parts: Buffer[] = [];
      ures.on('data', (c: Buffer) => parts.push(c));
      ures.on('end', () => {
        res.writeHead(ures.statusCode ?? 502, ures.statusMessage ?? '', buildDownstreamHeaders(ures.headers));
        res.end(parts.length === 1 ? parts[0] : Buffer.concat(parts));
      });
    });
    up.on('error', (err) => { throw err; });
    up.end();
  };
}

/** The same handler on lacquer's upstream exchange. */
function ownProxy(pools: UpstreamPools, port: number): Handler {
  const backend: BackendDefinition = {
    name: 'origin', shareKey: 'bench', dynamic: true, host: '127.0.0.1', port, ssl: false,
    sslCertHostname: null, sslSniHostname: null, sslCheckCert: true, sslCaCert: null, minTlsVersion: null, maxTlsVersion: null,
    sslCiphers: null, connectTimeoutMs: BACKEND_DEFAULTS.connectTimeoutMs, firstByteTimeoutMs: BACKEND_DEFAULTS.firstByteTimeoutMs,
    betweenBytesTimeoutMs: BACKEND_DEFAULTS.betweenBytesTimeoutMs, maxConnections: BACKEND_DEFAULTS.maxConnections,
    hostHeader: null, alwaysUseHostHeader: false, keepaliveTimeMs: 60_000, preferIpv6: false, errorThreshold: 0, probe: null,
  };
  return (req, res) => {
    pools.fetch(backend, { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers }, { clientIp: '127.0.0.1' }).then((ures) => {
      if (ures.whole === null) throw new Error('a 1 KB body that did not come whole');
      res.writeHead(ures.status, ures.statusText, ures.headers);
      res.end(ures.whole);
    }, (err: unknown) => { throw err; });
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// The V8 settings `lacquer serve` runs with: without them V8 pretenures per-request objects and
// the numbers are a different process's.
applyServeV8Flags();
const cleanup = new Cleanup();
cleanup.installSignalHandlers();
const dir = mkdtempSync(path.join(os.tmpdir(), 'lacquer-pass-bench-'));
try {
  const origin = await startOrigin(cleanup, dir, 1);
  const runtime = runtimeFor(origin.port);
  const wanted = values.cases.split(',');
  const handle = runtime.pipeline.handle;
  const cases = ([
    ['hit', '1 KB hit', handle, 'hit.test', '/1k/hot'],
    ['pass', '1 KB pass', handle, 'pass.test', '/1k/pass'],
    ['node-proxy', 'node:http proxy', nodeProxy(origin.port), 'pass.test', '/1k/pass'],
    ['own-proxy', 'own exchange proxy', ownProxy(runtime.upstream, origin.port), 'pass.test', '/1k/pass'],
  ] as [string, string, Handler, string, string][]).filter(([id]) => wanted.includes(id));
  for (const [, , h, host, p] of cases) await measure(h, host, p, 1000);
  const session = values['cpu-prof'] === undefined && values['alloc-prof'] === undefined ? null : new Session();
  let served = 0;
  let cpuSeconds = 0;
  if (session !== null) {
    session.connect();
    if (values['cpu-prof'] !== undefined) {
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    if (values['alloc-prof'] !== undefined) {
      await session.post('HeapProfiler.enable');
      await session.post('HeapProfiler.startSampling', { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    }
  }
  const results = new Map<string, { user: number[]; system: number[]; rate: number[] }>();
  for (let r = 0; r < rounds; r++) {
    for (const [, name, h, host, p] of cases) {
      const m = await measure(h, host, p, seconds * 1000);
      served += m.requests;
      cpuSeconds += ((m.user + m.system) * m.requests) / 1e6;
      const e = results.get(name) ?? { user: [], system: [], rate: [] };
      e.user.push(m.user);
      e.system.push(m.system);
      e.rate.push(m.rate);
      results.set(name, e);
    }
  }
  if (session !== null) {
    if (values['cpu-prof'] !== undefined) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(values['cpu-prof'], JSON.stringify(profile));
      // With one case profiled, the parts in µs of that case's CPU per request.
      const perRequest = cases.length === 1 ? (cpuSeconds * 1e6) / served : null;
      console.log(`CPU profile of the measured rounds${perRequest === null ? '' : ` (${perRequest.toFixed(1)} µs CPU per request)`}, by part:`);
      for (const [part, share] of profileParts(profile as unknown as CpuProfile)) {
        console.log(`  ${part.padEnd(44)} ${(share * 100).toFixed(1).padStart(5)} %${perRequest === null ? '' : ` ${(share * perRequest).toFixed(1).padStart(7)} µs`}`);
      }
    }
    if (values['alloc-prof'] !== undefined) {
      // Bytes allocated per request by each allocating function (sampled; every request of the measured rounds).
      const { profile } = await session.post('HeapProfiler.stopSampling');
      writeFileSync(values['alloc-prof'], JSON.stringify({ ...profile, requests: served }));
    }
    session.disconnect();
  }
  console.log(`${concurrency} connections, ${rounds} rounds of ${seconds} s, interleaved; CPU of this process per request (the client socket is a stand-in)`);
  console.log(`${'request'.padEnd(18)} ${'req/s'.padStart(7)} ${'user µs'.padStart(8)} ${'sys µs'.padStart(7)}  user µs by round`);
  for (const [name, e] of results) {
    console.log(`${name.padEnd(18)} ${median(e.rate).toFixed(0).padStart(7)} ${median(e.user).toFixed(1).padStart(8)} ${median(e.system).toFixed(1).padStart(7)}  ${e.user.map((x) => x.toFixed(1)).join(' ')}`);
  }
  runtime.pipeline.flushLog();
  await runtime.upstream.destroy();
} finally {
  await cleanup.run();
  rmSync(dir, { recursive: true, force: true });
}
