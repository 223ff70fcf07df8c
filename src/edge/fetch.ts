// The fetch step: bereq goes to the backend req.backend names (a director picks a member and,
// on a connection failure, the next one), the backend response meets vcl_fetch, and the cache
// policy decides whether the object is stored once its body is complete. Failures become
// Fastly's 503 reasons, or the stale copy when one is usable (stale-if-error).
//
// The client's request body goes with a pass only. A lookup's fetch (a miss, always a GET)
// never carries it: the cache key does not cover the body, so the object stored must be the
// answer to the bodiless request every later GET of the key is served. Varnish does the same:
// its builtin.vcl `vcl_builtin_backend_fetch` unsets bereq.body for a GET, and cache_fetch.c
// then drops the Content-Length. The other choice, turning such a request into a pass, would
// let any client send every request for a cacheable URL to the origin by adding a body; an
// operator who wants GET bodies forwarded returns pass for them in vcl_recv.
//
// Ownership: called by the pipeline with the request's RequestContext and Delivery; it fills
// ctx.beresp / ctx.decision / ctx.error and d.upstream / d.store, and returns the next step.
import { Buffer } from 'node:buffer';
import type { Readable } from 'node:stream';
import type { BackendHealth } from './backend-health.ts';
import { cachePolicy, finalize, hitForPassSeconds, seedBackendResponse, type EdgeCache } from './cache/index.ts';
import { applyBodyIntent } from './compress/fetch.ts';
import type { CancelSignal } from './client.ts';
import type { RequestContext } from './context.ts';
import { DirectorSelection } from './directors.ts';
import { EdgeError, toEdgeError } from './errors.ts';
import { HeaderMap } from './header-map.ts';
import type { EdgeMetrics } from './metrics.ts';
import type { Delivery } from './respond.ts';
import { SPENT } from './request-body.ts';
import type { EdgeStats } from './stats.ts';
import { illegal, run, type Step } from './steps.ts';
import type { UpstreamPools, UpstreamResponse } from './upstream/index.ts';
import { hopHeaders } from './fleet/hop.ts';
import { viaShield } from './fleet/shield.ts';

export interface FetchDeps {
  readonly upstream: UpstreamPools;
  readonly cache: EdgeCache;
  readonly metrics: EdgeMetrics;
  readonly stats: EdgeStats;
  readonly health: BackendHealth;
  readonly warn: (fields: Record<string, unknown>, message: string) => void;
}

