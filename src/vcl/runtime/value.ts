// Compiled expressions and the conversions between VCL types.
//
// A compiled expression is a closure over the request's VclContext and the current
// subroutine's frame (its `declare local` slots). Conversions are chosen at compile time,
// so the closure that runs per request never inspects a type tag.
// Rules (https://www.fastly.com/documentation/reference/vcl/types/):
// - to STRING: INTEGER in decimal; FLOAT and RTIME with three decimals (RTIME in seconds:
//   `3.5d` → "302400.000"); TIME as an RFC 1123 date; BOOL as "1"/"0"; IP and BACKEND as text.
// - in a condition a STRING is true when it is set (`if (req.http.Cookie)`); numbers when
//   non-zero.
// - numeric assignments convert between INTEGER, FLOAT and RTIME; FLOAT → INTEGER rounds
//   to the nearest integer (Fastly, "Local variables", numeric variables); TIME and RTIME
//   convert into each other, keeping the count (language/types.ts isAssignable).
import type { VclContext } from '../compile/compiled.ts';
import type { VclType } from './types.ts';
import { isNumeric } from './types.ts';

/** Slots of one subroutine invocation's locals; slot 0 holds a typed sub's return value. */
export type Frame = unknown[];

export type Eval<T> = (ctx: VclContext, frame: Frame) => T;

export interface Compiled {
  readonly type: VclType;
  readonly eval: Eval<unknown>;
}

export function formatFloat(v: number): string {
  return v.toFixed(3);
}

export function formatTime(ms: number): string {
  // toUTCString is RFC 7231's IMF-fixdate, the same layout Fastly prints.
  return new Date(ms).toUTCString();
}

/** The STRING form of a value of type `t` (null stays null: not set). */
export function formatValue(t: VclType, v: unknown): string | null {
  switch (t) {
    case 'INTEGER': return String(v);
    case 'FLOAT': case 'RTIME': return formatFloat(v as number);
    case 'BOOL': return v ? '1' : '0';
    case 'TIME': return formatTime(v as number);
    case 'VOID': return null;
    default: return v as string | null; // STRING, HEADER, IP, BACKEND, ACL
  }
}

/** A closure giving the STRING form of `c`, without a per-call switch. */
export function asString(c: Compiled): Eval<string | null> {
  const f = c.eval;
  switch (c.type) {
    case 'INTEGER': return (ctx, fr) => String(f(ctx, fr));
    case 'FLOAT': case 'RTIME': return (ctx, fr) => (f(ctx, fr) as number).toFixed(3);
    case 'BOOL': return (ctx, fr) => (f(ctx, fr) ? '1' : '0');
    case 'TIME': return (ctx, fr) => formatTime(f(ctx, fr) as number);
    case 'VOID': return () => null;
    default: return f as Eval<string | null>; // STRING, HEADER, IP, BACKEND, ACL
  }
}

/** Concatenation operand: "not set" contributes nothing. */
export function asText(c: Compiled): Eval<string> {
  const s = asString(c);
  if (c.type === 'STRING' || c.type === 'IP' || c.type === 'BACKEND') return (ctx, fr) => s(ctx, fr) ?? '';
  return s as Eval<string>;
}

/** Truth of `c` in a condition. */
export function asBool(c: Compiled): Eval<boolean> {
  const f = c.eval;
  switch (c.type) {
    case 'BOOL': return f as Eval<boolean>;
    case 'INTEGER': case 'FLOAT': case 'RTIME': case 'TIME': return (ctx, fr) => (f(ctx, fr) as number) !== 0;
    default: return (ctx, fr) => f(ctx, fr) !== null;
  }
}

/**
 * A closure giving `c` converted to `target`, or null when VCL has no such conversion
 * (the checker reports it; the compiler refuses rather than guess).
 */
export function convert(c: Compiled, target: VclType): Eval<unknown> | null {
  if (c.type === target) return c.eval;
  const f = c.eval;
  if (target === 'STRING') return asString(c);
  if (target === 'BOOL') return asBool(c);
  if (target === 'INTEGER' && isNumeric(c.type)) return (ctx, fr) => Math.round(f(ctx, fr) as number);
  if ((target === 'FLOAT' || target === 'RTIME') && isNumeric(c.type)) return f;
  if (target === 'IP' && c.type === 'STRING') return f;
  if (target === 'TIME' && (c.type === 'INTEGER' || c.type === 'FLOAT' || c.type === 'RTIME')) return (ctx, fr) => (f(ctx, fr) as number) * 1000;
  // TIME counts milliseconds since the epoch, RTIME seconds: the same instant, as Fastly's
  // conversion between them keeps the nanosecond count.
  if (target === 'RTIME' && c.type === 'TIME') return (ctx, fr) => (f(ctx, fr) as number) / 1000;
  return null;
}
