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
// The fetch step lives in fetch.ts, the step names and the rules every step follows in steps.ts.

import type { ClientRequest, ClientResponse } from './http1/index.ts';
import type { Logger } from 'pino';
import type { HealthView } from '../health/ipc.ts';
import type { CompiledService } from '../vcl/index.ts';
import { REQ_BODY_LIMIT } from '../vcl/index.ts';
import { Buffer } from 'node:buffer';
import { AccessLog } from './access-log.ts';
import { clientGone, NEVER, normaliseIp, plain, type CancelSignal } from './client.ts';
import { freshness, primaryKey, serveObject, stripEdgeFields, type EdgeCache } from './cache/index.ts';
import { objectView } from './object-view.ts';

import type { PopState } from './pop-state.ts';
import { RequestContext, type EdgeBackendResponse, type EdgeResponse, type LogLines, type ServerInfo } from './context.ts';
import { BackendHealth } from './backend-health.ts';
import { normaliseAcceptEncoding, planDelivery, planFields } from './compress/index.ts';
import { EsiIncluder } from './esi/includer.ts';
import { fetchStep, type FetchDeps } from './fetch.ts';
import { HeaderMap } from './header-map.ts';
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
import { askOwner, clusterOwner, ownerFields, type ClusterDeps } from './fleet/cluster.ts';
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
  readonly #clusterDeps: ClusterDeps;
  readonly #fleet: () => FleetView | null;
  readonly #esi: EsiIncluder;

  constructor(options: PipelineOptions) {
    this.#o = options;
    this.#accessLog = new AccessLog(options.logger);
    this.#health = new BackendHealth(options.health, options.upstream.passive);
    const warn = (fields: Record<string, unknown>, message: string): void => options.logger.warn(fields, message);
    this.#fetchDeps = { upstream: options.upstream, cache: options.cache, metrics: options.metrics, stats: options.stats, health: this.#health, warn };
    this.#clusterDeps = { upstream: options.upstream, metrics: options.metrics.fleet, warn };
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
        return this.#lookup(ctx);
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
        return this.#deliverPhase(ctx, d);
      }
      case 'miss': {
        const owner = clusterOwner(ctx);
        if (owner !== null) return this.#cluster(ctx, owner, signal, d);
        return this.#miss(ctx);
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

  /** Cache lookup, collapsing concurrent misses for one key behind a single fetch. */
  #lookup(ctx: RequestContext): Step | Promise<Step> {
    const cache = this.#o.cache;
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
        if (state === 'stale-while-revalidate') this.#refreshInBackground(ctx);
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
        this.#o.metrics.collapsed(ctx.service.serviceId);
        return ticket.outcome.then((outcome) => (outcome.next === 'lookup' ? 'lookup' : 'miss'));
      }
    }
    return 'miss';
  }

  /**
   * stale-while-revalidate: the stale object was served; one request per key refreshes it,
   * as a detached miss that stores what it fetches and answers nobody.
   */
  #refreshInBackground(ctx: RequestContext): void {
    const key = ctx.cacheKey;
    if (key === null) return;
    const ticket = this.#o.cache.collapser.acquire(key, 'GET');
    if (ticket.role !== 'leader') return;
    const refresh = new RequestContext({
      service: ctx.service, clientIp: ctx.clientIp, server: ctx.server, method: 'GET', url: ctx.req.url, proto: ctx.req.proto,
      headers: ctx.req.http.clone(), health: this.#health, logger: null, pop: this.#o.pop, tls: ctx.tls,
    });
    refresh.cacheKey = key;
    refresh.leader = ticket;
    refresh.waited = true;
    const d: Delivery = { body: null, upstream: null, store: null };
    void (async () => {
      try {
        let step: Step = 'miss';
        while (step !== 'deliver' && step !== 'done' && step !== 'synth' && step !== 'stale' && step !== 'serve') {
          step = await this.#step(step, refresh, () => NEVER, d);
        }
        if (step === 'deliver' && d.store !== null && d.upstream !== null) {
          const stored = this.#o.cache.storeWhenComplete(d.store.key, d.store.head, d.upstream.body, d.upstream.completed);
          d.upstream.body.resume();
          refresh.releaseLeader((await stored).stored ? 'stored' : 'failed');
          return;
        }
        discard(d);
      } finally {
        refresh.releaseLeader('failed');
      }
    })().catch((err: unknown) => this.#o.logger.warn({ err, service: ctx.service.serviceId, url: ctx.req.url }, 'background refresh failed'));
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

  /** A miss fetched here: vcl_miss, then the fetch. */
  #miss(ctx: RequestContext): Step {
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
  async #cluster(ctx: RequestContext, owner: string, signal: () => CancelSignal, d: Delivery): Promise<Step> {
    if (!await askOwner(ctx, owner, signal(), d, this.#clusterDeps)) return this.#miss(ctx);
    ctx.fastlyInfoState = `${ctx.cacheState}-CLUSTER`;
    // stale-if-error: an owner answering 5xx does not replace a usable stale copy here.
    if ((ctx.beresp as EdgeBackendResponse).status >= 500 && ctx.staleObject !== null) {
      discard(d);
      ctx.releaseLeader('failed');
      return 'stale';
    }
    return 'deliver';
  }

  #noService(req: ClientRequest, res: ClientResponse): void {
    if (req.url === '/ready' && (req.method === 'GET' || req.method === 'HEAD')) {
      const ok = this.#o.ready();
      return plain(res, ok ? 200 : 503, ok ? 'OK' : 'Service Unavailable', ok ? 'ready\n' : 'starting\n');
    }
    plain(res, 404, 'Domain Not Found', `404 Domain Not Found: no service has the domain "${req.headers.host ?? ''}"\n`);
  }
}

/** Request fields without Range and If-Range. */
function withoutRange(fields: HeaderMap['fields']): HeaderMap['fields'] {
  const { range: _range, 'if-range': _ifRange, ...rest } = fields;
  return rest;
}

/**
 * A fetch whose object will be stored releases its waiters when storing ends (respond); every
 * other path wakes them once the response is decided, so they fetch on their own.
 */
function release(ctx: RequestContext, d: Delivery): void {
  if (d.store === null) ctx.releaseLeader(ctx.error === null ? 'uncacheable' : 'failed');
  ctx.body?.drop();
}
