// The edge's reader of an origin's response head (RFC 9112 §4, §5), and what the head says about
// the body that follows it (RFC 9112 §6.3). Pure: bytes in, a head or a refusal out.
//
// It is strict where a lenient reading could make the edge and the origin disagree on where the
// response ends, because the next response on the connection would then be read from the wrong
// place: a Transfer-Encoding other than exactly `chunked`, a Transfer-Encoding together with a
// Content-Length, a Content-Length that is not one plain number (repeated, a list, a sign),
// obs-fold, bare LF, whitespace before a colon — all are refused, and the exchange reports
// `backend read error`. Varnish refuses the same (cache_http1_fetch.c, "Unknown transfer
// encoding"; cache_http1_proto.c, a status that is not three digits 100–999 or a protocol below
// HTTP/1.0), and undici's llhttp refuses most of them too; a differential test checks the two
// readers agree on everything else (test/edge/upstream/differential.test.ts).
//
// What it accepts it reads as undici does — names lower-cased, values latin1 with surrounding
// whitespace removed, a repeated field as an array of its values in order — and hands on only
// the end-to-end fields, as headers.ts `stripHopByHop` would leave them (RFC 9110 §7.6.1): the
// connection's own fields, and those its Connection field names, are read here and dropped.

import { Buffer } from 'node:buffer';

/** undici's (and node:http's) default maxHeaderSize: a longer head is refused. */
export const MAX_HEAD_BYTES = 16 * 1024;
const MAX_FIELDS = 2000;

/** How the body that follows the head ends (RFC 9112 §6.3). */
export const CHUNKED = -1;
/** No framing: the body ends when the origin closes the connection. */
export const UNTIL_CLOSE = -2;

export type ResponseHeaders = Record<string, string | string[]>;

export interface ResponseHead {
  readonly status: number;
  readonly reason: string;
  /** The end-to-end fields (no hop-by-hop field, none that Connection names). */
  readonly headers: ResponseHeaders;
  /** The body's length, CHUNKED or UNTIL_CLOSE; 0 for a response that has none. */
  readonly framing: number;
  /** The origin lets the connection stay open after this response (RFC 9112 §9.3). */
  readonly keepAlive: boolean;
  /** `Keep-Alive: timeout=N` from the origin, in ms; null without one. */
  readonly keepAliveHintMs: number | null;
  /** Offset just past the head's final CRLF. */
  readonly end: number;
}

/** More bytes are needed. */
export const INCOMPLETE = 0;

/** A head the edge refuses, with what was wrong (for the log). */
export class MalformedResponse extends Error {
  readonly code = 'LACQUER_MALFORMED_RESPONSE';
  constructor(message: string) {
    super(`malformed response from the origin: ${message}`);
    this.name = 'MalformedResponse';
  }
}

/** tchar (RFC 9110 §5.6.2). */
const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") TCHAR[c.charCodeAt(0)] = 1;

/** field-vchar / SP / HTAB with obs-text (RFC 9110 §5.5): what a value and a reason may hold. */
const VALUE_CHAR = new Uint8Array(256);
for (let c = 0; c < 256; c++) VALUE_CHAR[c] = c === 0x09 || (c >= 0x20 && c !== 0x7f) ? 1 : 0;

/**
 * Field names origins send most, as they spell them, mapped to the lower-case name: matching
 * one in place skips making, lower-casing and interning a new string (as ../http1/request-head.ts).
 * Found by length and first character, so a name is compared with one or two spellings.
 */
const KNOWN_NAMES: (readonly [string, string])[][] = [];
const knownSlot = (length: number, first: number): number => (length << 7) | (first | 0x20);
for (const canonical of [
  'Content-Type', 'Content-Length', 'Cache-Control', 'Date', 'ETag', 'Last-Modified', 'Server', 'Vary', 'Set-Cookie',
  'Expires', 'Age', 'Connection', 'Keep-Alive', 'Transfer-Encoding', 'Content-Encoding', 'Accept-Ranges', 'Location',
  'Surrogate-Control', 'Surrogate-Key', 'Access-Control-Allow-Origin', 'X-Content-Type-Options', 'Strict-Transport-Security',
  'Content-Security-Policy', 'X-Frame-Options', 'Pragma', 'Content-Range', 'Content-Language', 'Content-Disposition', 'Link',
]) {
  const lower = canonical.toLowerCase();
  const list = (KNOWN_NAMES[knownSlot(canonical.length, canonical.charCodeAt(0))] ??= []);
  list.push([canonical, lower]);
  if (lower !== canonical) list.push([lower, lower]);
}

