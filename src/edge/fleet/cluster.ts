// Clustering (DESIGN.md §4.4; Fastly's "Clustering" guide): within a POP every cacheable object
// has one owner among the POP's cache members — each edge worker of each node, since each worker
// has a cache of its own (docs/caching.md) — chosen by rendezvous hashing of the cache key
// (./view.ts). The member that received the request (delivery) runs vcl_recv and vcl_hash and
// looks the key up; on a miss it hands the request to the owner (fetch), which runs lookup,
// vcl_hit | vcl_miss, vcl_fetch, holds the object, collapses concurrent misses of the whole POP
// and fetches the origin once. The response comes back to the delivery member before
// vcl_deliver, as Fastly hands it back "immediately before deliver".
//
// When clustering applies (Fastly): GET and HEAD only (the lookup path), never after a restart
// unless `Fastly-Force-Shield` says so, never when `Fastly-No-Shield` is set (the delivery member
// then fetches and keeps its own copy), and never on the owner itself.
//
// Hot objects: an object the owner already served before (its hit count is at least 1) is also
// kept by the delivery member, with the owner's remaining lifetimes, so a popular object is a
// local hit on every member and costs no hop (the 1 KB hit rate of one node stays Varnish's).
// It stays purge-correct because every purge reaches every worker of every node (the owner and
// any copy alike), and a copy never outlives the owner's object: its TTL is what the owner had left.
//
// A dead owner costs a fetch, never an error: a hop that fails before the owner answered is
// logged and the delivery member fetches the origin itself.
import type { CancelSignal } from '../client.ts';
import type { RequestContext } from '../context.ts';
import type { EdgeError } from '../errors.ts';
import { HeaderMap } from '../header-map.ts';
import type { OutHeaders } from '../headers.ts';
import type { Delivery } from '../respond.ts';
import type { UpstreamPools, UpstreamResponse } from '../upstream/index.ts';
import type { CachedObject, ObjectHead } from '../cache/index.ts';
import { AS_IS, type BodyIntent } from '../compress/index.ts';
import { CLUSTER_BACKEND, CLUSTER_KEY, CLUSTER_SERVICE, fleetBackend, hopHeaders } from './hop.ts';
import type { FleetMetrics } from './metrics.ts';

/** Response fields the owner adds for the delivery member; removed before anything else sees them. */
const STATE = 'lacquer-cluster-state';
const TTL = 'lacquer-cluster-ttl';
const GRACE = 'lacquer-cluster-grace';
const STALE_IF_ERROR = 'lacquer-cluster-stale-if-error';
const HITS = 'lacquer-cluster-hits';
const KEYS = 'lacquer-cluster-surrogate-keys';
const INTENT = 'lacquer-cluster-intent';
const RESPONSE_FIELDS = [STATE, TTL, GRACE, STALE_IF_ERROR, HITS, KEYS, INTENT] as const;

