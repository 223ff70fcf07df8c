// What vcl_fetch asked the edge to do with a body (Fastly's `beresp.gzip`, `beresp.brotli` and
// `esi;` / `beresp.do_esi`), decided once vcl_fetch returned, and the header fields that go
// with compressing a response.
//
// Fastly's rules, followed here:
// - "Disabling this will not uncompress an object compressed by the origin" (beresp.gzip): a
//   response that already has a Content-Encoding is never compressed again.
// - ESI: "Compressed responses will obfuscate the ESI tags and they will be delivered
//   unprocessed to the client" (esi statement, Interaction with compression). lacquer does the
//   same, which also means it never inflates a body an origin compressed (a zip bomb stays
//   the client's to open, docs/reliability.md).
// - An ESI page that is also to be compressed is stored as its uncompressed template and
//   compressed after assembly, on delivery: the fragments it includes are uncompressed, and an
//   assembled page can only be compressed as a whole.
import type { Fields } from './fields.ts';
import type { ContentCoding } from './accept-encoding.ts';
import { isEncoded } from './codings.ts';

export interface BodyIntent {
  /** The coding the edge applies (or, for an ESI page, applies after assembly); null: none. */
  readonly coding: ContentCoding | null;
  /** The body is an ESI template, processed on every delivery. */
  readonly esi: boolean;
}

export const AS_IS: BodyIntent = Object.freeze({ coding: null, esi: false });

/** Statuses whose responses have no content (RFC 9110 §15.3.5, §15.4.5). */
const NO_CONTENT = new Set([204, 304]);

export function bodyIntent(flags: { readonly gzip?: boolean; readonly brotli?: boolean; readonly doEsi?: boolean }, res: { readonly status: number; readonly http: Fields }, method: string): BodyIntent {
  if (method === 'HEAD' || NO_CONTENT.has(res.status) || res.status < 200) return AS_IS;
  if (isEncoded(res.http.get('content-encoding'))) return AS_IS;
  const coding: ContentCoding | null = flags.brotli === true ? 'br' : flags.gzip === true ? 'gzip' : null;
  const esi = flags.doEsi === true;
  if (coding === null && !esi) return AS_IS;
  return { coding, esi };
}

/**
 * The fields of a response whose body the edge compresses with `coding`: Content-Encoding,
 * no Content-Length (the length is known only once compressed: the body is sent chunked),
 * `Vary: Accept-Encoding` (another client may be sent another coding of it) and a weak ETag —
 * the bytes are no longer the origin's, so a strong validator would claim byte equality it
 * does not have (RFC 9110 §8.8.1; Varnish weakens it too, cache_gzip.c).
 */
export function compressedFields(http: Fields, coding: ContentCoding): void {
  http.set('content-encoding', coding);
  http.unset('content-length');
  addVary(http);
  weakenEtag(http);
}

/** Adds Accept-Encoding to Vary unless it (or `*`) is there already. */
export function addVary(http: Fields): void {
  const vary = http.get('vary');
  if (vary === null || vary.trim() === '') {
    http.set('vary', 'Accept-Encoding');
    return;
  }
  const names = vary.split(',').map((n) => n.trim().toLowerCase());
  if (!names.includes('accept-encoding') && !names.includes('*')) http.set('vary', `${vary}, Accept-Encoding`);
}

export function weakenEtag(http: Fields): void {
  const etag = http.get('etag');
  if (etag !== null && etag.startsWith('"')) http.set('etag', `W/${etag}`);
}
