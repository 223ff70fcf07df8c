// Fastly's math functions (trigonometry, rounding, logarithms, floating-point classes), from
// the function reference (https://www.fastly.com/documentation/reference/vcl/functions/math-trig/,
// …/math-rounding/, …/math-logexp/, …/floating-point-classifications/). define.ts explains an entry.
import { a, f } from './define.ts';
import type { FunctionSpec } from './define.ts';
import { ATAN2, isNormal, isSubnormal, math1, round, roundEven, roundHalfDown, roundHalfUp } from './math-builders.ts';

export const MATH: readonly FunctionSpec[] = [
  // ── math-trig ──
  f('math.acos', 'FLOAT', [a('x', 'FLOAT')], math1(Math.acos)),
  f('math.acosh', 'FLOAT', [a('x', 'FLOAT')], math1(Math.acosh)),
  f('math.asin', 'FLOAT', [a('x', 'FLOAT')], math1(Math.asin)),
  f('math.asinh', 'FLOAT', [a('x', 'FLOAT')], math1(Math.asinh)),
  f('math.atan', 'FLOAT', [a('x', 'FLOAT')], math1(Math.atan)),
  f('math.atan2', 'FLOAT', [a('y', 'FLOAT'), a('x', 'FLOAT')], ATAN2),
  f('math.atanh', 'FLOAT', [a('x', 'FLOAT')], math1(Math.atanh)),
  f('math.cos', 'FLOAT', [a('x', 'FLOAT')], math1(Math.cos)),
  f('math.cosh', 'FLOAT', [a('x', 'FLOAT')], math1(Math.cosh)),
  f('math.sin', 'FLOAT', [a('x', 'FLOAT')], math1(Math.sin)),
  f('math.sinh', 'FLOAT', [a('x', 'FLOAT')], math1(Math.sinh)),
  f('math.tan', 'FLOAT', [a('x', 'FLOAT')], math1(Math.tan)),
  f('math.sqrt', 'FLOAT', [a('x', 'FLOAT')], math1(Math.sqrt)),
  f('math.tanh', 'FLOAT', [a('x', 'FLOAT')], math1(Math.tanh)),
  // ── floating-point-classifications ──
  f('math.is_finite', 'BOOL', [a('x', 'FLOAT')], math1(Number.isFinite)),
  f('math.is_subnormal', 'BOOL', [a('x', 'FLOAT')], math1(isSubnormal)),
  f('math.is_nan', 'BOOL', [a('x', 'FLOAT')], math1(Number.isNaN)),
  f('math.is_normal', 'BOOL', [a('x', 'FLOAT')], math1(isNormal)),
  f('math.is_infinite', 'BOOL', [a('x', 'FLOAT')], math1((x) => x === Infinity || x === -Infinity)),
  // ── math-rounding ──
  f('math.roundeven', 'FLOAT', [a('x', 'FLOAT')], math1(roundEven)),
  f('math.ceil', 'FLOAT', [a('x', 'FLOAT')], math1(Math.ceil)),
  f('math.floor', 'FLOAT', [a('x', 'FLOAT')], math1(Math.floor)),
  f('math.trunc', 'FLOAT', [a('x', 'FLOAT')], math1(Math.trunc)),
  f('math.round', 'FLOAT', [a('x', 'FLOAT')], math1(round)),
  f('math.roundhalfup', 'FLOAT', [a('x', 'FLOAT')], math1(roundHalfUp)),
  f('math.roundhalfdown', 'FLOAT', [a('x', 'FLOAT')], math1(roundHalfDown)),
  // ── math-logexp ──
  f('math.exp', 'FLOAT', [a('x', 'FLOAT')], math1(Math.exp)),
  f('math.exp2', 'FLOAT', [a('x', 'FLOAT')], math1((x) => 2 ** x)),
  f('math.log', 'FLOAT', [a('x', 'FLOAT')], math1(Math.log)),
  f('math.log2', 'FLOAT', [a('x', 'FLOAT')], math1(Math.log2)),
  f('math.log10', 'FLOAT', [a('x', 'FLOAT')], math1(Math.log10)),
];
