// The shape of one entry of the variable table (../variables.ts) and the helpers its sections
// write entries with. An entry is one of Fastly's documented variables: its name (or name
// pattern), type, Fastly's access letters and the subroutines it is available in — and, when
// lacquer runs it, its implementation: the closures that read and write it. An entry without
// an implementation is a variable Fastly has and lacquer does not run; implementing one is
// adding its closures to its entry (test/vcl/language/variables.test.ts holds every entry to
// its promises).
import type { VclContext } from '../../compile/compiled.ts';
import type { Eval, Frame } from '../../runtime/value.ts';
import { PHASES } from '../subroutines.ts';
import type { Phase } from '../subroutines.ts';
import type { VclType } from '../types.ts';

export type Setter = (ctx: VclContext, frame: Frame, value: unknown) => void;

/** How compiled VCL reads and writes a variable: closures resolved once, at compile time. */
export interface Accessors {
  readonly get?: Eval<unknown>;
  readonly set?: Setter;
  readonly unset?: (ctx: VclContext, frame: Frame) => void;
  /** `add req.http.X = …`: one more header line (headers only). */
  readonly add?: Setter;
}

/** What a service gives the variables that depend on it. */
export interface VariableEnv {
  /** What `req.backend` reads before VCL sets it. */
  readonly defaultBackend: string | null;
  /** Declared backends and directors (for `backend.NAME.healthy`). */
  readonly backends: ReadonlySet<string>;
  /** The service and version being compiled (`req.service_id`, `req.vcl.version`). */
  readonly serviceId?: string;
  readonly version?: number;
}

/** One use of a variable: what its name's pattern part matched (header, backend, group) and a header's `:subfield`. */
export interface VariableUse {
  readonly param: string | null;
  readonly subfield: string | null;
}

/** Fixed closures, or closures built for each use (a header name, a backend name, the service). */
export type Implementation = Accessors | ((use: VariableUse, env: VariableEnv) => Accessors);

/** Fastly's access letters (variable reference pages): R read, W set, U unset. */
export type AccessMode = 'RO' | 'RW' | 'RWU' | 'WO' | 'RU';

export interface VariableSpec {
  /**
   * A name (`req.url`) or a pattern: `{header}` is a header name (with an optional `:subfield`),
   * `{name}` a VCL name (a backend, a rate counter), `{N}` digits, `{local}` a local's name.
   */
  readonly name: string;
  /** `HEADER` is a STRING in a header collection; `declared`: a local, typed by its `declare`. */
  readonly type: VclType | 'declared';
  /** Where it may be read. */
  readonly read: readonly Phase[];
  /** Where `set` (and `add`, for headers) is allowed. Empty: read-only. */
  readonly write: readonly Phase[];
  /** Whether `unset`/`remove` is allowed (where it may be set). */
  readonly unset: boolean;
  /** How lacquer runs it; absent: Fastly documents it, lacquer does not run it. */
  readonly impl?: Implementation;
  /** Another spelling of the same variable (Fastly keeps `req.request` for `req.method`). */
  readonly aliasOf?: string;
}

export const ALL: readonly Phase[] = PHASES;
export const NONE: readonly Phase[] = [];
/** A list of phases, in the order of the table. */
export const on = (...phases: Phase[]): readonly Phase[] => PHASES.filter((p) => phases.includes(p));

interface Options {
  /** Where it may be read, when not everywhere it is available. */
  readonly readOn?: readonly Phase[];
  /** Where it may be set, when not everywhere it is available. */
  readonly writeOn?: readonly Phase[];
  readonly aliasOf?: string;
}

/**
 * One of Fastly's variables: `access` and `available` as its reference page gives them
 * ("STRING, can be read and set, but not unset. Available in all subroutines."), and its
 * implementation when lacquer runs it.
 */
export function v(name: string, type: VclType | 'declared', access: AccessMode, available: readonly Phase[], impl?: Implementation, o: Options = {}): VariableSpec {
  const readable = access !== 'WO';
  const writable = access === 'RW' || access === 'RWU' || access === 'WO';
  return {
    name, type,
    read: readable ? o.readOn ?? available : NONE,
    write: writable ? o.writeOn ?? available : NONE,
    unset: access === 'RWU' || access === 'RU',
    ...(impl === undefined ? {} : { impl }),
    ...(o.aliasOf === undefined ? {} : { aliasOf: o.aliasOf }),
  };
}

/** Read-only closures. */
export const ro = (get: Eval<unknown>): Accessors => ({ get });
/** Read and set closures. */
export const rw = (get: Eval<unknown>, set: Setter): Accessors => ({ get, set });
