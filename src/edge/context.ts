// RequestContext: all per-request state, in one typed object (STYLE.md habit 3). The VCL
// runtime sees it through the VclContext interface; the pipeline reads the edge-only fields.
// Nothing is hung on Node's IncomingMessage.

import type { CompiledService, VclBackendResponse, VclCacheRequest, VclContext, VclObject, VclRequest, VclResponse } from '../vcl/index.ts';
import type { CachedObject, Leader, PolicyDecision } from './cache/index.ts';
import { AS_IS, type BodyIntent } from './compress/index.ts';
import type { EsiBudget } from './esi/index.ts';
import type { EdgeError } from './errors.ts';
import type { FleetView } from './fleet/view.ts';
import { HeaderMap } from './header-map.ts';
import type { RequestBody } from './request-body.ts';
import type { Buffer } from 'node:buffer';
import { isIP } from 'node:net';
import { ABSENT_GEO, INVALID_GEO } from '../vcl/index.ts';
import type { GeoRecord, VclRateLimit } from '../vcl/index.ts';
import { standalonePopState } from './pop-state.ts';
import type { PopState } from './pop-state.ts';
import type { TlsConnection } from './tls/index.ts';
// Imported, not the global: `globalThis.performance` is an accessor, read anew on every call.
import { performance } from 'node:perf_hooks';

/** Health of a backend or director by VCL name, as this worker sees it (BackendHealth). */
export interface NamedHealth {
  named(service: CompiledService, name: string): boolean;
}

/** Takes a VCL `log` line addressed to a logging endpoint; false when it names none. */
export interface LogLines {
  route(serviceId: string, message: string): boolean;
}

export interface VclLogger {
  info(fields: Record<string, unknown>, message: string): void;
}

export type CacheState = 'HIT' | 'MISS' | 'PASS' | 'STALE';

export interface ServerInfo {
  readonly hostname: string;
  readonly identity: string;
  readonly ip: string;
  readonly port: number;
  readonly pop: string;
}

export interface EdgeRequest extends VclRequest {
  http: HeaderMap;
  backend: string | null;
  restarts: number;
}

export interface EdgeResponse extends VclResponse {
  http: HeaderMap;
}

export interface EdgeObject extends VclObject {
  http: HeaderMap;
}

export interface EdgeBackendResponse extends VclBackendResponse {
  http: HeaderMap;
}

let defaultPop: PopState | undefined;

export class RequestContext implements VclContext {
  readonly clientIp: string;
  readonly clientPort: number;
  readonly clientRequests: number;
  requestBody: Buffer | null = null;
  locallyGenerated = false;
  /** The client's TLS connection; null over plain HTTP. */
  readonly tls: TlsConnection | null;
  readonly isH2: boolean;
  readonly server: ServerInfo;
  readonly req: EdgeRequest;
  bereq: (VclRequest & { http: HeaderMap }) | null = null;
  beresp: EdgeBackendResponse | null = null;
  obj: EdgeObject | null = null;
  resp: EdgeResponse | null = null;
  reGroups: readonly string[] = [];
  readonly hashData: string[] = [];
  /** Body set by `synthetic` in vcl_error. */
  syntheticBody: string | null = null;
  clientIdentity: string | null = null;
  readonly startTime = Date.now();
  fastlyError: string | null = null;
  fastlyInfoState = 'RECV';
  /** What VCL asked of the cache (req.max_stale_*, req.hash_always_miss); undefined: the defaults. Kept across restarts, like req. */
  cacheRequest: VclCacheRequest | undefined = undefined;
  /** `beresp.saintmode` from the last vcl_fetch (fetch.ts applies it). */
  saintmode: number | null = null;
  readonly vclGeneration: number;
  geoIpOverride: string | null = null;

