// The request path of an edge worker: Fastly's state machine as a loop over named steps
// (Varnish cache_req_fsm.c style). Each step returns the next; a VCL action a step does not
// allow is a bug and fails loudly as an internal error, never silently.
//
//   recv ─lookup─▶ hash ─▶ lookup ─▶ miss ─fetch─▶ fetch ─▶ deliver ─▶ done
//     │                                │              │         ▲
//     └─pass─▶ pass ───────────────────┴──────────────┘         │
//   any ─error─▶ error ─▶ synth ────────────────────────────────┘
//   any ─restart─▶ restart ─▶ recv   (at most MAX_RESTARTS times)
//
// There is no cache yet: lookup always misses, and responses say `X-Cache: PASS`.
//
// Ownership: the pipeline owns the RequestContext for the request's life; the VCL runtime only
// touches it through VclContext; UpstreamPools owns connections.

import type http from 'node:http';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Action, CompiledService, Phase } from '../vcl/compiled.ts';
import type { BackendDefinition } from '../model/backend.ts';
import { RequestContext, type ServerInfo } from './context.ts';
import { DirectorSelection, directorHealthy } from './directors.ts';
import { EdgeError, toEdgeError } from './errors.ts';
import { HeaderMap } from './header-map.ts';
import { isLoop } from './headers.ts';
import { probeIdentity } from '../model/backend.ts';
import type { HealthView } from '../health/ipc.ts';
import type { EdgeMetrics } from './metrics.ts';
import type { ServiceTable } from './service-table.ts';
import type { UpstreamPools } from './upstream.ts';
import type { UpstreamResponse } from './response.ts';

export const MAX_RESTARTS = 3;

type Step = 'recv' | 'hash' | 'lookup' | 'miss' | 'pass' | 'fetch' | 'deliver' | 'error' | 'synth' | 'restart' | 'done';

export interface PipelineOptions {
  readonly table: ServiceTable;
  readonly upstream: UpstreamPools;
  readonly health: HealthView;
  readonly server: ServerInfo;
  /** This POP's CDN-Loop identifier. */
  readonly cdnId: string;
  readonly logger: Logger;
  readonly metrics: EdgeMetrics;
  /** Answers `GET /ready` for hosts that are not a configured domain. */
  readonly ready: () => boolean;
}

/** What the response to the client is made of, once decided. */
interface Delivery {
  body: Readable | string | null;
  upstream: UpstreamResponse | null;
}

export class Pipeline {
  readonly #o: PipelineOptions;

  constructor(options: PipelineOptions) {
    this.#o = options;
  }

