// The request path of an edge worker: Fastly's state machine as a loop over named steps
// (Varnish cache_req_fsm.c style). Each step returns the next; a VCL action a step does not
// allow is a bug and fails loudly as an internal error, never silently.
//
//   recv ─lookup─▶ hash ─▶ lookup ─fresh─▶ hit ─▶ serve ─────────────────────▶ done
//     │                      │ miss/expired                                    ▲
//     │                      ▼                                                 │
//     │                     miss ─fetch─▶ fetch ─▶ deliver ────────────────────┤
//     └─pass─▶ pass ──────────────────────┘  │ failure or 5xx with a stale copy │
//                                            └─────────▶ stale ────────────────┤
//   any ─error─▶ error ─▶ synth ───────────────────────────────────────────────┘
//   any ─restart─▶ restart ─▶ recv   (at most MAX_RESTARTS times)
//
// Ownership: the pipeline owns the RequestContext for the request's life; the VCL runtime
// only touches it through VclContext; UpstreamPools owns connections; EdgeCache owns objects.
// A request that becomes a key's collapse leader must release it on every path: `#handle`
// releases whatever is still held when the request ends. The same goes for a request body
// (request-body.ts): a pass's fetch sends it, a lookup's fetch drops it, and whatever is still
// unread when the response is decided — a hit, a synthetic or stale answer, a collapsed
// waiter, a failed fetch — is read and dropped then, so the client connection stays in step.
// The fetch step lives in fetch.ts; the cache side (lookup, collapsing, background refresh,
// miss, cluster handoff, serving a stored object) in lookup.ts; the step names and the rules
// every step follows in steps.ts. What stays here: admitting a request (a client's, a cluster
// hop's, an ESI include's) into a RequestContext, and the step loop that drives it.

import type { ClientRequest, ClientResponse } from './http1/index.ts';
import type { Logger } from 'pino';
import type { HealthView } from '../health/ipc.ts';
import type { CompiledService } from '../vcl/index.ts';
import { REQ_BODY_LIMIT } from '../vcl/index.ts';
import { Buffer } from 'node:buffer';
import { AccessLog } from './access-log.ts';
import { clientGone, normaliseIp, plain, type CancelSignal } from './client.ts';
import { primaryKey, stripEdgeFields, type EdgeCache } from './cache/index.ts';
import { objectView } from './object-view.ts';

import type { PopState } from './pop-state.ts';
import { RequestContext, type EdgeResponse, type LogLines, type ServerInfo } from './context.ts';
import { BackendHealth } from './backend-health.ts';
import { normaliseAcceptEncoding, planDelivery, planFields } from './compress/index.ts';
import { EsiIncluder } from './esi/includer.ts';
import { fetchStep, type FetchDeps } from './fetch.ts';
import { HeaderMap } from './header-map.ts';
import { clusterStep, lookupStep, missStep, serveStored, type LookupDeps } from './lookup.ts';
import { countRequest } from './connection-requests.ts';
import { cdnLoopCount } from './headers.ts';
import type { EdgeMetrics } from './metrics.ts';
import type { Purger } from './purge.ts';
import { handlePurge } from './purge.ts';
import { hasBody, RequestBody } from './request-body.ts';
import { tlsConnection } from './tls/index.ts';
import { respond, type Delivery } from './respond.ts';
import type { ServiceTable } from './service-table.ts';
import type { EdgeStats } from './stats.ts';
import type { UpstreamPools } from './upstream/index.ts';
import { discard, expect, MAX_RESTARTS, run, TRANSITIONS, type Step } from './steps.ts';
import { clusterOwner, ownerFields, type ClusterDeps } from './fleet/cluster.ts';
import { arrive, CLUSTER_BACKEND, CLUSTER_KEY, CLUSTER_SERVICE } from './fleet/hop.ts';
import type { FleetView } from './fleet/view.ts';

export { MAX_RESTARTS } from './steps.ts';

