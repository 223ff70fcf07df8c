// One edge worker's share of its POP's rate limiting: every service's rate counters and penalty
// boxes, by declaration name, and how their counts reach the other workers of the node.
//
// Sharing within a node (the workers of one `lacquer serve`): each worker counts its own
// requests at once, and every `flushMs` (default 100 ms) sends what it added since the last
// flush — increments with the second they happened in, penalty box additions with their expiry
// — to the primary, which relays them to every other worker (src/process/edge.ts). So a worker
// sees its own increments immediately and the others' at most about one flush interval (plus an
// IPC hop) late. Node's workers are processes, not threads, so no memory can be shared between
// them; and a VCL function cannot wait for an answer, so asking the primary per request is not
// possible either. Fastly's counters are approximate and per POP the same way ("computed
// asynchronously and may take up to a few seconds to reflect new increments across the POP",
// ratecounter.{NAME}.bucket.10s). Across the nodes of a POP, counts are not shared: each node
// counts the requests it receives (docs/vcl.md says so).
//
// State outlives activations: counters belong to the service id and the declaration's name, so
// a new version of a service keeps counting (and keeps its penalty box), as an operator expects
// of a configuration change. Memory: every counter and box is bounded (runtime/ratelimit/).
import { PenaltyBox, RateCounter } from '../../vcl/index.ts';
import type { VclRateLimit } from '../../vcl/index.ts';

/** Counts one worker added since its last flush, for the others (plain data, sent over IPC). */
export interface RateLimitSync {
  readonly type: 'ratelimit';
  /** [service id, ratecounter name, entry, second, delta] */
  readonly increments: readonly (readonly [string, string, string, number, number])[];
  /** [service id, penaltybox name, entry, expires at (ms)] */
  readonly penalties: readonly (readonly [string, string, string, number])[];
}

export interface PopRateLimitsOptions {
  /** Sends this worker's additions to the others; absent: this worker is alone (`--workers 0`). */
  readonly send?: (sync: RateLimitSync) => void;
  readonly flushMs?: number;
  /** Entries per rate counter / per penalty box (defaults: Fastly's 200,000). */
  readonly counterEntries?: number;
  readonly boxEntries?: number;
}

/**
 * One rate counter's increments since the last flush, summed per entry for the second they fell
 * in: a client sending many requests costs one Map update each, and one tuple per flush.
 */
class Pending {
  second = -1;
  readonly deltas = new Map<string, number>();
  readonly serviceId: string;
  readonly name: string;
  constructor(serviceId: string, name: string) { this.serviceId = serviceId; this.name = name; }
}

class ServiceRateLimits {
  readonly counters = new Map<string, RateCounter>();
  readonly boxes = new Map<string, PenaltyBox>();
}

export class PopRateLimits {
  readonly #o: PopRateLimitsOptions;
  readonly #services = new Map<string, ServiceRateLimits>();
  #increments: [string, string, string, number, number][] = [];
  /** Counters with increments not yet flushed. */
  readonly #dirty = new Set<Pending>();
  #penalties: [string, string, string, number][] = [];
  #timer: NodeJS.Timeout | null = null;

  constructor(options: PopRateLimitsOptions = {}) {
    this.#o = options;
  }

  /** What one request of `serviceId` uses (created when its VCL first calls a ratelimit function). */
  forRequest(serviceId: string): VclRateLimit {
    return new RequestRateLimit(this, serviceId);
  }

  counter(serviceId: string, name: string): RateCounter {
    const s = this.#service(serviceId);
    let rc = s.counters.get(name);
    if (rc === undefined) {
      const pending = new Pending(serviceId, name);
      const listener = this.#o.send === undefined ? null : (entry: string, second: number, delta: number) => {
        if (second !== pending.second) { this.#drain(pending); pending.second = second; }
        pending.deltas.set(entry, (pending.deltas.get(entry) ?? 0) + delta);
        if (!this.#dirty.has(pending)) { this.#dirty.add(pending); this.#schedule(); }
      };
      rc = new RateCounter(this.#o.counterEntries, listener);
      s.counters.set(name, rc);
    }
    return rc;
  }

  penaltyBox(serviceId: string, name: string): PenaltyBox {
    const s = this.#service(serviceId);
    let pb = s.boxes.get(name);
    if (pb === undefined) {
      const listener = this.#o.send === undefined ? null : (entry: string, expiresAt: number) => {
        this.#penalties.push([serviceId, name, entry, expiresAt]);
        this.#schedule();
      };
      pb = new PenaltyBox(this.#o.boxEntries, listener);
      s.boxes.set(name, pb);
    }
    return pb;
  }

  /** Applies another worker's additions. */
  apply(sync: RateLimitSync, nowMs = Date.now()): void {
    const nowSecond = Math.floor(nowMs / 1000);
    for (const [sid, name, entry, second, delta] of sync.increments) this.counter(sid, name).add(entry, second, delta, nowSecond);
    for (const [sid, name, entry, expiresAt] of sync.penalties) this.penaltyBox(sid, name).add(entry, expiresAt, nowMs);
  }

  /** Drops a removed service's counters and boxes. */
  remove(serviceId: string): void {
    this.#services.delete(serviceId);
  }

  /** Sends what was added since the last flush (the timer does it; tests and drain call it). */
  flush(): void {
    if (this.#timer !== null) { clearTimeout(this.#timer); this.#timer = null; }
    for (const pending of this.#dirty) this.#drain(pending);
    this.#dirty.clear();
    if (this.#increments.length === 0 && this.#penalties.length === 0) return;
    const sync: RateLimitSync = { type: 'ratelimit', increments: this.#increments, penalties: this.#penalties };
    this.#increments = [];
    this.#penalties = [];
    this.#o.send?.(sync);
  }

  #drain(pending: Pending): void {
    for (const [entry, delta] of pending.deltas) this.#increments.push([pending.serviceId, pending.name, entry, pending.second, delta]);
    pending.deltas.clear();
  }

  #schedule(): void {
    if (this.#timer !== null) return;
    this.#timer = setTimeout(() => { this.#timer = null; this.flush(); }, this.#o.flushMs ?? 100);
    this.#timer.unref();
  }

  #service(serviceId: string): ServiceRateLimits {
    let s = this.#services.get(serviceId);
    if (s === undefined) { s = new ServiceRateLimits(); this.#services.set(serviceId, s); }
    return s;
  }
}

/** One request's view: its service's counters, and the entries it incremented (usually one counter). */
class RequestRateLimit implements VclRateLimit {
  readonly #pop: PopRateLimits;
  readonly #serviceId: string;
  /** counter name, entry, counter name, entry, … */
  #last: string[] | null = null;
  constructor(pop: PopRateLimits, serviceId: string) {
    this.#pop = pop;
    this.#serviceId = serviceId;
  }
  counter(name: string): RateCounter { return this.#pop.counter(this.#serviceId, name); }
  penaltyBox(name: string): PenaltyBox { return this.#pop.penaltyBox(this.#serviceId, name); }
  remember(counter: string, entry: string): void {
    const last = this.#last ??= [];
    for (let i = 0; i < last.length; i += 2) if (last[i] === counter) { last[i + 1] = entry; return; }
    last.push(counter, entry);
  }
  lastEntry(counter: string): string | undefined {
    const last = this.#last;
    if (last !== null) for (let i = 0; i < last.length; i += 2) if (last[i] === counter) return last[i + 1];
    return undefined;
  }
}