  /** The node:http request listener. */
  readonly handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    this.#handle(req, res).catch((err: unknown) => {
      this.#o.logger.error({ err }, 'edge pipeline failed');
      if (!res.headersSent) {
        res.writeHead(500, 'Internal Server Error', { 'content-type': 'text/plain; charset=utf-8' });
        res.end('500 Internal Server Error\n');
      } else {
        res.destroy();
      }
    });
  };

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const o = this.#o;
    const service = o.table.lookup(req.headers.host);
    if (service === null) return this.#noService(req, res);
    if (isLoop(req.headers, o.cdnId)) {
      return plain(res, 508, 'Loop Detected', `508 Loop Detected: this request already passed ${o.cdnId} twice (CDN-Loop)\n`);
    }

    const ctx = new RequestContext({
      service,
      clientIp: normaliseIp(req.socket.remoteAddress ?? ''),
      server: o.server,
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      proto: `HTTP/${req.httpVersion}`,
      headers: HeaderMap.from(req.headers),
      isHealthy: (name) => this.#nameHealthy(service, name),
      log: (message) => o.logger.info({ service: service.serviceId, vcl: true }, message),
    });
    const abort = new AbortController();
    res.once('close', () => { if (!res.writableFinished) abort.abort(); });

    const delivery: Delivery = { body: null, upstream: null };
    let step: Step = 'recv';
    while (step !== 'done') {
      step = await this.#step(step, ctx, req, abort.signal, delivery);
    }
    this.#respond(ctx, req, res, delivery);
  }

  async #step(step: Step, ctx: RequestContext, req: http.IncomingMessage, signal: AbortSignal, d: Delivery): Promise<Step> {
    const service = ctx.service;
    switch (step) {
      case 'recv':
        return expect(step, run(service, 'recv', ctx), { lookup: 'hash', pass: 'pass', error: 'error', restart: 'restart' });
      case 'hash':
        return expect(step, run(service, 'hash', ctx), { hash: 'lookup', lookup: 'lookup' });
      case 'lookup':
        ctx.cacheState = 'PASS';
        return 'miss';
      case 'miss':
        ctx.bereq = { method: ctx.req.method, url: ctx.req.url, proto: 'HTTP/1.1', http: ctx.req.http.clone() };
        return expect(step, run(service, 'miss', ctx), { fetch: 'fetch', pass: 'fetch', deliver_stale: 'fetch', error: 'error' });
      case 'pass':
        ctx.bereq = { method: ctx.req.method, url: ctx.req.url, proto: 'HTTP/1.1', http: ctx.req.http.clone() };
        return expect(step, run(service, 'pass', ctx), { pass: 'fetch', fetch: 'fetch', error: 'error' });
      case 'fetch':
        return this.#fetch(ctx, req, signal, d);
      case 'deliver': {
        const beresp = ctx.beresp;
        if (beresp === null) throw new Error('deliver without a backend response');
        ctx.resp = { status: beresp.status, response: beresp.response, http: beresp.http };
        return this.#deliverPhase(ctx, d);
      }
      case 'error': {
        discard(d);
        if (ctx.obj === null) ctx.obj = ctx.syntheticObject(503, 'Service Unavailable');
        ctx.fastlyInfoState = 'ERROR';
        return expect(step, run(service, 'error', ctx), { deliver: 'synth', deliver_stale: 'synth', restart: 'restart' });
      }
      case 'synth': {
        const obj = ctx.obj;
        if (obj === null) throw new Error('synth without obj');
        const body = ctx.syntheticBody ?? `${obj.status} ${obj.response}\n`;
        if (obj.http.get('content-type') === null) obj.http.set('content-type', 'text/plain; charset=utf-8');
        ctx.resp = { status: obj.status, response: obj.response, http: obj.http };
        d.body = body;
        d.upstream = null;
        return this.#deliverPhase(ctx, d);
      }
      case 'restart':
        discard(d);
        ctx.req.restarts++;
        ctx.resetForRestart();
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
    const action = run(ctx.service, 'deliver', ctx);
    if (action === 'restart') return 'restart';
    if (action !== 'deliver') throw illegal('deliver', action);
    if (d.body === null && d.upstream !== null) d.body = d.upstream.body;
    return 'done';
  }

  /** Sends bereq to the backend req.backend names (trying further director members on connection failures). */
  async #fetch(ctx: RequestContext, req: http.IncomingMessage, signal: AbortSignal, d: Delivery): Promise<Step> {
    const service = ctx.service;
    const bereq = ctx.bereq;
    if (bereq === null) throw new Error('fetch without bereq');
    const target = ctx.req.backend ?? service.defaultBackend;
    const director = target === null ? undefined : service.directors.get(target);
    const selection = director === undefined ? null : new DirectorSelection(director, {
      isHealthy: (name) => this.#nameHealthy(service, name),
      hashKey: ctx.hashData.join('') || `${ctx.req.url}${ctx.req.http.get('host') ?? ''}`,
      clientIdentity: ctx.clientIp,
    });
    const sendsBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
    for (;;) {
      const chosen = selection === null ? target : selection.next();
      if (chosen instanceof EdgeError) return this.#failed(ctx, chosen);
      const backend = chosen === null ? undefined : service.backends.get(chosen);
      if (backend === undefined) {
        return this.#failed(ctx, new EdgeError('ALL_BACKENDS_FAILED', { backend: chosen }));
      }
      ctx.backend = backend.name;
      if (!this.#backendHealthy(backend)) {
        if (selection !== null) continue;
        return this.#failed(ctx, new EdgeError('BACKEND_UNHEALTHY', { backend: backend.name }));
      }
      try {
        const started = performance.now();
        const upstream = await this.#o.upstream.fetch(backend, {
          method: bereq.method,
          path: bereq.url,
          headers: bereq.http.fields,
          body: sendsBody && ctx.req.restarts === 0 ? req : null,
        }, { clientIp: ctx.clientIp, signal });
        ctx.upstreamFirstByteMs = upstream.firstByteMs;
        this.#o.metrics.upstreamLatency(ctx.service.serviceId, backend.name, (performance.now() - started) / 1000);
        d.upstream = upstream;
        ctx.beresp = {
          status: upstream.status,
          response: upstream.statusText,
          http: new HeaderMap(upstream.headers),
          ttl: 0, grace: 0, staleIfError: 0, staleWhileRevalidate: 0, cacheable: false,
        };
        break;
      } catch (err) {
        const e = toEdgeError(err, { backend: backend.name });
        if (selection !== null && e.retryable) continue;
        return this.#failed(ctx, e);
      }
    }
    return expect('fetch', run(service, 'fetch', ctx), {
      deliver: 'deliver', deliver_stale: 'deliver', pass: 'deliver', hit_for_pass: 'deliver', error: 'error', restart: 'restart',
    });
  }

  #failed(ctx: RequestContext, e: EdgeError): Step {
    ctx.error = e;
    ctx.obj = ctx.syntheticObject(e.status, e.reason);
    ctx.fastlyError = e.code;
    return 'error';
  }

  #respond(ctx: RequestContext, req: http.IncomingMessage, res: http.ServerResponse, d: Delivery): void {
    const resp = ctx.resp;
    if (resp === null) throw new Error('respond without resp');
    const o = this.#o;
    resp.http.set('x-served-by', o.server.pop);
    resp.http.set('x-cache', ctx.cacheState);
    res.writeHead(resp.status, resp.response, resp.http.fields);
    const finish = (bytes: number) => {
      run(ctx.service, 'log', ctx);
      o.metrics.request(ctx.service.serviceId, resp.status, ctx.error?.reason ?? null);
      o.logger.info({
        service: ctx.service.serviceId, backend: ctx.backend, pop: o.server.pop, method: ctx.req.method, url: ctx.req.url,
        status: resp.status, reason: ctx.error?.reason ?? null, bytes, cache: ctx.cacheState,
        ms: round(performance.now() - ctx.startedAt), firstByteMs: ctx.upstreamFirstByteMs === null ? null : round(ctx.upstreamFirstByteMs),
      }, 'request');
    };
    const body = d.body;
    if (req.method === 'HEAD' || body === null || typeof body === 'string') {
      if (typeof body !== 'string' && body !== null) body.resume();
      res.end(req.method === 'HEAD' || body === null ? undefined : body);
      finish(typeof body === 'string' ? Buffer.byteLength(body) : 0);
      return;
    }
    // Fastly delivers what arrived before between_bytes_timeout, but a body that ended early
    // must not look complete to the client (RFC 9112 §8): the connection is closed instead of
    // ending the message — ending it would leave a Content-Length unmet (the client waits) or
    // send a chunked body's last-chunk (the client takes the truncated body for the whole).
    const upstream = d.upstream;
    body.pipe(res, { end: false });
    body.once('end', () => {
      if (upstream?.truncated === true) res.destroy();
      else res.end();
    });
    if (upstream !== null) void upstream.completed.then((outcome) => finish(outcome.bytes));
  }

  #noService(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (req.url === '/ready' && (req.method === 'GET' || req.method === 'HEAD')) {
      const ok = this.#o.ready();
      return plain(res, ok ? 200 : 503, ok ? 'OK' : 'Service Unavailable', ok ? 'ready\n' : 'starting\n');
    }
    plain(res, 404, 'Domain Not Found', `404 Domain Not Found: no service has the domain "${req.headers.host ?? ''}"\n`);
  }

  #backendHealthy(b: BackendDefinition): boolean {
    return this.#o.health.isHealthy(identityOf(b)) && !this.#o.upstream.passive.isSick(b);
  }

  /** Health of a backend or director by VCL name (`req.backend.healthy`, `backend.F_x.healthy`). */
  #nameHealthy(service: CompiledService, name: string): boolean {
    const b = service.backends.get(name);
    if (b !== undefined) return this.#backendHealthy(b);
    const d = service.directors.get(name);
    if (d !== undefined) return directorHealthy(d, (member) => this.#nameHealthy(service, member));
    return false;
  }
}

const identities = new WeakMap<BackendDefinition, string>();

/** The health identity of a backend, computed once per compiled definition. */
function identityOf(b: BackendDefinition): string {
  let id = identities.get(b);
  if (id === undefined) {
    id = probeIdentity(b);
    identities.set(b, id);
  }
  return id;
}

function run(service: CompiledService, phase: Phase, ctx: RequestContext): Action {
  return service.run(phase, ctx);
}

function expect<T extends Partial<Record<Action, Step>>>(step: Step, action: Action, allowed: T): Step {
  const next = allowed[action];
  if (next === undefined) throw illegal(step, action);
  return next;
}

function illegal(step: string, action: Action): Error {
  return new Error(`illegal transition: return(${action}) in vcl_${step}`);
}

function discard(d: Delivery): void {
  if (d.upstream !== null) d.upstream.body.destroy();
  d.upstream = null;
  d.body = null;
}

function plain(res: http.ServerResponse, status: number, reason: string, body: string): void {
  res.writeHead(status, reason, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** `::ffff:127.0.0.1` → `127.0.0.1`, as Fastly shows IPv4 clients. */
function normaliseIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
