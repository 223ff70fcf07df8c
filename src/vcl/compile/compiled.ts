// The contract between the VCL compiler (src/vcl/compile/compile.ts) and the edge (src/edge/pipeline.ts).
//
// A CompiledService is built once per activation from checked VCL and is immutable: the edge
// swaps whole services atomically, so a request keeps the service it started with. The
// compiler turns each subroutine into closures over a VclContext; it never evaluates user
// text at request time. The edge owns the VclContext (one per request, inside its
// RequestContext) and the compiled code only reads and writes through it.

import type { Buffer } from 'node:buffer';
import type { BackendDefinition } from '../../model/backend.ts';
import type { DirectorDefinition } from '../../model/director.ts';
import type { LoggingEndpoint } from '../../model/logging/endpoint.ts';
import type { Action, Phase } from '../language/subroutines.ts';
import type { GeoRecord } from '../runtime/geo.ts';
import type { VclRateLimit } from '../runtime/ratelimit/index.ts';
import type { LiveAclSource, LiveData, LiveTableSource } from '../runtime/live.ts';

// The subroutines and their actions are declared in the language definition; re-exported here
// because they are part of this contract.
export type { Action, Phase };

/** Case-insensitive header access as VCL sees it (`req.http.X-Foo`, `beresp.http.Cache-Control`). */
export interface HeaderBag {
  get(name: string): string | null;
  set(name: string, value: string): void;
  /** `add req.http.X = …`: one more header line of that name, keeping the existing ones. */
  add(name: string, value: string): void;
  unset(name: string): void;
  /** The names present, lower-case (header.filter, header.filter_except, std.count). */
  names(): string[];
  /** Each field line of a name, in order (Set-Cookie lines for setcookie.*, std.collect). */
  lines(name: string): readonly string[];
}

export interface VclHttpMessage {
  http: HeaderBag;
}

export interface VclRequest extends VclHttpMessage {
  method: string;
  url: string;
  proto: string;
}

export interface VclResponse extends VclHttpMessage {
  status: number;
  /** The reason phrase (`resp.response`, `obj.response`, `beresp.response`). */
  response: string;
}

export interface VclBackendResponse extends VclResponse {
  /** Seconds; set by the cache policy before vcl_fetch, may be changed by it. */
  ttl: number;
  grace: number;
  staleIfError: number;
  staleWhileRevalidate: number;
  cacheable: boolean;
  /** `beresp.do_stream` as VCL set it (lacquer streams every body; the variable changes nothing). */
  doStream?: boolean;
  /**
   * Edge compression and ESI asked for in vcl_fetch (`beresp.gzip`, `beresp.brotli`,
   * `beresp.do_esi` / `esi;`): read by the edge once vcl_fetch returns (src/edge/compress/,
   * src/edge/esi/). Absent means false.
   */
  gzip?: boolean;
  brotli?: boolean;
  doEsi?: boolean;
}

/** `obj` in vcl_hit, vcl_error and vcl_deliver: the cached (or synthetic) object. */
export interface VclObject extends VclResponse {
  /** Seconds of freshness left. */
  ttl: number;
  /** Times this object was delivered from cache. */
  hits: number;
  /** Seconds since the object was fetched. */
  age: number;
  /** Seconds of stale-while-revalidate after ttl (`obj.grace`, `obj.stale_while_revalidate`); 0 when unknown. */
  grace?: number;
  /** Seconds of stale-if-error after ttl (`obj.stale_if_error`); 0 when unknown. */
  staleIfError?: number;
}

/**
 * What a request asks of the cache beyond its key (Fastly's variable reference: server/
 * req-max-stale-if-error, req-max-stale-while-revalidate, client-request/req-hash-always-miss).
 * Kept across restarts, like the rest of req.
 */
export interface VclCacheRequest {
  /** Seconds: the most stale-if-error this request accepts (`req.max_stale_if_error`, alias `req.grace`). */
  maxStaleIfError: number;
  /** Seconds: the most stale-while-revalidate this request accepts (`req.max_stale_while_revalidate`). */
  maxStaleWhileRevalidate: number;
  /** `req.hash_always_miss`: look nothing up (no hit, no stale copy), but still collapse and store. */
  hashAlwaysMiss: boolean;
  /** `req.hash_ignore_busy`: do not wait behind another request's fetch of the key. */
  hashIgnoreBusy: boolean;
}

