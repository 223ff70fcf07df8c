// Golden-test helpers in the esbuild style: each takes source text and the expected output
// written as text, so a table of cases reads like a specification.
import assert from 'node:assert/strict';
import type * as A from '../../src/vcl/syntax/ast.ts';
import { lex } from '../../src/vcl/syntax/tokens.ts';
import { parse } from '../../src/vcl/syntax/parser.ts';
import { print } from '../../src/vcl/syntax/print.ts';

/** `kind text`, plus ` = value` when the token's value differs from its text. */
export function describeTokens(input: string): string[] {
  const { tokens } = lex(input);
  return tokens.filter((t) => t.kind !== 'eof').map((t) => {
    const text = input.slice(t.start, t.end);
    const head = t.kind === text ? t.kind : `${t.kind} ${text}`;
    return t.value === undefined || t.value === text ? head : `${head} = ${JSON.stringify(t.value)}`;
  });
}

export function expectTokens(input: string, expected: readonly string[]): void {
  assert.deepEqual(describeTokens(input), expected);
}

/** An expression as an S-expression: `(|| a (&& b c))`, `(concat "a" + b)`, `(call f x)`. */
export function sexpr(e: A.Expression): string {
  switch (e.kind) {
    case 'Identifier': return e.name;
    case 'String': case 'Integer': case 'Float': case 'Rtime': case 'Percent': return e.raw;
    case 'Boolean': return String(e.value);
    case 'Binary': return `(${e.operator} ${sexpr(e.left)} ${sexpr(e.right)})`;
    case 'Concat': return `(concat ${e.parts.map((p, i) => (i === 0 ? '' : e.separators[i - 1] === '+' ? '+ ' : '') + sexpr(p)).join(' ')})`;
    case 'Unary': return `(${e.operator} ${sexpr(e.operand)})`;
    case 'FunctionCall': return `(call ${[e.callee.name, ...e.arguments.map(sexpr)].join(' ')})`;
    case 'IfExpression': return `(if ${sexpr(e.condition)} ${sexpr(e.then)} ${sexpr(e.otherwise)})`;
    case 'Group': return `(group ${sexpr(e.expression)})`;
  }
}

/** Parses `input` as the value of a `set`, and compares its S-expression. */
export function expectParse(input: string, expected: string): void {
  const { ast, diagnostics } = parse(`sub s { set var.x = ${input}; }`);
  assert.deepEqual(diagnostics.map(formatShort), []);
  const sub = ast.declarations[0] as A.SubDeclaration;
  const set = sub.body.statements[0] as A.SetStatement;
  assert.equal(sexpr(set.value), expected);
}

export function expectPrinted(input: string, expected: string): void {
  const { ast, diagnostics } = parse(input);
  assert.deepEqual(diagnostics.map(formatShort), []);
  assert.equal(print(ast), expected);
}

export function formatShort(d: { line: number; col: number; severity: string; code: string; message: string }): string {
  return `${d.line}:${d.col} ${d.severity} ${d.code} ${d.message}`;
}

/** Every diagnostic of `input`, as `line:col severity code message`, in order. */
export function expectDiagnostic(input: string, ...expected: string[]): void {
  assert.deepEqual(parse(input).diagnostics.map(formatShort), expected);
}

/** The AST as plain data without offsets or file name, for structural comparison. */
export function withoutOffsets(node: unknown): unknown {
  return JSON.parse(JSON.stringify(node, (k, v: unknown) => (k === 'start' || k === 'end' || k === 'file' ? undefined : v)));
}
