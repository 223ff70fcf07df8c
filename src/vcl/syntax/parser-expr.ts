// VCL expressions: a Pratt loop over the token cursor with the precedence of docs/vcl.md,
// Expressions (lowest first): `||`, `&&`, `~ !~`, `== !=`, `< > <= >=`, concatenation
// (juxtaposition or `+`), prefix `! -`, call. The declaration and statement grammar (parser.ts)
// builds on it.
import type * as A from './ast.ts';
import { unexpectedToken } from './diagnostics.ts';
import { BAIL, NO_COMMENTS, TokenCursor } from './parser-cursor.ts';
import { T, TOKEN_KINDS } from './token.ts';

const K_IDENT = T.ident, K_STRING = T.string, K_INTEGER = T.integer, K_FLOAT = T.float;
const K_RTIME = T.rtime, K_PERCENT = T.percent;
const K_LPAREN = T['('], K_RPAREN = T[')'], K_COMMA = T[','], K_BANG = T['!'], K_MINUS = T['-'], K_PLUS = T['+'];
const K_LBRACE = T['{'], K_RBRACE = T['}'], K_SEMI = T[';'];

/** Binary operator precedence by token code; 0 for tokens that are not binary operators. */
const BINARY_PRECEDENCE = new Uint8Array(TOKEN_KINDS.length);
for (const [op, prec] of [['||', 1], ['&&', 2], ['~', 3], ['!~', 3], ['==', 4], ['!=', 4], ['<', 5], ['>', 5], ['<=', 5], ['>=', 5]] as const) {
  BINARY_PRECEDENCE[T[op]] = prec;
}
/** The operand of `!`: a comparison (`~`, `==`, `<` …) or anything tighter, never `&&`/`||`. */
const NOT_OPERAND_PRECEDENCE = 3;
/** Juxtaposition and `+`; a statement argument parsed above it stops before a concatenation. */
export const CONCAT_PRECEDENCE = 6;

/** Words that begin a statement; on a new line they end a juxtaposition concatenation. */
const STATEMENT_KEYWORDS: ReadonlySet<string> = new Set([
  'set', 'add', 'unset', 'remove', 'if', 'else', 'elsif', 'elseif', 'return', 'error', 'synthetic',
  'synthetic.base64', 'declare', 'call', 'log', 'restart', 'esi', 'goto',
]);

export class ExpressionParser extends TokenCursor {
  protected expression(minPrecedence = 1): A.Expression {
    let left = this.prefix();
    for (;;) {
      const k = this.kind();
      const prec = BINARY_PRECEDENCE[k];
      if (prec !== 0) {
        if (prec < minPrecedence) break;
        this.next();
        const right = this.expression(prec + 1);
        left = { kind: 'Binary', start: left.start, end: right.end, operator: TOKEN_KINDS[k] as A.BinaryOperator, left, right, comments: NO_COMMENTS };
        continue;
      }
      if (CONCAT_PRECEDENCE < minPrecedence || this.concatSeparator() === null) break;
      const parts: A.Expression[] = [left];
      const separators: A.ConcatSeparator[] = [];
      for (let sep = this.concatSeparator(); sep !== null; sep = this.concatSeparator()) {
        if (sep === '+') this.next();
        separators.push(sep);
        parts.push(this.prefix());
      }
      left = { kind: 'Concat', start: left.start, end: parts[parts.length - 1].end, parts, separators, comments: NO_COMMENTS };
    }
    return left;
  }

  /** `+`, or ' ' when the next token can start a juxtaposed operand, or null. */
  protected concatSeparator(): A.ConcatSeparator | null {
    const t = this.pos;
    switch (this.kinds[t]) {
      case K_PLUS: return '+';
      case K_STRING: case K_INTEGER: case K_FLOAT: case K_RTIME: case K_PERCENT: return ' ';
      case K_IDENT:
        if (!this.sameLineAsPrevious(t) && STATEMENT_KEYWORDS.has(this.textOf(t)) && !this.#ifExpressionAt(t)) return null;
        return ' ';
      default: return null;
    }
  }
  /**
   * Whether the `if` at token `t` is the if() expression, not an if statement: its parenthesised
   * part is followed by what continues an expression rather than by a `{` block. Fastly's own
   * generated VCL breaks a concatenation before `if(…, …, …)` (the Fastly-Debug-Path lines).
   */
  #ifExpressionAt(t: number): boolean {
    if (this.textOf(t) !== 'if' || this.kinds[t + 1] !== K_LPAREN) return false;
    let depth = 0;
    for (let i = t + 1; i <= this.last; i++) {
      const k = this.kinds[i];
      if (k === K_LPAREN) depth++;
      else if (k === K_RPAREN && --depth === 0) return this.kinds[i + 1] !== K_LBRACE;
      else if (k === K_LBRACE || k === K_RBRACE || k === K_SEMI) return false;
    }
    return false;
  }