/**
 * A request's stale limits before VCL sets them: lacquer's default is a year, so the object's own
 * windows decide (Fastly documents no default; a finite one survives VCL that copies the value
 * through a header and std.atoi, as Fastly's Magento module does).
 */
export const DEFAULT_MAX_STALE = 365 * 86_400;

/** The longest request body VCL sees as req.body: Fastly's 8 KB; a longer one reads as empty. */
export const REQ_BODY_LIMIT = 8 * 1024;

export function defaultCacheRequest(): VclCacheRequest {
  return { maxStaleIfError: DEFAULT_MAX_STALE, maxStaleWhileRevalidate: DEFAULT_MAX_STALE, hashAlwaysMiss: false, hashIgnoreBusy: false };
}

/** The per-request state VCL reads and writes. Implemented by the edge. */
/** The client's TLS connection, as Fastly's `tls.client.*` variables show it. */
export interface VclClientTls {
  /** `TLSv1.2`, `TLSv1.3`. */
  readonly protocol: string;
  /** OpenSSL's name of the suite. */
  readonly cipher: string;
  /** The SNI the client sent. */
  readonly servername: string;
}

export interface VclContext {
  readonly clientIp: string;
  /** The client's TCP port (`client.port`); absent: 0. */
  readonly clientPort?: number;
  /** Requests so far on the client's connection, this one included (`client.requests`); absent: 1. */
  readonly clientRequests?: number;
  /** The backend (not director) the request was last sent to (`beresp.backend.name`); null or absent: none yet. */
  readonly backend?: string | null;
  /** The response is synthetic, made in vcl_error (`resp.is_locally_generated`). */
  locallyGenerated?: boolean;
  /** The request body when it is at most REQ_BODY_LIMIT bytes and the VCL reads it (`req.body`); absent or null: empty. */
  requestBody?: Buffer | null;
  /** The request came over TLS (`req.is_ssl`, `tls.client.*`); absent or null: plain HTTP. */
  readonly tls?: VclClientTls | null;
  /** The request came over HTTP/2 (`fastly_info.is_h2`). */
  readonly isH2?: boolean;
  readonly server: { readonly hostname: string; readonly identity: string; readonly ip: string; readonly port: number; readonly pop: string };
  readonly req: VclRequest & { backend: string | null; restarts: number };
  bereq: VclRequest | null;
  beresp: VclBackendResponse | null;
  obj: VclObject | null;
  resp: VclResponse | null;
  /** Body of a synthetic response (`synthetic "…";` in vcl_error), null when none was set. */
  syntheticBody: string | null;
  /** `client.identity` as set by VCL; null means the client IP (the client director's key). */
  clientIdentity: string | null;
  /** When the request arrived (ms since the epoch): `time.elapsed` counts from it. */
  readonly startTime: number;
  /** `fastly.error`: set by functions that fail (e.g. `EINVAL`), null when none did. */
  fastlyError: string | null;
  /** `stale.exists`: a stale copy of the object is at hand, so `return(deliver_stale)` would serve it. */
  readonly staleExists: boolean;
  /** `fastly_info.state`, kept by the edge as the request moves: `RECV`, `HIT`, `MISS`, `PASS`, `ERROR`, … */
  fastlyInfoState: string;
  /** Capture groups of the last successful regex match (`re.group.N`). */
  reGroups: readonly string[];
  /** Strings added by `set req.hash += …` in vcl_hash. */
  readonly hashData: string[];
  /** Health of a backend or director by VCL name, as this POP sees it now. */
  isHealthy(name: string): boolean;
  /**
   * Clustering and shielding (DESIGN.md §4.4); absent where the edge is not on a fleet (tests).
   * `fastly.ff.visits_this_service`: nodes of this service the request passed before this one.
   */
  readonly visitsThisService?: number;
  /** `req.backend.is_cluster`: another member of the POP fetched the object (delivery side). */
  readonly isCluster?: boolean;
  /** `fastly_info.is_cluster_edge` / `fastly_info.is_cluster_shield`: this node's part in a cluster hop. */
  readonly clusterRole?: 'edge' | 'shield' | null;
  /** `req.backend.is_shield`: requests for this backend go through a shield POP from here. */
  isShieldBackend?(name: string | null): boolean;
  log(message: string): void;
  /** `resp.body_bytes_written`: body bytes sent to the client, set by the edge before vcl_log. */
  readonly bodyBytesWritten?: number;
  /** An empty header bag, for the object that `error NNN` creates. */
  newHeaders(): HeaderBag;
  /**
   * ESI (Fastly's variables of that name): `req.esi_level` (0 for a client's request, n for an
   * include n levels down), `req.esi` (false turns ESI processing off for this request) and
   * `req.topurl` (the top-level request's URL in an include). Absent: a request that is no
   * include and leaves ESI on.
   */
  esiLevel?: number;
  esiEnabled?: boolean;
  topUrl?: string | null;
  /** What the request asks of the cache; absent: the defaults (defaultCacheRequest). */
  cacheRequest?: VclCacheRequest;
  /** `beresp.saintmode` as vcl_fetch set it: seconds this backend is sick for this object; null when unset. */
  saintmode?: number | null;
  /** The service's cache generation on this node (`req.vcl.generation`): a purge all moves it on. */
  readonly vclGeneration?: number;
  /** The service's rate counters and penalty boxes in this POP, as this request sees them (ratelimit.*). */
  readonly rateLimit: VclRateLimit;
  /** `client.geo.ip_override` as VCL set it; null: client.ip is what geolocation looks up. */
  geoIpOverride: string | null;
  /** The geolocation of client.geo.ip_override, else client.ip (client.geo.*, client.as.*, geoip.*). */
  geo(): GeoRecord;
}

