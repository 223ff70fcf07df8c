// Fastly's built-in subroutines as data, declared once (DESIGN.md §1): what each may return,
// where each return leads in the request's state machine, how a subroutine ends that returns
// nothing, and what Fastly's `#FASTLY <phase>` macro declares in it. The checker reads which
// returns a subroutine allows, the runtime which actions a run may end with and its default
// ending, and the edge's pipeline (src/edge/steps.ts) which state each action leads to — so
// none of them can allow what another refuses (test/vcl/language/subroutines.test.ts).
//
// Sources: Fastly's request lifecycle (https://www.fastly.com/documentation/reference/vcl/request-lifecycle/,
// "Default return state" and "Alternative return states") and each subroutine's page
// (https://www.fastly.com/documentation/reference/vcl/subroutines/). As Varnish's
// include/tbl/vcl_returns.h, one table every user expands.
import type { VclContext } from '../compile/compiled.ts';
import type * as A from '../syntax/ast.ts';
import * as B from '../syntax/ast-build.ts';
import type { VclType } from './types.ts';

/** The subroutines lacquer runs, in the order a request meets them. */
export type Phase = 'recv' | 'hash' | 'hit' | 'miss' | 'pass' | 'fetch' | 'error' | 'deliver' | 'log';

export const PHASES: readonly Phase[] = ['recv', 'hash', 'hit', 'miss', 'pass', 'fetch', 'error', 'deliver', 'log'];

/** What a subroutine may end with (`return(x)`, or 'error' after an `error` statement) that lacquer runs. */
export type Action =
  | 'lookup' | 'pass' | 'error' | 'restart' | 'deliver' | 'fetch' | 'deliver_stale'
  | 'hit_for_pass' | 'hash';

/** Returns Fastly documents that lacquer does not run (WebSocket upgrade, pipe, bot challenge). */
export type UnsupportedAction = 'pipe' | 'upgrade' | 'challenge';

/**
 * The states of lacquer's request state machine (src/edge/pipeline.ts steps through them):
 * Fastly's subroutines, the cache `lookup`, the origin `fetch`, and the three ways a response is
 * delivered — `serve` a cached object, `deliver` the backend response, `synth` the error object,
 * `stale` a stale copy.
 */
export type RequestState =
  | 'recv' | 'hash' | 'lookup' | 'hit' | 'serve' | 'miss' | 'pass' | 'fetch' | 'deliver' | 'stale'
  | 'error' | 'synth' | 'restart' | 'done';

/** A local variable Fastly's `#FASTLY <phase>` macro declares for the code after it. */
export interface MacroLocal {
  readonly name: string;
  readonly type: VclType;
  /** The value Fastly's generated code assigns it, as a syntax tree. */
  readonly value: A.Expression;
}

export interface SubroutineSpec {
  readonly name: string;
  /** The phase lacquer runs it in; null for a subroutine Fastly accepts but lacquer never enters. */
  readonly phase: Phase | null;
  /**
   * Every return Fastly allows here, and the state it leads to; null: Fastly has it, lacquer does
   * not run it. `deliver_stale` leads to the stale copy when there is one (the pipeline looks);
   * the state given is where it leads without one, as in Fastly.
   */
  readonly returns: Readonly<Partial<Record<Action | UnsupportedAction, RequestState | null>>>;
  /** Fastly's built-in ending of a run that returned no action. */
  readonly fallthrough: (ctx: VclContext) => Action;
  /** What `#FASTLY <phase>` declares in this subroutine. */
  readonly macroLocals: readonly MacroLocal[];
}

const always = (action: Action) => (): Action => action;
const NO_LOCALS: readonly MacroLocal[] = [];