  protected sameLineAsPrevious(t: number): boolean {
    const text = this.text;
    for (let i = this.prevEnd(), end = this.starts[t]; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) return false;
    }
    return true;
  }

  protected prefix(): A.Expression {
    const t = this.pos;
    const k = this.kinds[t];
    if (k === K_BANG) {
      this.next();
      // `!` negates a whole comparison, as in Varnish's grammar (vcc_expr.c: expr_not → '!'
      // expr_cmp), which Fastly's VCL keeps: `!beresp.http.Vary ~ "Accept-Encoding"` in Fastly's
      // generated gzip VCL means !(… ~ …). It binds tighter than && and ||.
      const operand = this.expression(NOT_OPERAND_PRECEDENCE);
      return { kind: 'Unary', start: this.starts[t], end: operand.end, operator: '!', operand, comments: NO_COMMENTS };
    }
    if (k === K_MINUS) {
      this.next();
      const operand = this.prefix();
      return { kind: 'Unary', start: this.starts[t], end: operand.end, operator: '-', operand, comments: NO_COMMENTS };
    }
    return this.primary();
  }

  protected primary(): A.Expression {
    const t = this.pos;
    const start = this.starts[t];
    const end = this.ends[t];
    switch (this.kinds[t]) {
      case K_STRING: this.next(); return { kind: 'String', start, end, value: this.stringOf(t), raw: this.textOf(t), comments: NO_COMMENTS };
      case K_INTEGER: this.next(); return { kind: 'Integer', start, end, value: this.values[t], raw: this.textOf(t), comments: NO_COMMENTS };
      case K_FLOAT: this.next(); return { kind: 'Float', start, end, value: this.values[t], raw: this.textOf(t), comments: NO_COMMENTS };
      case K_RTIME: this.next(); return { kind: 'Rtime', start, end, ms: this.values[t], raw: this.textOf(t), comments: NO_COMMENTS };
      case K_PERCENT: this.next(); return { kind: 'Percent', start, end, value: this.values[t], raw: this.textOf(t), comments: NO_COMMENTS };
      case K_LPAREN: {
        this.next();
        const expression = this.expression();
        const close = this.expect(K_RPAREN);
        return { kind: 'Group', start, end: this.ends[close], expression, comments: NO_COMMENTS };
      }
      case K_IDENT: {
        this.next();
        const name = this.textOf(t);
        if (this.kind() === K_LPAREN) return this.call(t, name);
        if (name === 'true' || name === 'false') return { kind: 'Boolean', start, end, value: name === 'true', comments: NO_COMMENTS };
        return { kind: 'Identifier', start, end, name, comments: NO_COMMENTS };
      }
      default:
        return this.fail('an expression');
    }
  }

  protected call(t: number, name: string): A.Expression {
    this.next();
    const args: A.Expression[] = [];
    if (this.kind() !== K_RPAREN) {
      for (;;) {
        args.push(this.expression());
        if (this.kind() !== K_COMMA) break;
        this.next();
      }
    }
    const close = this.expect(K_RPAREN, '"," or ")" in the argument list');
    const start = this.starts[t];
    const end = this.ends[close];
    if (name === 'if') {
      if (args.length !== 3) {
        this.diags.push(unexpectedToken(this.src, start, end, 'if(condition, then, else) with 3 arguments', `${args.length} argument${args.length === 1 ? '' : 's'}`));
        throw BAIL;
      }
      return { kind: 'IfExpression', start, end, condition: args[0], then: args[1], otherwise: args[2], comments: NO_COMMENTS };
    }
    const callee: A.Identifier = { kind: 'Identifier', start, end: this.ends[t], name, comments: NO_COMMENTS };
    return { kind: 'FunctionCall', start, end, callee, arguments: args, comments: NO_COMMENTS };
  }

  // ─── Leaves ──────────────────────────────────────────────────────────────────────────

  protected identifier(expected: string): A.Identifier {
    const t = this.expect(K_IDENT, expected);
    return { kind: 'Identifier', start: this.starts[t], end: this.ends[t], name: this.textOf(t), comments: NO_COMMENTS };
  }

  protected stringLiteral(expected: string): A.StringLiteral {
    const t = this.expect(K_STRING, expected);
    return { kind: 'String', start: this.starts[t], end: this.ends[t], value: this.stringOf(t), raw: this.textOf(t), comments: NO_COMMENTS };
  }
}