  // ── edge-only state ──
  readonly service: CompiledService;
  readonly startedAt: number;
  /**
   * The client's request body, when it has one (kept across restarts, like req). A pass sends
   * it; every other path drops it (request-body.ts).
   */
  body: RequestBody | null = null;
  /** The failure that sent the request to vcl_error, if one did. */
  error: EdgeError | null = null;
  /** The backend (not director) the request was finally sent to. */
  backend: string | null = null;
  cacheState: CacheState = 'PASS';
  // ── cache state of the current attempt (reset by restart) ──
  /** Primary cache key after vcl_hash; null until hashed. */
  cacheKey: string | null = null;
  /** The object a hit (or a stale delivery) serves. */
  cachedObject: CachedObject | null = null;
  /** An expired object still inside its stale-if-error window: served if the fetch fails. */
  staleObject: CachedObject | null = null;
  /** Held while this request is the one fetching a key others wait for. */
  leader: Leader | null = null;
  /** Waited once for another request's fetch of the key; never waits twice. */
  waited = false;
  /** The request already passed this POP once (CDN-Loop): it must not wait behind a fetch. */
  loopedBack = false;
  /** On the pass path: the response is never stored. */
  passing = false;
  /** The cache policy's verdict on the backend response, before vcl_fetch changed it. */
  decision: PolicyDecision | null = null;
  // ── ESI and edge compression (src/edge/esi, src/edge/compress) ──
  /** `req.esi_level`: 0 for a client's request, n for an include n levels down. */
  esiLevel = 0;
  /** `req.esi`: false turns ESI processing off for this request. */
  esiEnabled = true;
  /** `req.topurl`: in an include, the URL of the client's request. */
  topUrl: string | null = null;
  /** The client's own Accept-Encoding, before normalisation: what its response may be encoded with. */
  acceptEncoding: string | null = null;
  /** The ESI include budget of the client's request, shared by all its includes; made on first use. */
  esiBudget: EsiBudget | null = null;
  /** What vcl_fetch asked the edge to do with the body being fetched. */
  bodyIntent: BodyIntent = AS_IS;
  upstreamConnectMs: number | null = null;
  upstreamFirstByteMs: number | null = null;
  /** `resp.body_bytes_written`: set when the response body ended, before vcl_log runs. */
  bodyBytesWritten = 0;
  // ── the fleet (DESIGN.md §4.4; src/edge/fleet/) ──
  /** What this worker knew of the fleet when the request arrived; null off a fleet. */
  fleet: FleetView | null = null;
  /** The request came from a fleet node (its credential verified), so its hop fields are kept. */
  fromFleet = false;
  /** Fastly-FF as a fleet node sent it (null from anyone else: a client's is never believed). */
  fastlyFf: string | null = null;
  /** True-Client-IP as a fleet node sent it. */
  trueClientIp: string | null = null;
  visitsThisService = 0;
  isCluster = false;
  clusterRole: 'edge' | 'shield' | null = null;
  readonly #health: NamedHealth;
  readonly #logger: VclLogger | null;
  readonly #pop: PopState;
  #rateLimit: VclRateLimit | null = null;
  /** The last geolocation looked up, and for which address. */
  #geo: GeoRecord | null = null;
  #geoFor = '';
  readonly #endpoints: LogLines | null;

