// Activating one service among many: the time from `PUT …/activate` to the edge answering for
// the service's domain, on a node with 10,000 other active services, against the same on a node
// with none, in one run (the ratio should stay near 1.0×: an activation costs its own service,
// docs/benchmarks.md). Then what an edge node's memory costs per active service: the resident
// memory of `lacquer serve` (primary, probe thread and edge workers) with the services loaded,
// less the same node with none, divided by their number.
//
//   node bench/macro/activation.bench.ts [--services 10000] [--activations 20] [--workers 1]
//
// Every service is what an operator makes through the API (docs/api.md): a domain, a backend
// on a local origin with a health check (every 60 s, so the probes are a small load), active.
// They are created through the control API in-process, on the SQLite file that `lacquer serve`
// then opens; the measured activations go through the running node's API over HTTP.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { request } from 'undici';
import { buildControlApi } from '../../src/control/index.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { vclValidator } from '../../src/vcl/index.ts';
import { Cleanup, freePort, startProcess, waitReady } from './lib/index.ts';

const REPO = path.resolve(import.meta.dirname, '../..');

type Call = (method: string, url: string, body?: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** A service with one domain and one probed backend on the origin; activated when `activate`. */
async function provision(call: Call, i: number, originPort: number, activate: boolean): Promise<string> {
  const sid = String((await call('POST', '/service', { name: `s${i}` })).id);
  await call('POST', `/service/${sid}/version/1/domain`, { name: `s${i}.bench` });
  await call('POST', `/service/${sid}/version/1/healthcheck`, { name: 'hc', path: '/health', check_interval: 60_000 });
  await call('POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: '127.0.0.1', port: originPort, healthcheck: 'hc' });
  if (activate) await call('PUT', `/service/${sid}/version/1/activate`);
  return sid;
}

/** Creates `count` active services in the SQLite file through the control API, in-process. */
async function fill(db: string, count: number, originPort: number): Promise<void> {
  const store = openSqliteStore(db);
  const token = 'bench-fill';
  const app = buildControlApi({ store, validator: vclValidator, pop: 'bench', egress: [], logger: pino({ level: 'silent' }), adminToken: token });
  await app.ready();
  const call: Call = async (method, url, body) => {
    const res = await app.inject({ method: method as 'POST', url, headers: { 'fastly-key': token }, ...(body === undefined ? {} : { payload: body }) });
    if (res.statusCode !== 200) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return JSON.parse(res.body) as Record<string, unknown>;
  };
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    await provision(call, i, originPort, true);
    if ((i + 1) % 1000 === 0) process.stderr.write(`  ${i + 1} services (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
  }
  await app.close();
  await store.close();
}

/** Resident memory (kB) of every process in the group, by command line. */
function groupRss(pgid: number): { total: number; byProcess: string[] } {
  let total = 0;
  const byProcess: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) !== pgid) continue;
      const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1] ?? 0);
      total += rss;
      byProcess.push(`${Number(entry) === pgid ? 'primary' : `worker ${entry}`} ${(rss / 1024).toFixed(0)} MB`);
    } catch {
      // exited while we looked
    }
  }
  return { total, byProcess };
}

interface NodeRun {
  readonly loadMs: number;
  readonly rssKb: number;
  readonly byProcess: string[];
  /** ms from the activate call to the edge's first 200 for the domain, one per activation. */
  readonly activations: number[];
  /** ms the activate call itself took (the control API's part of it). */
  readonly calls: number[];
}

async function runNode(cleanup: Cleanup, dir: string, db: string, workers: number, originPort: number, activations: number): Promise<NodeRun> {
  const edgePort = await freePort();
  const apiPort = await freePort();
  const token = randomBytes(16).toString('hex');
  const t0 = performance.now();
  const server = startProcess(cleanup, `lacquer ${path.basename(db)}`, process.execPath, [
    path.join(REPO, 'bin/lacquer.ts'), 'serve', '--workers', String(workers), '--edge', `127.0.0.1:${edgePort}`,
    '--api', `127.0.0.1:${apiPort}`, '--db', `sqlite:${db}`, '--pop', 'bench', '--token', token, '--log-level', 'warn',
  ], { cwd: REPO, logFile: path.join(dir, `${path.basename(db)}.log`), graceMs: 20_000, env: { ...process.env, LACQUER_TLS: '127.0.0.1:0' } });
  const api = `http://127.0.0.1:${apiPort}`;
  const edge = `http://127.0.0.1:${edgePort}`;
  await waitReady(server, `${api}/ready`, null, 600_000);
  await waitReady(server, `${edge}/ready`, null, 600_000);
  const loadMs = performance.now() - t0;
  // Let the start settle (first probes, garbage collection) before reading memory.
  await new Promise((r) => setTimeout(r, 5_000));
  const { total, byProcess } = groupRss(server.pid);
  const call: Call = async (method, url, body) => {
    const res = await request(`${api}${url}`, {
      method: method as 'POST', headers: { 'fastly-key': token, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`${method} ${url}: ${res.statusCode} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  const times: number[] = [];
  const calls: number[] = [];
  for (let i = 0; i < activations; i++) {
    const n = 1_000_000 + i;
    const sid = await provision(call, n, originPort, false);
    const started = performance.now();
    await call('PUT', `/service/${sid}/version/1/activate`);
    calls.push(performance.now() - started);
    for (;;) {
      const res = await request(`${edge}/`, { headers: { host: `s${n}.bench` } });
      await res.body.dump();
      if (res.statusCode === 200) break;
      await new Promise((r) => setTimeout(r, 1));
    }
    times.push(performance.now() - started);
  }
  await server.stop();
  return { loadMs, rssKb: total, byProcess, activations: times, calls };
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      services: { type: 'string', default: '10000' },
      activations: { type: 'string', default: '20' },
      workers: { type: 'string', default: '1' },
    },
  });
  const count = Number(values.services);
  const activations = Number(values.activations);
  const workers = Number(values.workers);
  const cleanup = new Cleanup();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lacquer-activation-bench-'));
  cleanup.add('temp dir', () => rmSync(dir, { recursive: true, force: true }));
  try {
    const origin = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    cleanup.add('origin', () => new Promise<void>((resolve) => { origin.closeAllConnections(); origin.close(() => resolve()); }));
    const originPort = (origin.address() as { port: number }).port;
    console.log(`${count} active services, ${activations} activations each way, --workers ${workers}; ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    const emptyDb = path.join(dir, 'empty.db');
    const fullDb = path.join(dir, 'full.db');
    process.stderr.write(`creating ${count} services through the control API…\n`);
    await fill(fullDb, count, originPort);
    await fill(emptyDb, 0, originPort);
    const empty = await runNode(cleanup, dir, emptyDb, workers, originPort, activations);
    const full = await runNode(cleanup, dir, fullDb, workers, originPort, activations);
    const line = (label: string, r: NodeRun): void => {
      const sorted = [...r.activations].sort((a, b) => a - b);
      console.log(`${label}`);
      console.log(`  ready after            ${(r.loadMs / 1000).toFixed(1)} s`);
      console.log(`  resident memory        ${(r.rssKb / 1024).toFixed(0)} MB (${r.byProcess.join(', ')})`);
      console.log(`  activation → served    median ${median(sorted).toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms (the API call: median ${median(r.calls).toFixed(1)} ms)`);
    };
    line('node with no other service (baseline)', empty);
    line(`node with ${count} active services`, full);
    console.log(`activation time, ${count} services ÷ none: ${(median(full.activations) / Math.max(median(empty.activations), 1e-9)).toFixed(2)}x (median)`);
    console.log(`memory per active service: ${((full.rssKb - empty.rssKb) / count).toFixed(1)} kB`);
  } finally {
    await cleanup.run();
  }
}

await main();
