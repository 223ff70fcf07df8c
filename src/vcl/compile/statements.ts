// Statement code generation. Each statement becomes `(ctx, frame) => Completion`:
// undefined to go on, an Action to end the vcl_* subroutine with it (also from inside a
// `call`ed custom sub, as in Fastly), RETURN to leave the current sub, or a goto signal
// that the enclosing block resolves to the label's position.
import { Buffer } from 'node:buffer';
import { STATUS_CODES } from 'node:http';
import type { AssignmentOperator, Block, Expression, Identifier, Statement } from '../syntax/ast.ts';
import type { Action } from './compiled.ts';
import type { Compiled, Eval, Frame } from '../runtime/value.ts';
import { asBool, asText, convert } from '../runtime/value.ts';
import type { VclType } from '../runtime/types.ts';
import { LOCAL_TYPES, zeroValue } from '../runtime/types.ts';
import { compileExpr, compileName, POISON } from './expr.ts';
import { resolveVariable } from './variables.ts';
import type { Completion, GotoSignal, SubScope } from './scope.ts';
import { RETURN } from './scope.ts';
import { ALLOWED_ACTIONS, macroStatements } from '../language/subroutines.ts';
import * as B from '../syntax/ast-build.ts';
import type { VclContext } from './compiled.ts';
import { compileAssign } from './assign.ts';

export type StatementFn = (ctx: VclContext, frame: Frame) => Completion;

/** Every action a run may end with: the language's (language/subroutines.ts). */
const ACTIONS: ReadonlySet<string> = new Set(Object.values(ALLOWED_ACTIONS).flatMap((set) => [...set]));
const NOTHING: StatementFn = () => undefined;

export function compileBlock(b: Block, s: SubScope): StatementFn {
  const fns = b.statements.map((st) => compileStatement(st, s));
  const labels = new Map<string, number>();
  b.statements.forEach((st, i) => { if (st.kind === 'Label') labels.set(st.name, i); });
  if (fns.length === 0) return NOTHING;
  if (fns.length === 1 && labels.size === 0) return fns[0];
  return (ctx, frame) => {
    for (let i = 0; i < fns.length; i++) {
      const r = fns[i](ctx, frame);
      if (r === undefined) continue;
      if (typeof r === 'object') {
        const at = labels.get(r.label);
        if (at !== undefined) { i = at; continue; }
      }
      return r;
    }
    return undefined;
  };
}

export function compileStatement(st: Statement, s: SubScope): StatementFn {
  switch (st.kind) {
    case 'Block': return compileBlock(st, s);
    case 'Set': return compileAssign(st.target, st.operator, st.value, s, st);
    case 'Add': return compileAdd(st.target, st.value, s);
    case 'Unset': return compileUnset(st.target, s);
    case 'If': return compileIf(st.condition, st.consequent, st.elseIfs.map((c) => [c.condition, c.body] as const), st.alternate?.body ?? null, s);
    case 'Return': return compileReturn(st.value, s, st);
    case 'Error': return compileError(st.status, st.message, s);
    case 'Synthetic': {
      const body = asText(compileExpr(st.value, s));
      if (st.base64) return (ctx, fr) => { ctx.syntheticBody = Buffer.from(body(ctx, fr), 'base64').toString('utf8'); return undefined; };
      return (ctx, fr) => { ctx.syntheticBody = body(ctx, fr); return undefined; };
    }
    case 'Declare': {
      const type = st.type.name.toUpperCase();
      if (!st.name.name.startsWith('var.') || !LOCAL_TYPES.has(type)) {
        s.internal(st, `declare local ${st.name.name} ${st.type.name}`);
        return NOTHING;
      }
      const { slot } = s.declare(st.name.name, type as VclType);
      const zero = zeroValue(type as VclType);
      return (_ctx, frame) => { frame[slot] = zero; return undefined; };
    }
    case 'Call': {
      const handle = s.unit.subs.get(st.subroutine.name);
      if (handle === undefined) { s.internal(st.subroutine, `call ${st.subroutine.name}`); return NOTHING; }
      // A custom sub's `return;` ends only that sub; an action ends the vcl_* sub too.
      return (ctx) => { const r = handle.fn!(ctx, null); return r === RETURN ? undefined : r; };
    }
    case 'Log': {
      const msg = asText(compileExpr(st.value, s));
      return (ctx, fr) => { ctx.log(msg(ctx, fr)); return undefined; };
    }
    case 'Restart': return () => 'restart';
    case 'Goto': {
      if (!s.labels.has(st.label.name)) { s.internal(st.label, `goto ${st.label.name}`); return NOTHING; }
      const signal: GotoSignal = { label: st.label.name };
      return () => signal;
    }
    case 'Label': return NOTHING;
    // In generated VCL the macro is already expanded in the text; unexpanded (a file linted or
    // compiled as written) it stands for the locals Fastly's code declares (language/subroutines.ts).
    case 'FastlyMacro': return compileBlock(B.block(macroStatements(st.phase)), s);
    case 'FunctionCallStatement': {
      const call = compileExpr(st.call, s).eval;
      return (ctx, fr) => { call(ctx, fr); return undefined; };
    }
    // Fastly's `esi;` is available everywhere but only effective in vcl_fetch, where it asks
    // for the object to be ESI-processed on delivery: what `set beresp.do_esi = true` does.
    // Elsewhere there is no backend response being decided, so it does nothing.
    case 'Esi': return (ctx) => {
      if (ctx.beresp !== null && ctx.resp === null) ctx.beresp.doEsi = true;
      return undefined;
    };
  }
}