/** Sends bereq to the backend req.backend names (trying further director members on connection failures), then runs vcl_fetch. */
export async function fetchStep(ctx: RequestContext, signal: () => CancelSignal, d: Delivery, deps: FetchDeps): Promise<Step> {
  const service = ctx.service;
  const bereq = ctx.bereq;
  if (bereq === null) throw new Error('fetch without bereq');
  const target = ctx.req.backend ?? service.defaultBackend;
  const director = target === null ? undefined : service.directors.get(target);
  const selection = director === undefined ? null : new DirectorSelection(director, {
    isHealthy: (name) => deps.health.named(service, name),
    hashKey: ctx.cacheKey ?? `${ctx.req.url}${ctx.req.http.get('host') ?? ''}`,
    clientIdentity: ctx.clientIdentity ?? ctx.clientIp,
  });
  let body: Buffer | Readable | null = null;
  if (ctx.body !== null) {
    if (!ctx.passing) {
      ctx.body.drop();
    } else {
      // Waits, holding no upstream connection, until the body is whole or long enough to stream.
      let ready: Buffer | Readable | typeof SPENT;
      try {
        ready = await ctx.body.forward();
      } catch (err) {
        return failed(ctx, toEdgeError(err));
      }
      if (ready === SPENT) {
        // A restart after the body was streamed to an origin (or dropped by a lookup): it is
        // gone, and the request without it is another request. Varnish fails such a fetch too
        // ("Uncached req.body can only be consumed once", cache_req_body.c).
        ctx.obj = ctx.syntheticObject(503, 'Request body already sent');
        return 'error';
      }
      body = ready;
    }
  }
  for (;;) {
    const chosen = selection === null ? target : selection.next();
    if (chosen instanceof EdgeError) return failed(ctx, chosen);
    const backend = chosen === null ? undefined : service.backends.get(chosen);
    if (backend === undefined) return failed(ctx, new EdgeError('ALL_BACKENDS_FAILED', { backend: chosen }));
    ctx.backend = backend.name;
    // A backend vcl_fetch put in saint mode for this object is unhealthy for it (saint-mode.ts).
    if (!deps.health.backend(service, backend) || (ctx.cacheKey !== null && deps.cache.saintMode.sick(ctx.cacheKey, backend.name))) {
      if (selection !== null) continue;
      return failed(ctx, new EdgeError('BACKEND_UNHEALTHY', { backend: backend.name }));
    }
    deps.stats.originRequest(service.serviceId, backend.name);
    try {
      // A shielded backend goes through its shield POP (fleet/shield.ts); a body that streams
      // cannot be sent twice, so such a request goes to the origin directly.
      const shielded: UpstreamResponse | null = ctx.fleet === null || (body !== null && !Buffer.isBuffer(body)) ? null
        : await viaShield(ctx, backend, body, signal(), { upstream: deps.upstream, metrics: deps.metrics.fleet, warn: deps.warn });
      const upstream = shielded ?? await deps.upstream.fetch(backend, {
        method: bereq.method, path: bereq.url, headers: bereq.http.fields, body, bodyLength: ctx.body?.length ?? null,
      }, { clientIp: ctx.clientIp, signal: signal(), hop: hopHeaders(ctx, true, null) });
      ctx.upstreamConnectMs = upstream.connectMs;
      ctx.upstreamFirstByteMs = upstream.firstByteMs;
      deps.metrics.upstreamLatency(service.serviceId, backend.name, upstream.firstByteMs / 1000);
      d.upstream = upstream;
      ctx.beresp = {
        status: upstream.status, response: upstream.statusText, http: new HeaderMap(upstream.headers),
        ttl: 0, grace: 0, staleIfError: 0, staleWhileRevalidate: 0, cacheable: false,
      };
      break;
    } catch (err) {
      const e = toEdgeError(err, { backend: backend.name });
      if (selection !== null && e.retryable) continue;
      return failed(ctx, e);
    }
  }
  const beresp = ctx.beresp;
  // stale-if-error: an origin answering 5xx does not replace a usable stale copy.
  if (beresp.status >= 500 && ctx.staleObject !== null) {
    ctx.releaseLeader('failed');
    return 'stale';
  }
  if (!ctx.passing) {
    ctx.decision = cachePolicy({ method: bereq.method, url: bereq.url, headers: ctx.req.http.fields }, { status: beresp.status, headers: beresp.http.fields }, service.settings);
    seedBackendResponse(beresp, ctx.decision);
  }
  ctx.fastlyInfoState = ctx.passing ? 'PASS' : 'MISS';
  const action = run(service, 'fetch', ctx);
  if (ctx.saintmode !== null && ctx.cacheKey !== null && ctx.backend !== null) deps.cache.saintMode.mark(ctx.cacheKey, ctx.backend, ctx.saintmode);
  switch (action) {
    case 'deliver':
    case 'deliver_stale':
      if (action === 'deliver_stale' && ctx.staleObject !== null) return 'stale';
      applyBodyIntent(ctx, d);
      decideStorage(ctx, d, deps.cache);
      return 'deliver';
    case 'pass':
    case 'hit_for_pass':
      if (ctx.cacheKey !== null && !ctx.passing) deps.cache.hitForPass.remember(ctx.cacheKey, hitForPassSeconds(beresp.ttl));
      applyBodyIntent(ctx, d);
      return 'deliver';
    case 'error':
      return 'error';
    case 'restart':
      return 'restart';
    default:
      throw illegal('fetch', action);
  }
}

/** After vcl_fetch said deliver: store the object once its body is complete, or remember the key as uncacheable. */
function decideStorage(ctx: RequestContext, d: Delivery, cache: EdgeCache): void {
  const beresp = ctx.beresp;
  const key = ctx.cacheKey;
  if (beresp === null || ctx.passing || ctx.decision === null || key === null) return;
  const lifetimes = finalize(beresp, ctx.decision, beresp.http.fields);
  if (!lifetimes.store) {
    cache.hitForPass.remember(key, hitForPassSeconds(lifetimes.ttl));
    return;
  }
  // The object is beresp as vcl_fetch left it. The fields are copied now: beresp.http becomes
  // resp.http, which vcl_deliver and the edge's own X-Cache / X-Served-By change for this
  // response only (Fastly: vcl_deliver never alters the cached object). A shallow copy is a
  // snapshot: HeaderMap replaces a field's value, it never edits one in place.
  d.store = {
    key,
    head: {
      serviceId: ctx.service.serviceId, status: beresp.status, reason: beresp.response,
      headers: { ...beresp.http.fields }, requestHeaders: ctx.req.http.fields, lifetimes, surrogateKeys: ctx.decision.surrogateKeys,
      intent: ctx.bodyIntent,
    },
  };
}

/** A fetch failed: serve the stale copy if there is one, else go to vcl_error with Fastly's reason. */
function failed(ctx: RequestContext, e: EdgeError): Step {
  ctx.error = e;
  ctx.fastlyError = e.code;
  if (ctx.staleObject !== null) return 'stale';
  ctx.obj = ctx.syntheticObject(e.status, e.reason);
  return 'error';
}
