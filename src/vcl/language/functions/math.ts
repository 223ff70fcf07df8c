// Fastly's math functions (trigonometry, rounding, logarithms, floating-point classes), from
// the function reference (https://www.fastly.com/documentation/reference/vcl/functions/math-trig/,
// …/math-rounding/, …/math-logexp/, …/floating-point-classifications/). define.ts explains an entry.
import { a, f } from './define.ts';
import type { FunctionSpec } from './define.ts';

export const MATH: readonly FunctionSpec[] = [
  // ── math-trig ──
  f('math.acos', 'FLOAT', [a('x', 'FLOAT')]),
  f('math.acosh', 'FLOAT', [a('x', 'FLOAT')]),
  f('math.asin', 'FLOAT', [a('x', 'FLOAT')]),
  f('math.asinh', 'FLOAT', [a('x', 'FLOAT')]),
  f('math.atan', 'FLOAT', [a('x', 'FLOAT')]),
  f('math.atan2', 'FLOAT', [a('y', 'FLOAT'), a('x', 'FLOAT')]),
  f('math.atanh', 'FLOAT', [a('x', 'FLOAT')]),
  f('math.cos', 'FLOAT', [a('x', 'FLOAT')]),
  f('math.cosh', 'FLOAT', [a('x', 'FLOAT')]),
  f('math.sin', 'FLOAT', [a('x', 'FLOAT')]),
  f('math.sinh', 'FLOAT', [a('x', 'FLOAT')]),
  f('math.tan', 'FLOAT', [a('x', 'FLOAT')]),
  f('math.sqrt', 'FLOAT', [a('x', 'FLOAT')]),
  f('math.tanh', 'FLOAT', [a('x', 'FLOAT')]),
  // ── floating-point-classifications ──
  f('math.is_finite', 'BOOL', [a('x', 'FLOAT')]),
  f('math.is_subnormal', 'BOOL', [a('x', 'FLOAT')]),
  f('math.is_nan', 'BOOL', [a('x', 'FLOAT')]),
  f('math.is_normal', 'BOOL', [a('x', 'FLOAT')]),
  f('math.is_infinite', 'BOOL', [a('x', 'FLOAT')]),
  // ── math-rounding ──
  f('math.roundeven', 'FLOAT', [a('x', 'FLOAT')]),
  f('math.ceil', 'FLOAT', [a('x', 'FLOAT')]),
  f('math.floor', 'FLOAT', [a('x', 'FLOAT')]),
  f('math.trunc', 'FLOAT', [a('x', 'FLOAT')]),
  f('math.round', 'FLOAT', [a('x', 'FLOAT')]),
  f('math.roundhalfup', 'FLOAT', [a('x', 'FLOAT')]),
  f('math.roundhalfdown', 'FLOAT', [a('x', 'FLOAT')]),
  // ── math-logexp ──
  f('math.exp', 'FLOAT', [a('x', 'FLOAT')]),
  f('math.exp2', 'FLOAT', [a('x', 'FLOAT')]),
  f('math.log', 'FLOAT', [a('x', 'FLOAT')]),
  f('math.log2', 'FLOAT', [a('x', 'FLOAT')]),
  f('math.log10', 'FLOAT', [a('x', 'FLOAT')]),
];
