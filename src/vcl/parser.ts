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
import type * as A from './ast.ts';
import type { Diagnostic } from './diagnostics.ts';
import {
  macroOutsideSub, missingSemicolon, unclosedBlock, unexpectedToken, unknownDeclaration,
} from './diagnostics.ts';
import { lex } from './lexer.ts';
import { SourceFile } from './source.ts';
import type { Token, TokenKind } from './token.ts';
import { describeKind } from './token.ts';

export interface ParseResult {
  readonly ast: A.VclFile;
  readonly source: SourceFile;
  readonly diagnostics: Diagnostic[];
}

export function parse(text: string, file = '<input>'): ParseResult {
  const source = new SourceFile(file, text);
  const { tokens, diagnostics } = lex(source);
  const parser = new Parser(source, tokens, diagnostics);
  return { ast: parser.parseFile(), source, diagnostics };
}

const NO_COMMENTS: A.NodeComments = Object.freeze({ leading: Object.freeze([]) as readonly A.Comment[], trailing: null });
const BAIL: unique symbol = Symbol('bail');

const BINARY_PRECEDENCE: Partial<Record<TokenKind, number>> = {
  '||': 1, '&&': 2, '~': 3, '!~': 3, '==': 4, '!=': 4, '<': 5, '>': 5, '<=': 5, '>=': 5,
};
const CONCAT_PRECEDENCE = 6;

const ASSIGNMENT_OPERATORS: ReadonlySet<TokenKind> = new Set<TokenKind>([
  '=', '+=', '-=', '*=', '/=', '%=', '|=', '&=', '^=', '<<=', '>>=', 'rol=', 'ror=', '&&=', '||=',
]);

/** Words that begin a statement; on a new line they end a juxtaposition concatenation. */
const STATEMENT_KEYWORDS: ReadonlySet<string> = new Set([
  'set', 'add', 'unset', 'remove', 'if', 'else', 'elsif', 'elseif', 'return', 'error', 'synthetic',
  'synthetic.base64', 'declare', 'call', 'log', 'restart', 'esi', 'goto',
]);

class Parser {
  readonly #src: SourceFile;
  readonly #text: string;
  readonly #toks: Token[] = [];
  readonly #comments: A.Comment[] = [];
  readonly #diags: Diagnostic[];
  #pos = 0;
  #nextComment = 0;

