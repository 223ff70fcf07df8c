// Expression checks inside subroutines: every name resolves (a variable Fastly has and
// lacquer runs, a local declared in the subroutine, a declared backend, director or ACL),
// variables are read only where Fastly allows, builtin functions exist, are run by lacquer
// and get arguments of their signature, operators apply to their operands, regular expressions
// are literals lacquer's engines run. Each expression's type is inferred with the compiler's
// rules (language/types.ts, language/operators.ts), so a checked program is one the compiler
// runs; `null` is the type of an expression already reported.
import type * as A from '../syntax/ast.ts';
import type { Phase } from '../language/subroutines.ts';
import type { Diagnostic } from '../syntax/diagnostics.ts';
import type { SourceFile } from '../syntax/source.ts';
import type { ProgramSummary } from './summary.ts';
import * as C from './catalogue.ts';
import { isRun, lookupVariable } from '../language/variables.ts';
import type { VariableSpec } from '../language/variables.ts';
import { arity, lookupFunction, parameterAt } from '../language/functions.ts';
import { isAssignable, LOCAL_TYPES, valueType } from '../language/types.ts';
import { ordered } from '../language/operators.ts';
import { regexFor } from '../runtime/regex-cache.ts';
import { phaseOfSub } from '../language/subroutines.ts';
import type { VclType } from '../language/types.ts';

export type UseKind = 'backend' | 'acl' | 'table';

/** Where the checker stands: one subroutine, the phases it runs in, its locals. */
export interface Scope {
  readonly src: SourceFile;
  readonly summary: ProgramSummary;
  readonly out: Diagnostic[];
  /** Counts a declaration as used (for the unused-declaration warnings). */
  readonly use: (kind: UseKind, name: string) => void;
  readonly subName: string;
  /** The phases this subroutine runs in; empty for a custom subroutine nothing calls. */
  readonly phases: readonly Phase[];
  readonly locals: ReadonlyMap<string, VclType>;
}

/** `vcl_fetch`, or `vcl_fetch (through my_sub)` inside a custom subroutine. */
export function where(scope: Scope, phase: Phase): string {
  return phaseOfSub(scope.subName) === null ? `vcl_${phase} (through ${scope.subName})` : `vcl_${phase}`;
}

export function isBackendName(scope: Scope, name: string): boolean {
  return scope.summary.backends.has(name) || scope.summary.directors.has(name);
}

export interface Resolved {
  readonly spec: VariableSpec;
  /** A header's `:subfield`, when the name has one. */
  readonly subfield: string | null;
  /** The variable's value type (the declared type for a local). */
  readonly type: VclType;
}

/**
 * Resolves a variable name used as a variable, reporting unknown, unsupported and undeclared
 * names. Returns null when something was reported.
 */
export function resolveVariable(scope: Scope, id: A.Identifier): Resolved | null {
  const m = lookupVariable(id.name);
  if (m === null) { scope.out.push(C.unknownVariable(scope.src, id, id.name)); return null; }
  if (m.spec.type === 'declared') {
    const type = scope.locals.get(id.name);
    if (type === undefined) { scope.out.push(C.undeclaredLocal(scope.src, id, id.name)); return null; }
    return { spec: m.spec, type, subfield: null };
  }
  if (!isRun(m.spec)) { scope.out.push(C.unsupported(scope.src, id, `the variable ${id.name}`)); return null; }
  if ((m.spec.name === 'backend.{name}.healthy' || m.spec.name === 'director.{name}.healthy') && m.param !== null) {
    if (isBackendName(scope, m.param)) scope.use('backend', m.param);
    else { scope.out.push(C.unknownBackendRef(scope.src, id, m.param)); return null; }
  }
  if (m.spec.name.startsWith('ratecounter.{name}.') && m.param !== null && !scope.summary.ratecounters.has(m.param)) {
    scope.out.push(C.unknownRateLimit(scope.src, id, 'ratecounter', m.param));
    return null;
  }
  return { spec: m.spec, type: m.spec.type as VclType, subfield: m.subfield };
}

