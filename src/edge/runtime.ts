// One edge worker's runtime: the service table, upstream pools, health view and listener.
// It is driven only by ToWorker messages — over IPC in a cluster worker, or by direct calls
// when the edge runs inside the main process (`--workers 0`).
//
// Ownership: `apply` is the only writer of the table and the health view. Compilation happens
// here, once per activation per worker; the old CompiledService stays alive for requests that
// still hold it, and pools whose identity the new table no longer uses close once idle.

import { Buffer } from 'node:buffer';
import process from 'node:process';
import os from 'node:os';
import type { Logger } from 'pino';
import { poolIdentity } from '../model/backend.ts';
import { compileService, type CompiledService, type ServiceSource } from '../vcl/index.ts';
import { HealthView } from '../health/ipc.ts';
import { EdgeCache } from './cache/index.ts';
import type { Purger } from './purge.ts';
import type { FromWorker, ToWorker } from './messages.ts';
import { applyLiveUpdate } from './live.ts';
import { EdgeMetrics } from './metrics.ts';
import { Pipeline } from './pipeline.ts';
import { EdgeStats } from './stats.ts';
import { EdgeServer } from './server.ts';
import type { ClientTimeouts } from './http1/index.ts';
import { ServiceTable } from './service-table.ts';
import { CertificateTable } from './tls/index.ts';
import { LogMetrics, LogRouter, type LogRouterOptions } from './logging/index.ts';
import { UpstreamPools } from './upstream/index.ts';
import { FleetView } from './fleet/view.ts';
import { openGeoDatabase } from './geo/database.ts';
import type { PopState } from './pop-state.ts';
import { PopRateLimits } from './ratelimit/pop-rate-limits.ts';

export interface EdgeRuntimeOptions {
  readonly host: string;
  readonly port: number;
  /** The HTTPS listener's address; null or absent: none (`--tls off`). */
  readonly tls?: { readonly host: string; readonly port: number } | null;
  readonly pop: string;
  readonly logger: Logger;
  /** Reports back to the primary (compile failures, readiness, purge acknowledgements). */
  readonly report?: (message: FromWorker) => void;
  /** Authenticates and fans out `PURGE <url>` (the primary does both). */
  readonly purger: Purger;
  readonly cacheSizeBytes?: number;
  readonly cacheMaxObjectBytes?: number;
  readonly drainTimeoutMs?: number;
  /** How long the edge waits on a client; the defaults when not given. */
  readonly clientTimeouts?: ClientTimeouts;
  /**
   * On a fleet (`lacquer serve`): a cluster listener of this worker's own is opened, and the edge
   * answers /ready only once the fleet counts this worker among its POP's members (DESIGN.md §4.4).
   */
  readonly clustered?: boolean;
  /**
   * MaxMind databases for client.geo.* (`--geoip-db`); empty or absent: none. Opened here, once;
   * a file that cannot be used throws (GeoDatabaseError, naming it).
   */
  readonly geoipDb?: readonly string[];
  /** Whether other workers share this node's rate limiting: increments go out through `report` (src/process/edge.ts relays them). */
  readonly shareRateLimits?: boolean;
  /** Logging endpoints' vendor intakes pointed elsewhere (`--log-intake`), and their queues' bounds. */
  readonly logging?: Pick<LogRouterOptions, 'intake' | 'bufferLines' | 'bufferBytes' | 'retryMs' | 'maxRetryMs'>;
}

export class EdgeRuntime {
  readonly table = new ServiceTable();
  readonly health = new HealthView();
  readonly upstream: UpstreamPools;
  readonly metrics = new EdgeMetrics();
  readonly stats = new EdgeStats();
  readonly cache: EdgeCache;
  readonly pipeline: Pipeline;
  readonly server: EdgeServer;
  /** This worker's own listener for cluster hops (src/edge/fleet/cluster.ts); null off a fleet. */
  readonly clusterServer: EdgeServer | null;
  readonly pop: PopState;
  /** The certificates the HTTPS listener serves, by server name. */
  readonly certificates = new CertificateTable();
  /** This worker's logging endpoints' queues (src/edge/logging/). */
  readonly logging: LogRouter;
  readonly #o: EdgeRuntimeOptions;
  #ready = false;
  #fleet: FleetView | null = null;
  /**
   * How many installed services use each pool identity, kept as services come and go: an
   * activation then closes the pools it left unused without looking at every other service.
   */
  #poolUses = new Map<string, number>();
  /** Pool identities no installed service uses any more, to close after this message. */
  #released = false;

  constructor(options: EdgeRuntimeOptions) {
    this.#o = options;
    const cdnId = `lacquer-${options.pop}`;
    this.upstream = new UpstreamPools({ cdnId });
    this.cache = new EdgeCache({ maxBytes: options.cacheSizeBytes, maxObjectBytes: options.cacheMaxObjectBytes });
    const report = options.report;
    this.pop = {
      rateLimits: new PopRateLimits(options.shareRateLimits === true && report !== undefined ? { send: (sync) => report(sync) } : {}),
      geo: options.geoipDb === undefined || options.geoipDb.length === 0 ? null : openGeoDatabase(options.geoipDb),
    };
    this.logging = new LogRouter({ ...options.logging, metrics: new LogMetrics(this.metrics.registry), logger: options.logger });
    const pipeline = this.pipeline = new Pipeline({
      table: this.table,
      upstream: this.upstream,
      cache: this.cache,
      purger: options.purger,
      health: this.health,
      server: { hostname: os.hostname(), identity: `${os.hostname()}-${process.pid}`, ip: options.host, port: options.port, pop: options.pop },
      cdnId,
      logger: options.logger,
      metrics: this.metrics,
      stats: this.stats,
      logging: this.logging,
      ready: () => this.#ready && (options.clustered !== true || this.#fleet?.member === true),
      fleet: () => this.#fleet,
      pop: this.pop,
    });
    this.server = new EdgeServer({
      host: options.host, port: options.port, handler: pipeline.handle, drainTimeoutMs: options.drainTimeoutMs, clientTimeouts: options.clientTimeouts,
      ...(options.tls == null ? {} : { tls: { ...options.tls, certificates: this.certificates, logger: options.logger } }),
    });
    this.clusterServer = options.clustered === true
      ? new EdgeServer({ host: options.host, port: 0, exclusive: true, handler: pipeline.handleCluster, drainTimeoutMs: options.drainTimeoutMs, clientTimeouts: options.clientTimeouts })
      : null;
    this.metrics.cacheGauges(() => this.cache.store.stats());
    this.metrics.onCollectConnections((set) => {
      for (const s of this.table.services()) {
        for (const b of s.backends.values()) set(b.name, this.upstream.inFlight(b));
      }
    });
  }

