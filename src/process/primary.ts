// The composition root of `lacquer serve`: one process tree per POP node.
//
// Ownership (who owns what state):
// - the primary owns the Store, the control API, this node's part of the POP's health
//   (./pop-health.ts: the probe thread, the only place probes run, and what it writes to the
//   Store) and the list of active ServiceSources;
// - each edge worker owns its service table, upstream pools and health view, and changes
//   them only when the primary sends a ToWorker message.
// With `--workers 0` the edge runs inside the primary and gets the same messages by call.
//
// Config flow (DESIGN.md §1): activation commits → Store event → the publisher reads the
// service's active version (publisher.ts says why it reads rather than replays events) → the
// primary compiles that one service for its health targets (never the others: an activation
// costs one service whatever their number) → sends it to every worker, which compiles it for
// itself and swaps it in.

import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { buildControlApi, bootstrapAdminToken, listen, popAddresses } from '../control/index.ts';
import { authorizePurge } from '../control/api/purge.ts';
import { activeSources } from '../control/sources.ts';
import type { PurgeCommand } from '../edge/cache/index.ts';
import type { Purger, PurgeResult } from '../edge/purge.ts';
import { EdgeRuntime } from '../edge/runtime.ts';
import { sumStats, type StatsSnapshot } from '../edge/stats.ts';
import type { FromWorker, ToWorker } from '../edge/messages.ts';
import type { ProbeThread } from '../health/index.ts';
import { openStore, type StoreEvent } from '../store/index.ts';
import { vclValidator } from '../vcl/validate.ts';
import { AggregatorRegistry, Registry } from 'prom-client';
import { dataDir, type ServeOptions } from './options.ts';
import { ServicePublisher } from './publisher.ts';
import { PopHealth } from './pop-health.ts';
import { randomUUID } from 'node:crypto';
import { applyServeV8Flags, workerExecArgv } from './v8-flags.ts';

export interface Running {
  /** `http://host:port` of the control API, when this node runs it. */
  readonly apiUrl: string | null;
  /** Port of the edge listener, when this node runs the edge. */
  readonly edgePort: number | null;
  readonly adminToken: string | null;
  readonly health: PopHealth | null;
  /**
   * The version of a service last handed to the edge (null: none). With `--workers 0` the edge
   * already routes by it; cluster workers get it over IPC a moment later.
   */
  published(serviceId: string): number | null;
  /** Drains the edge, stops probes, closes the API and the store. */
  stop(): Promise<void>;
}

const WORKER_ENTRY = fileURLToPath(new URL('./worker.ts', import.meta.url));

export async function startLacquer(options: ServeOptions, logger: Logger): Promise<Running> {
  applyServeV8Flags();
  // sqlite:<file> for one node, postgres://… for a fleet (DESIGN.md §4.1, §4.6).
  const store = await openStore(options.db, { logger });
  const runsEdge = options.role !== 'control';
  const runsControl = options.role !== 'edge';

  const metrics = new Registry();
  const health = runsEdge
    ? new PopHealth({
      // A node is a new member of its POP each time it starts: its share of the probes is
      // decided afresh, and its last run's entry ages out of the registry like a dead node's.
      store, node: { id: randomUUID(), role: options.role, pop: options.pop, url: `http://${options.edge.host}:${options.edge.port}`, startedAt: new Date().toISOString() },
      logger: logger.child({ component: 'health' }),
      logLevel: options.logLevel, prettyLogs: process.stdout.isTTY === true,
      // A new probed backend starts sick (initial < threshold) until its first good probe, so
      // spreading first probes over the interval kept the n-th of N new backends sick for
      // (n/N) × interval after activation — up to a minute of 503s. Probe new ones at once,
      // as Varnish does when a VCL loads.
      spread: false,
    })
    : null;
  // PURGE <url> at the edge: the token is checked against the store here, then the purge is
  // applied in every worker before the edge answers.
  const authorizedPurge = (purgeAll: (c: PurgeCommand) => Promise<void>): Purger => async ({ serviceId, token, command }) => {
    const verdict = await authorizePurge(store, token, serviceId);
    if (verdict !== 'ok') return { status: verdict };
    await purgeAll(command);
    return { status: 'ok', id: command.id };
  };
  await health?.start();
  const edge = runsEdge ? await startEdge(options, logger, (health as PopHealth).thread, authorizedPurge) : null;

  const publisher = new ServicePublisher({
    store, logger,
    apply(change) {
      health?.apply(change);
      if (change.type === 'put') edge?.send({ type: 'service', source: change.source });
      else edge?.send({ type: 'service-removed', serviceId: change.serviceId });
    },
  });

  publisher.seed(await activeSources(store));
  health?.seed(publisher.sources());
  edge?.send({ type: 'services', sources: [...publisher.sources()] });

  const onEvent = (event: StoreEvent): void => {
    if (event.type === 'activated' || event.type === 'deactivated') publisher.notify(event.serviceId);
    else health?.onStoreEvent(event);
  };
  store.events.on('event', onEvent);

  let apiUrl: string | null = null;
  let adminToken: string | null = null;
  let stopApi = async (): Promise<void> => {};
  if (runsControl) {
    adminToken = await bootstrapAdminToken({ store, token: options.token ?? undefined, dataDir: dataDir(options.db), logger });
    if (options.egress.length === 0 && popAddresses().length === 0) {
      // Info, not warn: on a laptop or behind NAT this is normal, and only origin firewalls care.
      logger.info('this host has no global unicast address (behind NAT?): GET /public-ip-list is empty until --egress names the addresses origins see');
    }
    const app = buildControlApi({
      store, validator: vclValidator, pop: options.pop, egress: options.egress, logger: logger.child({ component: 'api' }),
      ...(health === null ? {} : { health: health.thread }),
      ...(edge === null ? {} : { purge: (command: PurgeCommand) => edge.purge(command), stats: (serviceId: string) => edge.stats(serviceId) }),
      metrics: async () => ({
        contentType: metrics.contentType,
        text: `${await metrics.metrics()}\n${health === null ? '' : await health.thread.metrics()}\n${edge === null ? '' : await edge.metrics()}`,
      }),
    });
    apiUrl = await listen(app, options.api.host, options.api.port);
    stopApi = () => closeBounded(app);
  }

  return {
    apiUrl,
    edgePort: edge?.port ?? null,
    adminToken,
    health,
    published: (serviceId) => publisher.published(serviceId),
    async stop() {
      store.events.off('event', onEvent);
      await publisher.idle();
      await edge?.stop();
      await health?.stop();
      await stopApi();
      await store.close();
    },
  };
}

