// The object store of one edge worker: a byte-bounded LRU (lru-cache, sized by each object's
// body + header bytes + a fixed overhead) with two indexes beside it — primary key → its
// variants (one per Vary combination, Varnish's model: each variant keeps the request values
// of its own Vary fields) and service + Surrogate-Key → objects, for purges.
//
// Ownership: one CacheStore per worker, used only from that worker's event loop. The indexes
// are kept in step with the LRU by its dispose hook, which runs on every eviction, delete and
// replacement, so an evicted object can never be found through an index.
//
// Several workers each hold their own store (docs/caching.md, Size); purges are sent to every
// worker.

import { LRUCache } from 'lru-cache';
import type { HeaderFields } from './fields.ts';
import { varyMatches, type CachedObject } from './object.ts';

export type Freshness = 'fresh' | 'stale-while-revalidate' | 'stale-if-error-only' | 'expired';

export interface LookupResult {
  readonly object: CachedObject;
  readonly state: Freshness;
}

export interface CacheStoreOptions {
  /** Bytes all objects together may take (`--cache-size`). */
  readonly maxBytes: number;
  /** Bodies larger than this are streamed and not stored (`--cache-max-object`). */
  readonly maxObjectBytes: number;
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
}

export type InsertOutcome = 'stored' | 'too large';

export interface CacheStats {
  readonly objects: number;
  readonly bytes: number;
  readonly evictions: number;
}

export class CacheStoreOptionError extends Error {
  readonly code = 'CACHE_INVALID_OPTION';
}

/**
 * Separates the primary key from the variant part of an LRU key. A control character cannot
 * occur in a URL or a header value (Node's parser refuses them), so hash data never holds it.
 */
const VARIANT = '\u0001';

/** The cache key of a request: its service and the vcl_hash data (default: URL and Host). */
export function primaryKey(serviceId: string, hashData: readonly string[]): string {
  return `${serviceId}\n${hashData.join('\n')}`;
}

export class CacheStore {
  readonly #lru: LRUCache<string, CachedObject>;
  readonly #maxObjectBytes: number;
  readonly #now: () => number;
  /** primary key → LRU keys of its variants. */
  readonly #variants = new Map<string, Set<string>>();
  /** `serviceId \n surrogate key` → LRU keys. */
  readonly #bySurrogateKey = new Map<string, Set<string>>();
  /** serviceId → LRU keys. */
  readonly #byService = new Map<string, Set<string>>();
  #evictions = 0;

