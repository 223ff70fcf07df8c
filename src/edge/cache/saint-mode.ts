// Saint mode (Varnish 2.1's `beresp.saintmode`, which Fastly VCL keeps): vcl_fetch may declare
// that the backend which just answered is sick *for this object* for a while. Until then, fetches
// of the object treat that backend as unhealthy — a director tries its other members, a stale
// copy is served when there is one, else the fetch fails as "Backend is unhealthy" — while the
// backend keeps serving every other object.
//
// Ownership: one SaintMode per worker (EdgeCache); bounded in entries like HitForPass, so a flood
// of distinct keys cannot grow it without limit (the oldest are forgotten first).
import { LRUCache } from 'lru-cache';

export interface SaintModeOptions {
  readonly maxEntries?: number;
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
}

export class SaintMode {
  readonly #until: LRUCache<string, number>;
  readonly #now: () => number;

  constructor(options: SaintModeOptions = {}) {
    this.#until = new LRUCache({ max: options.maxEntries ?? 100_000 });
    this.#now = options.now ?? Date.now;
  }

  /** `set beresp.saintmode = <seconds>` after `backend` answered for `key`. */
  mark(key: string, backend: string, seconds: number): void {
    if (seconds > 0) this.#until.set(`${key}\u0001${backend}`, this.#now() + seconds * 1000);
  }

  /** Whether `backend` is sick for `key` now. */
  sick(key: string, backend: string): boolean {
    const k = `${key}\u0001${backend}`;
    const until = this.#until.get(k);
    if (until === undefined) return false;
    if (until > this.#now()) return true;
    this.#until.delete(k);
    return false;
  }
}
