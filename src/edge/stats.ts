// Per-service request counts over the last minute and the last hour, for lacquer's own
// `GET /service/{sid}/stats`. Each worker counts what it answered: per-second
// buckets for 60 s and per-minute buckets for 60 min, kept in rings so memory is fixed per
// service and nothing runs on a timer; a bucket whose time has passed is reset when it is
// reused. The POP's primary asks every worker and sums the snapshots (`sumStats`).
//
// Ownership: one EdgeStats per worker, written only from its event loop (the pipeline counts
// a request when its response is finished and an origin request when it is sent).

/** The cache outcomes of a request, as `X-Cache` shows them (DESIGN.md §4.4). */
export const CACHE_OUTCOMES = ['HIT', 'MISS', 'PASS', 'STALE'] as const;
export type CacheOutcome = typeof CACHE_OUTCOMES[number];

export interface WindowCounts {
  readonly requests: number;
  readonly hits: number;
  readonly misses: number;
  readonly passes: number;
  readonly stale: number;
  /** Requests sent to each backend, by VCL name (`F_origin`). */
  readonly origin_requests: Readonly<Record<string, number>>;
}

export interface StatsSnapshot {
  readonly minute: WindowCounts;
  readonly hour: WindowCounts;
}

interface Bucket {
  /** Which slot of time (epoch ms / width) the counts belong to; -1: never used. */
  slot: number;
  requests: number;
  hits: number;
  misses: number;
  passes: number;
  stale: number;
  origin: Map<string, number>;
}

const OUTCOME_FIELD = { HIT: 'hits', MISS: 'misses', PASS: 'passes', STALE: 'stale' } as const satisfies Record<CacheOutcome, keyof Bucket>;

/** A ring of `size` buckets, each `widthMs` wide: the counts of the last size × width ms. */
export class BucketRing {
  readonly #buckets: Bucket[];
  readonly #widthMs: number;

  constructor(size: number, widthMs: number) {
    if (!Number.isSafeInteger(size) || size <= 0) throw new RangeError('invalid size: a positive number of buckets');
    if (!Number.isFinite(widthMs) || widthMs <= 0) throw new RangeError('invalid widthMs: a positive number of milliseconds');
    this.#widthMs = widthMs;
    this.#buckets = Array.from({ length: size }, () => emptyBucket(-1));
  }

  request(outcome: CacheOutcome, now: number): void {
    const b = this.#current(now);
    b.requests++;
    b[OUTCOME_FIELD[outcome]]++;
  }

  originRequest(backend: string, now: number): void {
    const b = this.#current(now);
    b.origin.set(backend, (b.origin.get(backend) ?? 0) + 1);
  }

  /** The sum of the buckets whose time lies within the ring's span ending at `now`. */
  sum(now: number): WindowCounts {
    const slot = Math.floor(now / this.#widthMs);
    const oldest = slot - this.#buckets.length + 1;
    const total = emptyBucket(slot);
    for (const b of this.#buckets) {
      if (b.slot < oldest || b.slot > slot) continue;
      total.requests += b.requests;
      total.hits += b.hits;
      total.misses += b.misses;
      total.passes += b.passes;
      total.stale += b.stale;
      for (const [backend, n] of b.origin) total.origin.set(backend, (total.origin.get(backend) ?? 0) + n);
    }
    return counts(total);
  }

  #current(now: number): Bucket {
    const slot = Math.floor(now / this.#widthMs);
    const b = this.#buckets[slot % this.#buckets.length];
    if (b.slot !== slot) Object.assign(b, emptyBucket(slot));
    return b;
  }
}

/** One service's minute (60 × 1 s) and hour (60 × 1 min) rings. */
export class ServiceStats {
  readonly #minute = new BucketRing(60, 1_000);
  readonly #hour = new BucketRing(60, 60_000);

  request(outcome: CacheOutcome, now: number): void {
    this.#minute.request(outcome, now);
    this.#hour.request(outcome, now);
  }

  originRequest(backend: string, now: number): void {
    this.#minute.originRequest(backend, now);
    this.#hour.originRequest(backend, now);
  }

  snapshot(now: number): StatsSnapshot {
    return { minute: this.#minute.sum(now), hour: this.#hour.sum(now) };
  }
}

export class EdgeStats {
  readonly #services = new Map<string, ServiceStats>();
  readonly #now: () => number;

  /** `now`: epoch milliseconds; injectable for tests. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** `now`: the request's time, when the caller already read the clock for it. */
  request(serviceId: string, outcome: CacheOutcome, now: number = this.#now()): void {
    this.#service(serviceId).request(outcome, now);
  }

  originRequest(serviceId: string, backend: string): void {
    this.#service(serviceId).originRequest(backend, this.#now());
  }

  /** This worker's counts for the service (zeros when it has seen none). */
  snapshot(serviceId: string): StatsSnapshot {
    return this.#services.get(serviceId)?.snapshot(this.#now()) ?? { minute: ZERO, hour: ZERO };
  }

  /** Forgets a service (it was deactivated or deleted). */
  remove(serviceId: string): void {
    this.#services.delete(serviceId);
  }

  #service(serviceId: string): ServiceStats {
    let s = this.#services.get(serviceId);
    if (s === undefined) this.#services.set(serviceId, s = new ServiceStats());
    return s;
  }
}

/** The POP's counts: the sum of every worker's snapshot. */
export function sumStats(snapshots: readonly StatsSnapshot[]): StatsSnapshot {
  return { minute: sumCounts(snapshots.map((s) => s.minute)), hour: sumCounts(snapshots.map((s) => s.hour)) };
}

/**
 * Share of the requests answered from cache among those that could have been: (hits + stale)
 * / (hits + stale + misses). Passes are left out, as Fastly's hit_ratio leaves them out; null
 * when there was nothing to answer from cache.
 */
export function hitRatio(c: WindowCounts): number | null {
  const cached = c.hits + c.stale;
  const cacheable = cached + c.misses;
  return cacheable === 0 ? null : cached / cacheable;
}

const ZERO: WindowCounts = Object.freeze({ requests: 0, hits: 0, misses: 0, passes: 0, stale: 0, origin_requests: Object.freeze({}) });

function sumCounts(all: readonly WindowCounts[]): WindowCounts {
  const total = emptyBucket(0);
  for (const c of all) {
    total.requests += c.requests;
    total.hits += c.hits;
    total.misses += c.misses;
    total.passes += c.passes;
    total.stale += c.stale;
    for (const [backend, n] of Object.entries(c.origin_requests)) total.origin.set(backend, (total.origin.get(backend) ?? 0) + n);
  }
  return counts(total);
}

function emptyBucket(slot: number): Bucket {
  return { slot, requests: 0, hits: 0, misses: 0, passes: 0, stale: 0, origin: new Map() };
}

function counts(b: Bucket): WindowCounts {
  const origin: Record<string, number> = {};
  for (const name of [...b.origin.keys()].sort()) origin[name] = b.origin.get(name) as number;
  return { requests: b.requests, hits: b.hits, misses: b.misses, passes: b.passes, stale: b.stale, origin_requests: origin };
}
