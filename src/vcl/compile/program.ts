// Compiles a program's declarations (tables, ACLs, subroutines) into the `run(phase, ctx)`
// of a CompiledService. Ownership: everything built here is immutable after compilation
// and shared by all requests; per-request state lives only in the VclContext and in the
// frames each subroutine invocation allocates.
//
// Like Fastly, several `sub vcl_recv { … }` definitions (e.g. across included files) are
// concatenated in the order they appear and run as one subroutine (the checker does the same,
// check/summary.ts). The program is a checked one: what the compiler still cannot run is an
// internal error (./diagnostics.ts).
import type { Block, Declaration, Statement, SubDeclaration, TableDeclaration } from '../syntax/ast.ts';
import type { Action, Phase, VclContext } from './compiled.ts';
import type { Diagnostic } from '../syntax/diagnostics.ts';
import type { SourceFile } from '../syntax/source.ts';
import type { VclTable } from '../runtime/tables.ts';
import type { VclType } from '../runtime/types.ts';
import { VCL_TYPES } from '../runtime/types.ts';
import type { VariableEnv } from './variables.ts';
import type { CompileUnit, Completion, SubFn, SubHandle } from './scope.ts';
import { RETURN, SubScope } from './scope.ts';
import { compileAcl } from '../runtime/acl.ts';
import { LiveAcl, type LiveData } from '../runtime/live.ts';
import { internalError } from './diagnostics.ts';
import { compileExpr } from './expr.ts';
import { convert } from '../runtime/value.ts';
import { compileBlock } from './statements.ts';
import { ALLOWED_ACTIONS, PHASES, subroutineOf } from '../language/subroutines.ts';
import { VclRuntimeError } from '../runtime/errors.ts';
import { RegexLimitError } from '../runtime/regex/index.ts';
import { regexLimitExceeded } from '../runtime/regex-limit.ts';

/** A declaration with the source it came from (includes already expanded, in order). */
export interface ProgramDeclaration {
  readonly declaration: Declaration;
  readonly source: SourceFile;
}

export interface CompiledProgram {
  run(phase: Phase, ctx: VclContext): Action;
  /** The program's tables and ACLs, whose contents the edge may replace live (runtime/live.ts). */
  readonly live: LiveData;
}

interface Located<T> { readonly node: T; readonly source: SourceFile }

export function compileProgram(declarations: readonly ProgramDeclaration[], env: VariableEnv, diagnostics: Diagnostic[]): CompiledProgram {
  const subDecls = new Map<string, Located<SubDeclaration>[]>();
  const tables = new Map<string, VclTable>();
  const acls = new Map<string, (ip: string | null) => boolean>();
  const liveAcls = new Map<string, LiveAcl>();
  const unit: CompileUnit = { env, tables, acls, subs: new Map<string, SubHandle>(), diagnostics };
  const each = (f: (d: Declaration, src: SourceFile) => void): void => {
    for (const { declaration, source } of declarations) f(declaration, source);
  };
  each((d, source) => {
    if (d.kind === 'Sub') {
      const list = subDecls.get(d.name.name) ?? [];
      list.push({ node: d, source });
      subDecls.set(d.name.name, list);
    } else if (d.kind === 'Acl') {
      const acl = compileAcl(d.entries.map((e) => ({ address: e.address.value, mask: e.mask, negated: e.negated })));
      if ('error' in acl) diagnostics.push(internalError(source, d, `acl ${d.name.name} (${acl.error})`));
      else {
        // Through a LiveAcl, so an ACL filled from the API's entries can change them in place.
        const live = new LiveAcl(acl.match);
        liveAcls.set(d.name.name, live);
        acls.set(d.name.name, live.match);
      }
    }
  });
  each((d, source) => { if (d.kind === 'Table') tables.set(d.name.name, compileTable(d, source, unit)); });

  const subs = unit.subs as Map<string, SubHandle>;
  for (const [name, decls] of subDecls) subs.set(name, { name, returnType: returnTypeOf(decls[0].node), fn: null });
  // Calls refer to handles, so a subroutine may call one defined later; the checker has refused
  // recursion (check/calls.ts), so no call chain loops at run time.
  for (const [name, decls] of subDecls) subs.get(name)!.fn = compileSub(name, decls, unit);
  const runners = Object.fromEntries(PHASES.map((p) => [p, phaseRunner(p, subs.get(`vcl_${p}`)?.fn ?? null)])) as Record<Phase, (ctx: VclContext) => Action>;
  return { run: (phase, ctx) => runners[phase](ctx), live: { tables, acls: liveAcls } };
}