export interface ServiceSettings {
  /** Seconds, used when a response states no freshness. */
  readonly defaultTtl: number;
  readonly staleIfError: boolean;
  readonly staleIfErrorTtl: number;
}

export interface CompiledService {
  readonly serviceId: string;
  readonly version: number;
  readonly domains: readonly string[];
  readonly backends: ReadonlyMap<string, BackendDefinition>;
  readonly directors: ReadonlyMap<string, DirectorDefinition>;
  /** The backend or director a request uses unless vcl_recv sets req.backend. */
  readonly defaultBackend: string | null;
  readonly settings: ServiceSettings;
  /** API backends shielded through another POP: VCL backend name → the shield POP (DESIGN.md §4.4). */
  readonly shields?: ReadonlyMap<string, string>;
  /**
   * Runs `vcl_<phase>` (user code, then Fastly's built-in default for the phase) and returns
   * the action. An `error N "text"` statement sets ctx.obj and returns 'error'.
   */
  run(phase: Phase, ctx: VclContext): Action;
  /**
   * Its tables and ACLs, whose contents the edge replaces when a dictionary's items or an ACL's
   * entries change (runtime/live.ts). Set by the compiler; absent only in services a test builds by hand.
   */
  readonly live?: LiveData;
  /**
   * Its VCL reads req.body (or req.body.base64, req.postbody): the edge then reads a request's
   * body before vcl_recv. Absent: false.
   */
  readonly readsRequestBody?: boolean;
}

/**
 * What activation hands to every POP: the VCL that will run (the generated main file and any
 * custom files it includes), the service's domains and settings. It is plain data so it can
 * cross process boundaries (node:cluster IPC, PostgreSQL NOTIFY payloads); each edge worker
 * compiles it itself with `compileService(source)` from src/vcl/compile/compile.ts.
 */
export interface ServiceSource {
  readonly serviceId: string;
  readonly version: number;
  readonly domains: readonly string[];
  readonly settings: ServiceSettings;
  /** Name of the main file in `files`. */
  readonly main: string;
  readonly files: readonly { readonly name: string; readonly content: string }[];
  /**
   * API backends whose `shield` names a POP: VCL backend name → POP. Only API backends can be
   * shielded (DESIGN.md §4.4), so it comes from the version's backend objects, not its VCL.
   */
  readonly shields?: Readonly<Record<string, string>>;
  /** The version's dictionaries and their live items, filling the tables of those names. */
  readonly dictionaries?: readonly LiveTableSource[];
  /** The version's ACLs and their live entries, filling the ACLs of those names. */
  readonly acls?: readonly LiveAclSource[];
  /** The version's logging endpoints: where its `log {"syslog <sid> <name> :: "}` lines go (src/edge/logging/). */
  readonly logging?: readonly LoggingEndpoint[];
}
