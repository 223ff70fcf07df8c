// The parser's cursor over the scanner's token arrays (lexer.ts TokenStream), its error
// recovery and its comment attachment; parser.ts builds the grammar on top of it.
//
// Invariants (see parser.ts for the whole picture):
// - The cursor never moves past the `eof` token; `next` consumes one token and returns its index.
// - `fail` records a diagnostic and throws BAIL; only `recover` catches it, and it resynchronises
//   at the next `;` or at the `}` that closes what was open, so a loop always moves on.
// - Comments are claimed once, in source order: leading before a node's first token, those
//   inside it that no child claimed, and one on its last line as trailing.
import type * as A from './ast.ts';
import type { Diagnostic } from './diagnostics.ts';
import { missingSemicolon, unexpectedToken } from './diagnostics.ts';
import type { TokenStream } from './lexer.ts';
import type { SourceFile } from './source.ts';
import { describeKind, T, TOKEN_KINDS } from './token.ts';

export const NO_COMMENTS: A.NodeComments = Object.freeze({ leading: Object.freeze([]) as readonly A.Comment[], trailing: null });
/** Thrown by `fail` to unwind to the nearest loop that recovers. */
export const BAIL: unique symbol = Symbol('bail');

const K_EOF = T.eof, K_IDENT = T.ident, K_SEMI = T[';'], K_LBRACE = T['{'], K_RBRACE = T['}'];

export class TokenCursor {
  protected readonly src: SourceFile;
  protected readonly text: string;
  protected readonly kinds: Uint8Array;
  protected readonly starts: Int32Array;
  protected readonly ends: Int32Array;
  protected readonly values: Float64Array;
  protected readonly strings: readonly string[];
  /** Index of the `eof` token: the cursor stops there. */
  protected readonly last: number;
  protected readonly comments: A.Comment[] = [];
  protected readonly diags: Diagnostic[];
  protected pos = 0;
  protected nextComment = 0;

  constructor(stream: TokenStream) {
    this.src = stream.source;
    this.text = stream.source.text;
    this.kinds = stream.kinds;
    this.starts = stream.starts;
    this.ends = stream.ends;
    this.values = stream.values;
    this.strings = stream.strings;
    this.last = stream.count - 1;
    this.diags = stream.diagnostics;
    const text = this.text;
    for (let i = 0; i < stream.commentStarts.length; i++) {
      const start = stream.commentStarts[i];
      const end = stream.commentEnds[i];
      this.comments.push({ kind: 'Comment', start, end, text: text.slice(start, end) });
    }
  }

  // ─── Cursor ──────────────────────────────────────────────────────────────────────────

  /** Kind code of the current token. */
  protected kind(): number {
    return this.kinds[this.pos];
  }
  protected kindAhead(ahead: number): number {
    return this.kinds[Math.min(this.pos + ahead, this.last)];
  }
  /** Consumes the current token (never past `eof`) and returns its index. */
  protected next(): number {
    const i = this.pos;
    if (i < this.last) this.pos = i + 1;
    return i;
  }
  protected prevEnd(): number {
    return this.pos > 0 ? this.ends[this.pos - 1] : 0;
  }
  protected textOf(i: number): string {
    return this.text.slice(this.starts[i], this.ends[i]);
  }
  /** The decoded value of a string, macro or directive token. */
  protected stringOf(i: number): string {
    return this.strings[this.values[i]];
  }
  protected isWord(i: number, word: string): boolean {
    const start = this.starts[i];
    return this.kinds[i] === K_IDENT && this.ends[i] - start === word.length && this.text.startsWith(word, start);
  }
  protected describe(i: number): string {
    if (this.kinds[i] === K_EOF) return 'end of file';
    const text = this.textOf(i);
    return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  }
  protected fail(expected: string, i: number = this.pos): never {
    this.diags.push(unexpectedToken(this.src, this.starts[i], this.ends[i], expected, this.describe(i)));
    throw BAIL;
  }
  protected expect(kind: number, expected?: string): number {
    if (this.kinds[this.pos] !== kind) this.fail(expected ?? describeKind(TOKEN_KINDS[kind]));
    return this.next();
  }
  protected expectSemicolon(after: string): void {
    if (this.kinds[this.pos] === K_SEMI) { this.next(); return; }
    this.diags.push(missingSemicolon(this.src, this.prevEnd(), after));
  }

  /**
   * Skips to the next `;` or the `}` that closes what was open when the error happened:
   * a `;` at depth 0 is consumed, a `}` closing a brace opened while skipping is consumed,
   * an unmatched `}` is left for the enclosing block.
   */
  protected resync(): void {
    let depth = 0;
    for (;;) {
      const k = this.kind();
      if (k === K_EOF) return;
      if (k === K_LBRACE) depth++;
      else if (k === K_RBRACE) {
        if (depth === 0) return;
        depth--;
        if (depth === 0) { this.next(); return; }
      } else if (k === K_SEMI && depth === 0) { this.next(); return; }
      this.next();
    }
  }

  /**
   * After a production that started at token `before` threw: rethrows anything but BAIL,
   * resynchronises, and makes sure the loop that called it moves on.
   */
  protected recover(e: unknown, before: number): void {
    if (e !== BAIL) throw e;
    this.resync();
    const k = this.kind();
    if (this.pos === before && k !== K_RBRACE && k !== K_EOF) this.next();
  }
  /** Whether a `{ … }` loop goes on: not at its `}` nor at the end of the file. */
  protected inBlock(): boolean {
    const k = this.kinds[this.pos];
    return k !== K_RBRACE && k !== K_EOF;
  }

  // ─── Comments ────────────────────────────────────────────────────────────────────────

  /** Claims the unclaimed comments that end at or before `offset`; null when there are none. */
  protected claimBefore(offset: number): A.Comment[] | null {
    const comments = this.comments;
    if (this.nextComment >= comments.length || comments[this.nextComment].end > offset) return null;
    const out: A.Comment[] = [];
    while (this.nextComment < comments.length && comments[this.nextComment].end <= offset) {
      out.push(comments[this.nextComment++]);
    }
    return out;
  }
  protected leading(): A.Comment[] | null {
    return this.claimBefore(this.starts[this.pos]);
  }
  /** Completes a comment-bearing node that ends at `end`: mid-node comments, then trailing. */
  protected finishComments(lead: A.Comment[] | null, end: number): A.NodeComments {
    const comments = this.comments;
    if (this.nextComment >= comments.length) return lead === null ? NO_COMMENTS : { leading: lead, trailing: null };
    let leading = lead;
    while (this.nextComment < comments.length && comments[this.nextComment].start < end) {
      (leading ??= []).push(comments[this.nextComment++]);
    }
    let trailing: A.Comment | null = null;
    const c = comments[this.nextComment];
    if (c !== undefined && this.sameLine(end, c.start)) {
      trailing = c;
      this.nextComment++;
    }
    return leading === null && trailing === null ? NO_COMMENTS : { leading: leading ?? [], trailing };
  }
  protected sameLine(from: number, to: number): boolean {
    for (let i = from; i < to; i++) {
      const ch = this.text.charCodeAt(i);
      if (ch !== 32 && ch !== 9 && ch !== 44) return false;
    }
    return true;
  }
}
