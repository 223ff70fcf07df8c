// A `ratecounter NAME { }`: per entry, the increments of each of the last 60 whole seconds, as
// Fastly's declaration reference describes it
// (https://www.fastly.com/documentation/reference/vcl/declarations/ratecounter/):
// - windows are fixed to whole seconds and "almost always incomplete": the N-second window is
//   the current (partial) second plus the N - 1 seconds before it, so it holds between N - 1
//   and N seconds of increments. lacquer follows that layout exactly; it is the approximation
//   Fastly documents.
// - `bucket.Ns` is the sum of that window; `rate.Ns` is the sum divided by N (increments per
//   second averaged over the window's nominal length; lacquer does not extrapolate the partial
//   second, so a rate reads low rather than high early in a second).
// - at most `capacity` entries are kept; a new entry past that evicts the least recently
//   incremented one, as Fastly's ("up to 200,000 entries per site … evict the least recently
//   incremented entry"), recency counted in whole seconds: an entry moves to the young end of
//   the order on its first increment of a second, not on every one (moving it costs a Map delete
//   and insert, which on the hit path is most of the counter's cost). An entry whose 60 seconds
//   are all zero is among the first to go. So memory is bounded whatever entries an attacker
//   sends.
//
// Pure: time is a parameter, nothing here knows about workers or IPC. Owner: one edge worker
// (src/edge/ratelimit/), which feeds it its own increments and the other workers' (`add` with
// the second they happened in).

/** Seconds of history an entry keeps: Fastly's longest window. */
export const HISTORY_SECONDS = 60;

/** Fastly's limit: "Each ratecounter can contain up to 200,000 entries per site". */
export const RATECOUNTER_ENTRIES = 200_000;

interface Counts {
  /** Increments by second, at index `second % 60`. */
  readonly slots: Uint32Array;
  /** The latest second a slot was written for; slots after it (mod 60) are stale. */
  last: number;
}

/** Called for every local increment, so the edge can tell the other workers of its POP. */
export type IncrementListener = (entry: string, second: number, delta: number) => void;

export class RateCounter {
  readonly capacity: number;
  // A Map iterates in insertion order: re-inserting an entry on each increment keeps the least
  // recently incremented one first, which is the one to evict.
  readonly #entries = new Map<string, Counts>();
  readonly #listener: IncrementListener | null;

  constructor(capacity = RATECOUNTER_ENTRIES, listener: IncrementListener | null = null) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`invalid ratecounter capacity ${capacity}: must be a whole number of at least 1`);
    this.capacity = capacity;
    this.#listener = listener;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Adds `delta` to `entry` at `nowMs` (this worker's own increment). */
  increment(entry: string, delta: number, nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    this.add(entry, second, delta, second);
    if (delta !== 0) this.#listener?.(entry, second, delta);
  }

  /**
   * Adds `delta` increments that happened in `second` (another worker's, relayed), seen at
   * `nowSecond`. Increments older than the history are dropped.
   */
  add(entry: string, second: number, delta: number, nowSecond: number): void {
    if (second <= nowSecond - HISTORY_SECONDS) return;
    let counts = this.#entries.get(entry);
    if (counts === undefined) {
      if (this.#entries.size >= this.capacity) this.#evict();
      counts = { slots: new Uint32Array(HISTORY_SECONDS), last: second };
      this.#entries.set(entry, counts);
    } else if (second > counts.last) {
      this.#entries.delete(entry);
      this.#entries.set(entry, counts);
      advance(counts, second);
    }
    const i = second % HISTORY_SECONDS;
    counts.slots[i] = Math.min(0xffffffff, counts.slots[i] + delta);
  }

  /** Increments of `entry` in the `seconds`-long window that ends with the current second. */
  bucket(entry: string, seconds: number, nowMs: number): number {
    const counts = this.#entries.get(entry);
    if (counts === undefined) return 0;
    const now = Math.floor(nowMs / 1000);
    let sum = 0;
    for (let s = now - seconds + 1; s <= now; s++) {
      // A slot holds second s only if it was written at or after s and not rewritten since.
      if (s > counts.last || s <= counts.last - HISTORY_SECONDS) continue;
      sum += counts.slots[s % HISTORY_SECONDS];
    }
    return sum;
  }

  /** Increments per second of `entry` over a window of `seconds` (1, 10 or 60). */
  rate(entry: string, seconds: number, nowMs: number): number {
    return this.bucket(entry, seconds, nowMs) / seconds;
  }

  #evict(): void {
    const first = this.#entries.keys().next();
    if (first.done !== true) this.#entries.delete(first.value);
  }
}

/** Clears the slots of the seconds between the last write and `second`, then makes it the last. */
function advance(counts: Counts, second: number): void {
  if (second <= counts.last) return;
  const gap = Math.min(second - counts.last, HISTORY_SECONDS);
  for (let k = 1; k <= gap; k++) counts.slots[(counts.last + k) % HISTORY_SECONDS] = 0;
  counts.last = second;
}
