// Starting the edge of a node: in this process (`--workers 0`) or as node:cluster workers
// sharing one listener, and the handle the primary drives it with (src/process/primary.ts).
// The primary sends each worker ToWorker messages; a purge resolves once every worker applied
// it, stats once every worker answered.

import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { PurgeCommand } from '../edge/cache/index.ts';
import type { Purger, PurgeResult } from '../edge/purge.ts';
import { EdgeRuntime } from '../edge/runtime.ts';
import { sourceWithLiveUpdate } from '../edge/live.ts';
import { sumStats, type StatsSnapshot } from '../edge/stats.ts';
import type { FromWorker, ToWorker } from '../edge/messages.ts';
import type { FleetState } from '../edge/fleet/view.ts';
import type { ProbeThread } from '../health/index.ts';
import { AggregatorRegistry } from 'prom-client';
import type { ServeOptions } from './options.ts';
import { workerExecArgv } from './v8-flags.ts';

const WORKER_ENTRY = fileURLToPath(new URL('./worker.ts', import.meta.url));

export interface EdgeHandle {
  readonly port: number;
  /** The HTTPS listener's port; null with `--tls off`. */
  readonly tlsPort: number | null;
  send(message: ToWorker): void;
  /** Applies a purge in every worker; resolves when all acknowledged it. */
  purge(command: PurgeCommand): Promise<void>;
  /** The edge's Prometheus text, summed over workers. */
  metrics(): Promise<string>;
  /** Every worker's counts for a service, summed; resolves when all answered (or exited). */
  stats(serviceId: string): Promise<StatsSnapshot>;
  /** The ports of the workers' own cluster listeners (one cache member each). */
  clusterPorts(): number[];
  /** Tells every worker (and every worker started later) the fleet, `state(port)` for the worker whose cluster listener has `port`. */
  fleet(state: (clusterPort: number) => FleetState): void;
  stop(): Promise<void>;
}

// `--cache-size` bounds the node: its workers split it evenly. With clustering each object is
// held once in the POP, by its owner (plus copies of hot objects, docs/caching.md), so a POP
// holds up to the sum of its nodes' --cache-size of distinct objects.
const CACHE_ENV = (o: ServeOptions) => ({
  LACQUER_CACHE_SIZE_BYTES: String(Math.floor(o.cacheSizeBytes / Math.max(1, o.workers))), LACQUER_CACHE_MAX_OBJECT_BYTES: String(o.cacheMaxObjectBytes),
  // Not the cache's, but read by the worker (./worker.ts) from its environment the same way.
  LACQUER_EDGE_CLIENT_TIMEOUTS: JSON.stringify(o.clientTimeouts),
  // The files of --geoip-db, which the primary already opened once to check them.
  LACQUER_EDGE_GEOIP_DB: JSON.stringify(o.geoipDb),
  // The HTTPS listener; absent with `--tls off`.
  ...(o.tls === null ? {} : { LACQUER_EDGE_TLS_HOST: o.tls.host, LACQUER_EDGE_TLS_PORT: String(o.tls.port) }),
  LACQUER_EDGE_LOG_INTAKE: JSON.stringify(o.logIntake),
});

