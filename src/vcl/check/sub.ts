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
import { checkBackendValue, checkExpr, resolveVariable, where } from './expr.ts';
import type { Scope } from './expr.ts';
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
  if (typed) { checkExpr(scope, s.value); return; }
  const v = s.value.kind === 'Group' ? s.value.expression : s.value;
  if (v.kind === 'Identifier') checkAction(scope, v, v.name);
  else scope.out.push(C.unknownAction(scope.src, v, 'expression', ALL_RETURNS));
}

/** `set`/`add`/`unset` target: known, run, and writable in every phase of the scope. */
function checkTarget(scope: Scope, target: A.Identifier, op: 'set' | 'unset'): VclType | null {
  const r = resolveVariable(scope, target);
  if (r === null) return null;
  if (r.spec.write.length === 0) { scope.out.push(C.readOnly(scope.src, target, target.name)); return null; }
  if (op === 'unset' && !r.spec.unset) { scope.out.push(C.notUnsettable(scope.src, target, target.name)); return null; }
  const bad = scope.phases.find((p) => !r.spec.write.includes(p));
  if (bad !== undefined) { scope.out.push(C.notSettable(scope.src, target, target.name, where(scope, bad))); return null; }
  return r.type;
}

function checkAssignment(scope: Scope, s: A.SetStatement | A.AddStatement): void {
  const target = checkTarget(scope, s.target, 'set');
  // `set req.backend = X;`: X names a declared backend or director (or a BACKEND variable).
  const value = target === 'BACKEND' ? checkBackendValue(scope, s.value) : checkExpr(scope, s.value);
  if (target !== null && value !== null && s.operator === '=' && !isAssignable(target, value, s.value.kind === 'String')) {
    scope.out.push(C.typeMismatch(scope.src, s.value, s.target.name, target === 'HEADER' ? 'STRING' : target, value));
  }
}

export function checkStatements(scope: Scope, statements: readonly A.Statement[], typed: boolean): void {
  for (const s of statements) {
    switch (s.kind) {
      case 'Set': case 'Add': checkAssignment(scope, s); break;
      case 'Unset': checkTarget(scope, s.target, 'unset'); break;
      case 'If':
        checkExpr(scope, s.condition);
        checkStatements(scope, s.consequent.statements, typed);
        for (const e of s.elseIfs) { checkExpr(scope, e.condition); checkStatements(scope, e.body.statements, typed); }
        if (s.alternate !== null) checkStatements(scope, s.alternate.body.statements, typed);
        break;
      case 'Return': checkReturn(scope, s, typed); break;
      case 'Error':
        checkAction(scope, { start: s.start, end: s.start + 5 }, 'error');
        if (s.status !== null) checkExpr(scope, s.status);
        if (s.message !== null) checkExpr(scope, s.message);
        break;
      case 'Restart': checkAction(scope, s, 'restart'); break;
      case 'Synthetic': checkExpr(scope, s.value); break;
      case 'Log': checkExpr(scope, s.value); break;
      case 'FunctionCallStatement': checkExpr(scope, s.call); break;
      case 'Block': checkStatements(scope, s.statements, typed); break;
      case 'Esi': scope.out.push(C.unsupported(scope.src, s, 'the esi statement')); break;
      case 'Declare': case 'Call': case 'Goto': case 'Label': case 'FastlyMacro': break;
    }
  }
}
