// A cached object: the response head, the complete body as one Buffer, and its timing. Built
// by an ObjectBuilder while the origin's body streams to the client; only a body that arrived
// whole becomes an object (a truncated body is never stored).
//
// Ownership: the builder is owned by the fetch that creates it; once `finish` returns an object
// the store owns it. The only fields that change afterwards are `ttl` (soft purge ends the
// fresh period) and `hits`.

import { Buffer } from 'node:buffer';
import { AS_IS, type BodyIntent } from '../compress/index.ts';
import { copyFields, field, fieldBytes, type HeaderFields, type StoredHeaders } from './fields.ts';
import type { Lifetimes } from './policy.ts';

export interface CachedObject {
  readonly serviceId: string;
  readonly status: number;
  readonly reason: string;
  /** Response header fields, hop-by-hop fields removed; Age is computed when served. */
  readonly headers: StoredHeaders;
  readonly body: Buffer;
  /** Epoch milliseconds when the object was stored. */
  readonly storedAt: number;
  /** The origin's Age (seconds) when it arrived; Age served = this + time in cache. */
  readonly initialAge: number;
  /** Seconds fresh after storedAt. Soft purge shortens it to "now". */
  ttl: number;
  readonly grace: number;
  readonly staleIfError: number;
  readonly surrogateKeys: readonly string[];
  /** Lower-case names from the response's Vary, and the request's values for them. */
  readonly vary: readonly VaryField[];
  /** Times the object was served (X-Cache-Hits). */
  hits: number;
  /** Bytes the object accounts for in the store: body + header lines + fixed overhead. */
  readonly size: number;
  /** What the edge does to the body on delivery: the coding it was stored in, ESI (src/edge/compress/intent.ts). */
  readonly intent: BodyIntent;
}

export interface VaryField {
  readonly name: string;
  readonly value: string | null;
}

/**
 * A fixed charge per object for what is not body or headers: the entry's JS objects, the key
 * strings and the store's indexes. Measured order of magnitude, not exact; it keeps a store of
 * many tiny objects within its byte bound.
 */
export const OBJECT_OVERHEAD_BYTES = 512;

/** RFC 9110 §7.6.1 connection-specific fields and fields that describe one transfer. */
const NOT_STORED: ReadonlySet<string> = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'age',
]);

export interface ObjectHead {
  readonly serviceId: string;
  readonly status: number;
  readonly reason: string;
  readonly headers: HeaderFields;
  /** The request's header fields, for the values of the fields Vary names. */
  readonly requestHeaders: HeaderFields;
  readonly lifetimes: Lifetimes;
  readonly surrogateKeys: readonly string[];
  /** What vcl_fetch asked for the body (edge compression, ESI); absent: nothing. */
  readonly intent?: BodyIntent;
}

export type BuildOutcome =
  | { readonly stored: true; readonly object: CachedObject }
  | { readonly stored: false; readonly reason: 'too large' | 'truncated' | 'abandoned' };

/** Collects body chunks of one fetch; gives up (keeps nothing) once past maxObjectBytes. */
export class ObjectBuilder {
  readonly #head: ObjectHead;
  readonly #maxObjectBytes: number;
  readonly #chunks: Buffer[] = [];
  #bytes = 0;
  #state: 'open' | 'too large' | 'abandoned' | 'done' = 'open';

  constructor(head: ObjectHead, maxObjectBytes: number) {
    this.#head = head;
    this.#maxObjectBytes = maxObjectBytes;
    const declared = Number(field(head.headers, 'content-length') ?? 'NaN');
    // A response announced as too large is streamed without buffering from its first byte.
    if (declared > maxObjectBytes) this.#state = 'too large';
  }

  /** False once the object will not be stored; the caller may stop feeding it. */
  get collecting(): boolean {
    return this.#state === 'open';
  }

  append(chunk: Buffer): void {
    if (this.#state !== 'open') return;
    this.#bytes += chunk.length;
    if (this.#bytes > this.#maxObjectBytes) {
      this.#state = 'too large';
      this.#chunks.length = 0;
      return;
    }
    this.#chunks.push(chunk);
  }

  /** The client went away or the fetch failed: nothing is stored. */
  abandon(): void {
    if (this.#state === 'open') this.#state = 'abandoned';
    this.#chunks.length = 0;
  }

  /**
   * Ends the body. `truncated` is the upstream's own verdict (the connection closed or
   * between_bytes_timeout fired before the end); a Content-Length that was not met counts too.
   */
  finish(outcome: { readonly truncated: boolean }, now: number = Date.now()): BuildOutcome {
    const state = this.#state;
    this.#state = 'done';
    if (state === 'too large' || state === 'abandoned') return { stored: false, reason: state };
    if (state === 'done') throw new Error('ObjectBuilder.finish called twice');
    const head = this.#head;
    const declared = field(head.headers, 'content-length');
    if (outcome.truncated || (declared !== null && Number(declared) !== this.#bytes)) {
      this.#chunks.length = 0;
      return { stored: false, reason: 'truncated' };
    }
    const body = ownBytes(this.#chunks, this.#bytes);
    this.#chunks.length = 0;
    return { stored: true, object: createObject(head, body, now) };
  }
}

/**
 * The body in a buffer of its own size. A chunk may be a view of a larger buffer — Node's 8 KiB
 * pool holds every small Buffer, and the upstream exchange's copies are small Buffers — and kept
 * as it is, it would keep all of that alive for as long as the object is cached, where the
 * cache counts only the body's bytes.
 */
function ownBytes(chunks: readonly Buffer[], bytes: number): Buffer {
  if (chunks.length === 1 && chunks[0].byteOffset === 0 && chunks[0].buffer.byteLength === bytes) return chunks[0];
  const out = Buffer.allocUnsafeSlow(bytes);
  let at = 0;
  for (const c of chunks) at += c.copy(out, at);
  return out;
}

/** An object from a complete body (also used for bodies that were never streamed, e.g. tests). */
export function createObject(head: ObjectHead, body: Buffer, now: number = Date.now()): CachedObject {
  const headers = copyFields(head.headers, NOT_STORED);
  const vary = varyNames(head.headers).map((name) => ({ name, value: field(head.requestHeaders, name) }));
  const initialAge = Math.max(0, Number.parseInt(field(head.headers, 'age') ?? '0', 10) || 0);
  return {
    serviceId: head.serviceId,
    status: head.status,
    reason: head.reason,
    headers,
    body,
    storedAt: now,
    initialAge,
    ttl: head.lifetimes.ttl,
    grace: head.lifetimes.grace,
    staleIfError: head.lifetimes.staleIfError,
    surrogateKeys: head.surrogateKeys,
    vary,
    hits: 0,
    size: body.length + fieldBytes(headers) + OBJECT_OVERHEAD_BYTES,
    intent: head.intent ?? AS_IS,
  };
}

/** Lower-case, de-duplicated field names of a response's Vary (RFC 9110 §12.5.5). */
export function varyNames(headers: HeaderFields): string[] {
  const raw = field(headers, 'vary');
  if (raw === null) return [];
  return [...new Set(raw.split(',').map((n) => n.trim().toLowerCase()).filter((n) => n !== ''))].sort();
}

/** Whether a request selects this variant: every field Vary names has the same value. */
export function varyMatches(object: CachedObject, requestHeaders: HeaderFields): boolean {
  for (const v of object.vary) {
    if (field(requestHeaders, v.name) !== v.value) return false;
  }
  return true;
}