  /**
   * Listens: first the cluster listener, then the edge and its HTTPS listener; the ports are
   * reported together once all are open (the primary then hands the worker its fleet and services).
   */
  async start(): Promise<{ port: number; tlsPort: number | null; clusterPort: number | null }> {
    const cluster = this.clusterServer === null ? null : await this.clusterServer.listen();
    const address = await this.server.listen();
    const tls = await this.server.listenTls();
    const ports = { port: address.port, tlsPort: tls?.port ?? null, clusterPort: cluster?.port ?? null };
    this.#o.report?.({ type: 'listening', ...ports });
    return ports;
  }

  apply(message: ToWorker): void {
    switch (message.type) {
      case 'services': {
        const keep = new Set(message.sources.map((s) => s.serviceId));
        for (const s of [...this.table.services()]) {
          if (!keep.has(s.serviceId)) {
            this.table.remove(s.serviceId);
            this.logging.remove(s.serviceId);
          }
        }
        for (const source of message.sources) this.#install(source);
        this.#poolUses = new Map();
        for (const service of this.table.services()) this.#countPools(service, 1);
        this.#ready = true;
        this.#o.report?.({ type: 'ready' });
        break;
      }
      case 'service':
        this.#install(message.source);
        if (!this.#released) return;
        break;
      case 'service-removed': {
        const old = this.table.get(message.serviceId);
        this.table.remove(message.serviceId);
        this.logging.remove(message.serviceId);
        if (old !== null) this.#countPools(old, -1);
        this.stats.remove(message.serviceId);
        this.pop.rateLimits.remove(message.serviceId);
        if (!this.#released) return;
        break;
      }
      case 'live':
        applyLiveUpdate(this.table, message.change, this.#o.logger);
        return;
      case 'health':
        this.health.apply(message);
        return;
      case 'purge': {
        const cmd = message.command;
        if (cmd.kind !== 'url') this.cache.purge(cmd);
        else {
          const key = this.pipeline.purgeKey(cmd.serviceId, cmd.host, cmd.url);
          if (key !== null) this.cache.purge({ kind: 'key', id: cmd.id, key, soft: cmd.soft });
        }
        this.metrics.purged(cmd.kind, cmd.soft);
        this.#o.report?.({ type: 'purged', id: cmd.id });
        return;
      }
      case 'purge-result':
        return;
      case 'stats-request':
        this.#o.report?.({ type: 'stats', requestId: message.requestId, stats: this.stats.snapshot(message.serviceId) });
        return;
      case 'tls': {
        const { applied, problems } = this.certificates.replace(message.material);
        for (const p of problems) this.#o.logger.error(p, 'a TLS certificate or key was refused; its domain has no HTTPS until it is replaced');
        if (applied) this.#o.logger.debug({ generation: message.material.generation, domains: this.certificates.size }, 'TLS certificates replaced');
        return;
      }
      case 'tls-ticket-keys':
        this.server.setTicketKeys(Buffer.from(message.keys, 'base64'));
        return;
      case 'drain':
        void this.drain();
        return;
      case 'fleet':
        this.#fleet = new FleetView(message.state);
        return;
      case 'ratelimit':
        this.pop.rateLimits.apply(message);
        return;
    }
    this.#released = false;
    void this.upstream.retain(this.#poolUses.keys());
  }

  async drain(): Promise<void> {
    this.#ready = false;
    await Promise.all([this.server.drain(), this.clusterServer?.drain()]);
    await this.upstream.close();
    await this.logging.close();
    this.pipeline.flushLog();
  }

  #install(source: ServiceSource): void {
    const { service, diagnostics } = compileService(source);
    if (service === null) {
      const message = diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line}:${d.col} ${d.message}`).join('; ');
      this.#o.logger.error({ service: source.serviceId, version: source.version, message }, 'active version failed to compile; keeping the previous one');
      this.#o.report?.({ type: 'compile-failed', serviceId: source.serviceId, version: source.version, message });
      return;
    }
    const old = this.table.get(service.serviceId);
    this.table.put(service);
    this.logging.install(service.serviceId, source.logging ?? []);
    this.#countPools(service, 1);
    if (old !== null) this.#countPools(old, -1);
  }

  #countPools(service: CompiledService, delta: 1 | -1): void {
    for (const id of new Set([...service.backends.values()].map(poolIdentity))) {
      const n = (this.#poolUses.get(id) ?? 0) + delta;
      if (n > 0) this.#poolUses.set(id, n);
      else {
        this.#poolUses.delete(id);
        this.#released = true;
      }
    }
  }
}
