// RTIME: VCL's relative time. Literals are a number followed (optionally after spaces) by a
// unit: ms, s, m, h, d, w, y (https://www.fastly.com/documentation/reference/vcl/types/rtime/).
// lacquer carries every duration as milliseconds (DESIGN.md §4.2: the API's timeouts are
// ms), so these functions are the one mapping between API fields and VCL text.

/** Milliseconds per unit. A year is 365 days, as in Varnish (vcc_expr.c, vcc_TimeUnit). */
export const RTIME_UNITS = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
} as const;

export type RtimeUnit = keyof typeof RTIME_UNITS;

/** Largest first, so formatting picks the shortest exact spelling. */
const FORMAT_ORDER: readonly RtimeUnit[] = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];

const RTIME_RE = /^\s*(-?)(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w|y)\s*$/;

/** `'1.5m'` → 90000, `'10 ms'` → 10; null when the text is not an RTIME literal. */
export function parseRtime(text: string): number | null {
  const m = RTIME_RE.exec(text);
  if (m === null) return null;
  const ms = Number(m[2]) * RTIME_UNITS[m[3] as RtimeUnit];
  return m[1] === '-' ? -ms : ms;
}

/**
 * Milliseconds → the shortest RTIME literal that is exact: 120000 → `2m`, 90000 → `90s`,
 * 1500 → `1500ms`, 0 → `0s`. Fractions of a millisecond keep their decimals (`0.5ms`).
 */
export function formatRtime(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`not a finite duration: ${ms}`);
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  for (const unit of FORMAT_ORDER) {
    const size = RTIME_UNITS[unit];
    if (abs % size === 0) return `${sign}${abs / size}${unit}`;
  }
  return `${sign}${abs}ms`;
}

/** Seconds (the API's TTL fields) → RTIME literal. */
export function secondsToRtime(seconds: number): string {
  return formatRtime(seconds * 1000);
}
