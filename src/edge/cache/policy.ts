// The cache policy: may this origin response be stored, and for how long is it fresh, usable
// while one refresh runs (stale-while-revalidate) and usable when the origin fails
// (stale-if-error)? Pure: the pipeline calls `cachePolicy` after a fetch and copies the result
// into beresp before vcl_fetch (`seedBackendResponse`); VCL may change beresp; `finalize`
// turns what VCL left into the stored object's lifetimes — VCL wins.
//
// Precedence, as Fastly documents it ("Cache freshness", "HTTP status codes cached by
// default", default vcl_fetch): Surrogate-Control › Cache-Control s-maxage › max-age ›
// Expires › the service's general.default_ttl. Freshness arithmetic is http-cache-semantics
// in shared-cache mode (RFC 9111 §4.2); heuristic freshness from Last-Modified is off, because
// Fastly uses the default TTL when a response states nothing.

import CachePolicy from 'http-cache-semantics';
import type { ServiceSettings, VclBackendResponse } from '../../vcl/index.ts';
import { directives, field, seconds, type HeaderFields } from './fields.ts';
import { parseSurrogateControl, parseSurrogateKeys } from './surrogate-control.ts';

export interface PolicyRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: HeaderFields;
}

export interface PolicyResponse {
  readonly status: number;
  readonly headers: HeaderFields;
}

/** Why a response is (not) stored; 'cacheable' means it is. */
export type PolicyReason =
  | 'cacheable' | 'method' | 'status' | 'authorization' | 'surrogate-control no-store'
  | 'no-store' | 'private' | 'no-cache' | 'set-cookie' | 'vary *' | 'vcl' | 'no lifetime';

/** Where the freshness lifetime came from. */
export type FreshnessSource = 'surrogate-control' | 's-maxage' | 'max-age' | 'expires' | 'default';

export interface PolicyDecision {
  readonly storable: boolean;
  readonly reason: PolicyReason;
  /** Seconds fresh from now (the origin's Age already taken off). */
  readonly ttl: number;
  /** Seconds after ttl during which the stale object is served while one refresh runs. */
  readonly grace: number;
  /** Seconds after ttl during which the stale object is served when the origin fails. */
  readonly staleIfError: number;
  readonly surrogateKeys: string[];
  readonly freshness: FreshnessSource;
}

/** The lifetimes of a stored object, in seconds, after vcl_fetch. */
export interface Lifetimes {
  readonly store: boolean;
  readonly reason: PolicyReason;
  readonly ttl: number;
  readonly grace: number;
  readonly staleIfError: number;
}

/** Fastly caches these statuses by default; VCL may set `beresp.cacheable = true` for others. */
export const CACHEABLE_STATUSES: ReadonlySet<number> = new Set([200, 203, 300, 301, 302, 404, 410]);

const CACHEABLE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

export function cachePolicy(req: PolicyRequest, res: PolicyResponse, settings: ServiceSettings, now: number = Date.now()): PolicyDecision {
  const sc = parseSurrogateControl(res.headers);
  const cc = directives(field(res.headers, 'cache-control'));
  const reason = requestRefusal(req, res, cc, sc !== null && sc.maxAge !== null) ?? responseRefusal(res.headers);

  // RFC 9111 §4.2.4: no-cache, must-revalidate and proxy-revalidate forbid serving stale
  // unless the origin grants a stale window explicitly.
  const mustRevalidate = cc.has('no-cache') || cc.has('must-revalidate') || cc.has('proxy-revalidate');
  const age = Math.max(0, Number.parseInt(field(res.headers, 'age') ?? '0', 10) || 0);
  const { ttl, freshness } = freshnessOf(res, cc, sc?.maxAge ?? null, age, settings, now);
  const grace = sc?.staleWhileRevalidate ?? seconds(cc, 'stale-while-revalidate') ?? 0;
  const explicitSie = sc?.staleIfError ?? seconds(cc, 'stale-if-error');
  const staleIfError = explicitSie ?? (settings.staleIfError && !mustRevalidate ? settings.staleIfErrorTtl : 0);
  return {
    storable: reason === null,
    reason: reason ?? 'cacheable',
    ttl,
    grace: mustRevalidate && sc?.staleWhileRevalidate == null ? 0 : grace,
    staleIfError,
    surrogateKeys: parseSurrogateKeys(res.headers),
    freshness,
  };
}

/** Copies a decision into beresp before vcl_fetch, where VCL reads and may change it. */
export function seedBackendResponse(beresp: VclBackendResponse, d: PolicyDecision): void {
  beresp.ttl = d.ttl;
  beresp.grace = d.grace;
  beresp.staleWhileRevalidate = d.grace;
  beresp.staleIfError = d.staleIfError;
  beresp.cacheable = d.storable;
}

/**
 * The stored object's lifetimes from beresp as vcl_fetch left it. `beresp.grace` and
 * `beresp.stale_while_revalidate` both name the one stale-while-revalidate window; when VCL
 * changed stale_while_revalidate it wins, else grace is used. A response refused for one of
 * its own headers (Set-Cookie, private, …) becomes storable when VCL removed that header
 * (`unset beresp.http.Set-Cookie`), as in Fastly, where the default vcl_fetch checks after
 * user code; pass the final headers for that.
 */
