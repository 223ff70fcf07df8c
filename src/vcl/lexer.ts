// The VCL scanner: one pass over char codes, no regular expression per character, never
// throws. Lexical rules follow Fastly's VCL reference (types/STRING, types/RTIME, operators)
// and are summarised in docs/vcl.md:
// - identifiers start with a letter or `_` and continue with letters, digits, `_ . - :`,
//   so `req.http.X-Forwarded-For` and `req.http.Cookie:id` are one token;
// - "…" strings have no backslash escapes, cannot span lines, and decode %XX (UTF-8 bytes),
//   %uXXXX and %u{X…}; long strings {"…"} and {DELIM"…"DELIM} are verbatim and span lines;
// - numbers are decimal, float or 0x hex; a number followed (optionally after spaces) by
//   ms s m h d w y is an RTIME, by `%` a percentage;
// - comments (#, //, /* */) are tokens, so the parser can attach them for the printer.
// Errors become diagnostics and scanning goes on after them.
import type { Diagnostic } from './diagnostics.ts';
import {
  invalidNumber, unexpectedCharacter, unterminatedComment, unterminatedLongString, unterminatedString,
} from './diagnostics.ts';
import { RTIME_UNITS } from './rtime.ts';
import { SourceFile } from './source.ts';
import type { Token, TokenKind } from './token.ts';

export interface LexResult {
  /** All tokens in order, comments included, ending with one `eof` token. */
  readonly tokens: Token[];
  readonly diagnostics: Diagnostic[];
}

// Char codes, as module constants so the optimiser folds them into comparisons.
const TAB = 9, LF = 10, VT = 11, FF = 12, CR = 13, SPACE = 32;
const BANG = 33, QUOTE = 34, HASH = 35, PERCENT = 37, LPAREN = 40, RPAREN = 41;
const STAR = 42, PLUS = 43, COMMA = 44, MINUS = 45, DOT = 46, SLASH = 47;
const ZERO = 48, NINE = 57, COLON = 58, SEMI = 59, EQ = 61, UPPER_A = 65;
const UPPER_C = 67, UPPER_W = 87, UPPER_Z = 90, UNDERSCORE = 95, LOWER_A = 97, LOWER_Z = 122;
const LBRACE = 123, RBRACE = 125, BOM = 0xfeff, LOWER_X = 120, UPPER_X = 88, LOWER_E = 101;
const UPPER_E = 69;

const isDigit = (c: number): boolean => c >= ZERO && c <= NINE;
const isLetter = (c: number): boolean => (c >= LOWER_A && c <= LOWER_Z) || (c >= UPPER_A && c <= UPPER_Z);
const isIdentStart = (c: number): boolean => isLetter(c) || c === UNDERSCORE;
const isIdentPart = (c: number): boolean =>
  isLetter(c) || isDigit(c) || c === UNDERSCORE || c === DOT || c === MINUS || c === COLON;
const isHex = (c: number): boolean => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
const isSpace = (c: number): boolean =>
  c === SPACE || c === TAB || c === LF || c === CR || c === VT || c === FF || c === BOM;
const isWordChar = (c: number): boolean => isLetter(c) || isDigit(c) || c === UNDERSCORE;

/** Multi-character operators by first char, longest first. Single chars are handled inline. */
const OPERATOR_TABLE: Readonly<Record<string, readonly TokenKind[]>> = {
  '=': ['==', '='],
  '!': ['!=', '!~', '!'],
  '<': ['<<=', '<=', '<'],
  '>': ['>>=', '>=', '>'],
  '&': ['&&=', '&&', '&='],
  '|': ['||=', '||', '|='],
  '+': ['+=', '+'],
  '-': ['-=', '-'],
  '*': ['*='],
  '%': ['%='],
  '^': ['^='],
  '/': ['/=', '/'],
  '~': ['~'],
};

