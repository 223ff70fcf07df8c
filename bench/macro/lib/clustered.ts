// The clustered scenario of bench/macro/edge.bench.ts (DESIGN.md §4.4, docs/caching.md#clustering):
// one lacquer node with at least two workers, where clustering makes the workers one cache.
// - origin requests per object: OBJECTS new objects, each asked for ASKS times over fresh
//   connections (so every worker receives some), with clustering on and with it off
//   (`Fastly-No-Shield: 1`, each worker fetching its own copy);
// - 1 KB hit req/s with clustering on, off (each the better of two interleaved runs), and Varnish
//   with the same worker count, in one run.
// Asserts nothing (STYLE.md habit 9).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import type { Cleanup } from './cleanup.ts';
import { LACQUER_CACHE_HOST, startLacquer } from './lacquer.ts';
import { measure } from './measure.ts';
import type { Origin } from './origin.ts';
import type { Measurement } from './report.ts';
import { startVarnish } from './varnish.ts';
import { runWrk, type WrkRun } from './wrk.ts';

const OBJECTS = 20;
const ASKS = 8;

export interface ClusteredResult {
  readonly workers: number;
  readonly originPerObject: { readonly on: number; readonly off: number };
  readonly hit1k: { readonly on: Measurement; readonly off: Measurement; readonly varnish: Measurement };
}

async function originPerObject(edgeUrl: string, origin: Origin, prefix: string, headers: Record<string, string>): Promise<number> {
  const before = await origin.requests();
  for (let i = 0; i < OBJECTS; i++) {
    await Promise.all(Array.from({ length: ASKS }, async () => {
      const res = await request(`${edgeUrl}/1k/${prefix}-${i}`, { headers: { host: LACQUER_CACHE_HOST, connection: 'close', ...headers } });
      await res.body.dump();
    }));
  }
  return ((await origin.requests()) - before) / OBJECTS;
}

export async function clusteredScenario(o: {
  cleanup: Cleanup; dir: string; origin: Origin; workers: number; seconds: number; warmup: number; connections: number; threads: number;
  /** wrk's reporting script (writeWrkScripts). */
  script: string;
}): Promise<ClusteredResult> {
  const workers = Math.max(2, o.workers);
  // A directory of its own: the Varnish of the main scenarios keeps its name in o.dir.
  const dir = path.join(o.dir, 'clustered');
  mkdirSync(dir, { recursive: true });
  const lacquer = await startLacquer(o.cleanup, dir, workers, o.origin.port, { name: 'lacquer-clustered' });
  const varnish = await startVarnish(o.cleanup, dir, 'cache', workers, o.origin.port);
  // The workers learn their POP's members within a second of the node's first heartbeat.
  await new Promise((r) => setTimeout(r, 1_500));
  const on = await originPerObject(lacquer.edgeUrl, o.origin, 'on', {});
  const off = await originPerObject(lacquer.edgeUrl, o.origin, 'off', { 'fastly-no-shield': '1' });
  const run = async (url: string, host: string | null, headers: readonly string[], pid: number): Promise<Measurement> => {
    const wrk = (seconds: number): WrkRun => ({ url, host, path: '/1k', headers, seconds, connections: o.connections, threads: o.threads, script: o.script, scriptArgs: [] });
    await runWrk(o.cleanup, dir, wrk(o.warmup));
    return measure({ cleanup: o.cleanup, dir, origin: o.origin, serverPid: pid, proxied: true, run: wrk(o.seconds) });
  };
  // On and off twice, interleaved, keeping each one's better run: a node just started runs its
  // first measurement colder, and on a shared machine a burst of other work hits one run, not all.
  const better = (a: Measurement, b: Measurement): Measurement => (a.requestsPerSecond >= b.requestsPerSecond ? a : b);
  const on1 = await run(lacquer.edgeUrl, LACQUER_CACHE_HOST, [], lacquer.server.pid);
  const off1 = await run(lacquer.edgeUrl, LACQUER_CACHE_HOST, ['Fastly-No-Shield: 1'], lacquer.server.pid);
  const off2 = await run(lacquer.edgeUrl, LACQUER_CACHE_HOST, ['Fastly-No-Shield: 1'], lacquer.server.pid);
  const on2 = await run(lacquer.edgeUrl, LACQUER_CACHE_HOST, [], lacquer.server.pid);
  const hitOn = better(on1, on2);
  const hitOff = better(off1, off2);
  const hitVarnish = await run(varnish.url, null, [], varnish.server.pid);
  return { workers, originPerObject: { on, off }, hit1k: { on: hitOn, off: hitOff, varnish: hitVarnish } };
}

export function formatClustered(r: ClusteredResult): string {
  const rps = (m: Measurement): string => `${Math.round(m.requestsPerSecond)} req/s (p99 ${m.p99Ms.toFixed(2)} ms)`;
  const ratio = (a: Measurement, b: Measurement): string => `${(a.requestsPerSecond / b.requestsPerSecond).toFixed(2)}×`;
  return [
    `clustered: one node, ${r.workers} workers (each a cache member)`,
    `  origin requests per object (${OBJECTS} objects × ${ASKS} requests over fresh connections): clustering on ${r.originPerObject.on.toFixed(2)}, off ${r.originPerObject.off.toFixed(2)}`,
    `  1 KB hit: clustering on ${rps(r.hit1k.on)}, off ${rps(r.hit1k.off)}, Varnish ${rps(r.hit1k.varnish)}`,
    `  lacquer / Varnish: on ${ratio(r.hit1k.on, r.hit1k.varnish)}, off ${ratio(r.hit1k.off, r.hit1k.varnish)}`,
  ].join('\n');
}
