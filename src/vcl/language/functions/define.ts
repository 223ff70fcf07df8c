// The shape of one entry of the function table (../functions.ts) and the helpers its sections
// write entries with. An entry is one of Fastly's documented functions: its signature and —
// when lacquer runs it — its implementation, which builds one closure per call site at compile
// time (arguments converted once to the parameter types, regex patterns compiled once, table
// names resolved to the table). An entry without an implementation is a function Fastly has and
// lacquer does not run; implementing one is adding its builder to its entry
// (test/vcl/language/functions.test.ts holds every entry to its signature).
import type { Eval } from '../../runtime/value.ts';
import type { VclRegex } from '../../runtime/regex/index.ts';
import type { VclTable } from '../../runtime/tables.ts';
import { PHASES } from '../subroutines.ts';
import type { Phase } from '../subroutines.ts';
import type { VclType } from '../types.ts';

/**
 * A parameter's type: a value type; `REGEX` a regular expression literal; `TABLE` the name of a
 * declared table; `ID` a bare name (a header such as `req.http.Cookie`, or a keyword).
 */
export type ParamType = Exclude<VclType, 'HEADER' | 'VOID'> | 'REGEX';

export interface ArgumentSpec {
  readonly name: string;
  readonly type: ParamType;
  /** `optional`: may be left out (trailing); `variadic`: any number of them, none included. */
  readonly arity?: 'optional' | 'variadic';
  /** An ID that must name a declaration of this kind (`ratecounter rc {}`), checked by the checker. */
  readonly declares?: 'ratecounter' | 'penaltybox';
}

/** An ACL argument: whether an address is in the ACL (runtime/acl.ts). */
export type AclMatcher = (ip: string | null) => boolean;

/** What a call site's arguments become before the builder sees them. */
export type Arg = Eval<unknown> | VclRegex | VclTable | AclMatcher;

/** Builds the closure of one call site; `literals[i]` is argument i's literal text (or ID name) when it is one. */
export type Builder = (args: readonly Arg[], literals: readonly (string | undefined)[]) => Eval<unknown>;

export interface FunctionSpec {
  readonly name: string;
  readonly args: readonly ArgumentSpec[];
  readonly returns: VclType;
  /** The subroutines it may be called in. */
  readonly available: readonly Phase[];
  /** How lacquer runs it; absent: Fastly documents it, lacquer does not run it. */
  readonly impl?: Builder;
}

export const a = (name: string, type: ParamType): ArgumentSpec => ({ name, type });
export const opt = (name: string, type: ParamType): ArgumentSpec => ({ name, type, arity: 'optional' });
/** An ID argument naming a `ratecounter` or `penaltybox` declaration. */
export const decl = (name: string, kind: 'ratecounter' | 'penaltybox'): ArgumentSpec => ({ name, type: 'ID', declares: kind });
export const rest = (name: string, type: ParamType): ArgumentSpec => ({ name, type, arity: 'variadic' });

/** Every subroutine but vcl_log (Fastly: "Available in all subroutines except log"). */
export const NOT_LOG: readonly Phase[] = PHASES.filter((p) => p !== 'log');
export const on = (...phases: Phase[]): readonly Phase[] => PHASES.filter((p) => phases.includes(p));

/** One of Fastly's functions, as its reference page gives its format, and its builder when lacquer runs it. */
export function f(name: string, returns: VclType, args: readonly ArgumentSpec[], impl?: Builder, available: readonly Phase[] = PHASES): FunctionSpec {
  return { name, returns, args, available, ...(impl === undefined ? {} : { impl }) };
}
