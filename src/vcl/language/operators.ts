// VCL's operators, declared once: which compound assignments apply to which target type and
// what each computes, and which comparison operators apply to which operand types. The checker
// allows exactly these; the compiler runs these functions (compile/assign.ts, compile/expr.ts).
//
// Source: Fastly's `set` statement (https://www.fastly.com/documentation/reference/vcl/statements/set/)
// and operators reference (https://www.fastly.com/documentation/reference/vcl/operators/).
// INTEGER arithmetic truncates toward zero like C and is 64-bit for the bit operators; division
// or remainder by zero is the compiler's concern (it leaves the target unchanged, fastly.error EDOM).
import type { AssignmentOperator } from '../syntax/ast.ts';
import type { VclType } from './types.ts';

type Arith = (a: number, b: number) => number;

/** 64-bit rotation (Fastly `rol=` / `ror=`). */
function rotate(a: number, by: number): number {
  const n = ((by % 64) + 64) % 64;
  const x = BigInt.asUintN(64, BigInt(a));
  return Number(BigInt.asIntN(64, BigInt.asUintN(64, (x << BigInt(n)) | (x >> BigInt(64 - n)))));
}

/** Compound assignments to an INTEGER, by operator. */
export const INTEGER_OPERATORS: Readonly<Partial<Record<AssignmentOperator, Arith>>> = {
  '+=': (a, b) => a + b, '-=': (a, b) => a - b, '*=': (a, b) => a * b,
  '/=': (a, b) => Math.trunc(a / b), '%=': (a, b) => a % b,
  '|=': (a, b) => Number(BigInt(a) | BigInt(b)), '&=': (a, b) => Number(BigInt(a) & BigInt(b)),
  '^=': (a, b) => Number(BigInt(a) ^ BigInt(b)),
  '<<=': (a, b) => Number(BigInt.asIntN(64, BigInt(a) << BigInt(b))),
  '>>=': (a, b) => Number(BigInt(a) >> BigInt(b)),
  'rol=': (a, b) => rotate(a, b), 'ror=': (a, b) => rotate(a, -b),
};

/** Compound assignments to a FLOAT or an RTIME, by operator. */
export const FLOAT_OPERATORS: Readonly<Partial<Record<AssignmentOperator, Arith>>> = {
  '+=': (a, b) => a + b, '-=': (a, b) => a - b, '*=': (a, b) => a * b, '/=': (a, b) => a / b, '%=': (a, b) => a % b,
};

const isNumber = (t: VclType): boolean => t === 'INTEGER' || t === 'FLOAT' || t === 'RTIME';

/**
 * Whether `set TARGET OP value` is VCL, for a compound OP: `+=` appends to a STRING, numbers take
 * arithmetic from numbers, a BOOL takes `&&=`/`||=`, a TIME moves by an RTIME with `+=`/`-=`.
 */
export function compoundApplies(target: VclType, op: AssignmentOperator, value: VclType): boolean {
  switch (target) {
    case 'STRING': case 'HEADER': return op === '+=' && value !== 'VOID';
    case 'INTEGER': return INTEGER_OPERATORS[op] !== undefined && isNumber(value);
    case 'FLOAT': case 'RTIME': return FLOAT_OPERATORS[op] !== undefined && isNumber(value);
    case 'BOOL': return (op === '&&=' || op === '||=') && value !== 'VOID';
    case 'TIME': return (op === '+=' || op === '-=') && value === 'RTIME';
    default: return false;
  }
}

/** Whether `<`, `>`, `<=` or `>=` compares two operands: numbers and times only. */
export function ordered(left: VclType, right: VclType): boolean {
  const ok = (t: VclType): boolean => isNumber(t) || t === 'TIME';
  return ok(left) && ok(right);
}
