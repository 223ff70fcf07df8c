// Expression nodes of the VCL syntax tree. The invariants in ./ast.ts hold here too; ./ast.ts
// re-exports every type of this file, so consumers import the whole tree from there.
import type { NodeBase } from './ast.ts';

export type Expression =
  | Identifier
  | StringLiteral
  | IntegerLiteral
  | FloatLiteral
  | RtimeLiteral
  | PercentLiteral
  | BooleanLiteral
  | BinaryExpression
  | ConcatExpression
  | UnaryExpression
  | CallExpression
  | IfExpression
  | GroupExpression;

/** A name as written: a variable, header, backend, director, table, ACL, action or constant. */
export interface Identifier extends NodeBase {
  readonly kind: 'Identifier';
  readonly name: string;
}

export interface StringLiteral extends NodeBase {
  readonly kind: 'String';
  /** Decoded: `%XX` / `%uXXXX` / `%u{X…}` escapes applied in "…" strings; long strings verbatim. */
  readonly value: string;
  /** As written, quotes and delimiters included: `"a%20b"`, `{"…"}`, `{EOF"…"EOF}`. */
  readonly raw: string;
}

export interface IntegerLiteral extends NodeBase {
  readonly kind: 'Integer';
  readonly value: number;
  /** As written (`0x1F`, `200`). */
  readonly raw: string;
}

export interface FloatLiteral extends NodeBase {
  readonly kind: 'Float';
  readonly value: number;
  readonly raw: string;
}

/** `10ms`, `1.5m`, `2 h`: a relative time. */
export interface RtimeLiteral extends NodeBase {
  readonly kind: 'Rtime';
  /** Milliseconds. */
  readonly ms: number;
  readonly raw: string;
}

/** `50%` (director `.quorum`). */
export interface PercentLiteral extends NodeBase {
  readonly kind: 'Percent';
  readonly value: number;
  readonly raw: string;
}

/** `true` / `false`. */
export interface BooleanLiteral extends NodeBase {
  readonly kind: 'Boolean';
  readonly value: boolean;
}

export type BinaryOperator = '||' | '&&' | '~' | '!~' | '==' | '!=' | '<' | '>' | '<=' | '>=';

export interface BinaryExpression extends NodeBase {
  readonly kind: 'Binary';
  readonly operator: BinaryOperator;
  readonly left: Expression;
  readonly right: Expression;
}

/** How two parts of a concatenation were joined: `+` or plain juxtaposition. */
export type ConcatSeparator = '+' | ' ';

/** `"a" req.http.X + "b"` — flattened; `separators[i]` joins `parts[i]` and `parts[i + 1]`. */
export interface ConcatExpression extends NodeBase {
  readonly kind: 'Concat';
  readonly parts: readonly Expression[];
  readonly separators: readonly ConcatSeparator[];
}

export interface UnaryExpression extends NodeBase {
  readonly kind: 'Unary';
  readonly operator: '!' | '-';
  readonly operand: Expression;
}

/** `std.tolower(req.url)`. */
export interface CallExpression extends NodeBase {
  readonly kind: 'FunctionCall';
  readonly callee: Identifier;
  readonly arguments: readonly Expression[];
}

/** `if(cond, then, else)` — Fastly's ternary. */
export interface IfExpression extends NodeBase {
  readonly kind: 'IfExpression';
  readonly condition: Expression;
  readonly then: Expression;
  readonly otherwise: Expression;
}

/** `( expr )` as written, kept so the printer reproduces the author's grouping. */
export interface GroupExpression extends NodeBase {
  readonly kind: 'Group';
  readonly expression: Expression;
}