function truthy(v: string | null): boolean {
  return v !== null && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/** The owner of this request's object when it is to be clustered, else null (fetched here). */
export function clusterOwner(ctx: RequestContext): string | null {
  const fleet = ctx.fleet;
  const key = ctx.cacheKey;
  if (fleet === null || key === null || ctx.clusterRole === 'shield' || !fleet.member) return null;
  const method = ctx.req.method;
  if (method !== 'GET' && method !== 'HEAD') return null;
  const http = ctx.req.http;
  if (truthy(http.get('fastly-no-shield'))) return null;
  if (ctx.req.restarts > 0 && !truthy(http.get('fastly-force-shield'))) return null;
  return fleet.ownerOf(key);
}

export interface ClusterDeps {
  readonly upstream: UpstreamPools;
  readonly metrics: FleetMetrics;
  readonly warn: (fields: Record<string, unknown>, message: string) => void;
}

/**
 * Asks the owner for the object. Resolves true with ctx.beresp / d.upstream (and d.store for a
 * hot object's copy) set, or false when the hop failed before the owner answered (the caller
 * then fetches the origin itself).
 */
export async function askOwner(ctx: RequestContext, owner: string, signal: CancelSignal, d: Delivery, deps: ClusterDeps): Promise<boolean> {
  const key = ctx.cacheKey as string;
  const service = ctx.service;
  const backendName = ctx.req.backend ?? service.defaultBackend;
  // Range and the conditional fields go to the owner as they came: it answers them from its
  // object as one node would (206, 304: src/edge/cache/serve.ts), and its own fetch on a miss
  // leaves them out as a miss on one node does.
  const headers: OutHeaders = { ...ctx.req.http.fields };
  headers[CLUSTER_KEY] = encodeURIComponent(key);
  headers[CLUSTER_SERVICE] = service.serviceId;
  if (backendName !== null) headers[CLUSTER_BACKEND] = backendName;
  const host = typeof headers.host === 'string' ? headers.host : '';
  const url = ctx.req.url;
  ctx.clusterRole = 'edge';
  let upstream: UpstreamResponse;
  try {
    upstream = await deps.upstream.fetch(fleetBackend(owner, backendName === null ? null : service.backends.get(backendName) ?? null),
      { method: 'GET', path: url, headers, body: null },
      { clientIp: ctx.clientIp, signal, hop: hopHeaders(ctx, false, { method: 'GET', host, url }) });
  } catch (err) {
    ctx.clusterRole = null;
    deps.metrics.cluster('fallback');
    deps.warn({ err: (err as EdgeError).reason ?? err, owner, service: service.serviceId, url }, 'cluster owner did not answer; fetching here');
    return false;
  }
  const http = new HeaderMap(upstream.headers);
  const state = http.get(STATE);
  if (state === null) {
    // Not an owner's answer (it refused the hop: another version, or not a member yet).
    upstream.discard();
    ctx.clusterRole = null;
    deps.metrics.cluster('fallback');
    return false;
  }
  deps.metrics.cluster('ok');
  ctx.isCluster = true;
  ctx.cacheState = state === 'HIT' ? 'HIT' : state === 'PASS' ? 'PASS' : state === 'STALE' ? 'STALE' : 'MISS';
  ctx.upstreamConnectMs = upstream.connectMs;
  ctx.upstreamFirstByteMs = upstream.firstByteMs;
  const ttl = Number(http.get(TTL) ?? '0');
  const hits = Number(http.get(HITS) ?? '0');
  const head: ObjectHead = {
    serviceId: service.serviceId, status: upstream.status, reason: upstream.statusText, headers: http.fields,
    requestHeaders: ctx.req.http.fields,
    lifetimes: { store: true, reason: 'cacheable', ttl, grace: Number(http.get(GRACE) ?? '0'), staleIfError: Number(http.get(STALE_IF_ERROR) ?? '0') },
    surrogateKeys: (http.get(KEYS) ?? '').split(' ').filter((k) => k !== ''),
  };
  const intent = parseIntent(http.get(INTENT));
  for (const name of RESPONSE_FIELDS) http.unset(name);
  d.upstream = upstream;
  ctx.bodyIntent = intent;
  ctx.beresp = { status: upstream.status, response: upstream.statusText, http, ttl: 0, grace: 0, staleIfError: 0, staleWhileRevalidate: 0, cacheable: false };
  // A part (206) or a 304 is an answer to this request, not the object: never kept as a copy.
  const whole = upstream.status !== 206 && upstream.status !== 304;
  if (hits >= 1 && ttl > 0 && whole) d.store = { key, head: { ...head, intent, headers: { ...http.fields } } };
  return true;
}

/**
 * The owner's side: the fields that let the delivery member keep a copy of a hot object (its
 * remaining lifetimes, hit count and surrogate keys), added to the response it hands back.
 */
export function ownerFields(ctx: RequestContext, d: Delivery, http: HeaderMap, now: number = Date.now()): void {
  http.set(STATE, ctx.cacheState);
  const object: CachedObject | null = ctx.cacheState === 'HIT' ? ctx.cachedObject : null;
  // The body goes back as stored (compressed, or an ESI template): the delivery member plans its
  // delivery for its own client (src/edge/compress/delivery.ts).
  const intent = object?.intent ?? (ctx.cacheState === 'STALE' ? ctx.staleObject?.intent : ctx.bodyIntent) ?? AS_IS;
  if (intent.coding !== null || intent.esi) http.set(INTENT, `${intent.coding ?? ''}${intent.esi ? ';esi' : ''}`);
  if (object !== null) {
    const left = object.ttl - (now - object.storedAt) / 1000;
    if (left <= 0) return;
    http.set(TTL, left.toFixed(3));
    http.set(GRACE, String(object.grace));
    http.set(STALE_IF_ERROR, String(object.staleIfError));
    http.set(HITS, String(object.hits));
    if (object.surrogateKeys.length > 0) http.set(KEYS, object.surrogateKeys.join(' '));
  } else if (d.store !== null) {
    const l = d.store.head.lifetimes;
    http.set(TTL, String(l.ttl));
    http.set(GRACE, String(l.grace));
    http.set(STALE_IF_ERROR, String(l.staleIfError));
    http.set(HITS, '0');
    if (d.store.head.surrogateKeys.length > 0) http.set(KEYS, d.store.head.surrogateKeys.join(' '));
  }
}


/** The owner's `lacquer-cluster-intent` (`gzip`, `br`, `;esi`, `gzip;esi` …): how the body was stored. */
function parseIntent(value: string | null): BodyIntent {
  if (value === null) return AS_IS;
  const [coding, esi] = value.split(';');
  return { coding: coding === 'gzip' || coding === 'br' ? coding : null, esi: esi === 'esi' };
}
