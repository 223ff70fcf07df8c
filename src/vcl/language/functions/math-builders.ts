// How lacquer runs Fastly's math functions (functions/math.ts declares them): IEEE 754 doubles,
// as C's libm computes them. Fastly's rounding names follow its "Rounding modes" page:
// roundhalfup and roundhalfdown break ties towards +∞ and −∞, round breaks them away from zero,
// roundeven to the even neighbour.
//
// Source: https://www.fastly.com/documentation/reference/vcl/functions/math-trig/, …/math-rounding/,
// …/math-logexp/, …/floating-point-classifications/, and …/reference/vcl/rounding-modes/.
import type { Builder } from './define.ts';
import type { N } from './build.ts';

/** A function of one FLOAT. */
export const math1 = (fn: (x: number) => number | boolean): Builder => ([a]) => { const f = a as N; return (c, fr) => fn(f(c, fr)); };

export const ATAN2: Builder = ([y, x]) => { const f = y as N; const g = x as N; return (c, fr) => Math.atan2(f(c, fr), g(c, fr)); };

/** Round half away from zero (C's round). */
export const round = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));
/** Round half to even (C's rint in the default mode). */
export function roundEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
export const roundHalfUp = (x: number): number => Math.floor(x + 0.5);
export const roundHalfDown = (x: number): number => Math.ceil(x - 0.5);

/** C's fpclassify: normal means finite, non-zero and not subnormal. */
export const isSubnormal = (x: number): boolean => x !== 0 && Number.isFinite(x) && Math.abs(x) < 2.2250738585072014e-308;
export const isNormal = (x: number): boolean => Number.isFinite(x) && x !== 0 && !isSubnormal(x);