export function finalize(beresp: Pick<VclBackendResponse, 'ttl' | 'grace' | 'staleIfError' | 'staleWhileRevalidate' | 'cacheable'>,
  seeded: PolicyDecision, finalHeaders?: HeaderFields): Lifetimes {
  const ttl = nonNegative(beresp.ttl);
  const grace = nonNegative(beresp.staleWhileRevalidate !== seeded.grace ? beresp.staleWhileRevalidate : beresp.grace);
  const staleIfError = nonNegative(beresp.staleIfError);
  let reason: PolicyReason;
  if (beresp.cacheable !== seeded.storable) reason = beresp.cacheable ? 'cacheable' : 'vcl';
  else if (!seeded.storable && finalHeaders !== undefined && RESPONSE_REASONS.has(seeded.reason)) reason = responseRefusal(finalHeaders) ?? 'cacheable';
  else reason = seeded.reason;
  if (reason === 'cacheable' && ttl + grace + staleIfError <= 0) reason = 'no lifetime';
  return { store: reason === 'cacheable', reason, ttl, grace, staleIfError };
}

/** Refusals that depend on the request, the status, or credentials. */
function requestRefusal(req: PolicyRequest, res: PolicyResponse, cc: ReadonlyMap<string, string | true>, surrogateMaxAge: boolean): PolicyReason | null {
  if (!CACHEABLE_METHODS.has(req.method.toUpperCase())) return 'method';
  if (!CACHEABLE_STATUSES.has(res.status)) return 'status';
  // RFC 9111 §3.5: a shared cache stores an answer to an authenticated request only when the
  // origin says it may (public, s-maxage, must-revalidate) — or, here, states an edge TTL.
  if (field(req.headers, 'authorization') !== null && !surrogateMaxAge
    && !cc.has('public') && !cc.has('s-maxage') && !cc.has('must-revalidate')) return 'authorization';
  return null;
}

const RESPONSE_REASONS: ReadonlySet<PolicyReason> = new Set(['surrogate-control no-store', 'no-store', 'private', 'no-cache', 'set-cookie', 'vary *']);

/** Refusals that depend only on the response's own header fields (VCL can remove those). */
function responseRefusal(headers: HeaderFields): PolicyReason | null {
  const sc = parseSurrogateControl(headers);
  const cc = directives(field(headers, 'cache-control'));
  if (sc?.noStore === true) return 'surrogate-control no-store';
  if (cc.has('no-store')) return 'no-store';
  if (cc.has('private')) return 'private';
  // Surrogate-Control max-age is the common way to cache at the edge what browsers must
  // revalidate (`Cache-Control: no-cache`), so it lifts no-cache for the edge.
  if (cc.has('no-cache') && (sc === null || sc.maxAge === null)) return 'no-cache';
  if (headers['set-cookie'] !== undefined) return 'set-cookie';
  if ((field(headers, 'vary') ?? '').split(',').some((v) => v.trim() === '*')) return 'vary *';
  return null;
}

function freshnessOf(res: PolicyResponse, cc: ReadonlyMap<string, string | true>, surrogateMaxAge: number | null,
  age: number, settings: ServiceSettings, now: number): { ttl: number; freshness: FreshnessSource } {
  if (surrogateMaxAge !== null) return { ttl: Math.max(0, surrogateMaxAge - age), freshness: 'surrogate-control' };
  const sMaxAge = seconds(cc, 's-maxage');
  const maxAge = seconds(cc, 'max-age');
  const expires = field(res.headers, 'expires');
  if (sMaxAge === null && maxAge === null && expires === null) return { ttl: settings.defaultTtl, freshness: 'default' };
  // http-cache-semantics measures freshness for a response it would store; hand it only the
  // fields that carry freshness, so its storability rules (which differ from Fastly's, above)
  // do not zero the lifetime. proxy-revalidate is left out: the library reads it as "never
  // fresh", RFC 9111 §5.2.2.8 as "revalidate once stale", which the stale windows handle.
  const freshnessCc = [...cc].filter(([k]) => k === 's-maxage' || k === 'max-age' || k === 'no-cache')
    .map(([k, v]) => (v === true ? k : `${k}=${v}`)).join(', ');
  const headers: Record<string, string> = { date: field(res.headers, 'date') ?? new Date(now).toUTCString() };
  if (freshnessCc !== '') headers['cache-control'] = freshnessCc;
  if (expires !== null) headers.expires = expires;
  const policy = new CachePolicy({ method: 'GET', url: '/', headers: {} }, { status: 200, headers }, { shared: true, cacheHeuristic: 0 });
  return {
    ttl: Math.max(0, policy.maxAge() - age),
    freshness: sMaxAge !== null ? 's-maxage' : maxAge !== null ? 'max-age' : 'expires',
  };
}

function nonNegative(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}
