// Accept-Encoding as Fastly treats it: normalised to one coding before vcl_recv, so that
// `Vary: Accept-Encoding` splits the cache into a handful of variants, not one per spelling.
//
// Fastly ("Accept-Encoding" reference page, Normalization) saves the client's value in
// Fastly-Orig-Accept-Encoding, then sets Accept-Encoding to the best coding it names — and
// with Brotli delivery on, `br` ranks first ("Delivering compressed content", Brotli) — or
// removes it. lacquer always ranks br first: br > gzip > deflate > none. Two deliberate
// differences: Fastly matches substrings, lacquer reads the list as RFC 9110 §12.5.3 defines it,
// so `gzip;q=0` (refused) does not count as accepting gzip; and Fastly's list of browsers
// with broken decompression (step 2 of its normalisation) is not kept — those browsers are
// long gone.

import type { Fields } from './fields.ts';

/** The content codings the edge can apply and remove itself (node:zlib). */
export type ContentCoding = 'gzip' | 'br';

export const ORIGINAL_FIELD = 'fastly-orig-accept-encoding';

/** The codings a value accepts with q > 0, `*` standing for any coding it does not name. */
export function acceptsCoding(value: string | null, coding: string): boolean {
  if (value === null) return false;
  let star: boolean | null = null;
  for (const item of value.split(',')) {
    const [rawName, ...params] = item.split(';');
    let name = rawName.trim().toLowerCase();
    if (name === '') continue;
    // RFC 9110 §8.4.1.3: a recipient should treat x-gzip as gzip.
    if (name === 'x-gzip') name = 'gzip';
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
      if (m !== null) q = Number(m[1]);
    }
    const ok = Number.isFinite(q) && q > 0;
    if (name === coding) return ok;
    if (name === '*') star = ok;
  }
  return star === true;
}

/** The value Accept-Encoding is normalised to, or null for "removed" (identity only). */
export function normalisedAcceptEncoding(value: string | null): 'br' | 'gzip' | 'deflate' | null {
  if (value === null) return null;
  for (const coding of ['br', 'gzip', 'deflate'] as const) if (acceptsCoding(value, coding)) return coding;
  return null;
}

/**
 * Normalises a request's Accept-Encoding in place, keeping the client's value in
 * Fastly-Orig-Accept-Encoding (Fastly does this before vcl_recv). Returns the client's value:
 * what the response to this client may be encoded with.
 */
export function normaliseAcceptEncoding(headers: Fields): string | null {
  const original = headers.get('accept-encoding');
  if (original === null) return null;
  headers.set(ORIGINAL_FIELD, original);
  const normalised = normalisedAcceptEncoding(original);
  if (normalised === null) headers.unset('accept-encoding');
  else headers.set('accept-encoding', normalised);
  return original;
}