export function lex(input: string | SourceFile): LexResult {
  const source = typeof input === 'string' ? new SourceFile('<input>', input) : input;
  const text = source.text;
  const n = text.length;
  const tokens: Token[] = [];
  const diagnostics: Diagnostic[] = [];
  let i = 0;

  const push = (kind: TokenKind, start: number, end: number, value?: string | number): void => {
    tokens.push({ kind, start, end, value });
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) { i++; continue; }
    const start = i;

    if (isIdentStart(c)) {
      i++;
      while (i < n && isIdentPart(text.charCodeAt(i))) i++;
      // `C!` / `W!` alone on a line: Fastly's generated-VCL directives.
      if (i === start + 1 && (c === UPPER_C || c === UPPER_W) && text.charCodeAt(i) === BANG
        && (i + 1 >= n || isSpace(text.charCodeAt(i + 1))) && atLineStart(text, start)) {
        i++;
        push('directive', start, i, text.slice(start, i));
        continue;
      }
      // `rol=` / `ror=`: the rotate assignment operators are spelt like identifiers.
      if (i === start + 3 && text.charCodeAt(i) === EQ && text.charCodeAt(i + 1) !== EQ) {
        const word = text.slice(start, i);
        if (word === 'rol' || word === 'ror') { i++; push(word === 'rol' ? 'rol=' : 'ror=', start, i); continue; }
      }
      push('ident', start, i, text.slice(start, i));
      continue;
    }

    if (isDigit(c)) { i = scanNumber(start); continue; }

    switch (c) {
      case QUOTE: i = scanString(start); continue;
      case HASH: i = scanLineComment(start, true); continue;
      case LBRACE: {
        const long = scanLongString(start);
        if (long >= 0) { i = long; continue; }
        i++; push('{', start, i); continue;
      }
      case SLASH: {
        const next = text.charCodeAt(i + 1);
        if (next === SLASH) { i = scanLineComment(start, false); continue; }
        if (next === STAR) { i = scanBlockComment(start); continue; }
        break;
      }
      case RBRACE: i++; push('}', start, i); continue;
      case LPAREN: i++; push('(', start, i); continue;
      case RPAREN: i++; push(')', start, i); continue;
      case SEMI: i++; push(';', start, i); continue;
      case COMMA: i++; push(',', start, i); continue;
      case COLON: i++; push(':', start, i); continue;
      case DOT: i++; push('.', start, i); continue;
    }

    const candidates = OPERATOR_TABLE[text[i]];
    if (candidates !== undefined) {
      let matched = false;
      for (const op of candidates) {
        if (text.startsWith(op, i)) { i += op.length; push(op, start, i); matched = true; break; }
      }
      if (matched) continue;
    }

    // Anything else: report it once, skip the whole code point, go on.
    const cp = text.codePointAt(i) ?? c;
    i += cp > 0xffff ? 2 : 1;
    diagnostics.push(unexpectedCharacter(source, start, i, String.fromCodePoint(cp)));
  }
  push('eof', n, n);
  return { tokens, diagnostics };

  function scanNumber(start: number): number {
    let j = start;
    let kind: 'integer' | 'float' = 'integer';
    if (text.charCodeAt(j) === ZERO && (text.charCodeAt(j + 1) === LOWER_X || text.charCodeAt(j + 1) === UPPER_X)) {
      j += 2;
      const digits = j;
      while (j < n && isHex(text.charCodeAt(j))) j++;
      if (j === digits) return badNumber(start, j);
      if (isIdentPart(text.charCodeAt(j)) && text.charCodeAt(j) !== DOT && text.charCodeAt(j) !== COLON) return badNumber(start, j);
      push('integer', start, j, parseInt(text.slice(digits, j), 16));
      return j;
    }
    while (j < n && isDigit(text.charCodeAt(j))) j++;
    if (text.charCodeAt(j) === DOT && isDigit(text.charCodeAt(j + 1))) {
      kind = 'float';
      j++;
      while (j < n && isDigit(text.charCodeAt(j))) j++;
    }
    const ec = text.charCodeAt(j);
    if ((ec === LOWER_E || ec === UPPER_E)) {
      let k = j + 1;
      if (text.charCodeAt(k) === PLUS || text.charCodeAt(k) === MINUS) k++;
      if (isDigit(text.charCodeAt(k))) {
        kind = 'float';
        while (k < n && isDigit(text.charCodeAt(k))) k++;
        j = k;
      }
    }
    const value = Number(text.slice(start, j));
    if (text.charCodeAt(j) === PERCENT && text.charCodeAt(j + 1) !== EQ) {
      push('percent', start, j + 1, value);
      return j + 1;
    }
    // RTIME unit, possibly after whitespace. Line breaks count as whitespace too, so that
    // `5` + newline + `ms` reads the same before and after the printer joins the lines.
    let u = j;
    while (u < n && isSpace(text.charCodeAt(u))) u++;
    let w = u;
    while (w < n && isWordChar(text.charCodeAt(w))) w++;
    if (w > u && !isIdentPart(text.charCodeAt(w))) {
      const unit = text.slice(u, w);
      if (Object.hasOwn(RTIME_UNITS, unit)) {
        push('rtime', start, w, value * RTIME_UNITS[unit as keyof typeof RTIME_UNITS]);
        return w;
      }
    }
    if (u === j && (isLetter(text.charCodeAt(j)) || text.charCodeAt(j) === UNDERSCORE)) {
      let k = j;
      while (k < n && isIdentPart(text.charCodeAt(k))) k++;
      return badNumber(start, k);
    }
    push(kind, start, j, value);
    return j;
  }

  function badNumber(start: number, end: number): number {
    diagnostics.push(invalidNumber(source, start, end, text.slice(start, end)));
    push('integer', start, end, 0);
    return end;
  }

  function scanString(start: number): number {
    let j = start + 1;
    let hasEscape = false;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === QUOTE) {
        const body = text.slice(start + 1, j);
        push('string', start, j + 1, hasEscape ? decodePercentEscapes(body) : body);
        return j + 1;
      }
      if (c === LF || c === CR) break;
      if (c === PERCENT) hasEscape = true;
      j++;
    }
    diagnostics.push(unterminatedString(source, start, j));
    const body = text.slice(start + 1, j);
    push('string', start, j, hasEscape ? decodePercentEscapes(body) : body);
    return j;
  }

  /** Returns the end of a long string starting at `{`, or -1 when `{` is just a brace. */
  function scanLongString(start: number): number {
    let j = start + 1;
    while (j < n && isWordChar(text.charCodeAt(j))) j++;
    if (text.charCodeAt(j) !== QUOTE) return -1;
    const delim = text.slice(start + 1, j);
    const close = `"${delim}}`;
    const bodyStart = j + 1;
    const at = text.indexOf(close, bodyStart);
    if (at < 0) {
      diagnostics.push(unterminatedLongString(source, start, n, close));
      push('string', start, n, text.slice(bodyStart));
      return n;
    }
    push('string', start, at + close.length, text.slice(bodyStart, at));
    return at + close.length;
  }

  function scanLineComment(start: number, hash: boolean): number {
    let j = start;
    while (j < n && text.charCodeAt(j) !== LF && text.charCodeAt(j) !== CR) j++;
    if (hash && text.startsWith('#FASTLY', start) && (start + 7 === j || isSpace(text.charCodeAt(start + 7)))) {
      const phase = text.slice(start + 7, j).trim();
      push('macro', start, j, phase);
      return j;
    }
    push('comment', start, j);
    return j;
  }

  function scanBlockComment(start: number): number {
    const at = text.indexOf('*/', start + 2);
    if (at < 0) {
      diagnostics.push(unterminatedComment(source, start, n));
      push('comment', start, n);
      return n;
    }
    push('comment', start, at + 2);
    return at + 2;
  }
}

