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

/** node:http's default `maxHeaderSize`: a longer head is node's to refuse (431). */
export const MAX_HEAD_BYTES = 16 * 1024;

export interface RequestHead {
  readonly method: 'GET' | 'HEAD';
  readonly url: string;
  readonly httpVersion: '1.1' | '1.0';
  /** Lower-cased names, one string value each. */
  readonly headers: Record<string, string>;
  /** Whether the client lets the connection stay open after this response (RFC 9112 §9.3). */
  readonly keepAlive: boolean;
  /** Offset just past the head's final CRLF. */
  readonly end: number;
}

/** More bytes are needed before the head is complete. */
export const INCOMPLETE = 0;
/** Not in the subset: node:http must read it. */
export const UNSUPPORTED = 1;

const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const REQUEST_LINE = /^(GET|HEAD) (\/[\x21-\x7e]*) HTTP\/1\.([01])$/;
// token ":" OWS field-value OWS, where field-value starts and ends with a visible character.
const FIELD_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[\t ]*((?:[\x21-\x7e\x80-\xff](?:[\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?)?)[\t ]*$/;
const CONNECTION = /^(?:(close)|keep-alive)$/i;

/** Reads the head that starts at `start` in `buf`. */
export function parseRequestHead(buf: Buffer, start: number): RequestHead | typeof INCOMPLETE | typeof UNSUPPORTED {
  const stop = buf.indexOf(HEAD_END, start);
  if (stop === -1) return buf.length - start > MAX_HEAD_BYTES ? UNSUPPORTED : INCOMPLETE;
  if (stop + 4 - start > MAX_HEAD_BYTES) return UNSUPPORTED;
  const lines = buf.toString('latin1', start, stop).split('\r\n');
  const line = REQUEST_LINE.exec(lines[0]);
  if (line === null) return UNSUPPORTED;
  const headers: Record<string, string> = {};
  let connection: RegExpExecArray | null = null;
  for (let i = 1; i < lines.length; i++) {
    const field = FIELD_LINE.exec(lines[i]);
    if (field === null) return UNSUPPORTED;
    const name = field[1].toLowerCase();
    if (Object.hasOwn(headers, name) || name === '__proto__') return UNSUPPORTED;
    switch (name) {
      case 'content-length': case 'transfer-encoding': case 'expect': case 'upgrade':
        return UNSUPPORTED;
      case 'connection':
        connection = CONNECTION.exec(field[2]);
        if (connection === null) return UNSUPPORTED;
    }
    headers[name] = field[2];
  }
  const v11 = line[3] === '1';
  if (v11 && headers.host === undefined) return UNSUPPORTED;
  const keepAlive = connection === null ? v11 : connection[1] === undefined;
  return { method: line[1] as 'GET' | 'HEAD', url: line[2], httpVersion: v11 ? '1.1' : '1.0', headers, keepAlive, end: stop + 4 };
}
