// The VCL parser: tokens → typed AST (ast.ts) plus diagnostics. Recursive descent for
// declarations and statements, a Pratt loop for expressions with the precedence of docs/vcl.md,
// Expressions (lowest first): `||`, `&&`, `~ !~`, `== !=`, `< > <= >=`, concatenation
// (juxtaposition or `+`), prefix `! -`, call.
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
//   expressions in parser-expr.ts (ExpressionParser), statements and blocks in parser-stmt.ts
//   (StatementParser); this file is the file and its declarations.
import type * as A from './ast.ts';
import type { Diagnostic } from './diagnostics.ts';
import { macroOutsideSub, unknownDeclaration } from './diagnostics.ts';
import { scan } from './lexer.ts';
import { BAIL, NO_COMMENTS } from './parser-cursor.ts';
import { CONCAT_PRECEDENCE } from './parser-expr.ts';
import { StatementParser } from './parser-stmt.ts';
import { SourceFile } from './source.ts';
import { T } from './token.ts';

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

const K_EOF = T.eof, K_IDENT = T.ident, K_INTEGER = T.integer, K_MACRO = T.macro, K_DIRECTIVE = T.directive;
const K_LBRACE = T['{'], K_RBRACE = T['}'], K_SEMI = T[';'];
const K_COMMA = T[','], K_COLON = T[':'], K_DOT = T['.'], K_SLASH = T['/'], K_BANG = T['!'], K_ASSIGN = T['='];

/**
 * Parses a snippet's content — statements with no subroutine around them, as Fastly stores a
 * snippet of type recv, fetch, deliver, … — as the body of subroutine `subName`, so positions stay
 * the snippet's own. The subroutine's name is an empty range at offset 0.
 */
export function parseStatementList(text: string, file: string, subName: string): ParseResult {
  const source = new SourceFile(file, text);
  const stream = scan(source);
  const body = new Parser(stream).parseStatements();
  const name: A.Identifier = { kind: 'Identifier', name: subName, start: 0, end: 0, comments: NO_COMMENTS };
  const sub: A.SubDeclaration = { kind: 'Sub', start: 0, end: text.length, name, returnType: null, body, comments: NO_COMMENTS };
  return { ast: { kind: 'File', start: 0, end: text.length, comments: NO_COMMENTS, file, declarations: [sub], endComments: [] }, source, diagnostics: stream.diagnostics };
}

/**
 * Whether a text is a snippet's statements rather than declarations: its first token is a
 * statement's keyword (`set`, `if`, …) or a `#FASTLY` macro.
 */
export function isStatementList(text: string): boolean {
  const stream = scan(new SourceFile('<snippet>', text));
  const first = stream.kinds[0];
  if (first === K_MACRO) return true;
  if (first !== K_IDENT) return false;
  return STATEMENT_WORDS.has(text.slice(stream.starts[0], stream.ends[0]));
}

const STATEMENT_WORDS: ReadonlySet<string> = new Set(['set', 'add', 'unset', 'remove', 'if', 'call', 'return', 'error', 'restart', 'synthetic', 'synthetic.base64', 'log', 'declare', 'esi', 'goto']);

class Parser extends StatementParser {
  parseStatements(): A.Block {
    return this.statementsToEnd();
  }

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
      case 'penaltybox':
      case 'ratecounter': {
        this.next();
        const word = this.textOf(t);
        const name = this.identifier(`${word} name`);
        const { end, innerComments } = this.braced(word, () => this.fail(`"}": a ${word} has an empty body`));
        return { kind: word === 'penaltybox' ? 'Penaltybox' : 'Ratecounter', start, end, name, innerComments, comments: this.finishComments(lead, end) };
      }
      case 'table': return this.#table(lead);
      case 'acl': return this.#acl(lead);
      case 'sub': {
        this.next();
        const name = this.identifier('subroutine name');
        const returnType = this.kind() === K_IDENT ? this.identifier('return type') : null;
        const body = this.block('subroutine');
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
    const properties: A.Property[] = [];
    const members: A.DirectorMember[] = [];
    const { end, innerComments } = this.braced('director', () => {
      if (this.kind() === K_LBRACE) members.push(this.#directorMember());
      else properties.push(this.#property());
    });
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
    const entries: A.TableEntry[] = [];
    const { end, innerComments } = this.braced('table', () => entries.push(this.#tableEntry()));
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
    const entries: A.AclEntry[] = [];
    const { end, innerComments } = this.braced('ACL', () => entries.push(this.#aclEntry()));
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
    const properties: A.Property[] = [];
    const { start, end, innerComments } = this.braced(what, () => properties.push(this.#property()));
    return { properties, innerComments, start, end };
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
}
