// hit-for-pass (Varnish builtin.vcl `beresp.uncacheable`; Fastly `return(pass)` in vcl_fetch):
// a key whose last response could not be stored is remembered for a while, so that later
// misses for it skip collapsing and go straight to the origin instead of queueing behind a
// fetch that will not help them.
//
// Ownership: one HitForPass per worker; bounded in entries so a flood of distinct uncacheable
// URLs cannot grow it without limit (the oldest are forgotten first).

import { LRUCache } from 'lru-cache';

/** How long a key is remembered when the response gives no positive TTL (Varnish's 120 s). */
export const HIT_FOR_PASS_SECONDS = 120;

/** The time to remember: the response's ttl when it has one, at most HIT_FOR_PASS_SECONDS. */
export function hitForPassSeconds(ttl: number): number {
  return ttl > 0 ? Math.min(ttl, HIT_FOR_PASS_SECONDS) : HIT_FOR_PASS_SECONDS;
}

export interface HitForPassOptions {
  readonly maxEntries?: number;
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
}

export class HitForPass {
  readonly #until: LRUCache<string, number>;
  readonly #now: () => number;

  constructor(options: HitForPassOptions = {}) {
    this.#until = new LRUCache({ max: options.maxEntries ?? 100_000 });
    this.#now = options.now ?? Date.now;
  }

  remember(key: string, seconds: number = HIT_FOR_PASS_SECONDS): void {
    if (seconds > 0) this.#until.set(key, this.#now() + seconds * 1000);
  }

  /** True while the key is remembered as uncacheable. */
  active(key: string): boolean {
    const until = this.#until.get(key);
    if (until === undefined) return false;
    if (until > this.#now()) return true;
    this.#until.delete(key);
    return false;
  }

  /** A later response for the key was stored: stop passing. */
  forget(key: string): void {
    this.#until.delete(key);
  }
}
