// Writing the decided response to the client, and storing a cacheable body while it streams.
//
// Ownership: called once per request, after the pipeline reached `done`. From here on the
// upstream body belongs to the client pipe (and, when the object is stored, to the cache
// copier that listens on the same stream); the access log line is written when the body ends.

import type http from 'node:http';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { EdgeCache, ObjectHead } from './cache/index.ts';
import type { RequestContext } from './context.ts';
import type { EdgeMetrics } from './metrics.ts';
import type { UpstreamResponse } from './response.ts';

/** What the response to the client is made of, once decided. */
export interface Delivery {
  body: Readable | Buffer | string | null;
  upstream: UpstreamResponse | null;
  /** Set when the backend response is to be stored under `key` once complete. */
  store: { readonly key: string; readonly head: ObjectHead } | null;
}

export interface RespondDeps {
  readonly cache: EdgeCache;
  readonly metrics: EdgeMetrics;
  readonly logger: Logger;
  readonly pop: string;
}

export function respond(ctx: RequestContext, req: http.IncomingMessage, res: http.ServerResponse, d: Delivery, deps: RespondDeps): void {
  const resp = ctx.resp;
  if (resp === null) throw new Error('respond without resp');
  resp.http.set('x-served-by', deps.pop);
  resp.http.set('x-cache', ctx.cacheState);
  res.writeHead(resp.status, resp.response, resp.http.fields);
  const finish = (bytes: number): void => {
    ctx.service.run('log', ctx);
    deps.metrics.request(ctx.service.serviceId, resp.status, ctx.error?.reason ?? null, ctx.cacheState);
    deps.logger.info({
      service: ctx.service.serviceId, backend: ctx.backend, pop: deps.pop, method: ctx.req.method, url: ctx.req.url,
      status: resp.status, reason: ctx.error?.reason ?? null, bytes, cache: ctx.cacheState,
      ms: round(performance.now() - ctx.startedAt), firstByteMs: ctx.upstreamFirstByteMs === null ? null : round(ctx.upstreamFirstByteMs),
    }, 'request');
  };

  const body = d.body;
  const head = req.method === 'HEAD';
  if (body === null || typeof body === 'string' || Buffer.isBuffer(body)) {
    res.end(head || body === null ? undefined : body);
    finish(body === null || head ? 0 : Buffer.byteLength(body));
    return;
  }
  const upstream = d.upstream;
  if (upstream === null) throw new Error('a streamed body without its upstream response');
  const store = d.store;
  if (store !== null) {
    // Attached in the same tick as the pipe, so the copier sees every chunk.
    void deps.cache.storeWhenComplete(store.key, store.head, body, upstream.completed).then((outcome) => {
      ctx.releaseLeader(outcome.stored ? 'stored' : 'failed');
      if (!outcome.stored) deps.logger.debug({ service: ctx.service.serviceId, url: ctx.req.url, reason: outcome.reason }, 'response not stored');
    });
  }
  if (head) body.resume();
  else body.pipe(res);
  void upstream.completed.then((outcome) => {
    if (head) res.end();
    // Fastly delivers what arrived before between_bytes_timeout; a promised length that was
    // not met must not look complete to the client, so the connection is closed.
    else if (outcome.truncated && res.getHeader('content-length') !== undefined) res.destroy();
    finish(head ? 0 : outcome.bytes);
  });
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
