// The VCL parser: tokens → typed AST (ast.ts) plus diagnostics. Recursive descent for
// declarations and statements, a Pratt loop for expressions with the precedence of issue 2
// §3 (lowest first): `||`, `&&`, `~ !~`, `== !=`, `< > <= >=`, concatenation (juxtaposition
// or `+`), prefix `! -`, call.
//
// Invariants:
// - `parse` never throws. A syntax error records a diagnostic and unwinds (via the private
//   BAIL sentinel) to the nearest statement, property or declaration loop, which
//   resynchronises at the next `;` or `}` at its own brace depth and goes on, so one run
//   reports every independent error. Every loop consumes a token per turn, so it ends.
// - Comments are held apart from the token stream and claimed in source order (see ast.ts):
//   a comment-bearing node claims those before its first token as leading, those inside it
//   that no child claimed, and one comment on its last line as trailing.
// - Tokens are read by index from the scanner's typed arrays (lexer.ts TokenStream): a token
//   is a number here, and text is sliced only where a node keeps it (names, raw literals).
// - The cursor, error recovery and comment claiming live in parser-cursor.ts (TokenCursor),
//   expressions in parser-expr.ts (ExpressionParser); this file is declarations and statements.
import type * as A from './ast.ts';
import type { Diagnostic } from './diagnostics.ts';
import {
  macroOutsideSub, unclosedBlock, unknownDeclaration,
} from './diagnostics.ts';
import { scan } from './lexer.ts';
import { BAIL, NO_COMMENTS } from './parser-cursor.ts';
import { CONCAT_PRECEDENCE, ExpressionParser } from './parser-expr.ts';
import { SourceFile } from './source.ts';
import { T, TOKEN_KINDS } from './token.ts';

export interface ParseResult {
  readonly ast: A.VclFile;
  readonly source: SourceFile;
  readonly diagnostics: Diagnostic[];
}

export function parse(text: string, file = '<input>'): ParseResult {
  const source = new SourceFile(file, text);
  const stream = scan(source);
  const parser = new Parser(stream);
  return { ast: parser.parseFile(), source, diagnostics: stream.diagnostics };
}

/** Shared by every block without inner comments; AST arrays are read-only (ast.ts). */
const NO_INNER: readonly A.Comment[] = NO_COMMENTS.leading;

const K_EOF = T.eof, K_IDENT = T.ident, K_INTEGER = T.integer, K_MACRO = T.macro, K_DIRECTIVE = T.directive;
const K_LBRACE = T['{'], K_RBRACE = T['}'], K_LPAREN = T['('], K_RPAREN = T[')'], K_SEMI = T[';'];
const K_COMMA = T[','], K_COLON = T[':'], K_DOT = T['.'], K_SLASH = T['/'], K_BANG = T['!'], K_ASSIGN = T['='];


const ASSIGNMENT_OPERATORS = new Uint8Array(TOKEN_KINDS.length);
for (const op of ['=', '+=', '-=', '*=', '/=', '%=', '|=', '&=', '^=', '<<=', '>>=', 'rol=', 'ror=', '&&=', '||='] as const) {
  ASSIGNMENT_OPERATORS[T[op]] = 1;
}


class Parser extends ExpressionParser {
  // ─── File and declarations ───────────────────────────────────────────────────────────