/**
 * Runs one phase: its subroutine (if the program has one), then Fastly's built-in ending when it
 * returned no action (language/subroutines.ts). An action the phase may not end with is a bug.
 */
function phaseRunner(phase: Phase, fn: SubFn | null): (ctx: VclContext) => Action {
  const { fallthrough } = subroutineOf(phase);
  const allowed = ALLOWED_ACTIONS[phase];
  return (ctx) => {
    let r: Completion;
    try {
      r = fn === null ? undefined : fn(ctx, null);
    } catch (e) {
      if (!(e instanceof RegexLimitError)) throw e;
      r = regexLimitExceeded(phase, ctx, e);
    }
    const action = r === undefined || r === RETURN ? fallthrough(ctx) : r;
    if (typeof action !== 'string' || !allowed.has(action)) {
      throw new VclRuntimeError('vcl/illegal-action', `vcl_${phase} ended with ${JSON.stringify(action)}, which vcl_${phase} may not return`);
    }
    return action;
  };
}

function returnTypeOf(d: SubDeclaration): VclType | null {
  const t = d.returnType?.name.toUpperCase();
  return t !== undefined && (VCL_TYPES as readonly string[]).includes(t) ? (t as VclType) : null;
}

const EMPTY_FRAME: unknown[] = [];

function compileSub(name: string, decls: readonly Located<SubDeclaration>[], unit: CompileUnit): SubFn {
  const labels = new Set<string>();
  for (const { node } of decls) collectLabels(node.body, labels);
  const scope = new SubScope(unit, decls[0].source, name, returnTypeOf(decls[0].node), labels);
  const parts = decls.map(({ node, source }) => {
    (scope as { source: SourceFile }).source = source;
    return compileBlock(node.body, scope);
  });
  const body = parts.length === 1 ? parts[0] : compileSequence(parts);
  const slots = scope.slots;
  // A sub without locals or a return value writes no slot, so it can share one empty frame.
  const shared = slots === 1 && scope.returnType === null;
  return (ctx, out) => {
    const frame = shared ? EMPTY_FRAME : new Array<unknown>(slots);
    const r = body(ctx, frame);
    if (out !== null) out[0] = frame[0];
    if (r !== undefined && typeof r === 'object') throw new VclRuntimeError('vcl/goto', `goto ${r.label} left ${name}`);
    return r;
  };
}

function compileSequence(parts: readonly ReturnType<typeof compileBlock>[]): ReturnType<typeof compileBlock> {
  return (ctx, frame) => {
    for (const p of parts) {
      const r = p(ctx, frame);
      if (r !== undefined) return r;
    }
    return undefined;
  };
}

/** Visits every statement of a block, descending into bare blocks and every if branch. */
function forEachStatement(b: Block, fn: (st: Statement) => void): void {
  const visit = (st: Statement): void => {
    fn(st);
    if (st.kind === 'Block') st.statements.forEach(visit);
    else if (st.kind === 'If') {
      st.consequent.statements.forEach(visit);
      st.elseIfs.forEach((e) => e.body.statements.forEach(visit));
      st.alternate?.body.statements.forEach(visit);
    }
  };
  b.statements.forEach(visit);
}

function collectLabels(b: Block, into: Set<string>): void {
  forEachStatement(b, (st) => { if (st.kind === 'Label') into.add(st.name); });
}

function compileTable(d: TableDeclaration, source: SourceFile, unit: CompileUnit): VclTable {
  const typeName = (d.type?.name ?? 'STRING').toUpperCase();
  const type = (VCL_TYPES as readonly string[]).includes(typeName) ? (typeName as VclType) : 'STRING';
  const scope = new SubScope(unit, source, `table ${d.name.name}`, null, new Set());
  const entries = new Map<string, unknown>();
  for (const e of d.entries) {
    const c = compileExpr(e.value, scope);
    const f = convert(c, type);
    if (f === null) { scope.internal(e.value, `a ${c.type} entry in table ${d.name.name}, which holds ${type}`); continue; }
    // Table values are literals, so evaluating them needs no request.
    entries.set(e.key.value, f(null as unknown as VclContext, EMPTY_FRAME));
  }
  return { name: d.name.name, type, entries };
}
