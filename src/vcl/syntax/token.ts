// Tokens of Fastly VCL. A token is a kind and an offset range into the source; its text is
// `source.slice(start, end)`. Operators and punctuation use their own spelling as kind, so
// the parser reads `tok.kind === '=='`.

export const OPERATORS = [
  '==', '!=', '~', '!~', '<', '>', '<=', '>=', '&&', '||', '!', '+', '-',
  '=', '+=', '-=', '*=', '/=', '%=', '|=', '&=', '^=', '<<=', '>>=', 'rol=', 'ror=', '&&=', '||=',
] as const;

export const PUNCTUATION = ['{', '}', '(', ')', ';', ',', ':', '.', '/'] as const;

export type Operator = (typeof OPERATORS)[number];
export type Punctuation = (typeof PUNCTUATION)[number];

export type TokenKind =
  /** `req.http.X-Foo`, `F_origin`, `label:` — value: the text. */
  | 'ident'
  /** `"…"` or `{"…"}` / `{DELIM"…"DELIM}` — value: the decoded content; raw is the slice. */
  | 'string'
  /** Decimal or `0x` hex — value: the number. */
  | 'integer'
  | 'float'
  /** `10ms`, `1.5 m` — value: milliseconds. */
  | 'rtime'
  /** `50%` — value: the number before `%`. */
  | 'percent'
  /** `# …`, `// …`, `/* … *\/` — kept for the printer; the parser attaches them to nodes. */
  | 'comment'
  /** `#FASTLY recv` — value: the phase word. */
  | 'macro'
  /** `C!` / `W!` on a line of their own — value: the text. */
  | 'directive'
  | 'eof'
  | Operator
  | Punctuation;

export interface Token {
  readonly kind: TokenKind;
  readonly start: number;
  readonly end: number;
  readonly value?: string | number;
}

/** The spelling used for a token kind in messages: `";"`, `identifier`, `end of file`. */
export function describeKind(kind: TokenKind): string {
  switch (kind) {
    case 'ident': return 'identifier';
    case 'string': return 'string';
    case 'integer': return 'integer';
    case 'float': return 'float';
    case 'rtime': return 'RTIME';
    case 'percent': return 'percentage';
    case 'comment': return 'comment';
    case 'macro': return '#FASTLY macro';
    case 'directive': return 'directive';
    case 'eof': return 'end of file';
    default: return `"${kind}"`;
  }
}

/**
 * Every token kind, in the order of its numeric code. The scanner records kinds as these
 * codes in a Uint8Array (see `TokenStream` in lexer.ts) so that a 100k-token file costs no
 * object per token; `lex()` turns codes back into these names for its callers.
 */
export const TOKEN_KINDS: readonly TokenKind[] = [
  'eof', 'ident', 'string', 'integer', 'float', 'rtime', 'percent', 'comment', 'macro', 'directive',
  ...OPERATORS, ...PUNCTUATION,
];

/** The numeric code of each token kind: `T.ident`, `T['==']`. */
export const T: Readonly<Record<TokenKind, number>> = Object.fromEntries(TOKEN_KINDS.map((k, i) => [k, i])) as Record<TokenKind, number>;
