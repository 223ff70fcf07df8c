// Expression code generation: an AST expression becomes a typed closure (value.ts).
// Names are resolved here, once: locals to frame slots, predefined variables to their
// accessor closures, backend and director names to constants, regex literals to VclRegex.
import type { BinaryExpression, CallExpression, Expression } from '../syntax/ast.ts';
import type { Compiled, Eval } from '../runtime/value.ts';
import { asBool, asString, asText, convert } from '../runtime/value.ts';
import type { VclType } from '../runtime/types.ts';
import { isNumeric } from '../runtime/types.ts';
import type { Arg } from '../language/functions.ts';
import { lookupFunction, parameterAt } from '../language/functions.ts';
import { ordered } from '../language/operators.ts';
import { resolveVariable } from './variables.ts';
import type { SubScope } from './scope.ts';

/** Stands in for an expression that was reported; converts to anything without more noise. */
const POISON: Compiled = { type: 'VOID', eval: () => null };

const constant = (type: VclType, value: string | number | boolean | null): Compiled =>
  ({ type, eval: () => value });

export function compileExpr(e: Expression, s: SubScope): Compiled {
  switch (e.kind) {
    case 'String': return constant('STRING', e.value);
    case 'Integer': return constant('INTEGER', e.value);
    case 'Float': return constant('FLOAT', e.value);
    case 'Rtime': return constant('RTIME', e.ms / 1000);
    case 'Boolean': return constant('BOOL', e.value);
    case 'Percent': s.internal(e, 'a percentage outside a director'); return POISON;
    case 'Group': return compileExpr(e.expression, s);
    case 'Identifier': return compileName(e.name, e, s);
    case 'Concat': return compileConcat(e.parts.map((p) => compileExpr(p, s)));
    case 'Unary': {
      const operand = compileExpr(e.operand, s);
      if (e.operator === '!') { const f = asBool(operand); return { type: 'BOOL', eval: (c, fr) => !f(c, fr) }; }
      if (!isNumeric(operand.type)) return poisonIf(operand, s, e, '-');
      const f = operand.eval as Eval<number>;
      return { type: operand.type, eval: (c, fr) => -f(c, fr) };
    }
    case 'IfExpression': {
      const cond = asBool(compileExpr(e.condition, s));
      let a = compileExpr(e.then, s);
      let b = compileExpr(e.otherwise, s);
      if (a.type !== b.type) { a = { type: 'STRING', eval: asString(a) }; b = { type: 'STRING', eval: asString(b) }; }
      const fa = a.eval; const fb = b.eval;
      return { type: a.type, eval: (c, fr) => (cond(c, fr) ? fa(c, fr) : fb(c, fr)) };
    }
    case 'Binary': return compileBinary(e, s);
    case 'FunctionCall': return compileCall(e, s);
  }
}

function poisonIf(c: Compiled, s: SubScope, node: Expression, op: string): Compiled {
  if (c !== POISON) s.internal(node, `${op} on ${c.type}`);
  return POISON;
}

/** A name in expression position: a local, a predefined variable, or a backend/director. */
export function compileName(name: string, node: { start: number; end: number }, s: SubScope): Compiled {
  if (name.startsWith('var.')) {
    const local = s.locals.get(name);
    if (local === undefined) { s.internal(node, `${name} before its declare local`); return POISON; }
    const slot = local.slot;
    return { type: local.type, eval: (_c, fr) => fr[slot] };
  }
  const v = resolveVariable(name, s.unit.env);
  if (v !== null) {
    if (v.get === null) { s.internal(node, `reading ${name}`); return POISON; }
    s.unit.reads.add(name);
    return { type: v.type, eval: v.get };
  }
  if (s.unit.env.backends.has(name)) return constant('BACKEND', name);
  s.internal(node, `the name ${name}`);
  return POISON;
}

export function compileConcat(parts: readonly Compiled[]): Compiled {
  const fs = parts.map(asText);
  if (fs.length === 2) { const [a, b] = fs; return { type: 'STRING', eval: (c, fr) => a(c, fr) + b(c, fr) }; }
  if (fs.length === 3) { const [a, b, d] = fs; return { type: 'STRING', eval: (c, fr) => a(c, fr) + b(c, fr) + d(c, fr) }; }
  return {
    type: 'STRING',
    eval: (c, fr) => {
      let out = '';
      for (let i = 0; i < fs.length; i++) out += fs[i](c, fr);
      return out;
    },
  };
}