/** Reports the first phase of the scope in which the variable may not be read. */
export function checkReadable(scope: Scope, id: A.Identifier, spec: VariableSpec): void {
  const bad = scope.phases.find((p) => !spec.read.includes(p));
  if (bad !== undefined) scope.out.push(C.notReadable(scope.src, id, id.name, where(scope, bad)));
}

function checkIdentifier(scope: Scope, id: A.Identifier): VclType | null {
  if (isBackendName(scope, id.name) && lookupVariable(id.name) === null) {
    scope.use('backend', id.name);
    return 'BACKEND';
  }
  const r = resolveVariable(scope, id);
  if (r === null) return null;
  checkReadable(scope, id, r.spec);
  return valueType(r.type);
}

/**
 * Checks an expression where a BACKEND is expected (a BACKEND argument, the other side of
 * `req.backend ==`): a bare name must be a declared backend or director.
 */
export function checkBackendValue(scope: Scope, e: A.Expression): VclType | null {
  if (e.kind === 'Identifier' && lookupVariable(e.name) === null) {
    if (isBackendName(scope, e.name)) { scope.use('backend', e.name); return 'BACKEND'; }
    scope.out.push(C.unknownBackendRef(scope.src, e, e.name));
    return null;
  }
  return checkExpr(scope, e);
}

/**
 * Checks `left ~ right`: the right side names an ACL (`client.ip ~ office`) or is a regular
 * expression literal that lacquer's engines run.
 */
function checkMatch(scope: Scope, e: A.BinaryExpression): void {
  const left = checkExpr(scope, e.left);
  const right = e.right.kind === 'Group' ? e.right.expression : e.right;
  if (right.kind === 'Identifier' && (left === 'IP' || scope.summary.acls.has(right.name))) {
    if (scope.summary.acls.has(right.name)) scope.use('acl', right.name);
    else scope.out.push(C.unknownAcl(scope.src, right, right.name));
    return;
  }
  checkRegex(scope, right);
}

/** Why lacquer's regex engines cannot run a pattern, or null when they can (runtime/regex/). */
function regexProblem(pattern: string): string | null {
  const r = regexFor(pattern);
  return r.ok ? null : r.message;
}

/** A regular expression argument: a string literal whose pattern lacquer's engines run. */
export function checkRegex(scope: Scope, e: A.Expression): void {
  const node = e.kind === 'Group' ? e.expression : e;
  if (node.kind !== 'String') {
    checkExpr(scope, node);
    scope.out.push(C.regexLiteral(scope.src, node));
    return;
  }
  const reason = regexProblem(node.value);
  if (reason !== null) scope.out.push(C.regex(scope.src, node, node.value, reason));
}

