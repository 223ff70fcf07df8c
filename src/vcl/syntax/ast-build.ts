// Constructors of syntax-tree nodes for code that writes VCL instead of parsing it (the
// generator of API objects, src/model/generate.ts). Built nodes have no source: offsets are 0
// and no comments are attached, so ./print.ts prints them in its canonical form.
//
// Literals get their `raw` text here, from the value: strings by `quoteString` (the one
// quoting rule, ./print.ts), durations by `formatRtime` (./rtime.ts). Nothing else makes the
// text of a value, so a built tree prints to VCL that parses back to the same values.
import type * as A from './ast.ts';
import { quoteString } from './print.ts';
import { formatRtime } from './rtime.ts';

const NO_COMMENTS: A.NodeComments = { leading: [], trailing: null };
const at = { start: 0, end: 0, comments: NO_COMMENTS } as const;

/** A value no VCL string literal can hold (see `quoteString`). */
export class UnprintableStringError extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(`not printable as a VCL string: ${reason}`);
    this.name = 'UnprintableStringError';
    this.reason = reason;
  }
}

export function ident(name: string): A.Identifier {
  return { kind: 'Identifier', name, ...at };
}

/** A string literal holding exactly `value`; throws UnprintableStringError when none can. */
export function str(value: string): A.StringLiteral {
  const quoted = quoteString(value);
  if (!quoted.ok) throw new UnprintableStringError(quoted.reason);
  return { kind: 'String', value, raw: quoted.raw, ...at };
}

export function int(value: number): A.IntegerLiteral {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer: ${value}`);
  return { kind: 'Integer', value, raw: String(value), ...at };
}

export function bool(value: boolean): A.BooleanLiteral {
  return { kind: 'Boolean', value, ...at };
}

/** A duration given in milliseconds, written in its shortest exact unit. */
export function rtime(ms: number): A.RtimeLiteral {
  return { kind: 'Rtime', ms, raw: formatRtime(ms), ...at };
}

export function percent(value: number): A.PercentLiteral {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer percentage: ${value}`);
  return { kind: 'Percent', value, raw: `${value}%`, ...at };
}

/** Adjacent literals, `"a" "b"`: a probe's request lines. */
export function lines(parts: readonly A.Expression[]): A.Expression {
  if (parts.length === 1) return parts[0];
  return { kind: 'Concat', parts, separators: parts.slice(1).map(() => ' ' as const), ...at };
}

export function not(operand: A.Expression): A.UnaryExpression {
  return { kind: 'Unary', operator: '!', operand, ...at };
}

/** `a OP b OP c …`, grouped from the left as the parser groups it. */
export function binary(operator: A.BinaryOperator, operands: readonly [A.Expression, ...A.Expression[]]): A.Expression {
  const [first, ...rest] = operands;
  return rest.reduce<A.Expression>((left, right) => ({ kind: 'Binary', operator, left, right, ...at }), first);
}

export function property(name: string, value: A.Expression | A.ObjectValue): A.Property {
  return { kind: 'Property', name: ident(name), value, ...at };
}

export function object(properties: readonly A.Property[]): A.ObjectValue {
  return { kind: 'Object', properties, innerComments: [], ...at };
}

export function backend(name: string, properties: readonly A.Property[]): A.BackendDeclaration {
  return { kind: 'Backend', name: ident(name), properties, innerComments: [], ...at };
}

export function director(name: string, type: string, properties: readonly A.Property[], members: readonly A.DirectorMember[]): A.DirectorDeclaration {
  return { kind: 'Director', name: ident(name), type: ident(type), properties, members, innerComments: [], ...at };
}

export function member(properties: readonly A.Property[]): A.DirectorMember {
  return { kind: 'DirectorMember', properties, innerComments: [], ...at };
}

export function set(target: string, value: A.Expression, operator: A.AssignmentOperator = '='): A.SetStatement {
  return { kind: 'Set', target: ident(target), operator, value, ...at };
}

/** `declare local NAME TYPE;` */
export function declare(name: string, type: string): A.DeclareStatement {
  return { kind: 'Declare', name: ident(name), type: ident(type), ...at };
}

export function block(statements: readonly A.Statement[]): A.Block {
  return { kind: 'Block', statements, innerComments: [], ...at };
}

export function ifThen(condition: A.Expression, statements: readonly A.Statement[]): A.IfStatement {
  return { kind: 'If', condition, consequent: block(statements), elseIfs: [], alternate: null, ...at };
}

/** `return(action);` */
export function returnAction(action: string): A.ReturnStatement {
  return { kind: 'Return', value: ident(action), parenthesized: true, ...at };
}

export function macro(phase: string): A.FastlyMacro {
  return { kind: 'FastlyMacro', phase, ...at };
}

export function sub(name: string, statements: readonly A.Statement[]): A.SubDeclaration {
  return { kind: 'Sub', name: ident(name), returnType: null, body: block(statements), ...at };
}

/** A `# …` comment line; its text is ours (never a value from outside), one line. */
export function lineComment(text: string): A.Comment {
  if (/[\r\n]/.test(text)) throw new RangeError('a line comment is one line');
  return { kind: 'Comment', start: 0, end: 0, text: `# ${text}` };
}

export function file(name: string, declarations: readonly A.Declaration[], endComments: readonly A.Comment[] = []): A.VclFile {
  return { kind: 'File', file: name, declarations, endComments, ...at };
}

/** `( expr )`: keeps an operand whole inside a larger expression, whatever its operators. */
export function group(expression: A.Expression): A.GroupExpression {
  return { kind: 'Group', expression, ...at };
}

/** `name(args…)` */
export function call(name: string, args: readonly A.Expression[]): A.CallExpression {
  return { kind: 'FunctionCall', callee: ident(name), arguments: args, ...at };
}

export function unset(target: string): A.UnsetStatement {
  return { kind: 'Unset', keyword: 'unset', target: ident(target), ...at };
}

/** `error STATUS "message";` */
export function error(status: number, message: string): A.ErrorStatement {
  return { kind: 'Error', status: int(status), message: str(message), ...at };
}

/** `synthetic EXPR;` */
export function synthetic(value: A.Expression): A.SyntheticStatement {
  return { kind: 'Synthetic', base64: false, value, ...at };
}

export function restart(): A.RestartStatement {
  return { kind: 'Restart', ...at };
}

/** `if (c) { … } else { … }` */
export function ifElse(condition: A.Expression, statements: readonly A.Statement[], otherwise: readonly A.Statement[]): A.IfStatement {
  return { ...ifThen(condition, statements), alternate: { kind: 'Else', body: block(otherwise), ...at } };
}
