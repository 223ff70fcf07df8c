// `set TARGET OP value;` (https://www.fastly.com/documentation/reference/vcl/statements/set/).
// The target is resolved to a setter once; compound operators read through the getter and
// compute with the language's operator table (language/operators.ts). Division or remainder
// by zero leaves the target unchanged and sets fastly.error to EDOM, as Fastly does for its
// math errors.
import type { AssignmentOperator, Expression, Identifier, Node } from '../syntax/ast.ts';
import type { VclContext } from './compiled.ts';
import type { Eval, Frame } from '../runtime/value.ts';
import { asText, convert } from '../runtime/value.ts';
import type { VclType } from '../runtime/types.ts';
import { compileExpr, POISON } from './expr.ts';
import { resolveVariable } from './variables.ts';
import { FLOAT_OPERATORS, INTEGER_OPERATORS } from '../language/operators.ts';
import type { Completion, SubScope } from './scope.ts';

type Fn = (ctx: VclContext, frame: Frame) => Completion;
type Get = Eval<unknown>;
type Setter = (ctx: VclContext, frame: Frame, v: unknown) => void;
const NOTHING: Fn = () => undefined;

interface Target { type: VclType; get: Get | null; set: Setter }

function resolveTarget(target: Identifier, s: SubScope): Target | null {
  const name = target.name;
  if (name.startsWith('var.')) {
    const local = s.locals.get(name);
    if (local === undefined) { s.internal(target, `${name} before its declare local`); return null; }
    const slot = local.slot;
    return { type: local.type, get: (_c, fr) => fr[slot], set: (_c, fr, v) => { fr[slot] = v; } };
  }
  const v = resolveVariable(name, s.unit.env);
  if (v === null || v.set === null) { s.internal(target, `setting ${name}`); return null; }
  return { type: v.type, get: v.get, set: v.set };
}

export function compileAssign(target: Identifier, op: AssignmentOperator, value: Expression, s: SubScope, node: Node): Fn {
  const t = resolveTarget(target, s);
  const v = compileExpr(value, s);
  if (t === null || v === POISON) return NOTHING;
  const set = t.set;
  if (op === '=') {
    const f = convert(v, t.type);
    if (f === null) { s.internal(value, `${v.type} assigned to ${target.name}, which is ${t.type}`); return NOTHING; }
    return (ctx, fr) => { set(ctx, fr, f(ctx, fr)); return undefined; };
  }
  const bad = (): Fn => { s.internal(node, `${op} on ${t.type}`); return NOTHING; };
  if (t.type === 'STRING' && op === '+=') {
    const add = asText(v);
    const get = t.get;
    // `set req.hash += x` has no getter: its setter appends.
    if (get === null) return (ctx, fr) => { set(ctx, fr, add(ctx, fr)); return undefined; };
    return (ctx, fr) => { set(ctx, fr, ((get(ctx, fr) as string | null) ?? '') + add(ctx, fr)); return undefined; };
  }
  if (t.get === null) return bad();
  const get = t.get as Eval<number>;
  if (t.type === 'BOOL' && (op === '&&=' || op === '||=')) {
    const b = convert(v, 'BOOL') as Eval<boolean>;
    const g = t.get as Eval<boolean>;
    if (op === '&&=') return (ctx, fr) => { set(ctx, fr, g(ctx, fr) && b(ctx, fr)); return undefined; };
    return (ctx, fr) => { set(ctx, fr, g(ctx, fr) || b(ctx, fr)); return undefined; };
  }
  if (t.type === 'TIME' && (op === '+=' || op === '-=') && v.type === 'RTIME') {
    const d = v.eval as Eval<number>;
    const sign = op === '+=' ? 1000 : -1000;
    return (ctx, fr) => { set(ctx, fr, get(ctx, fr) + sign * d(ctx, fr)); return undefined; };
  }
  const table = t.type === 'INTEGER' ? INTEGER_OPERATORS : t.type === 'FLOAT' || t.type === 'RTIME' ? FLOAT_OPERATORS : null;
  const fn = table?.[op];
  const rhs = convert(v, t.type === 'INTEGER' ? 'INTEGER' : 'FLOAT') as Eval<number> | null;
  if (fn === undefined || rhs === null) return bad();
  const divides = op === '/=' || op === '%=';
  return (ctx, fr) => {
    const b = rhs(ctx, fr);
    if (divides && b === 0) { ctx.fastlyError = 'EDOM'; return undefined; }
    set(ctx, fr, fn(get(ctx, fr), b));
    return undefined;
  };
}
