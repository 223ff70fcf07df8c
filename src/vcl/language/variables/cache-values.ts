// Closures for the variables that change what the cache does for one request or one object:
// the request's stale limits and lookup mode, `beresp.saintmode`, and what `obj` says in
// vcl_hit. The edge reads what they set (src/edge/lookup.ts, src/edge/fetch.ts).
//
// Sources: Fastly's variable reference — server/req-max-stale-if-error, req-max-stale-while-revalidate,
// req-grace ("Alias of req.max_stale_if_error"), client-request/req-hash-always-miss,
// req-hash-ignore-busy, backend-response/beresp-saintmode, cache-object/obj-cacheable ("Always
// true in vcl_hit"), obj-grace, obj-stale-if-error, obj-stale-while-revalidate,
// miscellaneous/req-vcl-generation.
import type { VclCacheRequest, VclContext } from '../../compile/compiled.ts';
import { defaultCacheRequest } from '../../compile/compiled.ts';
import type { Accessors } from './define.ts';

/** The request's cache settings, created with Fastly's defaults on first use. */
export function cacheRequest(c: VclContext): VclCacheRequest {
  return c.cacheRequest ??= defaultCacheRequest();
}

/** A read-write field of the request's cache settings; a negative RTIME counts as 0. */
export function cacheRequestField<K extends keyof VclCacheRequest>(key: K): Accessors {
  return {
    get: (c) => cacheRequest(c)[key],
    set: (c, _f, v) => {
      const value = typeof v === 'number' ? Math.max(0, v) : v;
      (cacheRequest(c) as unknown as Record<string, unknown>)[key] = value;
    },
  };
}

/**
 * `beresp.saintmode` (write-only, vcl_fetch): the backend that answered is sick for this object
 * for that long. Varnish 2.1's saint mode, which Fastly kept: the next fetches of the object in
 * that window go to another director member, serve a stale copy, or fail as Backend is unhealthy.
 */
export const saintmode: Accessors = {
  set: (c, _f, v) => { c.saintmode = Math.max(0, v as number); },
};

/** `obj.grace` and `obj.stale_while_revalidate`: the cached object's stale-while-revalidate window. */
export const objGrace: Accessors = {
  get: (c) => c.obj?.grace ?? 0,
  set: (c, _f, v) => { c.obj!.grace = Math.max(0, v as number); },
};

export const objStaleIfError: Accessors = { get: (c) => c.obj?.staleIfError ?? 0 };

/** `req.vcl.generation`: 1 until this node applies a purge all of the service. */
export const generation: Accessors = { get: (c) => c.vclGeneration ?? 1 };
