// The edge's own reader of HTTP/1.1 request heads, for the common case only.
//
// It accepts a strict subset of RFC 9112 and says "unsupported" for everything else, and the
// connection then hands the bytes to node:http (llhttp), which stays the judge of every
// request this reader does not fully understand: bodies, chunked encoding, Expect, Upgrade,
// absolute-form targets, obs-fold, bare LF, duplicate fields, oversized heads, missing Host,
// malformed anything. What it accepts it reads exactly as node:http would (lower-cased names,
// latin1 values with surrounding whitespace removed), which a differential test checks.
//
// Accepted: `GET` or `HEAD`, an origin-form target of visible ASCII, `HTTP/1.1` or
// `HTTP/1.0`, each field `token ":" OWS value OWS` ended by CRLF (RFC 9112 §5, RFC 9110 §5.5),
// no field twice, no Content-Length, Transfer-Encoding, Expect or Upgrade, a Connection field
// that is just `close` or `keep-alive`, and a Host field on HTTP/1.1 (RFC 9112 §3.2).
// Also `POST`, `PUT` and `PATCH` — the methods whose requests carry content (RFC 9110 §9.3) —
// with a Content-Length of digits only (RFC 9110 §8.6) up to MAX_BODY_BYTES, when the whole body
// is in the bytes given with the head: the body is then handed over whole, as a view of them.
// A body that is not all there yet is INCOMPLETE, and so node's to read, as a split head is:
// reading a body across reads, with its deadline, stays node:http's job (./timeouts.ts).

/** node:http's default `maxHeaderSize`: a longer head is node's to refuse (431). */
export const MAX_HEAD_BYTES = 16 * 1024;
/**
 * The longest body read with its head: what the edge holds whole before it takes an upstream
 * connection (request-body.ts BODY_BUFFER_BYTES), so a body read here is always sent whole.
 */
export const MAX_BODY_BYTES = 64 * 1024;
/** node:http's default `maxHeadersCount`: past it node drops fields, so such heads are node's. */
const MAX_FIELDS = 2000;

export interface RequestHead {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH';
  readonly url: string;
  readonly httpVersion: '1.1' | '1.0';
  /** Lower-cased names, one string value each. */
  readonly headers: Record<string, string>;
  /** Whether the client lets the connection stay open after this response (RFC 9112 §9.3). */
  readonly keepAlive: boolean;
  /** Offset just past the head's final CRLF. */
  readonly end: number;
  /** The Content-Length body that follows the head, whole (a view of the bytes given); null for none. */
  readonly body: Buffer | null;
}

/** Bytes converted first when looking for a head's end: wrk's head is ~40, a browser's ~500–900. */
const FIRST_WINDOW = 1024;

/** More bytes are needed before the head is complete. */
export const INCOMPLETE = 0;
/** Not in the subset: node:http must read it. */
export const UNSUPPORTED = 1;

/** tchar (RFC 9110 §5.6.2): the characters of a field name. */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") TCHAR[c.charCodeAt(0)] = 1;

/**
 * Field names clients send most, as they spell them (canonical case, and lower case), each
 * mapped to the lower-case name the head's object uses. Matching one in place skips making a
 * string of the name, lower-casing it and looking the new string up as an object key — for a
 * browser's head that was most of the reader's cost.
 */
const KNOWN_NAMES: (readonly [string, string])[][] = [];
for (const canonical of [
  'Host', 'User-Agent', 'Accept', 'Accept-Encoding', 'Accept-Language', 'Connection', 'Cookie', 'Referer',
  'Cache-Control', 'Pragma', 'If-None-Match', 'If-Modified-Since', 'Range', 'If-Range', 'Origin', 'Priority',
  'Sec-Fetch-Dest', 'Sec-Fetch-Mode', 'Sec-Fetch-Site', 'Sec-Fetch-User', 'Upgrade-Insecure-Requests', 'DNT',
  'Authorization', 'X-Forwarded-For', 'X-Requested-With', 'Sec-CH-UA', 'Sec-CH-UA-Mobile', 'Sec-CH-UA-Platform',
]) {
  const lower = canonical.toLowerCase();
  const list = (KNOWN_NAMES[canonical.length] ??= []);
  list.push([canonical, lower]);
  if (lower !== canonical) list.push([lower, lower]);
}

/**
 * The lower-case name of the field whose name is s[pos, end) (the bytes buf[start + pos, start +
 * end)), without making a new string when it is a known one (a known spelling is a token, so it
 * needs no character check); null when the name is not a token (RFC 9110 §5.1).
 */
function fieldName(s: string, buf: Buffer, start: number, pos: number, end: number): string | null {
  const known = KNOWN_NAMES[end - pos];
  if (known !== undefined) for (const [spelling, lower] of known) if (s.startsWith(spelling, pos)) return lower;
  for (let i = start + pos, last = start + end; i < last; i++) {
    const c = buf[i];
    if (c >= 128 || TCHAR[c] !== 1) return null;
  }
  return s.slice(pos, end).toLowerCase();
}

/** field-vchar / SP / HTAB (RFC 9110 §5.5): what a field value may hold (obs-text included). */
function valueChar(c: number): boolean {
  return c === 0x09 || (c >= 0x20 && c !== 0x7f && c <= 0xff);
}