function atLineStart(text: string, offset: number): boolean {
  let j = offset - 1;
  while (j >= 0 && (text.charCodeAt(j) === SPACE || text.charCodeAt(j) === TAB)) j--;
  return j < 0 || text.charCodeAt(j) === LF || text.charCodeAt(j) === CR;
}

/**
 * Decodes Fastly's string escapes: %XX (bytes; consecutive ones are read as UTF-8),
 * %uXXXX and %u{X…} (code points). A `%` that starts no valid escape stays as written.
 */
export function decodePercentEscapes(body: string): string {
  let out = '';
  let bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length > 0) { out += new TextDecoder().decode(new Uint8Array(bytes)); bytes = []; }
  };
  let i = 0;
  while (i < body.length) {
    const c = body.charCodeAt(i);
    if (c === PERCENT) {
      if (isHex(body.charCodeAt(i + 1)) && isHex(body.charCodeAt(i + 2))) {
        bytes.push(parseInt(body.slice(i + 1, i + 3), 16));
        i += 3;
        continue;
      }
      if (body[i + 1] === 'u') {
        const m = /^%u(?:\{([0-9a-fA-F]{1,6})\}|([0-9a-fA-F]{4}))/.exec(body.slice(i, i + 11));
        if (m !== null) {
          const cp = parseInt(m[1] ?? m[2], 16);
          if (cp <= 0x10ffff) {
            flush();
            out += String.fromCodePoint(cp);
            i += m[0].length;
            continue;
          }
        }
      }
    }
    flush();
    out += body[i];
    i++;
  }
  flush();
  return out;
}
