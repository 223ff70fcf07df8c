// Statements and blocks of the VCL parser (see parser.ts for the invariants every part keeps):
// recursive descent over Fastly's statements, each block's loop recovering at its own `;` or
// `}` after a syntax error. Declarations (parser.ts) build on `block` and `close`.
import type * as A from './ast.ts';
import { unclosedBlock } from './diagnostics.ts';
import { NO_COMMENTS } from './parser-cursor.ts';
import { CONCAT_PRECEDENCE, ExpressionParser } from './parser-expr.ts';
import { T, TOKEN_KINDS } from './token.ts';

/** Shared by every block without inner comments; AST arrays are read-only (ast.ts). */
const NO_INNER: readonly A.Comment[] = NO_COMMENTS.leading;

const K_IDENT = T.ident, K_MACRO = T.macro;
const K_LBRACE = T['{'], K_RBRACE = T['}'], K_LPAREN = T['('], K_RPAREN = T[')'], K_SEMI = T[';'];

const ASSIGNMENT_OPERATORS = new Uint8Array(TOKEN_KINDS.length);
for (const op of ['=', '+=', '-=', '*=', '/=', '%=', '|=', '&=', '^=', '<<=', '>>=', 'rol=', 'ror=', '&&=', '||='] as const) {
  ASSIGNMENT_OPERATORS[T[op]] = 1;
}