  parseFile(): A.VclFile {
    const declarations: A.Declaration[] = [];
    while (this.kind() !== K_EOF) {
      const before = this.pos;
      try {
        declarations.push(this.#declaration());
      } catch (e) {
        this.recover(e, before);
        if (this.pos === before) this.next(); // a stray `}` at top level
      }
    }
    const endComments = this.claimBefore(Infinity) ?? [];
    return { kind: 'File', start: 0, end: this.text.length, comments: NO_COMMENTS, file: this.src.name, declarations, endComments };
  }

  #declaration(): A.Declaration {
    const lead = this.leading();
    const t = this.pos;
    const k = this.kinds[t];
    const start = this.starts[t];
    const tEnd = this.ends[t];
    if (k === K_DIRECTIVE) {
      this.next();
      return { kind: 'Directive', start, end: tEnd, name: this.stringOf(t) === 'W!' ? 'W!' : 'C!', comments: this.finishComments(lead, tEnd) };
    }
    if (k === K_MACRO) {
      this.next();
      this.diags.push(macroOutsideSub(this.src, start, tEnd, this.stringOf(t)));
      throw BAIL;
    }
    if (k !== K_IDENT) {
      this.diags.push(unknownDeclaration(this.src, start, tEnd, this.describe(t)));
      throw BAIL;
    }
    switch (this.textOf(t)) {
      case 'backend': {
        this.next();
        const name = this.identifier('backend name');
        const { properties, innerComments, end } = this.#propertyBlock('backend');
        return { kind: 'Backend', start, end, name, properties, innerComments, comments: this.finishComments(lead, end) };
      }
      case 'director': return this.#director(lead);
      case 'table': return this.#table(lead);
      case 'acl': return this.#acl(lead);
      case 'sub': {
        this.next();
        const name = this.identifier('subroutine name');
        const returnType = this.kind() === K_IDENT ? this.identifier('return type') : null;
        const body = this.#block('subroutine');
        return { kind: 'Sub', start, end: body.end, name, returnType, body, comments: this.finishComments(lead, body.end) };
      }
      case 'include': {
        this.next();
        const path = this.stringLiteral('file name string');
        this.expectSemicolon('include');
        const end = this.prevEnd();
        return { kind: 'Include', start, end, path, comments: this.finishComments(lead, end) };
      }
      case 'import': {
        this.next();
        const name = this.identifier('module name');
        this.expectSemicolon('import');
        const end = this.prevEnd();
        return { kind: 'Import', start, end, name, comments: this.finishComments(lead, end) };
      }
      case 'pragma': {
        this.next();
        const words: string[] = [];
        // A pragma is one line (Fastly writes one per line); a missing `;` is reported at
        // its end instead of swallowing the next line.
        for (let w = this.pos; this.kinds[w] !== K_SEMI && this.kinds[w] !== K_EOF && this.sameLineAsPrevious(w); w = this.pos) {
          words.push(this.textOf(this.next()));
        }
        this.expectSemicolon('pragma');
        const end = this.prevEnd();
        return { kind: 'Pragma', start, end, words, comments: this.finishComments(lead, end) };
      }
      default:
        this.diags.push(unknownDeclaration(this.src, start, tEnd, this.describe(t)));
        throw BAIL;
    }
  }

  #director(lead: A.Comment[] | null): A.DirectorDeclaration {
    const start = this.starts[this.next()];
    const name = this.identifier('director name');
    const type = this.identifier('director type (random, fallback, hash, client or chash)');
    const open = this.expect(K_LBRACE);
    const properties: A.Property[] = [];
    const members: A.DirectorMember[] = [];
    while (this.inBlock()) {
      const before = this.pos;
      try {
        if (this.kind() === K_LBRACE) members.push(this.#directorMember());
        else properties.push(this.#property());
      } catch (e) {
        this.recover(e, before);
      }
    }
    const { end, innerComments } = this.#close(open, 'director');
    return { kind: 'Director', start, end, name, type, properties, members, innerComments, comments: this.finishComments(lead, end) };
  }

  #directorMember(): A.DirectorMember {
    const lead = this.leading();
    const start = this.starts[this.pos];
    const { properties, innerComments, end } = this.#propertyBlock('director member');
    return { kind: 'DirectorMember', start, end, properties, innerComments, comments: this.finishComments(lead, end) };
  }

  #table(lead: A.Comment[] | null): A.TableDeclaration {
    const start = this.starts[this.next()];
    const name = this.identifier('table name');
    const type = this.kind() === K_IDENT ? this.identifier('table type') : null;
    const open = this.expect(K_LBRACE);
    const entries: A.TableEntry[] = [];
    while (this.inBlock()) {
      const before = this.pos;
      try {
        entries.push(this.#tableEntry());
      } catch (e) {
        this.recover(e, before);
      }
    }
    const { end, innerComments } = this.#close(open, 'table');
    return { kind: 'Table', start, end, name, type, entries, innerComments, comments: this.finishComments(lead, end) };
  }

