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
//
// Representation: `scan` fills a TokenStream of parallel typed arrays (kind code, start,
// end, numeric value) with comments in their own lists, the layout of the TypeScript and
// esbuild scanners' cursors. A generated service is ~120k tokens; one object per token
// made the lexer and the garbage collector the largest costs of parsing (bench/micro/vcl/parse.bench.ts).
// `lex()` (./tokens.ts) builds Token objects from the stream for callers that want them.
import type { Diagnostic } from './diagnostics.ts';
import {
  invalidNumber, unexpectedCharacter, unterminatedComment, unterminatedLongString, unterminatedString,
} from './diagnostics.ts';
import { RTIME_UNITS } from './rtime.ts';
import { SourceFile } from './source.ts';
import { T } from './token.ts';
import { decodePercentEscapes } from './string-escapes.ts';

/** The scanner's output: token i is `kinds[i]` (a `T` code) over `starts[i]..ends[i]`. */
export interface TokenStream {
  readonly source: SourceFile;
  /** Number of tokens, the final `eof` included; the arrays may be longer. */
  readonly count: number;
  readonly kinds: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** integer, float, rtime (ms), percent: the number; string, macro, directive: an index into `strings`. */
  readonly values: Float64Array;
  readonly strings: readonly string[];
  /** Comments, in source order, apart from the tokens. */
  readonly commentStarts: readonly number[];
  readonly commentEnds: readonly number[];
  readonly diagnostics: Diagnostic[];
}

// Char codes, as module constants so the optimiser folds them into comparisons.
const TAB = 9, LF = 10, VT = 11, FF = 12, CR = 13, SPACE = 32;
const BANG = 33, QUOTE = 34, HASH = 35, PERCENT = 37, AMP = 38, LPAREN = 40, RPAREN = 41;
const STAR = 42, PLUS = 43, COMMA = 44, MINUS = 45, DOT = 46, SLASH = 47;
const ZERO = 48, NINE = 57, COLON = 58, SEMI = 59, LT = 60, EQ = 61, GT = 62, UPPER_A = 65;
const UPPER_C = 67, UPPER_W = 87, UPPER_Z = 90, CARET = 94, UNDERSCORE = 95, LOWER_A = 97, LOWER_Z = 122;
const LBRACE = 123, PIPE = 124, RBRACE = 125, TILDE = 126, BOM = 0xfeff, LOWER_X = 120, UPPER_X = 88;
const LOWER_E = 101, UPPER_E = 69, LOWER_D = 100, LOWER_H = 104, LOWER_L = 108, LOWER_M = 109;
const LOWER_O = 111, LOWER_R = 114, LOWER_S = 115, LOWER_W = 119, LOWER_Y = 121;

// Character classes as bits of one table lookup instead of a chain of comparisons.
const IDENT_START = 1, IDENT_PART = 2, DIGIT = 4, WHITE = 8, WORD = 16, HEX = 32, LETTER = 64;
const CLASSES = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const letter = (c >= LOWER_A && c <= LOWER_Z) || (c >= UPPER_A && c <= UPPER_Z);
  const digit = c >= ZERO && c <= NINE;
  let k = 0;
  if (letter) k |= LETTER | IDENT_START | IDENT_PART | WORD;
  if (digit) k |= DIGIT | IDENT_PART | WORD | HEX;
  if (c === UNDERSCORE) k |= IDENT_START | IDENT_PART | WORD;
  if (c === DOT || c === MINUS || c === COLON) k |= IDENT_PART;
  if ((c >= 97 && c <= 102) || (c >= 65 && c <= 70)) k |= HEX;
  if (c === SPACE || c === TAB || c === LF || c === CR || c === VT || c === FF) k |= WHITE;
  CLASSES[c] = k;
}
/** The class bits of a char code; NaN (past the end) and non-ASCII other than BOM have none. */
const cls = (c: number): number => (c < 128 ? CLASSES[c] : c === BOM ? WHITE : 0);
const isSpace = (c: number): boolean => (cls(c) & WHITE) !== 0;
const isHex = (c: number): boolean => (cls(c) & HEX) !== 0;

const K_EOF = T.eof, K_IDENT = T.ident, K_STRING = T.string, K_INTEGER = T.integer, K_FLOAT = T.float;
const K_RTIME = T.rtime, K_PERCENT = T.percent, K_MACRO = T.macro, K_DIRECTIVE = T.directive;