export const SUBROUTINES: readonly SubroutineSpec[] = [
  {
    name: 'vcl_recv', phase: 'recv',
    returns: { lookup: 'hash', pass: 'pass', error: 'error', restart: 'restart', upgrade: null, pipe: null, challenge: null },
    // Only GET and HEAD are looked up in the cache; anything else passes (Fastly's boilerplate).
    fallthrough: (ctx) => (ctx.req.method === 'GET' || ctx.req.method === 'HEAD' ? 'lookup' : 'pass'),
    // Fastly's generated vcl_recv decides once per request whether to go through a shield, and
    // custom VCL after the macro may read it (Fastly's shielding guide, "Shielding and custom VCL").
    macroLocals: [{ name: 'var.fastly_req_do_shield', type: 'BOOL', value: B.binary('==', [B.ident('req.restarts'), B.int(0)]) }],
  },
  {
    name: 'vcl_hash', phase: 'hash',
    returns: { hash: 'lookup' },
    // The cache key is req.url + req.http.host unless the subroutine already added to it.
    fallthrough: (ctx) => {
      if (ctx.hashData.length === 0) {
        ctx.hashData.push(ctx.req.url);
        ctx.hashData.push(ctx.req.http.get('host') ?? '');
      }
      return 'hash';
    },
    macroLocals: NO_LOCALS,
  },
  {
    name: 'vcl_hit', phase: 'hit',
    returns: { deliver: 'serve', pass: 'pass', error: 'error', restart: 'restart' },
    fallthrough: always('deliver'), macroLocals: NO_LOCALS,
  },
  {
    name: 'vcl_miss', phase: 'miss',
    returns: { fetch: 'fetch', deliver_stale: 'fetch', pass: 'fetch', error: 'error' },
    fallthrough: always('fetch'), macroLocals: NO_LOCALS,
  },
  {
    name: 'vcl_pass', phase: 'pass',
    returns: { pass: 'fetch', error: 'error' },
    fallthrough: always('pass'), macroLocals: NO_LOCALS,
  },
  {
    name: 'vcl_fetch', phase: 'fetch',
    returns: { deliver: 'deliver', deliver_stale: 'deliver', hit_for_pass: 'deliver', pass: 'deliver', error: 'error', restart: 'restart' },
    fallthrough: always('deliver'), macroLocals: NO_LOCALS,
  },
  {
    name: 'vcl_error', phase: 'error',
    returns: { deliver: 'synth', deliver_stale: 'synth', restart: 'restart' },
    fallthrough: always('deliver'), macroLocals: NO_LOCALS,
  },
  {
    name: 'vcl_deliver', phase: 'deliver',
    returns: { deliver: 'done', restart: 'restart' },
    fallthrough: always('deliver'), macroLocals: NO_LOCALS,
  },
  {
    name: 'vcl_log', phase: 'log',
    returns: { deliver: 'done' },
    fallthrough: always('deliver'), macroLocals: NO_LOCALS,
  },
  // Fastly's generated VCL defines vcl_pipe (its `#--FASTLY PIPE` code prepares a piped backend
  // request), but Fastly runs it only for a `return(pipe)`, which lacquer does not support: the
  // subroutine is accepted and checked, and never runs.
  {
    name: 'vcl_pipe', phase: null,
    returns: { pipe: null, error: null },
    fallthrough: always('deliver'), macroLocals: NO_LOCALS,
  },
];

const byName = new Map(SUBROUTINES.map((s) => [s.name, s]));
const byPhase = new Map(SUBROUTINES.filter((s) => s.phase !== null).map((s) => [s.phase!, s]));

/** The built-in subroutine of that name (`vcl_recv`), or null for a custom one. */
export function subroutine(name: string): SubroutineSpec | null {
  return byName.get(name) ?? null;
}

/** The subroutine lacquer runs in a phase. */
export function subroutineOf(phase: Phase): SubroutineSpec {
  return byPhase.get(phase)!;
}

/** `vcl_recv` → `recv`; null for a custom subroutine or one lacquer never runs (`vcl_pipe`). */
export function phaseOfSub(name: string): Phase | null {
  return byName.get(name)?.phase ?? null;
}

/** Every return any subroutine allows, in table order: the words `return(…)` may name. */
export const ALL_RETURNS: readonly string[] = [...new Set(SUBROUTINES.flatMap((s) => Object.keys(s.returns)))];

/** Where each action a phase may end with leads; a phase's run ending with anything else is a bug. */
export const TRANSITIONS: Readonly<Record<Phase, Readonly<Partial<Record<Action, RequestState>>>>> = Object.fromEntries(
  PHASES.map((p) => [p, Object.fromEntries(Object.entries(subroutineOf(p).returns).filter(([, to]) => to !== null))]),
) as Record<Phase, Partial<Record<Action, RequestState>>>;

/** The actions a run of each phase may end with (those it has a transition for). */
export const ALLOWED_ACTIONS: Readonly<Record<Phase, ReadonlySet<Action>>> = Object.fromEntries(
  PHASES.map((p) => [p, new Set(Object.keys(TRANSITIONS[p]) as Action[])]),
) as unknown as Record<Phase, ReadonlySet<Action>>;

/**
 * The statements `#FASTLY <phase>` stands for in lacquer: the declarations of its macro locals
 * (those `wanted` says are, when it is given).
 */
export function macroStatements(phase: string, wanted: (local: string) => boolean = () => true): A.Statement[] {
  const spec = byName.get(`vcl_${phase.toLowerCase()}`);
  if (spec === undefined) return [];
  return spec.macroLocals.filter((l) => wanted(l.name)).flatMap((l) => [B.declare(l.name, l.type), B.set(l.name, l.value)]);
}