export interface PipelineOptions {
  readonly table: ServiceTable;
  readonly upstream: UpstreamPools;
  readonly cache: EdgeCache;
  readonly health: HealthView;
  readonly server: ServerInfo;
  /** This POP's CDN-Loop identifier. */
  readonly cdnId: string;
  readonly logger: Logger;
  readonly metrics: EdgeMetrics;
  /** Counts for GET /service/{sid}/stats: requests by cache outcome, origin requests by backend. */
  readonly stats: EdgeStats;
  readonly purger: Purger;
  /** Where VCL `log` lines addressed to a logging endpoint go; absent: none. */
  readonly logging?: LogLines;
  /** Answers `GET /ready` for hosts that are not a configured domain. */
  readonly ready: () => boolean;
  /** The POP's rate limits and geolocation database (./pop-state.ts); absent: a worker of its own, without one. */
  readonly pop?: PopState;
  /** What this worker knows of the fleet now (clustering, shielding); null off a fleet. */
  readonly fleet?: () => FleetView | null;
}

const NO_FLEET = (): null => null;

function firstValue(v: string | string[] | undefined): string | undefined {
  return typeof v === 'string' ? v : v?.[0];
}

export class Pipeline {
  readonly #o: PipelineOptions;
  readonly #accessLog: AccessLog;
  readonly #health: BackendHealth;
  readonly #fetchDeps: FetchDeps;
  readonly #lookupDeps: LookupDeps;
  readonly #fleet: () => FleetView | null;
  readonly #esi: EsiIncluder;

