// The cache side of a request, as steps of the pipeline's loop (pipeline.ts): the lookup of
// ctx.cacheKey with concurrent misses collapsed behind one fetch (Varnish's busy objects,
// cache_hash.c), the background refresh of a stale-while-revalidate hit, the miss (vcl_miss,
// here or handed to the key's owner in the POP), and answering from a stored object.
//
// Ownership: these functions only read and write the RequestContext and Delivery the pipeline
// hands them; EdgeCache owns the objects and the collapser. They take the pipeline's deps
// (LookupDeps, built once per Pipeline) rather than closing over a request, so a cache hit
// allocates nothing here. The background refresh runs the pipeline's own step function, passed
// in as `step`, so it goes through exactly the states a client's miss does.
import type { Logger } from 'pino';
import type { BackendHealth } from './backend-health.ts';
import { freshness, serveObject, type CachedObject, type EdgeCache } from './cache/index.ts';
import { NEVER, type CancelSignal } from './client.ts';
import { planDelivery, planFields } from './compress/index.ts';
import { RequestContext, type EdgeBackendResponse } from './context.ts';
import { askOwner, type ClusterDeps } from './fleet/cluster.ts';
import { HeaderMap } from './header-map.ts';
import type { EdgeMetrics } from './metrics.ts';
import type { PopState } from './pop-state.ts';
import type { Delivery } from './respond.ts';
import { discard, expect, run, TRANSITIONS, type Step } from './steps.ts';

export interface LookupDeps {
  readonly cache: EdgeCache;
  readonly metrics: EdgeMetrics;
  readonly health: BackendHealth;
  readonly pop: PopState | undefined;
  readonly logger: Logger;
  readonly cluster: ClusterDeps;
  /** The pipeline's step function: a background refresh runs miss → fetch → deliver through it. */
  readonly step: (step: Step, ctx: RequestContext, signal: () => CancelSignal, d: Delivery) => Step | Promise<Step>;
}

/** Cache lookup, collapsing concurrent misses for one key behind a single fetch. */
export function lookupStep(ctx: RequestContext, deps: LookupDeps): Step | Promise<Step> {
  const cache = deps.cache;
  const key = ctx.cacheKey;
  if (key === null) throw new Error('lookup before hash');
  const method = ctx.req.method;
  if (method !== 'GET' && method !== 'HEAD') return 'pass';
  if (cache.hitForPass.active(key)) return 'pass';
  // req.hash_always_miss: nothing is looked up — no hit and no stale copy — but the fetch is
  // still collapsed and stored (Fastly's req.hash_always_miss page).
  const limits = ctx.cacheRequest;
  const found = limits?.hashAlwaysMiss === true ? null : cache.store.lookup(key, ctx.req.http.fields, ctx.startTime);
  if (found !== null) {
    const state = limits === undefined ? found.state : freshness(found.object, ctx.startTime, limits);
    if (state === 'fresh' || state === 'stale-while-revalidate') {
      ctx.cachedObject = found.object;
      ctx.cacheState = 'HIT';
      if (state === 'stale-while-revalidate') refreshInBackground(ctx, deps);
      return 'hit';
    }
    if (state === 'stale-if-error-only') ctx.staleObject = found.object;
  }
  // A request that already passed this POP (CDN-Loop names it) never waits behind a fetch:
  // that fetch may be the very request that looped back here, and waiting would deadlock it.
  // req.hash_ignore_busy asks not to wait either (Varnish's req.hash_ignore_busy).
  if (!ctx.waited && !ctx.loopedBack && limits?.hashIgnoreBusy !== true) {
    const ticket = cache.collapser.acquire(key, method);
    if (ticket.role === 'leader') ctx.leader = ticket;
    if (ticket.role === 'waiter') {
      ctx.waited = true;
      deps.metrics.collapsed(ctx.service.serviceId);
      return ticket.outcome.then((outcome) => (outcome.next === 'lookup' ? 'lookup' : 'miss'));
    }
  }
  return 'miss';
}

/**
 * stale-while-revalidate: the stale object was served; one request per key refreshes it,
 * as a detached miss that stores what it fetches and answers nobody.
 */
