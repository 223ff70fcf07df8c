// Statement checks inside a subroutine: return actions per phase, variables set or unset only
// where Fastly allows, `declare local` names and types, assignment types where evident, and
// `set req.backend = X` naming a declared backend or director.
//
// Return actions per subroutine are the language definition's (language/subroutines.ts): `error`
// and `restart` count as actions, so the `error` and `restart` statements are checked with the
// same table.
import type * as A from '../syntax/ast.ts';
import { ALL_RETURNS, macroStatements, subroutineOf, TRANSITIONS } from '../language/subroutines.ts';
import type { Action, Phase } from '../language/subroutines.ts';
import type { Diagnostic } from '../syntax/diagnostics.ts';
import * as C from './catalogue.ts';
import { checkBackendValue, checkExpr, checkReadable, resolveVariable, returnType, where } from './expr.ts';
import type { Resolved, Scope } from './expr.ts';
import { compoundApplies } from '../language/operators.ts';
import { isAssignable, LOCAL_TYPES } from '../language/types.ts';
import type { VclType } from '../language/types.ts';
import type { SourceFile } from '../syntax/source.ts';

/** The returns lacquer runs in a phase, for messages. */
function runnable(phase: Phase): string[] {
  return Object.keys(TRANSITIONS[phase]);
}

/**
 * Collects `declare local` statements of a subroutine (anywhere in its body) into its local
 * table, reporting bad names, unknown types and redeclarations.
 */