function compileIf(cond: Expression, then: Block, elifs: readonly (readonly [Expression, Block])[], otherwise: Block | null, s: SubScope): StatementFn {
  const branches = [[cond, then] as const, ...elifs].map(([c, b]) => ({ test: asBool(compileExpr(c, s)), body: compileBlock(b, s) }));
  const alt = otherwise === null ? null : compileBlock(otherwise, s);
  if (branches.length === 1) {
    const { test, body } = branches[0];
    if (alt === null) return (ctx, fr) => (test(ctx, fr) ? body(ctx, fr) : undefined);
    return (ctx, fr) => (test(ctx, fr) ? body(ctx, fr) : alt(ctx, fr));
  }
  return (ctx, fr) => {
    for (let i = 0; i < branches.length; i++) if (branches[i].test(ctx, fr)) return branches[i].body(ctx, fr);
    return alt === null ? undefined : alt(ctx, fr);
  };
}

function compileReturn(value: Expression | null, s: SubScope, node: Statement): StatementFn {
  if (value === null) return () => RETURN;
  if (s.returnType !== null) {
    const v = compileExpr(value, s);
    const f = convert(v, s.returnType);
    if (f === null) { if (v !== POISON) s.internal(value, `returning ${v.type} from ${s.name}, which returns ${s.returnType}`); return NOTHING; }
    return (ctx, fr) => { fr[0] = f(ctx, fr); return RETURN; };
  }
  const inner = value.kind === 'Group' ? value.expression : value;
  if (inner.kind !== 'Identifier' || !ACTIONS.has(inner.name)) {
    s.internal(node, `this return in ${s.name}`);
    return NOTHING;
  }
  const action = inner.name as Action;
  return () => action;
}

/** `error [status] ["text"]`: a fresh synthetic object for vcl_error (Fastly `error` statement). */
function compileError(status: Expression | null, message: Expression | null, s: SubScope): StatementFn {
  let code: Eval<number> = () => 503;
  if (status !== null) {
    const c = compileExpr(status, s);
    const f = convert(c, 'INTEGER');
    if (f === null) { if (c !== POISON) s.internal(status, `an error status of type ${c.type}`); }
    else code = f as Eval<number>;
  }
  const text: Eval<string> | null = message === null ? null : asText(compileExpr(message, s));
  return (ctx, fr) => {
    const st = code(ctx, fr);
    const response = text === null ? (STATUS_CODES[st] ?? '') : text(ctx, fr);
    ctx.obj = { status: st, response, http: ctx.newHeaders(), ttl: 0, hits: 0, age: 0 };
    return 'error';
  };
}

function compileAdd(target: Identifier, value: Expression, s: SubScope): StatementFn {
  const v = resolveVariable(target.name, s.unit.env);
  if (v === null || v.add === null) { s.internal(target, `add ${target.name}`); return NOTHING; }
  const add = v.add;
  const c: Compiled = compileExpr(value, s);
  const f = convert(c, 'STRING')!;
  return (ctx, fr) => { add(ctx, fr, f(ctx, fr)); return undefined; };
}

function compileUnset(target: Identifier, s: SubScope): StatementFn {
  if (target.name.startsWith('var.')) {
    const r = compileName(target.name, target, s);
    if (r === POISON) return NOTHING;
    const { slot, type } = s.locals.get(target.name)!;
    const zero = zeroValue(type);
    return (_ctx, frame) => { frame[slot] = zero; return undefined; };
  }
  const v = resolveVariable(target.name, s.unit.env);
  if (v === null || v.unset === null) { s.internal(target, `unset ${target.name}`); return NOTHING; }
  const unset = v.unset;
  return (ctx, fr) => { unset(ctx, fr); return undefined; };
}

export type { AssignmentOperator };