/**
 * Reads the head that starts at `start` in `buf`: lines and names are found in one latin1
 * string, characters are checked on the bytes. A regular expression per line, a split of the
 * head, or one regular expression over the whole head cost more.
 */
export function parseRequestHead(buf: Buffer, start: number): RequestHead | typeof INCOMPLETE | typeof UNSUPPORTED {
  // Usually one native call: the first bytes as a latin1 string, searched for the head's end by
  // the string builtin (a Buffer search first was a second native call). The first window is
  // small, so pipelined requests behind this one are not converted again for every request.
  let s = buf.toString('latin1', start, Math.min(buf.length, start + FIRST_WINDOW));
  let length = s.indexOf('\r\n\r\n');
  if (length === -1 && buf.length - start > FIRST_WINDOW) {
    s = buf.toString('latin1', start, Math.min(buf.length, start + MAX_HEAD_BYTES));
    length = s.indexOf('\r\n\r\n');
  }
  if (length === -1) return buf.length - start >= MAX_HEAD_BYTES ? UNSUPPORTED : INCOMPLETE;

  // Request line: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH") SP "/" *VCHAR SP "HTTP/1." ("1" | "0")
  let lineEnd = s.indexOf('\r\n');
  if (lineEnd === -1) lineEnd = length;
  let method: RequestHead['method'];
  let p: number;
  if (s.startsWith('GET /')) { method = 'GET'; p = 4; }
  else if (s.startsWith('HEAD /')) { method = 'HEAD'; p = 5; }
  else if (s.startsWith('POST /')) { method = 'POST'; p = 5; }
  else if (s.startsWith('PUT /')) { method = 'PUT'; p = 4; }
  else if (s.startsWith('PATCH /')) { method = 'PATCH'; p = 6; }
  else return UNSUPPORTED;
  const content = method !== 'GET' && method !== 'HEAD';
  // Character checks read the bytes (s[i] is buf[start + i]): a typed-array loop ran about
  // twice as fast as charCodeAt() over the same head.
  let q = p + 1;
  for (let c = buf[start + q]; q < lineEnd && c >= 0x21 && c <= 0x7e; c = buf[start + ++q]);
  if (lineEnd - q !== 9 || !s.startsWith(' HTTP/1.', q)) return UNSUPPORTED;
  const minor = s.charCodeAt(q + 8);
  if (minor !== 0x31 && minor !== 0x30) return UNSUPPORTED;
  const url = s.slice(p, q);

  // Fields: token ":" OWS field-value OWS, each line ended by CRLF.
  const headers: Record<string, string> = {};
  let connection: string | null = null;
  let bodyLength = -1;
  let fields = 0;
  for (let pos = lineEnd + 2; pos < length;) {
    if (++fields > MAX_FIELDS) return UNSUPPORTED;
    let end = s.indexOf('\r\n', pos);
    if (end === -1) end = length;
    // The name ends at the line's first colon; fieldName() checks it is a token.
    const j = s.indexOf(':', pos);
    if (j <= pos || j >= end) return UNSUPPORTED;
    let k = j + 1;
    let m = end;
    for (let c = s.charCodeAt(k); k < m && (c === 0x20 || c === 0x09); c = s.charCodeAt(++k));
    for (let c = s.charCodeAt(m - 1); m > k && (c === 0x20 || c === 0x09); c = s.charCodeAt(--m - 1));
    for (let i = start + k, last = start + m; i < last; i++) if (!valueChar(buf[i])) return UNSUPPORTED;
    const name = fieldName(s, buf, start, pos, j);
    if (name === null) return UNSUPPORTED;
    // A repeated field, or a name the object inherits (`__proto__`, `constructor`): node's.
    if (headers[name] !== undefined) return UNSUPPORTED;
    const value = s.slice(k, m);
    switch (name) {
      case 'content-length':
        if (!content) return UNSUPPORTED;
        bodyLength = contentLength(value);
        if (bodyLength === -1) return UNSUPPORTED;
        break;
      case 'transfer-encoding': case 'expect': case 'upgrade':
        return UNSUPPORTED;
      case 'connection':
        connection = value.toLowerCase();
        if (connection !== 'close' && connection !== 'keep-alive') return UNSUPPORTED;
    }
    headers[name] = value;
    pos = end + 2;
  }
  const v11 = minor === 0x31;
  if (v11 && headers.host === undefined) return UNSUPPORTED;
  // Without a length, node:http reads such a request as having no body; leave that reading to it.
  if (content && bodyLength === -1) return UNSUPPORTED;
  const keepAlive = connection === null ? v11 : connection === 'keep-alive';
  const end = start + length + 4;
  if (bodyLength > buf.length - end) return INCOMPLETE;
  const body = bodyLength > 0 ? buf.subarray(end, end + bodyLength) : null;
  return { method, url, httpVersion: v11 ? '1.1' : '1.0', headers, keepAlive, end, body };
}

/** A Content-Length of 1*DIGIT (RFC 9110 §8.6) up to MAX_BODY_BYTES; -1 for anything else (node's to judge). */
function contentLength(value: string): number {
  if (value.length === 0 || value.length > 5) return -1;
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    n = n * 10 + (c - 0x30);
  }
  return n <= MAX_BODY_BYTES ? n : -1;
}