  constructor(options: CacheStoreOptions) {
    if (!Number.isSafeInteger(options.maxBytes) || options.maxBytes <= 0) throw new CacheStoreOptionError('invalid maxBytes: a positive integer number of bytes');
    if (!Number.isSafeInteger(options.maxObjectBytes) || options.maxObjectBytes <= 0) throw new CacheStoreOptionError('invalid maxObjectBytes: a positive integer number of bytes');
    this.#maxObjectBytes = options.maxObjectBytes;
    this.#now = options.now ?? Date.now;
    this.#lru = new LRUCache<string, CachedObject>({
      maxSize: options.maxBytes,
      sizeCalculation: (o) => o.size,
      dispose: (o, key, reason) => {
        if (reason === 'evict') this.#evictions++;
        this.#unindex(key, o);
      },
    });
  }

  /**
   * The variant of `key` that the request selects, with how usable it is now, or null.
   * Counts as a use for LRU order. Expired objects are returned too: the caller fetches anew
   * and may still fall back to nothing else. `now` is the request's time (epoch ms): a request
   * is judged at the moment it arrived, as Varnish judges it at `t_req` (cache_hash.c).
   */
  lookup(key: string, requestHeaders: HeaderFields, now: number = this.#now()): LookupResult | null {
    const variants = this.#variants.get(key);
    if (variants === undefined) return null;
    if (variants.size === 1) {
      // Most keys have one variant: one LRU lookup, which counts the use even when the request's
      // Vary values do not select it (it is still the object most recently asked for by key).
      for (const lruKey of variants) {
        const o = this.#lru.get(lruKey);
        return o === undefined || !varyMatches(o, requestHeaders) ? null : { object: o, state: freshness(o, now) };
      }
    }
    for (const lruKey of [...variants].reverse()) {
      const o = this.#lru.peek(lruKey);
      if (o === undefined || !varyMatches(o, requestHeaders)) continue;
      this.#lru.get(lruKey);
      return { object: o, state: freshness(o, now) };
    }
    return null;
  }

  /**
   * Stores a complete object as the variant its Vary values select, replacing the same
   * variant. When the origin changed its Vary, older variants may still match some requests;
   * lookups try the newest variant first (as Varnish's objhead list does), so they are shadowed
   * until the LRU drops them.
   */
  insert(key: string, object: CachedObject): InsertOutcome {
    if (object.body.length > this.#maxObjectBytes || object.size > this.#lru.maxSize) return 'too large';
    const lruKey = `${key}${VARIANT}${object.vary.map((v) => `${v.name}:${v.value ?? '\u0000'}`).join('\n')}`;
    this.#lru.set(lruKey, object);
    if (!this.#lru.has(lruKey)) return 'too large';
    add(this.#variants, key, lruKey);
    add(this.#byService, object.serviceId, lruKey);
    for (const sk of object.surrogateKeys) add(this.#bySurrogateKey, `${object.serviceId}\n${sk}`, lruKey);
    return 'stored';
  }

  /** `PURGE <url>`: every variant of one primary key. Returns how many objects it touched. */
  purgeKey(key: string, options: { soft: boolean }): number {
    return this.#purge(this.#variants.get(key), options.soft);
  }

  /** `POST /service/{sid}/purge/{key}`: every object of the service tagged with that key. */
  purgeSurrogateKey(serviceId: string, surrogateKey: string, options: { soft: boolean }): number {
    return this.#purge(this.#bySurrogateKey.get(`${serviceId}\n${surrogateKey}`), options.soft);
  }

  /** `POST /service/{sid}/purge_all`: every object of the service. */
  purgeService(serviceId: string, options: { soft: boolean }): number {
    return this.#purge(this.#byService.get(serviceId), options.soft);
  }

  /** Every object of every service (the worker's cache is dropped). */
  clear(): void {
    this.#lru.clear();
  }

  stats(): CacheStats {
    return { objects: this.#lru.size, bytes: this.#lru.calculatedSize, evictions: this.#evictions };
  }

  #purge(lruKeys: Set<string> | undefined, soft: boolean): number {
    if (lruKeys === undefined) return 0;
    const keys = [...lruKeys];
    const now = this.#now();
    for (const k of keys) {
      if (!soft) {
        this.#lru.delete(k);
        continue;
      }
      // Soft purge (Fastly "Soft purges"): the object stops being fresh now but keeps its
      // stale-while-revalidate and stale-if-error windows, counted from now.
      const o = this.#lru.peek(k);
      if (o !== undefined) o.ttl = Math.min(o.ttl, Math.max(0, (now - o.storedAt) / 1000));
    }
    return keys.length;
  }

  #unindex(lruKey: string, o: CachedObject): void {
    const primary = lruKey.slice(0, lruKey.indexOf(VARIANT));
    remove(this.#variants, primary, lruKey);
    remove(this.#byService, o.serviceId, lruKey);
    for (const sk of o.surrogateKeys) remove(this.#bySurrogateKey, `${o.serviceId}\n${sk}`, lruKey);
  }
}

/** The most stale a request accepts, in seconds (`req.max_stale_while_revalidate`, `req.max_stale_if_error`). */
export interface StaleLimits {
  readonly maxStaleWhileRevalidate: number;
  readonly maxStaleIfError: number;
}

/**
 * How usable an object is at `now` (epoch ms) for a request with these stale limits: each stale
 * window is the object's, cut to what the request accepts (Fastly: "If beresp.stale_if_error for
 * an object is set to one hour, but req.max_stale_if_error is set to 10 minutes, 10 minutes is
 * the maximum stale age for that particular request").
 */
export function freshness(o: CachedObject, now: number, limits?: StaleLimits): Freshness {
  const age = (now - o.storedAt) / 1000;
  if (age < o.ttl) return 'fresh';
  const grace = limits === undefined ? o.grace : Math.min(o.grace, limits.maxStaleWhileRevalidate);
  if (age < o.ttl + grace) return 'stale-while-revalidate';
  const sie = limits === undefined ? o.staleIfError : Math.min(o.staleIfError, limits.maxStaleIfError);
  if (age < o.ttl + sie) return 'stale-if-error-only';
  return 'expired';
}

function add(index: Map<string, Set<string>>, key: string, value: string): void {
  let set = index.get(key);
  if (set === undefined) index.set(key, set = new Set());
  set.add(value);
}

function remove(index: Map<string, Set<string>>, key: string, value: string): void {
  const set = index.get(key);
  if (set === undefined) return;
  set.delete(value);
  if (set.size === 0) index.delete(key);
}