/** Scans a whole source into a TokenStream. Never throws. */
export function scan(input: string | SourceFile): TokenStream {
  const source = typeof input === 'string' ? new SourceFile('<input>', input) : input;
  const s = new Scanner(source);
  s.run();
  return s;
}

/** Milliseconds of the RTIME unit spelt by `text[u..w)`, or 0 when it is not a unit. */
function unitMs(text: string, u: number, w: number): number {
  const a = text.charCodeAt(u);
  if (w - u === 2) return a === LOWER_M && text.charCodeAt(u + 1) === LOWER_S ? RTIME_UNITS.ms : 0;
  if (w - u !== 1) return 0;
  switch (a) {
    case LOWER_S: return RTIME_UNITS.s;
    case LOWER_M: return RTIME_UNITS.m;
    case LOWER_H: return RTIME_UNITS.h;
    case LOWER_D: return RTIME_UNITS.d;
    case LOWER_W: return RTIME_UNITS.w;
    case LOWER_Y: return RTIME_UNITS.y;
    default: return 0;
  }
}

class Scanner implements TokenStream {
  readonly source: SourceFile;
  readonly text: string;
  readonly n: number;
  count = 0;
  kinds: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  values: Float64Array;
  readonly strings: string[] = [];
  readonly commentStarts: number[] = [];
  readonly commentEnds: number[] = [];
  readonly diagnostics: Diagnostic[] = [];

  constructor(source: SourceFile) {
    this.source = source;
    this.text = source.text;
    this.n = this.text.length;
    // Generated VCL averages ~6 chars a token; start near that and double when needed.
    const cap = (this.n >> 2) + 64;
    this.kinds = new Uint8Array(cap);
    this.starts = new Int32Array(cap);
    this.ends = new Int32Array(cap);
    this.values = new Float64Array(cap);
  }

