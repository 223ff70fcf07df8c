// Answering a request from a stored object (Varnish cache_req_fsm.c "deliver" for hits;
// RFC 9110 §13 conditional requests, §14 range requests; RFC 9111 §5.1 Age).
//
// Pure apart from counting the hit on the object: the caller supplies the time. The body is a
// view into the object's Buffer (`subarray`), never a copy.

import { Buffer } from 'node:buffer';
import { field, type HeaderFields, type StoredHeaders } from './fields.ts';
import type { CachedObject } from './object.ts';
import { SURROGATE_CONTROL, SURROGATE_KEY } from './surrogate-control.ts';

export interface ServeRequest {
  readonly method: string;
  readonly headers: HeaderFields;
}

export interface ServedResponse {
  readonly status: number;
  readonly reason: string;
  readonly headers: StoredHeaders;
  /**
   * The object's delivery fields, the same for every response, when `headers` is a copy of them
   * plus Age and X-Cache-Hits (a full delivery); null when fields were removed or replaced.
   */
  readonly template: Readonly<StoredHeaders> | null;
  /** Empty for HEAD, 304 and 416. */
  readonly body: Buffer;
}

const EMPTY = Buffer.alloc(0);

/** Fastly strips these CDN-only fields before a response leaves the edge. */
export const EDGE_ONLY_FIELDS: readonly string[] = [SURROGATE_CONTROL, SURROGATE_KEY];

/** Removes the CDN-only fields from a response about to be delivered (hits and passes alike). */
export function stripEdgeFields(headers: StoredHeaders): void {
  // `delete` is a call into V8's runtime even for a name the object lacks, which most
  // responses do: look first (a plain load).
  for (const name of EDGE_ONLY_FIELDS) if (headers[name] !== undefined) delete headers[name];
}

/** The response to `req` from `object` at `now` (epoch ms); counts one hit on the object. */
export function serveObject(object: CachedObject, req: ServeRequest, now: number = Date.now()): ServedResponse {
  object.hits++;
  // A copy of the object's delivery template (a plain object, so the copy is one fast clone).
  const template = deliveryTemplate(object);
  const headers: StoredHeaders = { ...template };
  headers.age = String(ageOf(object, now));
  headers['x-cache-hits'] = String(object.hits);
  const method = req.method.toUpperCase();
  const head = method === 'HEAD';
  const size = object.body.length;

  if (object.status === 200 || object.status === 203) {
    if (notModified(object, req.headers)) {
      // RFC 9110 §15.4.5: a 304 carries the validator and caching fields, not the content's.
      for (const name of ['content-length', 'content-type', 'content-encoding', 'content-range', 'content-language', 'accept-ranges']) delete headers[name];
      return { status: 304, reason: 'Not Modified', headers, template: null, body: EMPTY };
    }
    if (object.status === 200) {
      const ranges = method === 'GET' ? field(req.headers, 'range') : null;
      const range = ranges !== null && rangeApplies(object, req.headers) ? parseRange(ranges, size) : null;
      if (range === 'unsatisfiable') {
        headers['content-range'] = `bytes */${size}`;
        headers['content-length'] = '0';
        return { status: 416, reason: 'Range Not Satisfiable', headers, template: null, body: EMPTY };
      }
      if (range !== null) {
        headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`;
        headers['content-length'] = String(range.end - range.start + 1);
        return { status: 206, reason: 'Partial Content', headers, template: null, body: object.body.subarray(range.start, range.end + 1) };
      }
    }
  }
  return { status: object.status, reason: object.reason, headers, template, body: head ? EMPTY : object.body };
}

const templates = new WeakMap<CachedObject, Readonly<StoredHeaders>>();

/**
 * The header fields every full delivery of the object carries, built once per object: the
 * stored fields (CDN-only fields left out), `Accept-Ranges` for a 200 and `Content-Length`.
 * A plain object rather than a prototype-less one: copying it is a shape clone, where copying
 * a dictionary-mode object field by field cost more than the rest of serving a hit. Names a
 * plain object inherits are no risk: HeaderMap reads only string and array values.
 * Repeated fields are arrays shared with the object: HeaderMap replaces values, never edits them.
 */
function deliveryTemplate(object: CachedObject): Readonly<StoredHeaders> {
  let template = templates.get(object);
  if (template === undefined) {
    const t: StoredHeaders = {};
    for (const name of Object.keys(object.headers)) {
      if (!EDGE_ONLY_FIELDS.includes(name) && name !== '__proto__') t[name] = object.headers[name];
    }
    if (object.status === 200) t['accept-ranges'] = 'bytes';
    t['content-length'] = String(object.body.length);
    templates.set(object, template = t);
  }
  return template;
}

/** Seconds the response has existed: the origin's Age plus time in this cache (RFC 9111 §4.2.3). */
export function ageOf(object: CachedObject, now: number): number {
  return Math.max(0, Math.floor(object.initialAge + (now - object.storedAt) / 1000));
}

/**
 * RFC 9110 §13.2.2: If-None-Match is evaluated first (weak comparison) and, when present,
 * If-Modified-Since is ignored.
 */
function notModified(object: CachedObject, req: HeaderFields): boolean {
  const inm = field(req, 'if-none-match');
  if (inm !== null) {
    if (inm.trim() === '*') return true;
    const etag = field(object.headers, 'etag');
    if (etag === null) return false;
    const tag = opaqueTag(etag);
    return inm.split(',').some((t) => opaqueTag(t.trim()) === tag);
  }
  const ims = field(req, 'if-modified-since');
  if (ims === null) return false;
  const lastModified = field(object.headers, 'last-modified');
  if (lastModified === null) return false;
  const since = Date.parse(ims);
  const modified = Date.parse(lastModified);
  return Number.isFinite(since) && Number.isFinite(modified) && modified <= since;
}

/** An entity tag without its weakness prefix, for weak comparison (RFC 9110 §8.8.3.2). */
function opaqueTag(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}

/**
 * RFC 9110 §13.1.5: with If-Range, the range is used only when the validator still matches —
 * a strong ETag compared strongly, or an HTTP-date equal to Last-Modified.
 */
function rangeApplies(object: CachedObject, req: HeaderFields): boolean {
  const ifRange = field(req, 'if-range');
  if (ifRange === null) return true;
  const v = ifRange.trim();
  if (v.startsWith('"') || v.startsWith('W/')) {
    const etag = field(object.headers, 'etag');
    return !v.startsWith('W/') && etag !== null && !etag.startsWith('W/') && etag === v;
  }
  const lastModified = field(object.headers, 'last-modified');
  return lastModified !== null && Date.parse(lastModified) === Date.parse(v);
}

export type ByteRange = { readonly start: number; readonly end: number };

/**
 * One `bytes=` range of a representation of `size` bytes (RFC 9110 §14.1.2): `a-b`, `a-` or
 * `-suffix`. Null means "send the whole representation" — no Range, a syntax lacquer does not
 * serve partially (other units, several ranges), or a malformed one, which §14.2 says to
 * ignore. 'unsatisfiable' means no byte of the range exists (416).
 */
export function parseRange(value: string | null, size: number): ByteRange | 'unsatisfiable' | null {
  if (value === null) return null;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(value);
  if (m === null) return null;
  const [, first, last] = m;
  if (first === '' && last === '') return null;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}