export function collectLocals(body: A.Block, src: SourceFile, out: Diagnostic[], locals = new Map<string, VclType>()): Map<string, VclType> {
  const walk = (statements: readonly A.Statement[]): void => {
    for (const s of statements) {
      if (s.kind === 'Declare') {
        const name = s.name.name;
        if (!/^var\.[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) { out.push(C.localName(src, s.name, name)); continue; }
        if (!LOCAL_TYPES.has(s.type.name)) { out.push(C.localType(src, s.type, name, s.type.name)); continue; }
        if (locals.has(name)) { out.push(C.duplicateLocal(src, s.name, name)); continue; }
        locals.set(name, s.type.name as VclType);
      } else if (s.kind === 'FastlyMacro') {
        // Fastly's macro declares locals for the code after it (language/subroutines.ts).
        walk(macroStatements(s.phase));
      } else if (s.kind === 'Block') walk(s.statements);
      else if (s.kind === 'If') {
        walk(s.consequent.statements);
        for (const e of s.elseIfs) walk(e.body.statements);
        if (s.alternate !== null) walk(s.alternate.body.statements);
      }
    }
  };
  walk(body.statements);
  return locals;
}

/**
 * A return (or the `error`/`restart` statement) in every phase the subroutine runs in: one the
 * phase allows (language/subroutines.ts), and one lacquer runs.
 */
function checkAction(scope: Scope, at: C.Ranged, action: string): void {
  if (!ALL_RETURNS.includes(action)) {
    const allowed = scope.phases.length === 1 ? runnable(scope.phases[0]) : ALL_RETURNS;
    scope.out.push(C.unknownAction(scope.src, at, action, allowed));
    return;
  }
  for (const p of scope.phases) {
    const to = subroutineOf(p).returns[action as Action];
    if (to === undefined) { scope.out.push(C.actionNotAllowed(scope.src, at, action, where(scope, p), runnable(p))); return; }
    if (to === null) { scope.out.push(C.unsupported(scope.src, at, `return(${action}) in ${where(scope, p)}`)); return; }
  }
}

function checkReturn(scope: Scope, s: A.ReturnStatement, typed: boolean): void {
  if (s.value === null) return;
  if (typed) {
    const t = checkExpr(scope, s.value);
    const sub = scope.summary.subs.get(scope.subName);
    const rt = sub === undefined ? null : returnType(sub.node);
    if (t !== null && rt !== null && !isAssignable(rt, t, s.value.kind === 'String')) {
      scope.out.push(C.typeMismatch(scope.src, s.value, `the value ${scope.subName} returns`, rt, t));
    }
    return;
  }
  const v = s.value.kind === 'Group' ? s.value.expression : s.value;
  if (v.kind === 'Identifier') checkAction(scope, v, v.name);
  else scope.out.push(C.unknownAction(scope.src, v, 'expression', ALL_RETURNS));
}

/** `set`/`add`/`unset` target: known, run, and writable in every phase of the scope. */
/** `set`/`add`/`unset` target: known, run, and writable (or unsettable) in every phase of the scope. */
function checkTarget(scope: Scope, target: A.Identifier, op: 'set' | 'add' | 'unset'): Resolved | null {
  const r = resolveVariable(scope, target);
  if (r === null) return null;
  const { spec } = r;
  if (op === 'unset') {
    if (!spec.unset) { scope.out.push(C.notUnsettable(scope.src, target, target.name)); return null; }
  } else if (spec.write.length === 0) {
    scope.out.push(C.readOnly(scope.src, target, target.name));
    return null;
  }
  // `add` appends a header line: a whole header, not a value or one item of a header list.
  if (op === 'add' && (spec.type !== 'HEADER' || r.subfield !== null)) { scope.out.push(C.addTarget(scope.src, target, target.name)); return null; }
  // A variable Fastly lets you only read and unset (fastly.error) may be unset where it is read.
  const allowed = spec.write.length === 0 ? spec.read : spec.write;
  const bad = scope.phases.find((p) => !allowed.includes(p));
  if (bad !== undefined) { scope.out.push(C.notSettable(scope.src, target, target.name, where(scope, bad))); return null; }
  return r;
}

function checkAssignment(scope: Scope, s: A.SetStatement | A.AddStatement): void {
  const r = checkTarget(scope, s.target, s.kind === 'Add' ? 'add' : 'set');
  const target = r?.type ?? null;
  // `set req.backend = X;`: X names a declared backend or director (or a BACKEND variable).
  const value = target === 'BACKEND' ? checkBackendValue(scope, s.value) : checkExpr(scope, s.value);
  if (r === null || target === null || value === null) return;
  if (s.operator === '=') {
    if (!isAssignable(target, value, s.value.kind === 'String')) {
      scope.out.push(C.typeMismatch(scope.src, s.value, s.target.name, target === 'HEADER' ? 'STRING' : target, value));
    }
    return;
  }
  if (!compoundApplies(target, s.operator, value)) {
    scope.out.push(C.operator(scope.src, s, s.operator, target === 'HEADER' ? 'STRING' : target));
    return;
  }
  // A compound assignment reads the target first; appending to a STRING that cannot be read
  // (req.hash) appends to what it holds.
  if (!(target === 'STRING' || target === 'HEADER')) checkReadable(scope, s.target, r.spec);
}

/** Whether a label lies ahead: later in the current block or in an enclosing one. */
type Ahead = (label: string) => boolean;
const NONE_AHEAD: Ahead = () => false;

/**
 * Checks a block's statements. `ahead` says which labels a `goto` here may jump to: those later in
 * an enclosing block. Fastly's goto only jumps forward (statements reference, goto), which also
 * means no goto loops; the compiler resolves a jump in the block that holds the label.
 */
export function checkStatements(scope: Scope, statements: readonly A.Statement[], typed: boolean, ahead: Ahead = NONE_AHEAD): void {
  const at = new Map<string, number>();
  statements.forEach((s, i) => { if (s.kind === 'Label' && !at.has(s.name)) at.set(s.name, i); });
  statements.forEach((s, i) => {
    const later: Ahead = at.size === 0 ? ahead : (label) => (at.get(label) ?? -1) > i || ahead(label);
    const inner = (body: readonly A.Statement[]): void => checkStatements(scope, body, typed, later);
    switch (s.kind) {
      case 'Set': case 'Add': checkAssignment(scope, s); break;
      case 'Unset': checkTarget(scope, s.target, 'unset'); break;
      case 'If':
        checkExpr(scope, s.condition);
        inner(s.consequent.statements);
        for (const e of s.elseIfs) { checkExpr(scope, e.condition); inner(e.body.statements); }
        if (s.alternate !== null) inner(s.alternate.body.statements);
        break;
      case 'Return': checkReturn(scope, s, typed); break;
      case 'Error':
        checkAction(scope, { start: s.start, end: s.start + 5 }, 'error');
        if (s.status !== null) {
          const t = checkExpr(scope, s.status);
          if (t !== null && !isAssignable('INTEGER', t)) scope.out.push(C.typeMismatch(scope.src, s.status, 'the error status', 'INTEGER', t));
        }
        if (s.message !== null) checkExpr(scope, s.message);
        break;
      case 'Restart': checkAction(scope, s, 'restart'); break;
      case 'Synthetic': checkExpr(scope, s.value); break;
      case 'Log': checkExpr(scope, s.value); break;
      case 'FunctionCallStatement': checkExpr(scope, s.call); break;
      case 'Block': inner(s.statements); break;
      case 'Goto': if (!later(s.label.name)) scope.out.push(C.unknownLabel(scope.src, s.label, s.label.name)); break;
      case 'Declare': case 'Call': case 'Label': case 'FastlyMacro': case 'Esi': break;
    }
  });
}