function checkCall(scope: Scope, call: A.CallExpression): VclType | null {
  const name = call.callee.name;
  // A custom subroutine with a return type is called like a function (`is_mobile()`); the
  // call graph (./calls.ts) already accounts for it.
  const sub = scope.summary.subs.get(name);
  if (sub !== undefined && sub.node.returnType !== null) {
    // Fastly's subroutines take no parameters.
    if (call.arguments.length > 0) scope.out.push(C.wrongArity(scope.src, call.callee, name, '0', call.arguments.length));
    for (const arg of call.arguments) checkExpr(scope, arg);
    return returnType(sub.node);
  }
  const fn = lookupFunction(name);
  if (fn === null) {
    scope.out.push(C.unknownFunction(scope.src, call.callee, name));
    for (const arg of call.arguments) checkExpr(scope, arg);
    return null;
  }
  if (fn.impl === undefined) scope.out.push(C.unsupported(scope.src, call.callee, `the function ${name}()`));
  const { min, max } = arity(fn);
  if (call.arguments.length < min || call.arguments.length > max) {
    const expected = min === max ? String(min) : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    scope.out.push(C.wrongArity(scope.src, call.callee, name, expected, call.arguments.length));
  }
  const bad = scope.phases.find((p) => !fn.available.includes(p));
  if (bad !== undefined) scope.out.push(C.notAvailable(scope.src, call.callee, name, where(scope, bad)));
  call.arguments.forEach((arg, i) => {
    const spec = parameterAt(fn, i);
    if (spec === undefined) { checkExpr(scope, arg); return; }
    const node = arg.kind === 'Group' ? arg.expression : arg;
    if (spec.type === 'TABLE') {
      if (node.kind === 'Identifier' && scope.summary.tables.has(node.name)) scope.use('table', node.name);
      else if (node.kind === 'Identifier') scope.out.push(C.unknownTable(scope.src, node, node.name));
      else scope.out.push(C.argumentType(scope.src, arg, name, i + 1, 'a table name', 'an expression'));
      return;
    }
    if (spec.type === 'REGEX') { checkRegex(scope, arg); return; }
    if (spec.type === 'ACL') {
      if (node.kind === 'Identifier' && scope.summary.acls.has(node.name)) scope.use('acl', node.name);
      else if (node.kind === 'Identifier') scope.out.push(C.unknownAcl(scope.src, node, node.name));
      else scope.out.push(C.argumentType(scope.src, arg, name, i + 1, 'an ACL name', 'an expression'));
      return;
    }
    if (spec.declares !== undefined) {
      const declared = spec.declares === 'ratecounter' ? scope.summary.ratecounters : scope.summary.penaltyboxes;
      if (node.kind !== 'Identifier') scope.out.push(C.argumentType(scope.src, arg, name, i + 1, `a ${spec.declares} name`, 'an expression'));
      else if (!declared.has(node.name)) scope.out.push(C.unknownRateLimit(scope.src, node, spec.declares, node.name));
      return;
    }
    // A bare name (a header, a keyword): what it may name is the function's to say when it runs.
    if (spec.type === 'ID') return;
    const t = spec.type === 'BACKEND' ? checkBackendValue(scope, arg) : checkExpr(scope, arg);
    if (t !== null && !isAssignable(spec.type, t, arg.kind === 'String')) {
      scope.out.push(C.argumentType(scope.src, arg, name, i + 1, spec.type, t));
    }
  });
  return fn.returns;
}

/** The type a typed subroutine returns (`sub is_mobile BOOL { … }`); its name is checked with the subroutine. */
export function returnType(sub: A.SubDeclaration): VclType | null {
  const t = sub.returnType?.name.toUpperCase();
  return t !== undefined && LOCAL_TYPES.has(t) ? (t as VclType) : null;
}

/** Checks an expression that is read; returns its type when evident. */
export function checkExpr(scope: Scope, e: A.Expression): VclType | null {
  switch (e.kind) {
    case 'Identifier': return checkIdentifier(scope, e);
    case 'String': return 'STRING';
    case 'Integer': return 'INTEGER';
    case 'Float': return 'FLOAT';
    case 'Rtime': return 'RTIME';
    case 'Percent': scope.out.push(C.percent(scope.src, e)); return null;
    case 'Boolean': return 'BOOL';
    case 'Binary': {
      const op = e.operator;
      if (op === '~' || op === '!~') { checkMatch(scope, e); return 'BOOL'; }
      const left = checkExpr(scope, e.left);
      const right = left === 'BACKEND' && (op === '==' || op === '!=') ? checkBackendValue(scope, e.right) : checkExpr(scope, e.right);
      if ((op === '<' || op === '>' || op === '<=' || op === '>=') && left !== null && right !== null && !ordered(left, right)) {
        scope.out.push(C.operator(scope.src, e, op, ordered(left, left) ? right : left));
      }
      return 'BOOL';
    }
    case 'Concat':
      for (const p of e.parts) checkExpr(scope, p);
      return 'STRING';
    case 'Unary': {
      const t = checkExpr(scope, e.operand);
      if (e.operator === '!') return 'BOOL';
      if (t !== null && t !== 'INTEGER' && t !== 'FLOAT' && t !== 'RTIME') { scope.out.push(C.operator(scope.src, e, '-', t)); return null; }
      return t;
    }
    case 'FunctionCall': return checkCall(scope, e);
    case 'IfExpression': {
      checkExpr(scope, e.condition);
      const a = checkExpr(scope, e.then);
      const b = checkExpr(scope, e.otherwise);
      // Two branches of different types make a STRING, as the compiler converts both.
      if (a === null || b === null) return null;
      return a === b ? a : 'STRING';
    }
    case 'Group': return checkExpr(scope, e.expression);
  }
}