function compileBinary(e: BinaryExpression, s: SubScope): Compiled {
  const op = e.operator;
  if (op === '~' || op === '!~') return compileMatch(e, s);
  const l = compileExpr(e.left, s);
  const r = compileExpr(e.right, s);
  if (op === '&&' || op === '||') {
    const a = asBool(l); const b = asBool(r);
    return { type: 'BOOL', eval: op === '&&' ? (c, fr) => a(c, fr) && b(c, fr) : (c, fr) => a(c, fr) || b(c, fr) };
  }
  const numeric = (isNumeric(l.type) || l.type === 'TIME') && (isNumeric(r.type) || r.type === 'TIME');
  if (op === '==' || op === '!=') {
    let a: Eval<unknown>; let b: Eval<unknown>;
    if (numeric || (l.type === 'BOOL' && r.type === 'BOOL')) { a = l.eval; b = r.eval; }
    else { a = asString(l); b = asString(r); }
    return { type: 'BOOL', eval: op === '==' ? (c, fr) => a(c, fr) === b(c, fr) : (c, fr) => a(c, fr) !== b(c, fr) };
  }
  if (!ordered(l.type, r.type)) return poisonIf(isNumeric(l.type) || l.type === 'TIME' ? r : l, s, e, op);
  const a = l.eval as Eval<number>; const b = r.eval as Eval<number>;
  switch (op) {
    case '<': return { type: 'BOOL', eval: (c, fr) => a(c, fr) < b(c, fr) };
    case '>': return { type: 'BOOL', eval: (c, fr) => a(c, fr) > b(c, fr) };
    case '<=': return { type: 'BOOL', eval: (c, fr) => a(c, fr) <= b(c, fr) };
    default: return { type: 'BOOL', eval: (c, fr) => a(c, fr) >= b(c, fr) };
  }
}

/** `x ~ "re"` (sets re.group.N on success) and `client.ip ~ acl_name`. */
function compileMatch(e: BinaryExpression, s: SubScope): Compiled {
  const negate = e.operator === '!~';
  const left = compileExpr(e.left, s);
  const right = e.right.kind === 'Group' ? e.right.expression : e.right;
  if (right.kind === 'Identifier' && s.unit.acls.has(right.name)) {
    const acl = s.unit.acls.get(right.name)!;
    const ip = asString(left);
    return { type: 'BOOL', eval: (c, fr) => acl(ip(c, fr)) !== negate };
  }
  if (right.kind !== 'String') { s.internal(right, 'a right side of ~ that is neither an ACL nor a regular expression literal'); return POISON; }
  const re = s.regex(right.value);
  if (typeof re === 'string') { s.internal(right, `the regular expression "${right.value}" (${re})`); return POISON; }
  const text = asText(left);
  // Fastly keeps the previous groups when a match fails; only a success replaces them.
  return {
    type: 'BOOL',
    eval: (c, fr) => {
      const m = re.exec(text(c, fr), 0);
      if (m === null) return negate;
      c.reGroups = m;
      return !negate;
    },
  };
}

function compileCall(e: CallExpression, s: SubScope): Compiled {
  const name = e.callee.name;
  const sub = s.unit.subs.get(name);
  if (sub !== undefined && sub.returnType !== null && e.arguments.length === 0) {
    const handle = sub;
    return {
      type: sub.returnType,
      eval: (c) => { const out: unknown[] = [null]; handle.fn!(c, out); return out[0]; },
    };
  }
  const fn = lookupFunction(name);
  if (fn === null || fn.impl === undefined) { s.internal(e.callee, `a call of ${name}()`); return POISON; }
  const args: Arg[] = [];
  const literals: (string | undefined)[] = [];
  let ok = true;
  e.arguments.forEach((a, i) => {
    const param = parameterAt(fn, i);
    const node = a.kind === 'Group' ? a.expression : a;
    literals.push(node.kind === 'String' ? node.value : node.kind === 'Identifier' && param?.type === 'ID' ? node.name : undefined);
    if (param === undefined) { s.internal(a, `argument ${i + 1} of ${name}()`); ok = false; return; }
    if (param.type === 'REGEX') {
      const re = node.kind === 'String' ? s.regex(node.value) : 'not a literal';
      if (typeof re === 'string') { s.internal(node, `argument ${i + 1} of ${name}() as a regular expression (${re})`); ok = false; return; }
      args.push(re);
    } else if (param.type === 'TABLE') {
      const table = node.kind === 'Identifier' ? s.unit.tables.get(node.name) : undefined;
      if (table === undefined) { s.internal(node, `argument ${i + 1} of ${name}() as a table`); ok = false; return; }
      args.push(table);
    } else if (param.type === 'ACL') {
      const acl = node.kind === 'Identifier' ? s.unit.acls.get(node.name) : undefined;
      if (acl === undefined) { s.internal(node, `argument ${i + 1} of ${name}() as an ACL`); ok = false; return; }
      args.push(acl);
    } else if (param.type === 'ID') {
      // A bare name reaches the builder as its text (literals[i]).
      const text = node.kind === 'Identifier' ? node.name : '';
      args.push(() => text);
    } else {
      const c = compileExpr(a, s);
      const f = convert(c, param.type);
      if (f === null) {
        if (c !== POISON) s.internal(a, `${c.type} as argument ${i + 1} of ${name}(), which takes ${param.type}`);
        ok = false;
        return;
      }
      args.push(f);
    }
  });
  if (!ok) return POISON;
  return { type: fn.returns, eval: fn.impl(args, literals) };
}

export { POISON };