  #grow(): void {
    const cap = this.kinds.length * 2;
    const kinds = new Uint8Array(cap); kinds.set(this.kinds); this.kinds = kinds;
    const starts = new Int32Array(cap); starts.set(this.starts); this.starts = starts;
    const ends = new Int32Array(cap); ends.set(this.ends); this.ends = ends;
    const values = new Float64Array(cap); values.set(this.values); this.values = values;
  }

  #emit(kind: number, start: number, end: number, value = 0): void {
    const i = this.count;
    if (i === this.kinds.length) this.#grow();
    this.kinds[i] = kind;
    this.starts[i] = start;
    this.ends[i] = end;
    this.values[i] = value;
    this.count = i + 1;
  }

  #emitString(kind: number, start: number, end: number, value: string): void {
    this.#emit(kind, start, end, this.strings.push(value) - 1);
  }

  #comment(start: number, end: number): void {
    this.commentStarts.push(start);
    this.commentEnds.push(end);
  }

  run(): void {
    const text = this.text;
    const n = this.n;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      const k = cls(c);
      if ((k & WHITE) !== 0) { i++; continue; }
      if ((k & IDENT_START) !== 0) { i = this.#ident(i, c); continue; }
      if ((k & DIGIT) !== 0) { i = this.#number(i); continue; }
      i = this.#punctuation(i, c);
    }
    this.#emit(K_EOF, n, n);
  }

  #ident(start: number, c: number): number {
    const text = this.text;
    const n = this.n;
    let i = start + 1;
    while (i < n && (cls(text.charCodeAt(i)) & IDENT_PART) !== 0) i++;
    // `C!` / `W!` alone on a line: Fastly's generated-VCL directives.
    if (i === start + 1 && (c === UPPER_C || c === UPPER_W) && text.charCodeAt(i) === BANG
      && (i + 1 >= n || isSpace(text.charCodeAt(i + 1))) && atLineStart(text, start)) {
      this.#emitString(K_DIRECTIVE, start, i + 1, text.slice(start, i + 1));
      return i + 1;
    }
    // `rol=` / `ror=`: the rotate assignment operators are spelt like identifiers.
    if (i === start + 3 && c === LOWER_R && text.charCodeAt(start + 1) === LOWER_O
      && text.charCodeAt(i) === EQ && text.charCodeAt(i + 1) !== EQ) {
      const third = text.charCodeAt(start + 2);
      if (third === LOWER_L || third === LOWER_R) {
        this.#emit(third === LOWER_L ? T['rol='] : T['ror='], start, i + 1);
        return i + 1;
      }
    }
    this.#emit(K_IDENT, start, i);
    return i;
  }

  /** Single and multi-character operators and punctuation, strings, comments; else an error. */
  #punctuation(start: number, c: number): number {
    const text = this.text;
    const next = text.charCodeAt(start + 1);
    let kind = -1;
    let len = 1;
    switch (c) {
      case QUOTE: return this.#string(start);
      case HASH: return this.#lineComment(start, true);
      case LBRACE: {
        const long = this.#longString(start);
        if (long >= 0) return long;
        kind = T['{'];
        break;
      }
      case SLASH:
        if (next === SLASH) return this.#lineComment(start, false);
        if (next === STAR) return this.#blockComment(start);
        if (next === EQ) { kind = T['/=']; len = 2; } else kind = T['/'];
        break;
      case RBRACE: kind = T['}']; break;
      case LPAREN: kind = T['(']; break;
      case RPAREN: kind = T[')']; break;
      case SEMI: kind = T[';']; break;
      case COMMA: kind = T[',']; break;
      case COLON: kind = T[':']; break;
      case DOT: kind = T['.']; break;
      case TILDE: kind = T['~']; break;
      case EQ:
        if (next === EQ) { kind = T['==']; len = 2; } else kind = T['='];
        break;
      case BANG:
        if (next === EQ) { kind = T['!=']; len = 2; } else if (next === TILDE) { kind = T['!~']; len = 2; } else kind = T['!'];
        break;
      case LT: case GT: {
        const lt = c === LT;
        if (next === c && text.charCodeAt(start + 2) === EQ) { kind = lt ? T['<<='] : T['>>=']; len = 3; } else if (next === EQ) { kind = lt ? T['<='] : T['>=']; len = 2; } else kind = lt ? T['<'] : T['>'];
        break;
      }
      case AMP: case PIPE: {
        const amp = c === AMP;
        if (next === c && text.charCodeAt(start + 2) === EQ) { kind = amp ? T['&&='] : T['||=']; len = 3; } else if (next === c) { kind = amp ? T['&&'] : T['||']; len = 2; } else if (next === EQ) { kind = amp ? T['&='] : T['|=']; len = 2; }
        break;
      }
      case PLUS:
        if (next === EQ) { kind = T['+=']; len = 2; } else kind = T['+'];
        break;
      case MINUS:
        if (next === EQ) { kind = T['-=']; len = 2; } else kind = T['-'];
        break;
      case STAR: if (next === EQ) { kind = T['*=']; len = 2; } break;
      case PERCENT: if (next === EQ) { kind = T['%=']; len = 2; } break;
      case CARET: if (next === EQ) { kind = T['^=']; len = 2; } break;
    }
    if (kind >= 0) {
      this.#emit(kind, start, start + len);
      return start + len;
    }
    // Anything else: report it once, skip the whole code point, go on.
    const cp = text.codePointAt(start) ?? c;
    const end = start + (cp > 0xffff ? 2 : 1);
    this.diagnostics.push(unexpectedCharacter(this.source, start, end, String.fromCodePoint(cp)));
    return end;
  }

  #number(start: number): number {
    const text = this.text;
    const n = this.n;
    let j = start;
    let kind = K_INTEGER;
    if (text.charCodeAt(j) === ZERO && (text.charCodeAt(j + 1) === LOWER_X || text.charCodeAt(j + 1) === UPPER_X)) {
      j += 2;
      const digits = j;
      while (j < n && isHex(text.charCodeAt(j))) j++;
      if (j === digits) return this.#badNumber(start, j);
      const after = text.charCodeAt(j);
      if ((cls(after) & IDENT_PART) !== 0 && after !== DOT && after !== COLON) return this.#badNumber(start, j);
      this.#emit(K_INTEGER, start, j, parseInt(text.slice(digits, j), 16));
      return j;
    }
    // Plain decimal integers (nearly every number in VCL) are summed while scanning; only
    // floats and long digit runs go through Number(text).
    let sum = 0;
    for (let d = text.charCodeAt(j); j < n && (cls(d) & DIGIT) !== 0; d = text.charCodeAt(++j)) sum = sum * 10 + (d - ZERO);
    if (text.charCodeAt(j) === DOT && (cls(text.charCodeAt(j + 1)) & DIGIT) !== 0) {
      kind = K_FLOAT;
      j++;
      while (j < n && (cls(text.charCodeAt(j)) & DIGIT) !== 0) j++;
    }
    const ec = text.charCodeAt(j);
    if (ec === LOWER_E || ec === UPPER_E) {
      let k = j + 1;
      if (text.charCodeAt(k) === PLUS || text.charCodeAt(k) === MINUS) k++;
      if ((cls(text.charCodeAt(k)) & DIGIT) !== 0) {
        kind = K_FLOAT;
        while (k < n && (cls(text.charCodeAt(k)) & DIGIT) !== 0) k++;
        j = k;
      }
    }
    const value = kind === K_INTEGER && j - start <= 15 ? sum : Number(text.slice(start, j));
    if (text.charCodeAt(j) === PERCENT && text.charCodeAt(j + 1) !== EQ) {
      this.#emit(K_PERCENT, start, j + 1, value);
      return j + 1;
    }
    // RTIME unit, possibly after whitespace. Line breaks count as whitespace too, so that
    // `5` + newline + `ms` reads the same before and after the printer joins the lines.
    let u = j;
    while (u < n && isSpace(text.charCodeAt(u))) u++;
    let w = u;
    while (w < n && (cls(text.charCodeAt(w)) & WORD) !== 0) w++;
    if (w > u && (cls(text.charCodeAt(w)) & IDENT_PART) === 0) {
      const ms = unitMs(text, u, w);
      if (ms !== 0) {
        this.#emit(K_RTIME, start, w, value * ms);
        return w;
      }
    }
    const after = text.charCodeAt(j);
    if (u === j && (cls(after) & (LETTER | IDENT_START)) !== 0) {
      let k = j;
      while (k < n && (cls(text.charCodeAt(k)) & IDENT_PART) !== 0) k++;
      return this.#badNumber(start, k);
    }
    this.#emit(kind, start, j, value);
    return j;
  }

  #badNumber(start: number, end: number): number {
    this.diagnostics.push(invalidNumber(this.source, start, end, this.text.slice(start, end)));
    this.#emit(K_INTEGER, start, end, 0);
    return end;
  }

  #string(start: number): number {
    const text = this.text;
    const n = this.n;
    let j = start + 1;
    let hasEscape = false;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === QUOTE) {
        const body = text.slice(start + 1, j);
        this.#emitString(K_STRING, start, j + 1, hasEscape ? decodePercentEscapes(body) : body);
        return j + 1;
      }
      if (c === LF || c === CR) break;
      if (c === PERCENT) hasEscape = true;
      j++;
    }
    this.diagnostics.push(unterminatedString(this.source, start, j));
    const body = text.slice(start + 1, j);
    this.#emitString(K_STRING, start, j, hasEscape ? decodePercentEscapes(body) : body);
    return j;
  }

  /** Returns the end of a long string starting at `{`, or -1 when `{` is just a brace. */
  #longString(start: number): number {
    const text = this.text;
    const n = this.n;
    let j = start + 1;
    while (j < n && (cls(text.charCodeAt(j)) & WORD) !== 0) j++;
    if (text.charCodeAt(j) !== QUOTE) return -1;
    const delim = text.slice(start + 1, j);
    const close = `"${delim}}`;
    const bodyStart = j + 1;
    const at = text.indexOf(close, bodyStart);
    if (at < 0) {
      this.diagnostics.push(unterminatedLongString(this.source, start, n, close));
      this.#emitString(K_STRING, start, n, text.slice(bodyStart));
      return n;
    }
    this.#emitString(K_STRING, start, at + close.length, text.slice(bodyStart, at));
    return at + close.length;
  }

  #lineComment(start: number, hash: boolean): number {
    const text = this.text;
    const n = this.n;
    let j = start;
    while (j < n && text.charCodeAt(j) !== LF && text.charCodeAt(j) !== CR) j++;
    if (hash && text.startsWith('#FASTLY', start) && (start + 7 === j || isSpace(text.charCodeAt(start + 7)))) {
      this.#emitString(K_MACRO, start, j, text.slice(start + 7, j).trim());
      return j;
    }
    this.#comment(start, j);
    return j;
  }

  #blockComment(start: number): number {
    const at = this.text.indexOf('*/', start + 2);
    if (at < 0) {
      this.diagnostics.push(unterminatedComment(this.source, start, this.n));
      this.#comment(start, this.n);
      return this.n;
    }
    this.#comment(start, at + 2);
    return at + 2;
  }
}

function atLineStart(text: string, offset: number): boolean {
  let j = offset - 1;
  while (j >= 0 && (text.charCodeAt(j) === SPACE || text.charCodeAt(j) === TAB)) j--;
  return j < 0 || text.charCodeAt(j) === LF || text.charCodeAt(j) === CR;
}
