// The scanner's token stream as one object per token, comments included: for tests, tools and
// highlighting. The parser reads the stream (./lexer.ts `scan`) directly and never builds these.
import type { Diagnostic } from './diagnostics.ts';
import { scan } from './lexer.ts';
import type { SourceFile } from './source.ts';
import type { Token } from './token.ts';
import { T, TOKEN_KINDS } from './token.ts';

export interface LexResult {
  /** All tokens in order, comments included, ending with one `eof` token. */
  readonly tokens: Token[];
  readonly diagnostics: Diagnostic[];
}

/** The tokens of a source as objects, comments included (for highlighting and tests). */
export function lex(input: string | SourceFile): LexResult {
  const s = scan(input);
  const text = s.source.text;
  const tokens: Token[] = [];
  let c = 0;
  for (let i = 0; i < s.count; i++) {
    const start = s.starts[i];
    for (; c < s.commentStarts.length && s.commentStarts[c] < start; c++) {
      tokens.push({ kind: 'comment', start: s.commentStarts[c], end: s.commentEnds[c], value: undefined });
    }
    const code = s.kinds[i];
    const end = s.ends[i];
    let value: string | number | undefined;
    switch (code) {
      case T.ident: value = text.slice(start, end); break;
      case T.string: case T.macro: case T.directive: value = s.strings[s.values[i]]; break;
      case T.integer: case T.float: case T.rtime: case T.percent: value = s.values[i]; break;
    }
    tokens.push({ kind: TOKEN_KINDS[code], start, end, value });
  }
  return { tokens, diagnostics: s.diagnostics };
}