function fieldName(s: string, buf: Buffer, start: number, pos: number, end: number): string | null {
  const known = end - pos < 64 ? KNOWN_NAMES[knownSlot(end - pos, s.charCodeAt(pos))] : undefined;
  if (known !== undefined) {
    for (let i = 0; i < known.length; i++) if (s.startsWith(known[i][0], pos)) return known[i][1];
  }
  for (let i = start + pos, last = start + end; i < last; i++) if (TCHAR[buf[i]] !== 1) return null;
  return s.slice(pos, end).toLowerCase();
}

const KEEP_ALIVE = ['keep-alive'] as const;
const CLOSE = ['close'] as const;

/** The lower-cased tokens of a Connection field's value (RFC 9110 §7.6.1). */
function tokens(list: string): readonly string[] {
  // The usual values name one token, in one of a few spellings.
  if (list === 'keep-alive' || list === 'Keep-Alive') return KEEP_ALIVE;
  if (list === 'close' || list === 'Close') return CLOSE;
  return list.toLowerCase().split(',').map((t) => t.trim()).filter((t) => t !== '');
}

/** The value of a Content-Length field: one to fifteen digits (RFC 9110 §8.6), else -1. */
function lengthValue(text: string): number {
  if (text.length === 0 || text.length > 15) return -1;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

const KEEP_ALIVE_TIMEOUT = /(?:^|[,;\s])timeout\s*=\s*(\d+)/i;

/** `timeout=N` in a Keep-Alive field (RFC 2068 §19.7.1.1), in ms; null without one. */
function keepAliveTimeout(field: string): number | null {
  // The usual spelling (node:http's, Apache's) first: `timeout=N` at the start.
  if (field.startsWith('timeout=')) {
    let n = 0;
    let i = 8;
    for (let d = field.charCodeAt(i) - 0x30; d >= 0 && d <= 9 && i < 23; d = field.charCodeAt(++i) - 0x30) n = n * 10 + d;
    if (i > 8) return n * 1000;
  }
  const m = KEEP_ALIVE_TIMEOUT.exec(field);
  return m === null ? null : Number(m[1]) * 1000;
}

/** Connection-specific fields, never forwarded (headers.ts HOP_BY_HOP, RFC 9110 §7.6.1). */
function hopByHop(name: string): boolean {
  switch (name) {
    case 'connection': case 'proxy-connection': case 'keep-alive': case 'te': case 'transfer-encoding': case 'upgrade': case 'expect':
      return true;
  }
  return false;
}

const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');

/**
 * Reads the response head that starts at `start` in buf[..limit). `noBody`: the request was
 * HEAD, so whatever the head says, no body follows (RFC 9110 §9.3.2). Throws MalformedResponse
 * for a head the edge refuses.
 */
export function parseResponseHead(buf: Buffer, start: number, limit: number, noBody: boolean): ResponseHead | typeof INCOMPLETE {
  // The head's end is found in the bytes, and only the head becomes a string: the body that
  // came in the same read (most of a small response) is never converted. `buf` may be the
  // connection's read buffer, whose bytes past `limit` are an earlier read's: a match there is
  // no match (the first one at or after `start` is found, so none lies before `limit`).
  let headEnd = buf.indexOf(HEAD_END, start);
  if (headEnd !== -1 && headEnd + 4 > limit) headEnd = -1;
  if (headEnd === -1 || headEnd + 4 - start > MAX_HEAD_BYTES) {
    if (limit - start >= MAX_HEAD_BYTES) throw new MalformedResponse(`head longer than ${MAX_HEAD_BYTES} bytes`);
    // A head is ended by CRLF CRLF; a bare LF anywhere in it is refused as soon as it is seen
    // (RFC 9112 §2.2 lets a recipient accept one; llhttp does not, nor does the edge). In a
    // complete head, the character checks below find one: LF is not a token character, nor
    // one a value or a reason may hold.
    const partial = buf.toString('latin1', start, limit);
    checkLineEnds(partial, partial.length);
    return INCOMPLETE;
  }
  const length = headEnd - start;
  const s = buf.toString('latin1', start, headEnd + 4);

  // status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4); like llhttp,
  // a line that ends right after the code is read as an empty reason.
  const lineEnd = s.indexOf('\r\n');
  if (!s.startsWith('HTTP/1.') || (s.charCodeAt(7) !== 0x31 && s.charCodeAt(7) !== 0x30) || s.charCodeAt(8) !== 0x20) {
    throw new MalformedResponse('the status line does not start with HTTP/1.1 or HTTP/1.0 and a space');
  }
  const v11 = s.charCodeAt(7) === 0x31;
  const d0 = s.charCodeAt(9) - 0x30, d1 = s.charCodeAt(10) - 0x30, d2 = s.charCodeAt(11) - 0x30;
  if (!(d0 >= 1 && d0 <= 9 && d1 >= 0 && d1 <= 9 && d2 >= 0 && d2 <= 9)) throw new MalformedResponse('the status is not three digits 100–999');
  const status = d0 * 100 + d1 * 10 + d2;
  let reason = '';
  if (lineEnd !== 12) {
    if (s.charCodeAt(12) !== 0x20) throw new MalformedResponse('no space after the status');
    for (let i = start + 13, last = start + lineEnd; i < last; i++) {
      if (VALUE_CHAR[buf[i]] !== 1) throw new MalformedResponse(buf[i] === 0x0a ? 'a bare LF in the head' : 'a control character in the reason phrase');
    }
    reason = s.slice(13, lineEnd);
  }

  const headers: ResponseHeaders = {};
  let fields = 0;
  let contentLength: string | null = null;
  let transferEncoding: string | null = null;
  let connection: string | null = null;
  let keepAliveField: string | null = null;
  for (let pos = lineEnd + 2; pos < length;) {
    if (++fields > MAX_FIELDS) throw new MalformedResponse(`more than ${MAX_FIELDS} fields`);
    let end = s.indexOf('\r\n', pos);
    if (end === -1 || end > length) end = length;
    const c0 = s.charCodeAt(pos);
    if (c0 === 0x20 || c0 === 0x09) throw new MalformedResponse('a folded field line (obs-fold)');
    const j = s.indexOf(':', pos);
    if (j <= pos || j >= end) throw new MalformedResponse('a field line without a name and a colon');
    const name = fieldName(s, buf, start, pos, j);
    if (name === null) throw new MalformedResponse('a field name that is not a token');
    let k = j + 1;
    let m = end;
    for (let c = s.charCodeAt(k); k < m && (c === 0x20 || c === 0x09); c = s.charCodeAt(++k));
    for (let c = s.charCodeAt(m - 1); m > k && (c === 0x20 || c === 0x09); c = s.charCodeAt(--m - 1));
    for (let i = start + k, last = start + m; i < last; i++) {
      if (VALUE_CHAR[buf[i]] !== 1) throw new MalformedResponse(buf[i] === 0x0a ? 'a bare LF in the head' : `a control character in the ${name} field`);
    }
    const value = s.slice(k, m);
    switch (name) {
      case 'content-length':
        if (contentLength !== null) throw new MalformedResponse('Content-Length more than once');
        contentLength = value;
        break;
      case 'transfer-encoding':
        if (transferEncoding !== null) throw new MalformedResponse('Transfer-Encoding more than once');
        transferEncoding = value;
        break;
      case 'connection':
        connection = connection === null ? value : `${connection},${value}`;
        break;
      case 'keep-alive':
        keepAliveField = value;
        break;
    }
    pos = end + 2;
    // `__proto__` would set the object's prototype instead of adding a field; stripHopByHop drops it too.
    if (hopByHop(name) || name === '__proto__') continue;
    const prior = headers[name];
    // A name Object.prototype has (`constructor`, `toString`) reads as a function until set.
    if (prior === undefined || typeof prior === 'function') headers[name] = value;
    else if (typeof prior === 'string') headers[name] = [prior, value];
    else prior.push(value);
  }

  let framing: number;
  if (transferEncoding !== null) {
    // RFC 9112 §6.1: both present is a sign of smuggling; only `chunked` is understood here, and
    // a proxy cannot forward a coding it cannot find the end of.
    if (contentLength !== null) throw new MalformedResponse('both Transfer-Encoding and Content-Length');
    if (transferEncoding.toLowerCase() !== 'chunked') throw new MalformedResponse(`Transfer-Encoding "${transferEncoding}" (only chunked is understood)`);
    framing = CHUNKED;
  } else if (contentLength !== null) {
    framing = lengthValue(contentLength);
    if (framing < 0) throw new MalformedResponse(`Content-Length "${contentLength}" is not one number`);
  } else {
    framing = UNTIL_CLOSE;
  }
  // RFC 9112 §6.3 (1): no body after HEAD, 1xx, 204 or 304, whatever the fields say.
  if (noBody || status < 200 || status === 204 || status === 304) framing = 0;

  let keepAlive = v11;
  if (connection !== null) {
    const named = tokens(connection);
    keepAlive = v11 ? !named.includes('close') : named.includes('keep-alive');
    for (const n of named) if (n !== 'close' && n !== 'keep-alive') delete headers[n];
  }
  if (framing === UNTIL_CLOSE) keepAlive = false;
  const keepAliveHintMs = keepAliveField === null ? null : keepAliveTimeout(keepAliveField);
  return { status, reason, headers, framing, keepAlive, keepAliveHintMs, end: start + length + 4 };
}

/** Every LF in s[0, upTo) must follow a CR. */
function checkLineEnds(s: string, upTo: number): void {
  for (let i = s.indexOf('\n'); i !== -1 && i < upTo; i = s.indexOf('\n', i + 1)) {
    if (i === 0 || s.charCodeAt(i - 1) !== 0x0d) throw new MalformedResponse('a bare LF in the head');
  }
}