  constructor(options: PipelineOptions) {
    this.#o = options;
    this.#accessLog = new AccessLog(options.logger);
    this.#health = new BackendHealth(options.health, options.upstream.passive);
    const warn = (fields: Record<string, unknown>, message: string): void => options.logger.warn(fields, message);
    this.#fetchDeps = { upstream: options.upstream, cache: options.cache, metrics: options.metrics, stats: options.stats, health: this.#health, warn };
    const cluster: ClusterDeps = { upstream: options.upstream, metrics: options.metrics.fleet, warn };
    this.#lookupDeps = {
      cache: options.cache, metrics: options.metrics, health: this.#health, pop: options.pop, logger: options.logger, cluster,
      step: (step, ctx, signal, d) => this.#step(step, ctx, signal, d),
    };
    this.#fleet = options.fleet ?? NO_FLEET;
    this.#esi = new EsiIncluder({
      logger: options.logger,
      context: (parent, url, headers) => this.#subrequestContext(parent, url, headers),
      serve: (ctx, req, res) => this.#serve(ctx, req, res),
    });
  }

  /**
   * The cache key a request for `url` with Host `host` has in service `serviceId`: what its own
   * vcl_hash makes of it, as for `PURGE <url>` at the edge. Null when this worker does not run
   * the service (nothing of it can be cached here).
   */
  purgeKey(serviceId: string, host: string, url: string): string | null {
    const service = this.#o.table.get(serviceId);
    if (service === null) return null;
    const ctx = new RequestContext({
      service, clientIp: this.#o.server.ip, server: this.#o.server, method: 'PURGE', url, proto: 'HTTP/1.1',
      headers: HeaderMap.from({ host }), health: this.#health, logger: null, pop: this.#o.pop,
    });
    service.run('hash', ctx);
    return primaryKey(serviceId, ctx.hashData);
  }

  /** Writes out access-log lines still buffered (before the process exits). */
  flushLog(): void {
    this.#accessLog.flush();
  }

  /** The node:http request listener. */
  readonly handle = (req: ClientRequest, res: ClientResponse): void => {
    let pending: Promise<void> | undefined;
    try {
      pending = this.#handle(req, res);
    } catch (err) {
      this.#crashed(err, res);
      return;
    }
    pending?.catch((err: unknown) => this.#crashed(err, res));
  };

  #crashed(err: unknown, res: ClientResponse): void {
    this.#o.logger.error({ err }, 'edge pipeline failed');
    if (!res.headersSent) {
      res.writeHead(500, 'Internal Server Error', { 'content-type': 'text/plain; charset=utf-8' });
      res.end('500 Internal Server Error\n');
    } else {
      res.destroy();
    }
  }

  /**
   * Runs the request. Synchronous until a step has to wait (a fetch, or another request's
   * fetch of the same object): a cache hit is answered without creating a single promise.
   */
  #handle(req: ClientRequest, res: ClientResponse): Promise<void> | undefined {
    const o = this.#o;
    const body = hasBody(req.headers);
    // A HEAD request has no content (RFC 9110 §9.3.2): one with a body is a hard error, as in
    // Varnish (http1/cache_http1_proto.c), and the connection closes rather than read it.
    if (body && req.method === 'HEAD') {
      res.shouldKeepAlive = false;
      plain(res, 400, 'Bad Request', '400 Bad Request: a HEAD request cannot have a body (Content-Length or Transfer-Encoding)\n');
      return undefined;
    }
    const service = o.table.lookup(req.headers.host);
    if (service === null) {
      this.#noService(req, res);
      return undefined;
    }
    // RFC 8586: a request that already passed this POP twice is looping.
    const passes = req.headers['cdn-loop'] === undefined ? 0 : cdnLoopCount(req.headers, o.cdnId);
    if (passes >= 2) {
      plain(res, 508, 'Loop Detected', `508 Loop Detected: this request already passed ${o.cdnId} twice (CDN-Loop)\n`);
      return undefined;
    }
    const ctx = this.#context(service, req);
    ctx.loopedBack = passes > 0;
    arrive(ctx, this.#fleet(), ctx.req.http);
    if (req.method === 'PURGE') return handlePurge(ctx, req, res, { cache: o.cache, purger: o.purger, pop: o.server.pop });
    if (body) ctx.body = new RequestBody(req);
    // Fastly normalises Accept-Encoding before vcl_recv (src/edge/compress/accept-encoding.ts).
    ctx.acceptEncoding = normaliseAcceptEncoding(ctx.req.http);
    if (ctx.body !== null && service.readsRequestBody === true) return this.#readBodyThenServe(ctx, req, res);
    return this.#serve(ctx, req, res);
  }

  /**
   * For VCL that reads req.body: the body is read first (RequestBody keeps it for the fetch),
   * and one of at most REQ_BODY_LIMIT bytes is what req.body reads; a longer one, or one
   * announced longer, reads as empty (Fastly's 8 KB limit) and is not waited for.
   */
  async #readBodyThenServe(ctx: RequestContext, req: ClientRequest, res: ClientResponse): Promise<void> {
    const body = ctx.body!;
    if (body.length === null || body.length <= REQ_BODY_LIMIT) {
      // A client that goes away mid-body fails the fetch that forwards it, as without VCL.
      const read = await body.forward().catch(() => null);
      if (Buffer.isBuffer(read) && read.length <= REQ_BODY_LIMIT) ctx.requestBody = read;
    }
    return this.#serve(ctx, req, res);
  }

  /**
   * The request listener of this worker's cluster listener (src/edge/fleet/cluster.ts): the owner's
   * side of a cluster hop. Only a fleet node's signed GET for a service this worker runs is taken;
   * it runs from the lookup of the key the delivery member hashed, and is handed back before
   * vcl_deliver (which runs on the delivery member).
   */
  readonly handleCluster = (req: ClientRequest, res: ClientResponse): void => {
    const fleet = this.#fleet();
    const serviceId = firstValue(req.headers[CLUSTER_SERVICE]);
    const key = firstValue(req.headers[CLUSTER_KEY]);
    const backend = firstValue(req.headers[CLUSTER_BACKEND]);
    const service = serviceId === undefined ? null : this.#o.table.get(serviceId);
    // No owner's fields in these answers: the delivery member fetches on its own.
    if (fleet === null || service === null || key === undefined || req.method !== 'GET' || hasBody(req.headers)) {
      return plain(res, 421, 'Misdirected Request', '421 Misdirected Request: not a cluster hop this member can take\n');
    }
    const ctx = this.#context(service, req);
    if (!arrive(ctx, fleet, ctx.req.http)) return plain(res, 403, 'Forbidden', '403 Forbidden: cluster hops come from the fleet only\n');
    ctx.clusterRole = 'shield';
    ctx.cacheKey = decodeURIComponent(key);
    if (backend !== undefined && (service.backends.has(backend) || service.directors.has(backend))) ctx.req.backend = backend;
    let pending: Promise<void> | undefined;
    try {
      pending = this.#serve(ctx, req, res, 'lookup');
    } catch (err) {
      this.#crashed(err, res);
      return;
    }
    pending?.catch((err: unknown) => this.#crashed(err, res));
  };

  /** Runs a request whose context is made (a client's, or an ESI include's) and writes its response. */
  #serve(ctx: RequestContext, req: ClientRequest, res: ClientResponse, first: Step = 'recv'): Promise<void> | undefined {
    const d: Delivery = { body: null, upstream: null, store: null, plan: null };
    let gone: CancelSignal | null = null;
    const signal = (): CancelSignal => (gone ??= clientGone(res));
    let step: Step = first;
    let next: Step | Promise<Step> = step;
    try {
      while (step !== 'done') {
        next = this.#step(step, ctx, signal, d);
        if (typeof next !== 'string') break;
        step = next;
      }
      if (typeof next === 'string') this.#respond(ctx, req, res, d);
    } finally {
      if (typeof next === 'string') release(ctx, d);
    }
    // A step has to wait: the rest runs in one async function, which also answers and releases
    // (one promise per waiting request, not a chain of then/finally on top of it).
    return typeof next === 'string' ? undefined : this.#runAfter(next, ctx, signal, d, req, res);
  }

  #respond(ctx: RequestContext, req: ClientRequest, res: ClientResponse, d: Delivery): void {
    const o = this.#o;
    respond(ctx, req, res, d, {
      cache: o.cache, metrics: o.metrics, stats: o.stats, logger: o.logger, accessLog: this.#accessLog, pop: o.server.pop,
      includer: (page) => this.#esi.for(page),
    });
  }

  /** The context of an ESI include of `parent` (src/edge/esi/includer.ts decides url and headers). */
  #subrequestContext(parent: RequestContext, url: string, headers: HeaderMap): RequestContext {
    return new RequestContext({
      service: parent.service, clientIp: parent.clientIp, server: parent.server, method: 'GET', url, proto: parent.req.proto,
      headers, health: this.#health, logger: this.#o.logger,
    });
  }

  #context(service: CompiledService, req: ClientRequest): RequestContext {
    const o = this.#o;
    const tls = tlsConnection(req.socket);
    const headers = HeaderMap.ofRequest(req.headers);
    // Fastly writes `Fastly-SSL: 1` into requests that arrived over TLS, "if the header is not
    // already present" — so a client can set it: it is deprecated, and VCL should read
    // fastly_info.edge.is_tls (https://www.fastly.com/documentation/reference/http/http-headers/Fastly-SSL/).
    if (tls !== null && headers.get('fastly-ssl') === null) headers.set('fastly-ssl', '1');
    return new RequestContext({
      service,
      clientIp: normaliseIp(req.socket.remoteAddress ?? ''),
      clientPort: req.socket.remotePort ?? 0,
      clientRequests: countRequest(req.socket),
      server: o.server,
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      // Fastly's req.proto for HTTP/2 is `HTTP/2` (RFC 9113 has no minor version).
      proto: req.httpVersion === '2.0' ? 'HTTP/2' : `HTTP/${req.httpVersion}`,
      headers,
      health: this.#health,
      logger: o.logger,
      generation: o.cache.generation(service.serviceId),
      pop: o.pop,
      tls,
      endpoints: o.logging ?? null,
    });
  }

  /**
   * The rest of a request once a step returned a promise (a fetch, or a wait behind another
   * request's fetch); most steps are synchronous, so a cache hit runs without a single microtask
   * hop and never gets here. Answers the client and releases what the request holds.
   */
  async #runAfter(pending: Promise<Step>, ctx: RequestContext, signal: () => CancelSignal, d: Delivery, req: ClientRequest, res: ClientResponse): Promise<void> {
    try {
      let step = await pending;
      while (step !== 'done') {
        const next = this.#step(step, ctx, signal, d);
        step = typeof next === 'string' ? next : await next;
      }
      this.#respond(ctx, req, res, d);
    } finally {
      release(ctx, d);
    }
  }

  #step(step: Step, ctx: RequestContext, signal: () => CancelSignal, d: Delivery): Step | Promise<Step> {
    const service = ctx.service;
    switch (step) {
      case 'recv':
        ctx.fastlyInfoState = 'RECV';
        return expect(step, run(service, 'recv', ctx), TRANSITIONS.recv);
      case 'hash': {
        const next = expect(step, run(service, 'hash', ctx), TRANSITIONS.hash);
        ctx.cacheKey = primaryKey(service.serviceId, ctx.hashData);
        return next;
      }
      case 'lookup':
        return lookupStep(ctx, this.#lookupDeps);
      case 'hit':
        ctx.fastlyInfoState = 'HIT';
        if (ctx.cachedObject !== null) ctx.obj = objectView(ctx.cachedObject, ctx.startTime);
        return expect(step, run(service, 'hit', ctx), TRANSITIONS.hit);
      case 'serve':
      case 'stale': {
        const object = step === 'stale' ? ctx.staleObject : ctx.cachedObject;
        if (object === null) throw new Error(`${step} without an object`);
        discard(d);
        if (step === 'stale') ctx.cacheState = 'STALE';
        serveStored(ctx, object, d);
        return this.#deliverPhase(ctx, d);
      }
      case 'miss': {
        const owner = clusterOwner(ctx);
        if (owner !== null) return clusterStep(ctx, owner, signal, d, this.#lookupDeps);
        return missStep(ctx);
      }
      case 'pass':
        ctx.fastlyInfoState = 'PASS';
        ctx.cacheState = 'PASS';
        ctx.passing = true;
        ctx.bereq = { method: ctx.req.method, url: ctx.req.url, proto: 'HTTP/1.1', http: ctx.req.http.clone() };
        return expect(step, run(service, 'pass', ctx), TRANSITIONS.pass);
      case 'fetch':
        return fetchStep(ctx, signal, d, this.#fetchDeps);
      case 'deliver': {
        const beresp = ctx.beresp;
        if (beresp === null) throw new Error('deliver without a backend response');
        stripEdgeFields(beresp.http.fields);
        ctx.resp = { status: beresp.status, response: beresp.response, http: beresp.http };
        const intent = ctx.bodyIntent;
        d.plan = (intent.coding === null && !intent.esi) || ctx.clusterRole === 'shield' ? null : planDelivery(intent, ctx.acceptEncoding, ctx.esiEnabled);
        if (d.plan !== null) planFields(d.plan, beresp.http);
        return this.#deliverPhase(ctx, d);
      }
      case 'error': {
        discard(d);
        ctx.fastlyInfoState = 'ERROR';
        if (ctx.obj === null) ctx.obj = ctx.syntheticObject(503, 'Service Unavailable');
        const action = run(service, 'error', ctx);
        if (action === 'deliver_stale' && ctx.staleObject !== null) return 'stale';
        return expect(step, action, TRANSITIONS.error);
      }
      case 'synth': {
        const obj = ctx.obj;
        if (obj === null) throw new Error('synth without obj');
        const body = ctx.syntheticBody ?? `${obj.status} ${obj.response}\n`;
        if (obj.http.get('content-type') === null) obj.http.set('content-type', 'text/plain; charset=utf-8');
        ctx.resp = { status: obj.status, response: obj.response, http: obj.http };
        ctx.locallyGenerated = true;
        d.body = body;
        d.upstream = null;
        return this.#deliverPhase(ctx, d);
      }
      case 'restart':
        discard(d);
        ctx.req.restarts++;
        ctx.resetForRestart();
        ctx.locallyGenerated = false;
        if (ctx.req.restarts > MAX_RESTARTS) {
          ctx.obj = ctx.syntheticObject(503, 'Too many restarts');
          return 'synth';
        }
        return 'recv';
      case 'done':
        return 'done';
    }
  }

  #deliverPhase(ctx: RequestContext, d: Delivery): Step {
    // The owner of a cluster hop hands the response back before vcl_deliver, which runs on the
    // delivery member (Fastly's clustering handoff, src/edge/fleet/cluster.ts).
    if (ctx.clusterRole === 'shield') {
      ownerFields(ctx, d, (ctx.resp as EdgeResponse).http);
      return 'done';
    }
    // The body to send (an upstream's, a stored object's or a synthetic one) is chosen by
    // respond(); vcl_deliver only decides whether it is delivered or the request restarts.
    return expect('deliver', run(ctx.service, 'deliver', ctx), TRANSITIONS.deliver);
  }

  #noService(req: ClientRequest, res: ClientResponse): void {
    if (req.url === '/ready' && (req.method === 'GET' || req.method === 'HEAD')) {
      const ok = this.#o.ready();
      return plain(res, ok ? 200 : 503, ok ? 'OK' : 'Service Unavailable', ok ? 'ready\n' : 'starting\n');
    }
    plain(res, 404, 'Domain Not Found', `404 Domain Not Found: no service has the domain "${req.headers.host ?? ''}"\n`);
  }
}

/**
 * A fetch whose object will be stored releases its waiters when storing ends (respond); every
 * other path wakes them once the response is decided, so they fetch on their own.
 */
function release(ctx: RequestContext, d: Delivery): void {
  if (d.store === null) ctx.releaseLeader(ctx.error === null ? 'uncacheable' : 'failed');
  ctx.body?.drop();
}
