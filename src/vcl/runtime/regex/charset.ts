// Sets of UTF-16 code units, the alphabet of a RegExp without the `u` flag (which VCL patterns
// never carry): what a character, a class, an escape or `.` matches, as sorted ranges. Both
// engines read them — the linear rewrite prints them back as classes, the bounded matcher
// tests code units against them — so a class means one thing to both.
//
// Case-insensitivity follows ECMA-262 §22.2.2.7.3 Canonicalize for a non-Unicode pattern: a
// code unit stands for every code unit with the same canonical form, toUpperCase() when that
// is one code unit and does not map a non-ASCII unit into ASCII. (V8 agrees on every BMP code
// unit: test/vcl/runtime/regex-casefold.test.ts.)

/** Sorted, disjoint, non-adjacent inclusive ranges, flattened: [lo0, hi0, lo1, hi1, …]. */
export type Ranges = readonly number[];

export const MAX_UNIT = 0xffff;

/** Sorts and merges [lo, hi] pairs (in any order, overlapping or not). */
export function normalise(pairs: readonly number[]): number[] {
  const list: [number, number][] = [];
  for (let i = 0; i < pairs.length; i += 2) list.push([pairs[i], pairs[i + 1]]);
  list.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of list) {
    const n = out.length;
    if (n > 0 && lo <= out[n - 1] + 1) out[n - 1] = Math.max(out[n - 1], hi);
    else out.push(lo, hi);
  }
  return out;
}

export function negate(r: Ranges): number[] {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < r.length; i += 2) {
    if (r[i] > next) out.push(next, r[i] - 1);
    next = r[i + 1] + 1;
  }
  if (next <= MAX_UNIT) out.push(next, MAX_UNIT);
  return out;
}

export function contains(r: Ranges, c: number): boolean {
  let lo = 0;
  let hi = (r.length >> 1) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (c < r[2 * mid]) hi = mid - 1;
    else if (c > r[2 * mid + 1]) lo = mid + 1;
    else return true;
  }
  return false;
}

// ── Class escapes (ECMA-262 §22.2.2.9 CharacterClassEscape, non-Unicode) ─────────────────
export const DIGIT: Ranges = [0x30, 0x39];
export const WORD: Ranges = [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a];
/** WhiteSpace and LineTerminator (§12.2, §12.3): what `\s` matches. */
export const SPACE: Ranges = normalise([
  0x09, 0x0d, 0x20, 0x20, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a,
  0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f, 0x3000, 0x3000, 0xfeff, 0xfeff,
]);
/** LineTerminator: what `.` does not match without the `s` flag, and where `^`/`$` stop with `m`. */
export const LINE_TERMINATOR: Ranges = [0x0a, 0x0a, 0x0d, 0x0d, 0x2028, 0x2029];

export function isLineTerminator(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;
}

export function isWordUnit(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

// ── Case folding ────────────────────────────────────────────────────────────────────────
/** ECMA-262 Canonicalize(rer, ch) for a pattern without `u`/`v`, with `i`. */
export function canonicalize(c: number): number {
  if (c < 0x80) return c >= 0x61 && c <= 0x7a ? c - 0x20 : c;
  const u = String.fromCharCode(c).toUpperCase();
  if (u.length !== 1) return c;
  const cu = u.charCodeAt(0);
  return cu < 0x80 ? c : cu;
}

/** Code units grouped by canonical form; built on first need (a non-ASCII caseless class). */
let byCanonical: Map<number, number[]> | null = null;

function equivalents(): Map<number, number[]> {
  if (byCanonical === null) {
    byCanonical = new Map();
    for (let c = 0x80; c <= MAX_UNIT; c++) {
      const k = canonicalize(c);
      const list = byCanonical.get(k);
      if (list === undefined) byCanonical.set(k, [c]);
      else list.push(c);
    }
  }
  return byCanonical;
}

/** Every code unit that matches some member of `r` when matching ignores case. */
export function foldClosure(r: Ranges): number[] {
  const out: number[] = [...r];
  let nonAscii = false;
  for (let i = 0; i < r.length; i += 2) {
    const lo = r[i];
    const hi = r[i + 1];
    // An ASCII letter is equivalent only to its other-case ASCII letter (no non-ASCII unit
    // canonicalizes into ASCII).
    const a = Math.max(lo, 0x41); const b = Math.min(hi, 0x5a);
    if (a <= b) out.push(a + 0x20, b + 0x20);
    const c = Math.max(lo, 0x61); const d = Math.min(hi, 0x7a);
    if (c <= d) out.push(c - 0x20, d - 0x20);
    if (hi >= 0x80) nonAscii = true;
  }
  if (!nonAscii) return normalise(out);
  const eq = equivalents();
  for (let i = 0; i < r.length; i += 2) {
    for (let c = Math.max(r[i], 0x80); c <= r[i + 1]; c++) {
      for (const e of eq.get(canonicalize(c)) ?? []) out.push(e, e);
    }
  }
  return normalise(out);
}
