// A `penaltybox NAME { }`: entries held until their TTL ends, as Fastly's declaration reference
// describes it (https://www.fastly.com/documentation/reference/vcl/declarations/penaltybox/):
// - a TTL is whole minutes between 1 and 60; `ratelimit.penaltybox_add` rounds it "to the
//   nearest minute" (ttlMinutes below);
// - at most `capacity` entries: Fastly evicts "the one with the smallest remaining TTL". lacquer
//   evicts the entry added longest ago (a Map keeps insertion order, so eviction is O(1) under a
//   flood of unique entries). With one TTL per penalty box, the usual case, that is the same
//   entry; with several TTLs it may be a different one. Expired entries are dropped as they are
//   met and never count as present.
//
// Pure: time is a parameter. Owner: one edge worker (src/edge/ratelimit/), which also applies
// the other workers' additions (`add` with their expiry).

/** Fastly's limit: "Each penaltybox can contain up to 200,000 entries per site". */
export const PENALTYBOX_ENTRIES = 200_000;

/** Called for every local addition, so the edge can tell the other workers of its POP. */
export type AddListener = (entry: string, expiresAt: number) => void;

export class PenaltyBox {
  readonly capacity: number;
  /** entry → when it leaves the box (ms since the epoch). */
  readonly #entries = new Map<string, number>();
  readonly #listener: AddListener | null;

  constructor(capacity = PENALTYBOX_ENTRIES, listener: AddListener | null = null) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`invalid penaltybox capacity ${capacity}: must be a whole number of at least 1`);
    this.capacity = capacity;
    this.#listener = listener;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Puts `entry` in the box for `ttlMs` from `nowMs` (this worker's own addition). */
  put(entry: string, ttlMs: number, nowMs: number): void {
    const expiresAt = nowMs + ttlMs;
    this.add(entry, expiresAt, nowMs);
    this.#listener?.(entry, expiresAt);
  }

  /** Holds `entry` until `expiresAt` (a later expiry wins over an earlier one). */
  add(entry: string, expiresAt: number, nowMs: number): void {
    if (expiresAt <= nowMs) return;
    const current = this.#entries.get(entry);
    if (current !== undefined) {
      this.#entries.delete(entry);
      expiresAt = Math.max(current, expiresAt);
    } else if (this.#entries.size >= this.capacity) {
      const first = this.#entries.keys().next();
      if (first.done !== true) this.#entries.delete(first.value);
    }
    this.#entries.set(entry, expiresAt);
  }

  has(entry: string, nowMs: number): boolean {
    const expiresAt = this.#entries.get(entry);
    if (expiresAt === undefined) return false;
    if (expiresAt > nowMs) return true;
    this.#entries.delete(entry);
    return false;
  }
}

/**
 * A penalty box TTL as Fastly takes it: rounded to the nearest whole minute, which must be
 * between 1 and 60 (ratelimit.penaltybox_add: "Must be between 1m and 1h, and has minute
 * granularity (rounded to the nearest minute)"). Null when it is out of range.
 */
export function ttlMinutes(ttlMs: number): number | null {
  if (!Number.isFinite(ttlMs)) return null;
  const minutes = Math.round(ttlMs / 60_000);
  return minutes >= 1 && minutes <= 60 ? minutes : null;
}
