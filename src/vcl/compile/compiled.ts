// The contract between the VCL compiler (src/vcl/compile/compile.ts) and the edge (src/edge/pipeline.ts).
//
// A CompiledService is built once per activation from checked VCL and is immutable: the edge
// swaps whole services atomically, so a request keeps the service it started with. The
// compiler turns each subroutine into closures over a VclContext; it never evaluates user
// text at request time. The edge owns the VclContext (one per request, inside its
// RequestContext) and the compiled code only reads and writes through it.

import type { BackendDefinition } from '../../model/backend.ts';
import type { DirectorDefinition } from '../../model/director.ts';
import type { Action, Phase } from '../language/subroutines.ts';

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
}

/** `obj` in vcl_hit, vcl_error and vcl_deliver: the cached (or synthetic) object. */
export interface VclObject extends VclResponse {
  /** Seconds of freshness left. */
  ttl: number;
  /** Times this object was delivered from cache. */
  hits: number;
  /** Seconds since the object was fetched. */
  age: number;
}

/** The per-request state VCL reads and writes. Implemented by the edge. */
export interface VclContext {
  readonly clientIp: string;
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
  /** An empty header bag, for the object that `error NNN` creates. */
  newHeaders(): HeaderBag;
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
}
