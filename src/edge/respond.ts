// Writing the decided response to the client, and storing a cacheable body while it streams.
//
// Ownership: called once per request, after the pipeline reached `done`. From here on the
// upstream body belongs to the client pipe (and, when the object is stored, to the cache
// copier that listens on the same stream); the access log line is written when the body ends.

import { Buffer } from 'node:buffer';
import type { ClientRequest, ClientResponse } from './http1/index.ts';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { AccessLog } from './access-log.ts';
import type { EdgeCache, ObjectHead } from './cache/index.ts';
import type { DeliveryPlan } from './compress/index.ts';
import type { Includer } from './esi/index.ts';
import { Readable } from 'node:stream';
import { sendTransformed } from './transform-body.ts';
import type { RequestContext } from './context.ts';
import type { EdgeMetrics } from './metrics.ts';
import type { EdgeStats } from './stats.ts';
import type { UpstreamResponse } from './upstream/index.ts';

/** What the response to the client is made of, once decided. */
export interface Delivery {
  /** A body the edge made (a cached object's, a synthetic one); null when it is the upstream response's. */
  body: Buffer | string | null;
  /** The backend response being delivered; its body streams from the origin or came whole. */
  upstream: UpstreamResponse | null;
  /** Set when the backend response is to be stored under `key` once complete. */
  store: { readonly key: string; readonly head: ObjectHead } | null;
  /** What the edge does to the body on its way out (ESI, decompression, compression); absent or null: nothing. */
  plan?: DeliveryPlan | null;
}

export interface RespondDeps {
  readonly cache: EdgeCache;
  readonly metrics: EdgeMetrics;
  readonly stats: EdgeStats;
  readonly logger: Logger;
  readonly accessLog: AccessLog;
  readonly pop: string;
  /** Fetches ESI includes for a page this request delivers. */
  readonly includer: (ctx: RequestContext) => Includer;
}

export function respond(ctx: RequestContext, req: ClientRequest, res: ClientResponse, d: Delivery, deps: RespondDeps): void {
  const resp = ctx.resp;
  if (resp === null) throw new Error('respond without resp');
  resp.http.set('x-served-by', deps.pop);
  resp.http.set('x-cache', ctx.cacheState);
  res.writeHead(resp.status, resp.response, resp.http.fields, resp.http.base);
  // The owner's side of a cluster hop is not a client's request: vcl_log runs, and the request
  // is counted, on the delivery member (Fastly's clustering handoff); its origin fetch is counted
  // where it happens (fetch.ts).
  const client = ctx.clusterRole !== 'shield';
  const finish = (bytes: number): void => {
    ctx.bodyBytesWritten = bytes;
    if (client) {
      ctx.service.run('log', ctx);
      deps.metrics.request(ctx.service.serviceId, resp.status, ctx.error?.reason ?? null, ctx.cacheState);
      deps.stats.request(ctx.service.serviceId, ctx.cacheState, ctx.startTime);
    }
    deps.accessLog.write({
      service: ctx.service.serviceId, backend: ctx.backend, method: ctx.req.method, url: ctx.req.url,
      status: resp.status, reason: ctx.error?.reason ?? null, bytes, cache: ctx.cacheState,
      ms: round(performance.now() - ctx.startedAt), connectMs: ctx.upstreamConnectMs === null ? null : round(ctx.upstreamConnectMs), firstByteMs: ctx.upstreamFirstByteMs === null ? null : round(ctx.upstreamFirstByteMs),
    });
  };

  const head = req.method === 'HEAD';
  const upstream = d.upstream;
  const plan = d.plan ?? null;
  if (plan !== null && !head && hasContent(resp.status)) {
    // `set req.esi = false` in vcl_deliver still turns ESI off (Fastly's req.esi).
    const includer = plan.esi && ctx.esiEnabled ? deps.includer(ctx) : null;
    if (upstream === null) {
      sendTransformed(plan, { body: Readable.from(d.body === null ? [] : [d.body]), truncated: () => false }, res, includer, finish);
      return;
    }
    if (d.store !== null) storeWhenComplete(ctx, d.store, upstream, deps);
    sendTransformed(plan, { body: upstream.body, truncated: () => upstream.truncated }, res, includer, finish);
    return;
  }
  if (upstream === null) {
    const body = d.body;
    res.end(head || body === null ? undefined : body);
    finish(body === null || head ? 0 : Buffer.byteLength(body));
    return;
  }
  const store = d.store;
  const whole = upstream.whole;
  if (store !== null) storeWhenComplete(ctx, store, upstream, deps);
  if (whole !== null) {
    // The body came whole with the head: head and body go in one write, and no stream was made.
    res.end(head || whole.length === 0 ? undefined : whole);
    finish(head ? 0 : whole.length);
    return;
  }
  if (head) {
    upstream.body.resume();
    void upstream.completed.then(() => {
      res.end();
      finish(0);
    });
    return;
  }
  if (upstream.received) {
    // The whole body is already here: one res.end() writes head and body in a single write and
    // skips pipe()'s listeners. Each read() also emits 'data' for the cache copier; draining
    // the buffer ends `body`. (In flowing mode read() hands out one buffered chunk per call.)
    const body = upstream.body;
    const parts: Buffer[] = [];
    for (let c = body.read() as Buffer | null; c !== null; c = body.read() as Buffer | null) parts.push(c);
    res.end(parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : Buffer.concat(parts));
    void upstream.completed.then((outcome) => finish(outcome.bytes));
    return;
  }
  // Fastly delivers what arrived before between_bytes_timeout, but a body that ended early
  // must not look complete to the client (RFC 9112 §8): the connection is closed instead of
  // ending the message — ending it would leave a Content-Length unmet (the client waits) or
  // send a chunked body's last-chunk (the client takes the truncated body for the whole).
  if (store === null && upstream.deliverTo !== undefined) {
    // Nobody else reads the body: the exchange writes it to the client as it arrives, no stream between.
    upstream.deliverTo(res);
    void upstream.completed.then((outcome) => finish(outcome.bytes));
    return;
  }
  const body = upstream.body;
  body.on('data', (chunk: Buffer) => {
    if (!res.write(chunk)) {
      body.pause();
      res.once('drain', () => body.resume());
    }
  });
  body.once('end', () => {
    if (upstream.truncated) res.destroy();
    else res.end();
  });
  void upstream.completed.then((outcome) => finish(outcome.bytes));
}

/**
 * Attached in the same tick as the pipe, so the copier sees every chunk (a whole body is handed
 * to it as a stream of one chunk).
 */
function storeWhenComplete(ctx: RequestContext, store: NonNullable<Delivery['store']>, upstream: UpstreamResponse, deps: RespondDeps): void {
  void deps.cache.storeWhenComplete(store.key, store.head, upstream.body, upstream.completed).then((outcome) => {
    ctx.releaseLeader(outcome.stored ? 'stored' : 'failed');
    if (!outcome.stored) deps.logger.debug({ service: ctx.service.serviceId, url: ctx.req.url, reason: outcome.reason }, 'response not stored');
  });
}

/** Statuses whose responses carry content (RFC 9110 §15.3.5, §15.4.5, §15.2). */
function hasContent(status: number): boolean {
  return status >= 200 && status !== 204 && status !== 304;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