function refreshInBackground(ctx: RequestContext, deps: LookupDeps): void {
  const key = ctx.cacheKey;
  if (key === null) return;
  const ticket = deps.cache.collapser.acquire(key, 'GET');
  if (ticket.role !== 'leader') return;
  const refresh = new RequestContext({
    service: ctx.service, clientIp: ctx.clientIp, server: ctx.server, method: 'GET', url: ctx.req.url, proto: ctx.req.proto,
    headers: ctx.req.http.clone(), health: deps.health, logger: null, pop: deps.pop, tls: ctx.tls,
  });
  refresh.cacheKey = key;
  refresh.leader = ticket;
  refresh.waited = true;
  const d: Delivery = { body: null, upstream: null, store: null };
  void (async () => {
    try {
      let step: Step = 'miss';
      while (step !== 'deliver' && step !== 'done' && step !== 'synth' && step !== 'stale' && step !== 'serve') {
        step = await deps.step(step, refresh, () => NEVER, d);
      }
      if (step === 'deliver' && d.store !== null && d.upstream !== null) {
        const stored = deps.cache.storeWhenComplete(d.store.key, d.store.head, d.upstream.body, d.upstream.completed);
        d.upstream.body.resume();
        refresh.releaseLeader((await stored).stored ? 'stored' : 'failed');
        return;
      }
      discard(d);
    } finally {
      refresh.releaseLeader('failed');
    }
  })().catch((err: unknown) => deps.logger.warn({ err, service: ctx.service.serviceId, url: ctx.req.url }, 'background refresh failed'));
}

/** A miss fetched here: vcl_miss, then the fetch. */
export function missStep(ctx: RequestContext): Step {
  ctx.fastlyInfoState = 'MISS';
  ctx.cacheState = 'MISS';
  // A HEAD miss is fetched as GET so the stored object has its body (Varnish does the same).
  const method = ctx.req.method === 'HEAD' ? 'GET' : ctx.req.method;
  ctx.bereq = { method, url: ctx.req.url, proto: 'HTTP/1.1', http: ctx.req.http.clone() };
  const action = run(ctx.service, 'miss', ctx);
  if (action === 'pass') ctx.passing = true;
  if (action === 'deliver_stale') return ctx.staleObject !== null ? 'stale' : 'fetch';
  return expect('miss', action, TRANSITIONS.miss);
}

/** A miss handed to the key's owner in the POP; fetched here after all when the owner does not answer. */
export async function clusterStep(ctx: RequestContext, owner: string, signal: () => CancelSignal, d: Delivery, deps: LookupDeps): Promise<Step> {
  if (!await askOwner(ctx, owner, signal(), d, deps.cluster)) return missStep(ctx);
  ctx.fastlyInfoState = `${ctx.cacheState}-CLUSTER`;
  // stale-if-error: an owner answering 5xx does not replace a usable stale copy here.
  if ((ctx.beresp as EdgeBackendResponse).status >= 500 && ctx.staleObject !== null) {
    discard(d);
    ctx.releaseLeader('failed');
    return 'stale';
  }
  return 'deliver';
}

/**
 * Makes ctx.resp and the body to send from a stored object (a hit, or a stale copy), as the
 * serve and stale steps do before vcl_deliver.
 */
export function serveStored(ctx: RequestContext, object: CachedObject, d: Delivery): void {
  // The owner of a cluster hop hands the stored bytes back as they are: the delivery member
  // plans their delivery for its client (./fleet/cluster.ts).
  const plan = (object.intent.coding === null && !object.intent.esi) || ctx.clusterRole === 'shield' ? null : planDelivery(object.intent, ctx.acceptEncoding, ctx.esiEnabled);
  // A body transformed on its way out has no byte ranges (compress/delivery.ts).
  const served = serveObject(object, { method: ctx.req.method, headers: plan === null ? ctx.req.http.fields : withoutRange(ctx.req.http.fields) });
  ctx.resp = { status: served.status, response: served.reason, http: new HeaderMap(served.headers, served.template) };
  // obj.hits in vcl_deliver counts this hit, as X-Cache-Hits does (Fastly: both read 1 on a first hit).
  if (ctx.obj !== null) ctx.obj.hits = object.hits;
  if (plan !== null) planFields(plan, ctx.resp.http);
  d.body = served.body;
  d.plan = plan;
}

/** Request fields without Range and If-Range. */
function withoutRange(fields: HeaderMap['fields']): HeaderMap['fields'] {
  const { range: _range, 'if-range': _ifRange, ...rest } = fields;
  return rest;
}
