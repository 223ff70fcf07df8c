// Fastly's rate limiting functions over a request's view of its service's counters and boxes
// (https://www.fastly.com/documentation/reference/vcl/functions/rate-limiting/):
// - ratelimit.check_rate / check_rates: add `delta` to the entry in each rate counter; when
//   the entry's rate over `window` seconds goes above `limit` ("If the user goes above this
//   limit"), put it in the penalty box for `ttl`; return whether the entry is in the penalty
//   box (Fastly: "returns true if the user is penalized").
// - ratelimit.ratecounter_increment: add `delta`, return the entry's increments "over the last
//   1 minute" (bucket.60s).
// - ratelimit.penaltybox_add / penaltybox_has.
// Every argument outside its documented range, and an entry longer than 256 bytes, sets
// fastly.error to EINVAL and returns the documented default (false, or 0 for INTEGER), the
// call having no other effect.
import { Buffer } from 'node:buffer';
import type { PenaltyBox } from './penalty-box.ts';
import { ttlMinutes } from './penalty-box.ts';
import type { RateCounter } from './rate-counter.ts';

/** What one request sees of its service's rate limiting (the edge implements it, src/edge/ratelimit/). */
export interface VclRateLimit {
  /** The service's `ratecounter NAME` in this POP (the checker made sure NAME is declared). */
  counter(name: string): RateCounter;
  /** The service's `penaltybox NAME` in this POP. */
  penaltyBox(name: string): PenaltyBox;
  /**
   * Remembers the entry this request last incremented in a rate counter, and gives it back:
   * what `ratecounter.NAME.*` reads (Fastly: "the most recently incremented entry in the named
   * ratecounter"; lacquer keeps it per request, so concurrent clients never read each other's
   * counts).
   */
  remember(counter: string, entry: string): void;
  lastEntry(counter: string): string | undefined;
}

/** Where a failed call reports EINVAL. */
export interface ErrorSink {
  fastlyError: string | null;
}

/** Fastly: "An entry can be, at maximum, 256 bytes long." */
export const MAX_ENTRY_BYTES = 256;
/** `window` must be one of these (seconds). */
export const WINDOWS: ReadonlySet<number> = new Set([1, 10, 60]);

export interface RateCheck {
  readonly counter: string;
  readonly delta: number;
  readonly window: number;
  readonly limit: number;
}

function entryOk(entry: string): boolean {
  return entry.length <= MAX_ENTRY_BYTES / 4 || Buffer.byteLength(entry) <= MAX_ENTRY_BYTES;
}

/** Fastly's ranges for check_rate(s): delta 0–100000, window 1/10/60, limit 10–70000000. */
function checkOk(c: RateCheck): boolean {
  return Number.isInteger(c.delta) && c.delta >= 0 && c.delta <= 100_000 && WINDOWS.has(c.window) && c.limit >= 10 && c.limit <= 70_000_000;
}

/** ratelimit.check_rate and ratelimit.check_rates (one or two checks of one entry). */
export function checkRates(rl: VclRateLimit, sink: ErrorSink, entry: string, checks: readonly RateCheck[], box: string, ttlMs: number, nowMs: number): boolean {
  const minutes = ttlMinutes(ttlMs);
  if (!entryOk(entry) || minutes === null || !checks.every(checkOk)) { sink.fastlyError = 'EINVAL'; return false; }
  let over = false;
  for (const c of checks) {
    const counter = rl.counter(c.counter);
    counter.increment(entry, c.delta, nowMs);
    rl.remember(c.counter, entry);
    if (counter.rate(entry, c.window, nowMs) > c.limit) over = true;
  }
  const pb = rl.penaltyBox(box);
  if (over) pb.put(entry, minutes * 60_000, nowMs);
  return pb.has(entry, nowMs);
}

/** ratelimit.ratecounter_increment: delta must be 0–1000 (its reference page). */
export function incrementCounter(rl: VclRateLimit, sink: ErrorSink, counter: string, entry: string, delta: number, nowMs: number): number {
  if (!entryOk(entry) || !Number.isInteger(delta) || delta < 0 || delta > 1000) { sink.fastlyError = 'EINVAL'; return 0; }
  const rc = rl.counter(counter);
  rc.increment(entry, delta, nowMs);
  rl.remember(counter, entry);
  return rc.bucket(entry, 60, nowMs);
}

export function penaltyBoxAdd(rl: VclRateLimit, sink: ErrorSink, box: string, entry: string, ttlMs: number, nowMs: number): void {
  const minutes = ttlMinutes(ttlMs);
  if (!entryOk(entry) || minutes === null) { sink.fastlyError = 'EINVAL'; return; }
  rl.penaltyBox(box).put(entry, minutes * 60_000, nowMs);
}

export function penaltyBoxHas(rl: VclRateLimit, sink: ErrorSink, box: string, entry: string, nowMs: number): boolean {
  if (!entryOk(entry)) { sink.fastlyError = 'EINVAL'; return false; }
  return rl.penaltyBox(box).has(entry, nowMs);
}

/** `ratecounter.NAME.bucket.Ns` / `.rate.Ns` for the entry this request last incremented (0 when none). */
export function counterReading(rl: VclRateLimit, counter: string, seconds: number, kind: 'bucket' | 'rate', nowMs: number): number {
  const entry = rl.lastEntry(counter);
  if (entry === undefined) return 0;
  const rc = rl.counter(counter);
  return kind === 'bucket' ? rc.bucket(entry, seconds, nowMs) : rc.rate(entry, seconds, nowMs);
}