  #tableEntry(): A.TableEntry {
    const lead = this.leading();
    const key = this.stringLiteral('table key string');
    this.expect(K_COLON);
    // Table values are single literals or names; no concatenation, so a missing comma
    // is reported at the next key rather than swallowed into the value.
    const value = this.expression(CONCAT_PRECEDENCE + 1);
    if (this.kind() === K_COMMA) this.next();
    else if (this.kind() !== K_RBRACE) this.fail('"," or "}" after a table entry');
    return { kind: 'TableEntry', start: key.start, end: value.end, key, value, comments: this.finishComments(lead, value.end) };
  }

  #acl(lead: A.Comment[] | null): A.AclDeclaration {
    const start = this.starts[this.next()];
    const name = this.identifier('ACL name');
    const open = this.expect(K_LBRACE);
    const entries: A.AclEntry[] = [];
    while (this.inBlock()) {
      const before = this.pos;
      try {
        entries.push(this.#aclEntry());
      } catch (e) {
        this.recover(e, before);
      }
    }
    const { end, innerComments } = this.#close(open, 'ACL');
    return { kind: 'Acl', start, end, name, entries, innerComments, comments: this.finishComments(lead, end) };
  }

  #aclEntry(): A.AclEntry {
    const lead = this.leading();
    const estart = this.starts[this.pos];
    const negated = this.kind() === K_BANG;
    if (negated) this.next();
    const address = this.stringLiteral('address string');
    let mask: number | null = null;
    if (this.kind() === K_SLASH) {
      this.next();
      mask = this.values[this.expect(K_INTEGER, 'prefix length')];
    }
    this.expectSemicolon('ACL entry');
    const end = this.prevEnd();
    return { kind: 'AclEntry', start: estart, end, negated, address, mask, comments: this.finishComments(lead, end) };
  }

  /** `{ .a = 1; .b = { … } }`: a backend, director member or object body. */
  #propertyBlock(what: string): { properties: A.Property[]; innerComments: readonly A.Comment[]; start: number; end: number } {
    const open = this.expect(K_LBRACE);
    const properties: A.Property[] = [];
    while (this.inBlock()) {
      const before = this.pos;
      try {
        properties.push(this.#property());
      } catch (e) {
        this.recover(e, before);
      }
    }
    const { end, innerComments } = this.#close(open, what);
    return { properties, innerComments, start: this.starts[open], end };
  }

  #property(): A.Property {
    const lead = this.leading();
    const dot = this.expect(K_DOT, '"." and a property name');
    const nameTok = this.expect(K_IDENT, 'property name');
    const start = this.starts[dot];
    const name: A.Identifier = { kind: 'Identifier', start, end: this.ends[nameTok], name: this.textOf(nameTok), comments: NO_COMMENTS };
    this.expect(K_ASSIGN);
    let value: A.Expression | A.ObjectValue;
    if (this.kind() === K_LBRACE) {
      const block = this.#propertyBlock('object');
      value = { kind: 'Object', start: block.start, end: block.end, properties: block.properties, innerComments: block.innerComments, comments: NO_COMMENTS };
      // Fastly writes `.probe = { … }` without a semicolon; one is accepted.
      if (this.kind() === K_SEMI) this.next();
    } else {
      value = this.expression();
      this.expectSemicolon(`property .${name.name}`);
    }
    const end = this.prevEnd();
    return { kind: 'Property', start, end, name, value, comments: this.finishComments(lead, end) };
  }

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

  // ─── Statements ──────────────────────────────────────────────────────────────────────

  #block(what: string): A.Block {
    const open = this.expect(K_LBRACE);
    const statements: A.Statement[] = [];
    while (this.inBlock()) {
      const before = this.pos;
      try {
        statements.push(this.#statement());
      } catch (e) {
        this.recover(e, before);
      }
    }
    const { end, innerComments } = this.#close(open, what);
    return { kind: 'Block', start: this.starts[open], end, statements, innerComments, comments: NO_COMMENTS };
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
      const b = this.#block('block');
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
    const consequent = this.#block('if block');
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
        const body = this.#block(`${keyword} block`);
        elseIfs.push({ kind: 'ElseIf', start: this.starts[t], end: body.end, keyword, condition: cond, body, comments: this.finishComments(clead, body.end) });
        continue;
      }
      if (isElse) {
        const clead = this.leading();
        this.next();
        const body = this.#block('else block');
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
