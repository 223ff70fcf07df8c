// The edge's Prometheus metrics. Each worker has its own registry; the API's
// `/metrics` aggregates the workers through prom-client's cluster support.

import { Counter, Gauge, Registry } from 'prom-client';
import { FastHistogram } from './histogram.ts';
import { FleetMetrics } from './fleet/metrics.ts';

interface RequestCount { readonly service: string; readonly status: string; readonly cache: string; n: number }

/** Every count in service → cache state → status maps. */
function* allCounts(counts: Map<string, Map<string, Map<number, RequestCount>>>): Generator<RequestCount> {
  for (const byCache of counts.values()) for (const byStatus of byCache.values()) yield* byStatus.values();
}

export class EdgeMetrics {
  readonly registry: Registry;
  readonly #errors: Counter<'service' | 'reason'>;
  readonly #upstream: FastHistogram;
  readonly #collapsed: Counter<'service'>;
  readonly #purges: Counter<'kind' | 'soft'>;
  /**
   * Per-request counts kept as plain numbers and handed to prom-client only when it scrapes:
   * a labelled inc() hashes its labels on every call, which cost a measurable share of a hit.
   */
  readonly #counts = new Map<string, Map<string, Map<number, RequestCount>>>();
  readonly connections: Gauge<'backend'>;
  readonly fleet: FleetMetrics;
  readonly #connectionSources: Array<(set: (backend: string, n: number) => void) => void>;

  constructor(registry = new Registry()) {
    this.registry = registry;
    this.fleet = new FleetMetrics(registry);
    const counts = this.#counts;
    new Counter({
      name: 'lacquer_requests_total', help: 'Requests answered by the edge, by service and status.',
      labelNames: ['service', 'status'], registers: [registry],
      collect() {
        this.reset();
        for (const c of allCounts(counts)) this.inc({ service: c.service, status: c.status }, c.n);
      },
    });
    this.#errors = new Counter({
      name: 'lacquer_synthetic_errors_total', help: 'Synthetic error responses (503s and others), by reason.',
      labelNames: ['service', 'reason'], registers: [registry],
    });
    this.#upstream = new FastHistogram({
      name: 'lacquer_upstream_first_byte_seconds', help: 'Time from sending a request to a backend to its response headers.',
      labelNames: ['service', 'backend'], registers: [registry],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
    });
    new Counter({
      name: 'lacquer_cache_requests_total', help: 'Requests by cache result (HIT, MISS, PASS, STALE), by service.',
      labelNames: ['service', 'result'], registers: [registry],
      collect() {
        this.reset();
        for (const c of allCounts(counts)) this.inc({ service: c.service, result: c.cache }, c.n);
      },
    });
    this.#collapsed = new Counter({
      name: 'lacquer_collapsed_requests_total', help: 'Requests that waited for another request\'s fetch of the same object.',
      labelNames: ['service'], registers: [registry],
    });
    this.#purges = new Counter({
      name: 'lacquer_purges_total', help: 'Purges applied to this cache, by kind (key, surrogate-key, all).',
      labelNames: ['kind', 'soft'], registers: [registry],
    });
    const connectionSources: Array<(set: (backend: string, n: number) => void) => void> = [];
    this.#connectionSources = connectionSources;
    this.connections = new Gauge({
      name: 'lacquer_backend_connections_in_use', help: 'Requests in flight to each backend.',
      labelNames: ['backend'], registers: [registry],
      collect() {
        this.reset();
        for (const source of connectionSources) source((backend, n) => this.set({ backend }, n));
      },
    });
  }

  /** Registers a function that reports in-flight counts when Prometheus scrapes. */
  onCollectConnections(source: (set: (backend: string, n: number) => void) => void): void {
    this.#connectionSources.push(source);
  }

  /** Reports the cache's size when Prometheus scrapes: objects, bytes, evictions so far. */
  cacheGauges(stats: () => { objects: number; bytes: number; evictions: number }): void {
    const r = this.registry;
    new Gauge({ name: 'lacquer_cache_objects', help: 'Objects stored in the cache.', registers: [r], collect() { this.set(stats().objects); } });
    new Gauge({ name: 'lacquer_cache_bytes', help: 'Bytes the cache accounts for (bodies, headers, overhead).', registers: [r], collect() { this.set(stats().bytes); } });
    new Gauge({ name: 'lacquer_cache_evictions', help: 'Objects evicted to stay within --cache-size, since start.', registers: [r], collect() { this.set(stats().evictions); } });
  }

  purged(kind: string, soft: boolean): void {
    this.#purges.inc({ kind, soft: soft ? 'true' : 'false' });
  }

  request(service: string, status: number, reason: string | null, cache: string): void {
    // Nested maps keyed by the values themselves: a joined string key was hashed anew per request.
    let byCache = this.#counts.get(service);
    if (byCache === undefined) this.#counts.set(service, byCache = new Map());
    let byStatus = byCache.get(cache);
    if (byStatus === undefined) byCache.set(cache, byStatus = new Map());
    const c = byStatus.get(status);
    if (c === undefined) byStatus.set(status, { service, status: String(status), cache, n: 1 });
    else c.n++;
    if (reason !== null) this.#errors.inc({ service, reason });
  }


  collapsed(service: string): void {
    this.#collapsed.inc({ service });
  }

  upstreamLatency(service: string, backend: string, seconds: number): void {
    this.#upstream.observe(service, backend, seconds);
  }
}
