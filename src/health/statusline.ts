// Judging a probe's answer exactly as Varnish 7.1 does (cache_backend_probe.c vbp_poke):
// the first 128 bytes read go into `resp_buf[128]`, byte 127 is overwritten by NUL, the
// C string is cut at the first CR and then at the first LF, and the status is taken with
// `sscanf(resp_buf, "HTTP/%*f %u ", &resp)`. The scanner below reproduces that format
// string with glibc's conversions (stdio-common/vfscanf-internal.c): `%f` skips white space
// and reads greedily what could be a number (sign, decimal or hex digits, one dot, exponent,
// inf, infinity, nan), failing when strtod accepts none of it; a blank in the format skips
// any white space; `%u` skips white space, takes an optional sign and decimal digits, and
// wraps to 32 bits as the assignment to `unsigned` does. The tables in
// test/health/statusline.test.ts were checked against glibc's own sscanf.

/** Bytes of the answer that Varnish keeps: sizeof resp_buf − 1. */
export const KEPT_RESPONSE_BYTES = 127;

/** The status line as Varnish keeps it, from the first `length` bytes the origin sent. */
export function statusLine(first: Uint8Array, length: number = first.length): string {
  // resp_buf is cut at the first NUL, then CR, then LF: at the first of any of them.
  const limit = Math.min(length, KEPT_RESPONSE_BYTES);
  let end = 0;
  while (end < limit) {
    const c = first[end];
    if (c === 0x00 || c === 0x0d || c === 0x0a) break;
    end++;
  }
  // Origins send the same few lines probe after probe: a line seen lately is answered with
  // the same string, so a probe makes neither a view nor a string, and every state that keeps
  // the line (lastResponse, kept for an interval) shares one.
  for (let r = 0; r < recentLines.length; r++) {
    const seen = recentLines[r];
    if (seen.length === end && sameBytes(seen, first, end)) return seen;
  }
  // latin1 maps each byte to one character, so nothing is lost or merged.
  const line = Buffer.from(first.buffer, first.byteOffset, end).toString('latin1');
  recentLines[nextRecent] = line;
  nextRecent = (nextRecent + 1) % RECENT_LINES;
  return line;
}

const RECENT_LINES = 8;
const recentLines: string[] = [];
let nextRecent = 0;

function sameBytes(line: string, bytes: Uint8Array, length: number): boolean {
  for (let i = 0; i < length; i++) if (line.charCodeAt(i) !== bytes[i]) return false;
  return true;
}

/** C isspace in the "C" locale. */
function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
}

function skipSpace(s: string, i: number): number {
  while (isSpace(s[i])) i++;
  return i;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

function digitsEnd(s: string, i: number, test: (c: string | undefined) => boolean): number {
  while (test(s[i])) i++;
  return i;
}

/** Matches `word` case-insensitively at `i`: the index after it, or -1. */
function matchWord(s: string, i: number, word: string): number {
  return s.slice(i, i + word.length).toLowerCase() === word ? i + word.length : -1;
}

/**
 * glibc's `%f` scanner: reads greedily with one character of look-ahead (it cannot back off
 * over an exponent marker with no digits), then needs strtod to accept a prefix of what it
 * read. Returns the index after the characters consumed, or -1 for a conversion failure.
 */
function scanFloat(s: string, i: number): number {
  if (s[i] === '+' || s[i] === '-') i++;
  const c = s[i]?.toLowerCase();
  if (c === 'n') return matchWord(s, i, 'nan');
  if (c === 'i') {
    const afterInf = matchWord(s, i, 'inf');
    if (afterInf < 0 || s[afterInf]?.toLowerCase() !== 'i') return afterInf;
    return matchWord(s, afterInf, 'inity');
  }
  let read = '';
  let hexa = false;
  let gotDigit = false;
  let gotE = false;
  let gotDot = false;
  if (s[i] === '0') {
    read += s[i++];
    if (s[i]?.toLowerCase() === 'x') {
      read += s[i++];
      hexa = true;
    } else {
      gotDigit = true;
    }
  }
  const expChar = hexa ? 'p' : 'e';
  for (;; i++) {
    const ch = s[i];
    if (isDigit(ch) || (!gotE && hexa && isHex(ch))) gotDigit = true;
    else if (gotE && read.endsWith(expChar) && (ch === '-' || ch === '+')) { /* exponent sign */ }
    else if (gotDigit && !gotE && ch?.toLowerCase() === expChar) gotE = gotDot = true;
    else if (!gotDot && ch === '.') gotDot = true;
    else break;
    read += ch.toLowerCase();
  }
  if (read.length === 0 || (hexa && read.length === 2)) return -1;
  // strtod must accept a prefix: at least one mantissa digit ("0x" alone reads as "0").
  return read.startsWith('0') || /^\.?[0-9]/.test(read) ? i : -1;
}

/** `sscanf(line, "HTTP/%*f %u ", &resp)`: the status, or null when fewer than one conversion. */
export function scanStatus(line: string): number | null {
  if (!line.startsWith('HTTP/')) return null;
  const afterFloat = scanFloat(line, skipSpace(line, 5));
  if (afterFloat < 0) return null;
  let i = skipSpace(line, afterFloat);
  let negative = false;
  if (line[i] === '+' || line[i] === '-') {
    negative = line[i] === '-';
    i++;
  }
  const end = digitsEnd(line, i, isDigit);
  if (end === i) return null;
  // strtoul saturates at ULONG_MAX, negates in unsigned arithmetic; `unsigned` keeps 32 bits.
  const ulongMax = (1n << 64n) - 1n;
  let value = BigInt(line.slice(i, end));
  if (value > ulongMax) value = ulongMax;
  else if (negative) value = (1n << 64n) - value;
  return Number(value & 0xffffffffn);
}

// Origins answer the same few status lines probe after probe: remember what they scan to.
// Bounded so that origins sending ever-changing lines cannot grow it.
const scanned = new Map<string, number | null>();
const SCANNED_MAX = 256;

/** Whether Varnish would call this status line happy for `expected`. */
export function statusMatches(line: string, expected: number): boolean {
  let status = scanned.get(line);
  if (status === undefined) {
    status = scanStatus(line);
    if (scanned.size >= SCANNED_MAX) scanned.clear();
    scanned.set(line, status);
  }
  return status === expected;
}