/** Starts the edge: in this process (`--workers 0`) or as node:cluster workers sharing one listener. */
export async function startEdge(options: ServeOptions, logger: Logger, health: ProbeThread, purger: Purger): Promise<EdgeHandle> {
  if (options.workers === 0) {
    const purge = async (command: PurgeCommand): Promise<void> => { runtime.apply({ type: 'purge', command }); };
    const runtime: EdgeRuntime = new EdgeRuntime({
      host: options.edge.host, port: options.edge.port, pop: options.pop, logger: logger.child({ component: 'edge' }),
      purger, cacheSizeBytes: options.cacheSizeBytes, cacheMaxObjectBytes: options.cacheMaxObjectBytes,
      clientTimeouts: options.clientTimeouts, geoipDb: options.geoipDb, tls: options.tls, clustered: true,
      logging: { intake: options.logIntake },
    });
    health.on('message', (m) => runtime.apply(m));
    const { port, tlsPort, clusterPort } = await runtime.start();
    return {
      port, tlsPort, send: (m) => runtime.apply(m), purge, metrics: () => runtime.metrics.registry.metrics(),
      stats: async (sid) => runtime.stats.snapshot(sid), stop: () => runtime.drain(),
      clusterPorts: () => clusterPort === null ? [] : [clusterPort],
      fleet: (state) => { if (clusterPort !== null) runtime.apply({ type: 'fleet', state: state(clusterPort) }); },
    };
  }

  const aggregator = new AggregatorRegistry();
  cluster.setupPrimary({ exec: WORKER_ENTRY, execArgv: workerExecArgv(), silent: false });
  const workers = new Set<Worker>();
  let stopping = false;
  const sendTo = (w: Worker, m: ToWorker) => { if (w.isConnected()) w.send(m); };
  const broadcast = (m: ToWorker) => { for (const w of workers) sendTo(w, m); };
  // Purges in flight: id → the workers that have not acknowledged yet.
  const purges = new Map<string, { waiting: Set<Worker>; done: () => void }>();
  const acknowledged = (id: string, w: Worker): void => {
    const p = purges.get(id);
    if (p === undefined) return;
    p.waiting.delete(w);
    if (p.waiting.size === 0) {
      purges.delete(id);
      p.done();
    }
  };
  const purgeAll = (command: PurgeCommand): Promise<void> => new Promise((resolve) => {
    const waiting = new Set([...workers].filter((w) => w.isConnected()));
    if (waiting.size === 0) return resolve();
    purges.set(command.id, { waiting, done: resolve });
    for (const w of waiting) sendTo(w, { type: 'purge', command });
  });
  // Stats requests in flight: request id → the workers that have not answered, and the answers.
  let nextStatsId = 1;
  const statsRequests = new Map<number, { waiting: Set<Worker>; answers: StatsSnapshot[]; done: (s: StatsSnapshot) => void }>();
  const statsAnswered = (requestId: number, w: Worker, answer: StatsSnapshot | null): void => {
    const r = statsRequests.get(requestId);
    if (r === undefined || !r.waiting.delete(w)) return;
    if (answer !== null) r.answers.push(answer);
    if (r.waiting.size === 0) {
      statsRequests.delete(requestId);
      r.done(sumStats(r.answers));
    }
  };
  const statsAll = (serviceId: string): Promise<StatsSnapshot> => new Promise((resolve) => {
    const waiting = new Set([...workers].filter((w) => w.isConnected()));
    if (waiting.size === 0) return resolve(sumStats([]));
    const requestId = nextStatsId++;
    statsRequests.set(requestId, { waiting, answers: [], done: resolve });
    for (const w of waiting) sendTo(w, { type: 'stats-request', requestId, serviceId });
  });
  let services: ToWorker & { type: 'services' } = { type: 'services', sources: [] };
  const clusterPorts = new Map<Worker, number>();
  let fleetState: ((port: number) => FleetState) | null = null;
  const sendFleet = (w: Worker): void => {
    const port = clusterPorts.get(w);
    if (fleetState !== null && port !== undefined) sendTo(w, { type: 'fleet', state: fleetState(port) });
  };
  // The last certificates and ticket keys, for workers that start later (like `services`).
  let certificates: (ToWorker & { type: 'tls' }) | null = null;
  let ticketKeys: (ToWorker & { type: 'tls-ticket-keys' }) | null = null;

  const fork = (): Promise<{ port: number; tlsPort: number | null }> => new Promise((resolve, reject) => {
    const w = cluster.fork({
      LACQUER_EDGE_HOST: options.edge.host, LACQUER_EDGE_PORT: String(options.edge.port), LACQUER_POP: options.pop, ...CACHE_ENV(options),
      LACQUER_LOG_LEVEL: options.logLevel, LACQUER_CLUSTERED: '1',
    });
    workers.add(w);
    w.on('message', (m: FromWorker) => {
      if (m.type === 'compile-failed') logger.error(m, 'an edge worker could not compile an active version');
      else if (m.type === 'purged') acknowledged(m.id, w);
      else if (m.type === 'stats') statsAnswered(m.requestId, w, m.stats);
      // Rate limiting within the node: one worker's additions go to every other worker
      // (src/edge/ratelimit/pop-rate-limits.ts says why a relay and what lag it has).
      else if (m.type === 'ratelimit') { for (const other of workers) if (other !== w) sendTo(other, m); }
      else if (m.type === 'listening') {
        // Every listener is open: hand the worker what it serves by. Certificates come before
        // the services, whose arrival makes the worker answer /ready.
        if (m.clusterPort !== null) clusterPorts.set(w, m.clusterPort);
        for (const h of health.messages()) sendTo(w, h);
        sendFleet(w);
        if (ticketKeys !== null) sendTo(w, ticketKeys);
        if (certificates !== null) sendTo(w, certificates);
        sendTo(w, services);
        resolve({ port: m.port, tlsPort: m.tlsPort });
      }
      else if (m.type === 'purge-request') {
        void purger(m).then((result: PurgeResult) => sendTo(w, { type: 'purge-result', requestId: m.requestId, result }));
      }
    });
    w.once('exit', (code, signal) => {
      workers.delete(w);
      clusterPorts.delete(w);
      for (const id of [...purges.keys()]) acknowledged(id, w);
      for (const id of [...statsRequests.keys()]) statsAnswered(id, w, null);
      if (stopping) return;
      logger.error({ code, signal, worker: w.process.pid }, 'edge worker exited; starting another');
      reject(new Error(`edge worker exited with ${code ?? signal}`));
      void fork().catch(() => {});
    });
  });

  health.on('message', broadcast);
  const ports = await Promise.all(Array.from({ length: options.workers }, fork));
  return {
    port: ports[0].port,
    tlsPort: ports[0].tlsPort,
    send(m) {
      if (m.type === 'services') services = m;
      else if (m.type === 'tls') {
        // A late copy never wins (src/model/tls.ts): workers ignore it too.
        if (certificates !== null && m.material.generation < certificates.material.generation) return;
        certificates = m;
      } else if (m.type === 'tls-ticket-keys') ticketKeys = m;
      else if (m.type === 'service') services = { type: 'services', sources: [...services.sources.filter((s) => s.serviceId !== m.source.serviceId), m.source] };
      else if (m.type === 'service-removed') services = { type: 'services', sources: services.sources.filter((s) => s.serviceId !== m.serviceId) };
      else if (m.type === 'live') {
        services = { type: 'services', sources: services.sources.map((s) => (s.serviceId === m.change.serviceId ? sourceWithLiveUpdate(s, m.change) : s)) };
      }
      broadcast(m);
    },
    purge: purgeAll,
    metrics: () => aggregator.clusterMetrics(),
    stats: statsAll,
    clusterPorts: () => [...clusterPorts.values()],
    fleet(state) {
      fleetState = state;
      for (const w of workers) sendFleet(w);
    },
    async stop() {
      stopping = true;
      await Promise.all([...workers].map((w) => new Promise<void>((resolve) => {
        w.once('exit', () => resolve());
        sendTo(w, { type: 'drain' });
      })));
    },
  };
}