/** How long API requests in flight get to finish when the process stops. */
const API_CLOSE_GRACE_MS = 2_000;

/**
 * Closes the control API, bounded: fastify's close waits for every open connection, and a
 * `GET /health/events` stream never ends by itself, so one open dashboard kept SIGTERM from
 * ever exiting. After the grace period the remaining connections are closed.
 */
async function closeBounded(app: ReturnType<typeof buildControlApi>): Promise<void> {
  const closed = app.close();
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<'grace'>((resolve) => { timer = setTimeout(() => resolve('grace'), API_CLOSE_GRACE_MS); });
  if (await Promise.race([closed.then(() => 'closed' as const), grace]) === 'grace') app.server.closeAllConnections();
  clearTimeout(timer);
  await closed;
}

interface EdgeHandle {
  readonly port: number;
  send(message: ToWorker): void;
  /** Applies a purge in every worker; resolves when all acknowledged it. */
  purge(command: PurgeCommand): Promise<void>;
  /** The edge's Prometheus text, summed over workers. */
  metrics(): Promise<string>;
  /** Every worker's counts for a service, summed; resolves when all answered (or exited). */
  stats(serviceId: string): Promise<StatsSnapshot>;
  stop(): Promise<void>;
}

type PurgerFactory = (purgeAll: (command: PurgeCommand) => Promise<void>) => Purger;

const CACHE_ENV = (o: ServeOptions) => ({
  LACQUER_CACHE_SIZE_BYTES: String(o.cacheSizeBytes), LACQUER_CACHE_MAX_OBJECT_BYTES: String(o.cacheMaxObjectBytes),
  // Not the cache's, but read by the worker (./worker.ts) from its environment the same way.
  LACQUER_EDGE_CLIENT_TIMEOUTS: JSON.stringify(o.clientTimeouts),
});

/** Starts the edge: in this process (`--workers 0`) or as node:cluster workers sharing one listener. */
async function startEdge(options: ServeOptions, logger: Logger, health: ProbeThread, makePurger: PurgerFactory): Promise<EdgeHandle> {
  if (options.workers === 0) {
    const purge = async (command: PurgeCommand): Promise<void> => { runtime.apply({ type: 'purge', command }); };
    const runtime: EdgeRuntime = new EdgeRuntime({
      host: options.edge.host, port: options.edge.port, pop: options.pop, logger: logger.child({ component: 'edge' }),
      purger: makePurger(purge), cacheSizeBytes: options.cacheSizeBytes, cacheMaxObjectBytes: options.cacheMaxObjectBytes,
      clientTimeouts: options.clientTimeouts,
    });
    health.on('message', (m) => runtime.apply(m));
    const { port } = await runtime.start();
    return {
      port, send: (m) => runtime.apply(m), purge, metrics: () => runtime.metrics.registry.metrics(),
      stats: async (sid) => runtime.stats.snapshot(sid), stop: () => runtime.drain(),
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
  const purger = makePurger(purgeAll);
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

  const fork = (): Promise<number> => new Promise((resolve, reject) => {
    const w = cluster.fork({
      LACQUER_EDGE_HOST: options.edge.host, LACQUER_EDGE_PORT: String(options.edge.port), LACQUER_POP: options.pop, ...CACHE_ENV(options),
      LACQUER_LOG_LEVEL: options.logLevel,
    });
    workers.add(w);
    w.on('message', (m: FromWorker) => {
      if (m.type === 'compile-failed') logger.error(m, 'an edge worker could not compile an active version');
      else if (m.type === 'purged') acknowledged(m.id, w);
      else if (m.type === 'stats') statsAnswered(m.requestId, w, m.stats);
      else if (m.type === 'purge-request') {
        void purger(m).then((result: PurgeResult) => sendTo(w, { type: 'purge-result', requestId: m.requestId, result }));
      }
    });
    w.once('listening', (address) => {
      for (const h of health.messages()) sendTo(w, h);
      sendTo(w, services);
      resolve(address.port);
    });
    w.once('exit', (code, signal) => {
      workers.delete(w);
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
    port: ports[0],
    send(m) {
      if (m.type === 'services') services = m;
      else if (m.type === 'service') services = { type: 'services', sources: [...services.sources.filter((s) => s.serviceId !== m.source.serviceId), m.source] };
      else if (m.type === 'service-removed') services = { type: 'services', sources: services.sources.filter((s) => s.serviceId !== m.serviceId) };
      broadcast(m);
    },
    purge: purgeAll,
    metrics: () => aggregator.clusterMetrics(),
    stats: statsAll,
    async stop() {
      stopping = true;
      await Promise.all([...workers].map((w) => new Promise<void>((resolve) => {
        w.once('exit', () => resolve());
        sendTo(w, { type: 'drain' });
      })));
    },
  };
}