  constructor(source: SourceFile, tokens: readonly Token[], diagnostics: Diagnostic[]) {
    this.#src = source;
    this.#text = source.text;
    this.#diags = diagnostics;
    // Local arrays: pushing through private fields in this loop was a measurable share of parsing.
    const toks = this.#toks;
    const comments = this.#comments;
    const text = this.#text;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (t.kind === 'comment') comments.push({ kind: 'Comment', start: t.start, end: t.end, text: text.slice(t.start, t.end) });
      else toks.push(t);
    }
  }

  // ─── Cursor ──────────────────────────────────────────────────────────────────────────

  #peek(ahead = 0): Token {
    return this.#toks[Math.min(this.#pos + ahead, this.#toks.length - 1)];
  }
  #next(): Token {
    const t = this.#toks[this.#pos];
    if (this.#pos < this.#toks.length - 1) this.#pos++;
    return t;
  }
  #prevEnd(): number {
    return this.#pos > 0 ? this.#toks[this.#pos - 1].end : 0;
  }
  #textOf(t: Token): string {
    return this.#text.slice(t.start, t.end);
  }
  #isWord(t: Token, word: string): boolean {
    return t.kind === 'ident' && t.value === word;
  }
  #describe(t: Token): string {
    if (t.kind === 'eof') return 'end of file';
    const text = this.#textOf(t);
    return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  }
  #fail(expected: string, t: Token = this.#peek()): never {
    this.#diags.push(unexpectedToken(this.#src, t.start, t.end, expected, this.#describe(t)));
    throw BAIL;
  }
  #expect(kind: TokenKind, expected: string = describeKind(kind)): Token {
    if (this.#peek().kind !== kind) this.#fail(expected);
    return this.#next();
  }
  #expectSemicolon(after: string): void {
    if (this.#peek().kind === ';') { this.#next(); return; }
    this.#diags.push(missingSemicolon(this.#src, this.#prevEnd(), after));
  }

  /**
   * Skips to the next `;` or the `}` that closes what was open when the error happened:
   * a `;` at depth 0 is consumed, a `}` closing a brace opened while skipping is consumed,
   * an unmatched `}` is left for the enclosing block.
   */
  #resync(): void {
    let depth = 0;
    for (;;) {
      const t = this.#peek();
      if (t.kind === 'eof') return;
      if (t.kind === '{') depth++;
      else if (t.kind === '}') {
        if (depth === 0) return;
        depth--;
        if (depth === 0) { this.#next(); return; }
      } else if (t.kind === ';' && depth === 0) { this.#next(); return; }
      this.#next();
    }
  }

  /** Runs one production; on a syntax error resynchronises and returns null. */
  #attempt<T>(production: () => T): T | null {
    const before = this.#pos;
    try {
      return production();
    } catch (e) {
      if (e !== BAIL) throw e;
      this.#resync();
      if (this.#pos === before && this.#peek().kind !== '}' && this.#peek().kind !== 'eof') this.#next();
      return null;
    }
  }

  // ─── Comments ────────────────────────────────────────────────────────────────────────

  /** Claims the unclaimed comments that end at or before `offset`. */
  #claimBefore(offset: number): A.Comment[] {
    const out: A.Comment[] = [];
    while (this.#nextComment < this.#comments.length && this.#comments[this.#nextComment].end <= offset) {
      out.push(this.#comments[this.#nextComment++]);
    }
    return out;
  }
  #leading(): A.Comment[] {
    return this.#claimBefore(this.#peek().start);
  }
  /** Completes a comment-bearing node that ends at `end`: mid-node comments, then trailing. */
  #finishComments(leading: A.Comment[], end: number): A.NodeComments {
    while (this.#nextComment < this.#comments.length && this.#comments[this.#nextComment].start < end) {
      leading.push(this.#comments[this.#nextComment++]);
    }
    let trailing: A.Comment | null = null;
    const c = this.#comments[this.#nextComment];
    if (c !== undefined && this.#sameLine(end, c.start)) {
      trailing = c;
      this.#nextComment++;
    }
    return leading.length === 0 && trailing === null ? NO_COMMENTS : { leading, trailing };
  }
  #sameLine(from: number, to: number): boolean {
    for (let i = from; i < to; i++) {
      const ch = this.#text.charCodeAt(i);
      if (ch !== 32 && ch !== 9 && ch !== 44) return false;
    }
    return true;
  }

  // ─── File and declarations ───────────────────────────────────────────────────────────

  parseFile(): A.VclFile {
    const declarations: A.Declaration[] = [];
    while (this.#peek().kind !== 'eof') {
      const before = this.#pos;
      const d = this.#attempt(() => this.#declaration());
      if (d !== null) declarations.push(d);
      else if (this.#pos === before) this.#next(); // a stray `}` at top level
    }
    const endComments = this.#claimBefore(Infinity);
    return { kind: 'File', start: 0, end: this.#text.length, comments: NO_COMMENTS, file: this.#src.name, declarations, endComments };
  }

  #declaration(): A.Declaration {
    const lead = this.#leading();
    const t = this.#peek();
    const start = t.start;
    if (t.kind === 'directive') {
      this.#next();
      return { kind: 'Directive', start, end: t.end, name: t.value === 'W!' ? 'W!' : 'C!', comments: this.#finishComments(lead, t.end) };
    }
    if (t.kind === 'macro') {
      this.#next();
      this.#diags.push(macroOutsideSub(this.#src, t.start, t.end, String(t.value)));
      throw BAIL;
    }
    if (t.kind !== 'ident') {
      this.#diags.push(unknownDeclaration(this.#src, t.start, t.end, this.#describe(t)));
      throw BAIL;
    }
    switch (t.value) {
      case 'backend': {
        this.#next();
        const name = this.#identifier('backend name');
        const { properties, innerComments, end } = this.#propertyBlock('backend');
        return { kind: 'Backend', start, end, name, properties, innerComments, comments: this.#finishComments(lead, end) };
      }
      case 'director': return this.#director(lead);
      case 'table': return this.#table(lead);
      case 'acl': return this.#acl(lead);
      case 'sub': {
        this.#next();
        const name = this.#identifier('subroutine name');
        const returnType = this.#peek().kind === 'ident' ? this.#identifier('return type') : null;
        const body = this.#block('subroutine');
        return { kind: 'Sub', start, end: body.end, name, returnType, body, comments: this.#finishComments(lead, body.end) };
      }
      case 'include': {
        this.#next();
        const path = this.#stringLiteral('file name string');
        this.#expectSemicolon('include');
        const end = this.#prevEnd();
        return { kind: 'Include', start, end, path, comments: this.#finishComments(lead, end) };
      }
      case 'import': {
        this.#next();
        const name = this.#identifier('module name');
        this.#expectSemicolon('import');
        const end = this.#prevEnd();
        return { kind: 'Import', start, end, name, comments: this.#finishComments(lead, end) };
      }
      case 'pragma': {
        this.#next();
        const words: string[] = [];
        // A pragma is one line (Fastly writes one per line); a missing `;` is reported at
        // its end instead of swallowing the next line.
        for (let t = this.#peek(); t.kind !== ';' && t.kind !== 'eof' && this.#sameLineAsPrevious(t); t = this.#peek()) {
          words.push(this.#textOf(this.#next()));
        }
        this.#expectSemicolon('pragma');
        const end = this.#prevEnd();
        return { kind: 'Pragma', start, end, words, comments: this.#finishComments(lead, end) };
      }
      default:
        this.#diags.push(unknownDeclaration(this.#src, t.start, t.end, this.#describe(t)));
        throw BAIL;
    }
  }

  #director(lead: A.Comment[]): A.DirectorDeclaration {
    const start = this.#next().start;
    const name = this.#identifier('director name');
    const type = this.#identifier('director type (random, fallback, hash, client or chash)');
    const open = this.#expect('{');
    const properties: A.Property[] = [];
    const members: A.DirectorMember[] = [];
    while (this.#peek().kind !== '}' && this.#peek().kind !== 'eof') {
      if (this.#peek().kind === '{') {
        const m = this.#attempt(() => this.#directorMember());
        if (m !== null) members.push(m);
      } else {
        const p = this.#attempt(() => this.#property());
        if (p !== null) properties.push(p);
      }
    }
    const { end, innerComments } = this.#close(open, 'director');
    return { kind: 'Director', start, end, name, type, properties, members, innerComments, comments: this.#finishComments(lead, end) };
  }

  #directorMember(): A.DirectorMember {
    const lead = this.#leading();
    const start = this.#peek().start;
    const { properties, innerComments, end } = this.#propertyBlock('director member');
    return { kind: 'DirectorMember', start, end, properties, innerComments, comments: this.#finishComments(lead, end) };
  }

  #table(lead: A.Comment[]): A.TableDeclaration {
    const start = this.#next().start;
    const name = this.#identifier('table name');
    const type = this.#peek().kind === 'ident' ? this.#identifier('table type') : null;
    const open = this.#expect('{');
    const entries: A.TableEntry[] = [];
    while (this.#peek().kind !== '}' && this.#peek().kind !== 'eof') {
      const e = this.#attempt(() => {
        const elead = this.#leading();
        const key = this.#stringLiteral('table key string');
        this.#expect(':');
        // Table values are single literals or names; no concatenation, so a missing comma
        // is reported at the next key rather than swallowed into the value.
        const value = this.#expression(CONCAT_PRECEDENCE + 1);
        if (this.#peek().kind === ',') this.#next();
        else if (this.#peek().kind !== '}') this.#fail('"," or "}" after a table entry');
        const entry: A.TableEntry = { kind: 'TableEntry', start: key.start, end: value.end, key, value, comments: this.#finishComments(elead, value.end) };
        return entry;
      });
      if (e !== null) entries.push(e);
    }
    const { end, innerComments } = this.#close(open, 'table');
    return { kind: 'Table', start, end, name, type, entries, innerComments, comments: this.#finishComments(lead, end) };
  }

  #acl(lead: A.Comment[]): A.AclDeclaration {
    const start = this.#next().start;
    const name = this.#identifier('ACL name');
    const open = this.#expect('{');
    const entries: A.AclEntry[] = [];
    while (this.#peek().kind !== '}' && this.#peek().kind !== 'eof') {
      const e = this.#attempt(() => {
        const elead = this.#leading();
        const estart = this.#peek().start;
        const negated = this.#peek().kind === '!';
        if (negated) this.#next();
        const address = this.#stringLiteral('address string');
        let mask: number | null = null;
        if (this.#peek().kind === '/') {
          this.#next();
          mask = Number(this.#expect('integer', 'prefix length').value);
        }
        this.#expectSemicolon('ACL entry');
        const end = this.#prevEnd();
        const entry: A.AclEntry = { kind: 'AclEntry', start: estart, end, negated, address, mask, comments: this.#finishComments(elead, end) };
        return entry;
      });
      if (e !== null) entries.push(e);
    }
    const { end, innerComments } = this.#close(open, 'ACL');
    return { kind: 'Acl', start, end, name, entries, innerComments, comments: this.#finishComments(lead, end) };
  }

  /** `{ .a = 1; .b = { … } }`: a backend, director member or object body. */
  #propertyBlock(what: string): { properties: A.Property[]; innerComments: A.Comment[]; start: number; end: number } {
    const open = this.#expect('{');
    const properties: A.Property[] = [];
    while (this.#peek().kind !== '}' && this.#peek().kind !== 'eof') {
      const p = this.#attempt(() => this.#property());
      if (p !== null) properties.push(p);
    }
    const { end, innerComments } = this.#close(open, what);
    return { properties, innerComments, start: open.start, end };
  }

  #property(): A.Property {
    const lead = this.#leading();
    const dot = this.#expect('.', '"." and a property name');
    const nameTok = this.#expect('ident', 'property name');
    const name: A.Identifier = { kind: 'Identifier', start: dot.start, end: nameTok.end, name: String(nameTok.value), comments: NO_COMMENTS };
    this.#expect('=');
    let value: A.Expression | A.ObjectValue;
    if (this.#peek().kind === '{') {
      const block = this.#propertyBlock('object');
      value = { kind: 'Object', start: block.start, end: block.end, properties: block.properties, innerComments: block.innerComments, comments: NO_COMMENTS };
      // Fastly writes `.probe = { … }` without a semicolon; one is accepted.
      if (this.#peek().kind === ';') this.#next();
    } else {
      value = this.#expression();
      this.#expectSemicolon(`property .${name.name}`);
    }
    const end = this.#prevEnd();
    return { kind: 'Property', start: dot.start, end, name, value, comments: this.#finishComments(lead, end) };
  }

  /** Consumes the `}` matching `open`, or reports the block unclosed at end of file. */
  #close(open: Token, what: string): { end: number; innerComments: A.Comment[] } {
    const t = this.#peek();
    if (t.kind === '}') {
      const innerComments = this.#claimBefore(t.start);
      this.#next();
      return { end: t.end, innerComments };
    }
    this.#diags.push(unclosedBlock(this.#src, open.start, open.end, what));
    return { end: this.#prevEnd(), innerComments: this.#claimBefore(this.#text.length) };
  }

  // ─── Statements ──────────────────────────────────────────────────────────────────────

  #block(what: string): A.Block {
    const open = this.#expect('{');
    const statements: A.Statement[] = [];
    while (this.#peek().kind !== '}' && this.#peek().kind !== 'eof') {
      const s = this.#attempt(() => this.#statement());
      if (s !== null) statements.push(s);
    }
    const { end, innerComments } = this.#close(open, what);
    return { kind: 'Block', start: open.start, end, statements, innerComments, comments: NO_COMMENTS };
  }

  #statement(): A.Statement {
    const lead = this.#leading();
    const t = this.#peek();
    const start = t.start;
    const done = <S extends A.Statement>(node: Omit<S, 'comments' | 'start' | 'end'>): S => {
      const end = this.#prevEnd();
      return { ...node, start, end, comments: this.#finishComments(lead, end) } as S;
    };
    if (t.kind === 'macro') {
      this.#next();
      return done<A.FastlyMacro>({ kind: 'FastlyMacro', phase: String(t.value) });
    }
    if (t.kind === '{') {
      const b = this.#block('block');
      return { ...b, comments: this.#finishComments(lead, b.end) };
    }
    if (t.kind !== 'ident') this.#fail('a statement');
    const word = String(t.value);
    switch (word) {
      case 'set':
      case 'add': {
        this.#next();
        const target = this.#identifier('variable name');
        const op = this.#peek();
        if (!ASSIGNMENT_OPERATORS.has(op.kind)) this.#fail('an assignment operator ("=", "+=", …)');
        this.#next();
        const value = this.#expression();
        this.#expectSemicolon(`${word} statement`);
        const operator = op.kind as A.AssignmentOperator;
        return word === 'set'
          ? done<A.SetStatement>({ kind: 'Set', target, operator, value })
          : done<A.AddStatement>({ kind: 'Add', target, operator, value });
      }
      case 'unset':
      case 'remove': {
        this.#next();
        const target = this.#identifier('variable name');
        this.#expectSemicolon(`${word} statement`);
        return done<A.UnsetStatement>({ kind: 'Unset', keyword: word, target });
      }
      case 'if': return this.#if(lead);
      case 'return': {
        this.#next();
        let value: A.Expression | null = null;
        let parenthesized = false;
        if (this.#peek().kind === '(') {
          this.#next();
          parenthesized = true;
          value = this.#expression();
          this.#expect(')');
        } else if (this.#peek().kind !== ';') {
          value = this.#expression();
        }
        this.#expectSemicolon('return');
        return done<A.ReturnStatement>({ kind: 'Return', value, parenthesized });
      }
      case 'error': {
        this.#next();
        let status: A.Expression | null = null;
        let message: A.Expression | null = null;
        if (this.#peek().kind !== ';') {
          status = this.#expression(CONCAT_PRECEDENCE + 1);
          if (this.#peek().kind !== ';') message = this.#expression();
        }
        this.#expectSemicolon('error statement');
        return done<A.ErrorStatement>({ kind: 'Error', status, message });
      }
      case 'synthetic':
      case 'synthetic.base64': {
        this.#next();
        const value = this.#expression();
        this.#expectSemicolon(`${word} statement`);
        return done<A.SyntheticStatement>({ kind: 'Synthetic', base64: word === 'synthetic.base64', value });
      }
      case 'declare': {
        this.#next();
        if (!this.#isWord(this.#peek(), 'local')) this.#fail('"local"');
        this.#next();
        const name = this.#identifier('variable name (var.…)');
        const type = this.#identifier('type (STRING, INTEGER, BOOL, …)');
        this.#expectSemicolon('declare statement');
        return done<A.DeclareStatement>({ kind: 'Declare', name, type });
      }
      case 'call': {
        this.#next();
        const subroutine = this.#identifier('subroutine name');
        this.#expectSemicolon('call statement');
        return done<A.CallStatement>({ kind: 'Call', subroutine });
      }
      case 'log': {
        this.#next();
        const value = this.#expression();
        this.#expectSemicolon('log statement');
        return done<A.LogStatement>({ kind: 'Log', value });
      }
      case 'restart':
      case 'esi': {
        this.#next();
        this.#expectSemicolon(`${word} statement`);
        return word === 'restart' ? done<A.RestartStatement>({ kind: 'Restart' }) : done<A.EsiStatement>({ kind: 'Esi' });
      }
      case 'goto': {
        this.#next();
        const label = this.#identifier('label name');
        this.#expectSemicolon('goto statement');
        return done<A.GotoStatement>({ kind: 'Goto', label });
      }
    }
    if (word.length > 1 && word.endsWith(':')) {
      this.#next();
      return done<A.LabelStatement>({ kind: 'Label', name: word.slice(0, -1) });
    }
    if (this.#peek(1).kind === '(') {
      const call = this.#expression(CONCAT_PRECEDENCE + 1);
      if (call.kind !== 'FunctionCall') this.#fail('a statement', t);
      this.#expectSemicolon('function call');
      return done<A.FunctionCallStatement>({ kind: 'FunctionCallStatement', call });
    }
    return this.#fail('a statement (set, unset, if, return, error, …)');
  }

  #if(lead: A.Comment[]): A.IfStatement {
    const start = this.#next().start;
    const condition = this.#condition();
    const consequent = this.#block('if block');
    const elseIfs: A.ElseIfClause[] = [];
    let alternate: A.ElseClause | null = null;
    for (;;) {
      const t = this.#peek();
      if (t.kind !== 'ident') break;
      const isElse = t.value === 'else';
      if (t.value === 'elsif' || t.value === 'elseif' || (isElse && this.#isWord(this.#peek(1), 'if'))) {
        const clead = this.#leading();
        this.#next();
        if (isElse) this.#next();
        const keyword = isElse ? 'else if' : (t.value as 'elsif' | 'elseif');
        const cond = this.#condition();
        const body = this.#block(`${keyword} block`);
        elseIfs.push({ kind: 'ElseIf', start: t.start, end: body.end, keyword, condition: cond, body, comments: this.#finishComments(clead, body.end) });
        continue;
      }
      if (isElse) {
        const clead = this.#leading();
        this.#next();
        const body = this.#block('else block');
        alternate = { kind: 'Else', start: t.start, end: body.end, body, comments: this.#finishComments(clead, body.end) };
      }
      break;
    }
    const end = this.#prevEnd();
    return { kind: 'If', start, end, condition, consequent, elseIfs, alternate, comments: this.#finishComments(lead, end) };
  }

  #condition(): A.Expression {
    this.#expect('(', '"(" before the condition');
    const c = this.#expression();
    this.#expect(')', '")" after the condition');
    return c;
  }

  // ─── Expressions ─────────────────────────────────────────────────────────────────────

  #expression(minPrecedence = 1): A.Expression {
    let left = this.#prefix();
    for (;;) {
      const t = this.#peek();
      const prec = BINARY_PRECEDENCE[t.kind];
      if (prec !== undefined) {
        if (prec < minPrecedence) break;
        this.#next();
        const right = this.#expression(prec + 1);
        left = { kind: 'Binary', start: left.start, end: right.end, operator: t.kind as A.BinaryOperator, left, right, comments: NO_COMMENTS };
        continue;
      }
      if (CONCAT_PRECEDENCE < minPrecedence || this.#concatSeparator() === null) break;
      const parts: A.Expression[] = [left];
      const separators: A.ConcatSeparator[] = [];
      for (let sep = this.#concatSeparator(); sep !== null; sep = this.#concatSeparator()) {
        if (sep === '+') this.#next();
        separators.push(sep);
        parts.push(this.#prefix());
      }
      left = { kind: 'Concat', start: left.start, end: parts[parts.length - 1].end, parts, separators, comments: NO_COMMENTS };
    }
    return left;
  }

  /** `+`, or ' ' when the next token can start a juxtaposed operand, or null. */
  #concatSeparator(): A.ConcatSeparator | null {
    const t = this.#peek();
    switch (t.kind) {
      case '+': return '+';
      case 'string': case 'integer': case 'float': case 'rtime': case 'percent': return ' ';
      case 'ident': {
        if (STATEMENT_KEYWORDS.has(String(t.value)) && !this.#sameLineAsPrevious(t)) return null;
        return ' ';
      }
      default: return null;
    }
  }
  #sameLineAsPrevious(t: Token): boolean {
    for (let i = this.#prevEnd(); i < t.start; i++) {
      const c = this.#text.charCodeAt(i);
      if (c === 10 || c === 13) return false;
    }
    return true;
  }

  #prefix(): A.Expression {
    const t = this.#peek();
    if (t.kind === '!' || t.kind === '-') {
      this.#next();
      const operand = this.#prefix();
      return { kind: 'Unary', start: t.start, end: operand.end, operator: t.kind, operand, comments: NO_COMMENTS };
    }
    return this.#primary();
  }

  #primary(): A.Expression {
    const t = this.#peek();
    const raw = (): string => this.#textOf(t);
    switch (t.kind) {
      case 'string': this.#next(); return { kind: 'String', start: t.start, end: t.end, value: String(t.value), raw: raw(), comments: NO_COMMENTS };
      case 'integer': this.#next(); return { kind: 'Integer', start: t.start, end: t.end, value: Number(t.value), raw: raw(), comments: NO_COMMENTS };
      case 'float': this.#next(); return { kind: 'Float', start: t.start, end: t.end, value: Number(t.value), raw: raw(), comments: NO_COMMENTS };
      case 'rtime': this.#next(); return { kind: 'Rtime', start: t.start, end: t.end, ms: Number(t.value), raw: raw(), comments: NO_COMMENTS };
      case 'percent': this.#next(); return { kind: 'Percent', start: t.start, end: t.end, value: Number(t.value), raw: raw(), comments: NO_COMMENTS };
      case '(': {
        this.#next();
        const expression = this.#expression();
        const close = this.#expect(')');
        return { kind: 'Group', start: t.start, end: close.end, expression, comments: NO_COMMENTS };
      }
      case 'ident': {
        this.#next();
        const name = String(t.value);
        if (this.#peek().kind === '(') return this.#call(t, name);
        if (name === 'true' || name === 'false') return { kind: 'Boolean', start: t.start, end: t.end, value: name === 'true', comments: NO_COMMENTS };
        return { kind: 'Identifier', start: t.start, end: t.end, name, comments: NO_COMMENTS };
      }
      default:
        return this.#fail('an expression');
    }
  }

  #call(t: Token, name: string): A.Expression {
    this.#next();
    const args: A.Expression[] = [];
    if (this.#peek().kind !== ')') {
      for (;;) {
        args.push(this.#expression());
        if (this.#peek().kind !== ',') break;
        this.#next();
      }
    }
    const close = this.#expect(')', '"," or ")" in the argument list');
    if (name === 'if') {
      if (args.length !== 3) {
        this.#diags.push(unexpectedToken(this.#src, t.start, close.end, 'if(condition, then, else) with 3 arguments', `${args.length} argument${args.length === 1 ? '' : 's'}`));
        throw BAIL;
      }
      return { kind: 'IfExpression', start: t.start, end: close.end, condition: args[0], then: args[1], otherwise: args[2], comments: NO_COMMENTS };
    }
    const callee: A.Identifier = { kind: 'Identifier', start: t.start, end: t.end, name, comments: NO_COMMENTS };
    return { kind: 'FunctionCall', start: t.start, end: close.end, callee, arguments: args, comments: NO_COMMENTS };
  }

  // ─── Leaves ──────────────────────────────────────────────────────────────────────────

  #identifier(expected: string): A.Identifier {
    const t = this.#expect('ident', expected);
    return { kind: 'Identifier', start: t.start, end: t.end, name: String(t.value), comments: NO_COMMENTS };
  }

  #stringLiteral(expected: string): A.StringLiteral {
    const t = this.#expect('string', expected);
    return { kind: 'String', start: t.start, end: t.end, value: String(t.value), raw: this.#textOf(t), comments: NO_COMMENTS };
  }
}