export class StatementParser extends ExpressionParser {
  /** Consumes the `}` matching `open`, or reports the block unclosed at end of file. */
  #close(open: number, what: string): { end: number; innerComments: readonly A.Comment[] } {
    const t = this.pos;
    if (this.kinds[t] === K_RBRACE) {
      const innerComments = this.claimBefore(this.starts[t]) ?? NO_INNER;
      this.next();
      return { end: this.ends[t], innerComments };
    }
    this.diags.push(unclosedBlock(this.src, this.starts[open], this.ends[open], what));
    return { end: this.prevEnd(), innerComments: this.claimBefore(this.text.length) ?? NO_INNER };
  }

  /**
   * `{ item … }`: runs `item` until the closing brace, each item's syntax error reported and
   * recovered from on its own, then consumes the `}` (or reports it missing).
   */
  protected braced(what: string, item: () => void): { start: number; end: number; innerComments: readonly A.Comment[] } {
    const open = this.expect(K_LBRACE);
    while (this.inBlock()) {
      const before = this.pos;
      try {
        item();
      } catch (e) {
        this.recover(e, before);
      }
    }
    const { end, innerComments } = this.#close(open, what);
    return { start: this.starts[open], end, innerComments };
  }

  /**
   * A whole text that is a list of statements (a VCL snippet of a subroutine type: Fastly puts
   * its content inside the subroutine), to the end of the file; a stray `}` is reported and skipped.
   */
  protected statementsToEnd(): A.Block {
    const statements: A.Statement[] = [];
    while (this.kind() !== T.eof) {
      const before = this.pos;
      try {
        if (this.kind() === K_RBRACE) this.fail('a statement');
        statements.push(this.#statement());
      } catch (e) {
        this.recover(e, before);
        if (this.pos === before) this.next();
      }
    }
    const innerComments = this.claimBefore(this.text.length) ?? NO_INNER;
    return { kind: 'Block', start: 0, end: this.text.length, statements, innerComments, comments: NO_COMMENTS };
  }

  protected block(what: string): A.Block {
    const statements: A.Statement[] = [];
    const { start, end, innerComments } = this.braced(what, () => statements.push(this.#statement()));
    return { kind: 'Block', start, end, statements, innerComments, comments: NO_COMMENTS };
  }

  #statement(): A.Statement {
    const lead = this.leading();
    const t = this.pos;
    const k = this.kinds[t];
    const start = this.starts[t];
    if (k === K_MACRO) {
      this.next();
      const end = this.prevEnd();
      return { kind: 'FastlyMacro', phase: this.stringOf(t), start, end, comments: this.finishComments(lead, end) };
    }
    if (k === K_LBRACE) {
      const b = this.block('block');
      return { kind: 'Block', start: b.start, end: b.end, statements: b.statements, innerComments: b.innerComments, comments: this.finishComments(lead, b.end) };
    }
    if (k !== K_IDENT) this.fail('a statement');
    const word = this.textOf(t);
    switch (word) {
      case 'set':
      case 'add': {
        this.next();
        const target = this.identifier('variable name');
        const op = this.kind();
        if (ASSIGNMENT_OPERATORS[op] === 0) this.fail('an assignment operator ("=", "+=", …)');
        this.next();
        const value = this.expression();
        this.expectSemicolon(`${word} statement`);
        const operator = TOKEN_KINDS[op] as A.AssignmentOperator;
        const end = this.prevEnd();
        const comments = this.finishComments(lead, end);
        return word === 'set'
          ? { kind: 'Set', target, operator, value, start, end, comments }
          : { kind: 'Add', target, operator, value, start, end, comments };
      }
      case 'unset':
      case 'remove': {
        this.next();
        const target = this.identifier('variable name');
        this.expectSemicolon(`${word} statement`);
        const end = this.prevEnd();
        return { kind: 'Unset', keyword: word, target, start, end, comments: this.finishComments(lead, end) };
      }
      case 'if': return this.#if(lead);
      case 'return': {
        this.next();
        let value: A.Expression | null = null;
        let parenthesized = false;
        if (this.kind() === K_LPAREN) {
          this.next();
          parenthesized = true;
          value = this.expression();
          this.expect(K_RPAREN);
        } else if (this.kind() !== K_SEMI) {
          value = this.expression();
        }
        this.expectSemicolon('return');
        const end = this.prevEnd();
        return { kind: 'Return', value, parenthesized, start, end, comments: this.finishComments(lead, end) };
      }
      case 'error': {
        this.next();
        let status: A.Expression | null = null;
        let message: A.Expression | null = null;
        if (this.kind() !== K_SEMI) {
          status = this.expression(CONCAT_PRECEDENCE + 1);
          if (this.kind() !== K_SEMI) message = this.expression();
        }
        this.expectSemicolon('error statement');
        const end = this.prevEnd();
        return { kind: 'Error', status, message, start, end, comments: this.finishComments(lead, end) };
      }
      case 'synthetic':
      case 'synthetic.base64': {
        this.next();
        const value = this.expression();
        this.expectSemicolon(`${word} statement`);
        const end = this.prevEnd();
        return { kind: 'Synthetic', base64: word === 'synthetic.base64', value, start, end, comments: this.finishComments(lead, end) };
      }
      case 'declare': {
        this.next();
        if (!this.isWord(this.pos, 'local')) this.fail('"local"');
        this.next();
        const name = this.identifier('variable name (var.…)');
        const type = this.identifier('type (STRING, INTEGER, BOOL, …)');
        this.expectSemicolon('declare statement');
        const end = this.prevEnd();
        return { kind: 'Declare', name, type, start, end, comments: this.finishComments(lead, end) };
      }
      case 'call': {
        this.next();
        const subroutine = this.identifier('subroutine name');
        this.expectSemicolon('call statement');
        const end = this.prevEnd();
        return { kind: 'Call', subroutine, start, end, comments: this.finishComments(lead, end) };
      }
      case 'log': {
        this.next();
        const value = this.expression();
        this.expectSemicolon('log statement');
        const end = this.prevEnd();
        return { kind: 'Log', value, start, end, comments: this.finishComments(lead, end) };
      }
      case 'restart':
      case 'esi': {
        this.next();
        this.expectSemicolon(`${word} statement`);
        const end = this.prevEnd();
        const comments = this.finishComments(lead, end);
        return word === 'restart' ? { kind: 'Restart', start, end, comments } : { kind: 'Esi', start, end, comments };
      }
      case 'goto': {
        this.next();
        const label = this.identifier('label name');
        this.expectSemicolon('goto statement');
        const end = this.prevEnd();
        return { kind: 'Goto', label, start, end, comments: this.finishComments(lead, end) };
      }
    }
    if (word.length > 1 && word.endsWith(':')) {
      this.next();
      const end = this.prevEnd();
      return { kind: 'Label', name: word.slice(0, -1), start, end, comments: this.finishComments(lead, end) };
    }
    if (this.kindAhead(1) === K_LPAREN) {
      const call = this.expression(CONCAT_PRECEDENCE + 1);
      if (call.kind !== 'FunctionCall') this.fail('a statement', t);
      this.expectSemicolon('function call');
      const end = this.prevEnd();
      return { kind: 'FunctionCallStatement', call, start, end, comments: this.finishComments(lead, end) };
    }
    return this.fail('a statement (set, unset, if, return, error, …)');
  }

  #if(lead: A.Comment[] | null): A.IfStatement {
    const start = this.starts[this.next()];
    const condition = this.#condition();
    const consequent = this.block('if block');
    const elseIfs: A.ElseIfClause[] = [];
    let alternate: A.ElseClause | null = null;
    for (;;) {
      const t = this.pos;
      if (this.kinds[t] !== K_IDENT) break;
      const word = this.textOf(t);
      const isElse = word === 'else';
      if (word === 'elsif' || word === 'elseif' || (isElse && this.isWord(Math.min(t + 1, this.last), 'if'))) {
        const clead = this.leading();
        this.next();
        if (isElse) this.next();
        const keyword = isElse ? 'else if' : word as 'elsif' | 'elseif';
        const cond = this.#condition();
        const body = this.block(`${keyword} block`);
        elseIfs.push({ kind: 'ElseIf', start: this.starts[t], end: body.end, keyword, condition: cond, body, comments: this.finishComments(clead, body.end) });
        continue;
      }
      if (isElse) {
        const clead = this.leading();
        this.next();
        const body = this.block('else block');
        alternate = { kind: 'Else', start: this.starts[t], end: body.end, body, comments: this.finishComments(clead, body.end) };
      }
      break;
    }
    const end = this.prevEnd();
    return { kind: 'If', start, end, condition, consequent, elseIfs, alternate, comments: this.finishComments(lead, end) };
  }

  #condition(): A.Expression {
    this.expect(K_LPAREN, '"(" before the condition');
    const c = this.expression();
    this.expect(K_RPAREN, '")" after the condition');
    return c;
  }
}