  constructor(init: {
    service: CompiledService;
    clientIp: string;
    /** The client's TCP port and the requests so far on its connection (client.port, client.requests). */
    clientPort?: number;
    clientRequests?: number;
    server: ServerInfo;
    method: string;
    url: string;
    proto: string;
    headers: HeaderMap;
    /** Judges `req.backend.healthy` / `backend.NAME.healthy`. */
    health: NamedHealth;
    /** Where VCL's `log` statement writes; null discards (background refreshes). */
    logger: VclLogger | null;
    /** The service's cache generation on this worker (`req.vcl.generation`); 1 when not given. */
    generation?: number;
    /** Rate limits and geolocation of this worker's POP; absent: a worker of its own, without a database. */
    pop?: PopState;
    /** The client's TLS connection, when the request came over HTTPS. */
    tls?: TlsConnection | null;
    /** Where a `log {"syslog <sid> <endpoint> :: "} …` line goes (src/edge/logging/); absent: none. */
    endpoints?: LogLines | null;
  }) {
    this.service = init.service;
    this.clientIp = init.clientIp;
    this.clientPort = init.clientPort ?? 0;
    this.clientRequests = init.clientRequests ?? 1;
    this.tls = init.tls ?? null;
    this.isH2 = this.tls !== null && this.tls.h2;
    this.server = init.server;
    this.req = {
      method: init.method, url: init.url, proto: init.proto, http: init.headers,
      backend: init.service.defaultBackend, restarts: 0,
    };
    this.startedAt = performance.now();
    this.#health = init.health;
    this.#logger = init.logger;
    this.vclGeneration = init.generation ?? 1;
    this.#pop = init.pop ?? (defaultPop ??= standalonePopState());
    this.#endpoints = init.endpoints ?? null;
  }

  get rateLimit(): VclRateLimit {
    return this.#rateLimit ??= this.#pop.rateLimits.forRequest(this.service.serviceId);
  }

  geo(): GeoRecord {
    const ip = this.geoIpOverride ?? this.clientIp;
    if (this.#geo !== null && this.#geoFor === ip) return this.#geo;
    // Fastly: an ip_override that is no address reads as an "invalid region" (client.geo.ip_override).
    const record = isIP(ip) === 0 ? INVALID_GEO : this.#pop.geo?.(ip) ?? ABSENT_GEO;
    this.#geo = record;
    this.#geoFor = ip;
    return record;
  }

  get staleExists(): boolean {
    return this.staleObject !== null;
  }

  isHealthy(name: string): boolean {
    return this.#health.named(this.service, name);
  }

  /** The shield POP requests for `name` go through from here, or null (DESIGN.md §4.4). */
  shieldOf(name: string | null): string | null {
    if (name === null || this.fleet === null) return null;
    const pop = this.service.shields?.get(name);
    // A shield POP never forwards to itself: there, the backend is the origin.
    return pop === undefined || pop === this.server.pop ? null : pop;
  }

  isShieldBackend(name: string | null): boolean {
    const pop = this.shieldOf(name);
    return pop !== null && (this.fleet?.state.pops[pop]?.length ?? 0) > 0;
  }

  log(message: string): void {
    // Fastly: a line whose prefix names one of the service's logging endpoints goes there.
    if (this.#endpoints !== null && this.#endpoints.route(this.service.serviceId, message)) return;
    this.#logger?.info({ service: this.service.serviceId, vcl: true }, message);
  }

  newHeaders(): HeaderMap {
    return new HeaderMap();
  }

  /** The object behind a synthetic response (`error NNN`, or a failed fetch). */
  syntheticObject(status: number, response: string): EdgeObject {
    return { status, response, http: new HeaderMap(), ttl: 0, hits: 0, age: 0 };
  }

  /** Clears what a `restart` must not carry over (Fastly keeps req.*, drops the rest). */
  resetForRestart(): void {
    this.bereq = null;
    this.beresp = null;
    this.obj = null;
    this.resp = null;
    this.error = null;
    this.syntheticBody = null;
    this.hashData.length = 0;
    this.reGroups = [];
    this.backend = null;
    this.releaseLeader('failed');
    this.cacheKey = null;
    this.cachedObject = null;
    this.staleObject = null;
    this.waited = false;
    this.passing = false;
    this.decision = null;
    this.bodyIntent = AS_IS;
    this.saintmode = null;
  }

  /** Wakes requests waiting on this one's fetch (idempotent). */
  releaseLeader(result: 'stored' | 'uncacheable' | 'failed'): void {
    this.leader?.release(result);
    this.leader = null;
  }
}
