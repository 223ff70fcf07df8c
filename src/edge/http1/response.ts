// A response the edge writes on its own HTTP/1.1 connection (./connection.ts): the status line
// and fields serialised once, then the body, with the framing node:http would choose.
//
// Framing (RFC 9112 §6): a Content-Length field from the caller is kept; a body handed whole to
// end() gets one; a streamed body without one is chunked for HTTP/1.1 clients and ends with
// the connection for HTTP/1.0 ones. HEAD, 204 and 304 responses carry no body. The
// connection's own fields (Connection, Keep-Alive, Transfer-Encoding) are the edge's to write:
// a caller's `Connection: close` is honoured, the rest of those fields are not copied.
// Field names and values are checked as node:http checks them, so a value with CR or LF (from
// VCL, say) throws instead of splitting the response.
// A cached object's fields are the same in every response that serves it: given them as `base`,
// the writer serialises and checks them once per object and reuses that text while the fields
// still hold them unchanged and in order; otherwise it writes every field on its own. Building
// the head piece by piece and flattening it was, with the checks, ~1 µs of a 1 KB hit.

import type http from 'node:http';
import type net from 'node:net';
import type { RequestHead } from './request-head.ts';
import type { ClientResponse } from './types.ts';
import { flatString } from '../flat-string.ts';

/** What a response needs from its connection. */
export interface ResponseConnection {
  readonly socket: net.Socket;
  readonly keepAliveSeconds: number;
  /** Set when the connection must close after the response in flight (the server is draining). */
  readonly closing: boolean;
  /** The response was handed to the socket; `keepAlive` false closes the connection. */
  finished(keepAlive: boolean): void;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
const CLOSE = /(?:^|,)\s*close\s*(?:,|$)/i;
const CHUNK_END = Buffer.from('\r\n', 'latin1');
const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');
/** Bodies up to this size are copied behind the head and written with it in one buffer. */
const ONE_WRITE_MAX = 16 * 1024;

let dateSecond = -1;
let dateLine = '';
/** The Date field line, rendered once a second (RFC 9110 §6.6.1). */
function httpDateLine(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateLine = flatString(`date: ${new Date(now).toUTCString()}\r\n`);
  }
  return dateLine;
}

/** Status lines by status, each with the reason it was made for (statuses are 100–999). */
const STATUS_LINES = new Map<number, readonly [reason: string, line: string]>();

function statusLine(status: number, reason: string): string {
  const cached = STATUS_LINES.get(status);
  if (cached !== undefined && cached[0] === reason) return cached[1];
  const line = flatString(`HTTP/1.1 ${status} ${reason}\r\n`);
  STATUS_LINES.set(status, [reason, line]);
  return line;
}

let trailerSeconds = -1;
let keepAliveTrailer = '';
/** The connection fields of a kept-alive response, and the blank line that ends the head. */
function keepAliveEnd(seconds: number): string {
  if (seconds !== trailerSeconds) {
    trailerSeconds = seconds;
    keepAliveTrailer = flatString(`connection: keep-alive\r\nkeep-alive: timeout=${seconds}\r\n\r\n`);
  }
  return keepAliveTrailer;
}

/** Field names already checked, so a steady set of names costs one lookup each (bounded). */
const CHECKED_NAMES = new Set<string>();

function checkName(name: string): void {
  if (CHECKED_NAMES.has(name)) return;
  if (!TOKEN.test(name)) throw invalid(`header name "${name}"`);
  if (CHECKED_NAMES.size < 1024) CHECKED_NAMES.add(name);
}

function invalid(what: string): TypeError {
  return Object.assign(new TypeError(`Invalid character in ${what}`), { code: 'ERR_INVALID_CHAR' });
}

/**
 * The field lines of a `base` header object (see ClientResponse.writeHead), serialised and
 * checked once per base: a cached object's fields are the same in every response that serves it.
 */
interface SerialisedBase {
  readonly text: string;
  readonly names: readonly string[];
  readonly values: readonly unknown[];
  readonly hasLength: boolean;
  readonly hasDate: boolean;
}

const SERIALISED_BASES = new WeakMap<object, SerialisedBase | null>();

function serialisedBase(base: http.OutgoingHttpHeaders): SerialisedBase | null {
  let s = SERIALISED_BASES.get(base);
  if (s === undefined) SERIALISED_BASES.set(base, s = serialiseBase(base));
  return s;
}

/** Null when the base has a field only the response may write, or one that is not valid. */
function serialiseBase(base: http.OutgoingHttpHeaders): SerialisedBase | null {
  let text = '';
  const names: string[] = [];
  const values: unknown[] = [];
  for (const name in base) {
    const value = base[name];
    if (value === undefined) continue;
    if (name === 'connection' || name === 'transfer-encoding' || name === 'keep-alive') return null;
    try {
      text += fieldLines(name, value);
    } catch {
      return null;
    }
    names.push(name);
    values.push(value);
  }
  return { text: flatString(text), names, values, hasLength: base['content-length'] !== undefined, hasDate: base.date !== undefined };
}

/** `name: value` lines of one field, checked as node:http checks them. */
function fieldLines(name: string, value: number | string | readonly string[]): string {
  checkName(name);
  if (typeof value === 'object') {
    let lines = '';
    for (const v of value) {
      if (INVALID_VALUE.test(v)) throw invalid(`header "${name}"`);
      lines += `${name}: ${v}\r\n`;
    }
    return lines;
  }
  const v = typeof value === 'string' ? value : String(value);
  if (INVALID_VALUE.test(v)) throw invalid(`header "${name}"`);
  return `${name}: ${v}\r\n`;
}

type Listener = () => void;

/**
 * Not an EventEmitter: it has two events, 'close' (once, at the end) and 'drain', and their
 * few listeners are kept in arrays — an emitter's bookkeeping showed in the CPU profile of a hit.
 */
export class FastResponse implements ClientResponse {
  headersSent = false;
  destroyed = false;
  writableFinished = false;
  shouldKeepAlive: boolean;
  readonly #conn: ResponseConnection;
  readonly #head: RequestHead;
  #status = 200;
  #reason = 'OK';
  #fields: http.OutgoingHttpHeaders = {};
  #base: http.OutgoingHttpHeaders | null = null;
  #chunked = false;
  #bodyAllowed = true;
  #keepAlive = true;
  #onClose: Listener[] | null = null;
  #onDrain: Listener[] | null = null;

  constructor(conn: ResponseConnection, head: RequestHead) {
    this.#conn = conn;
    this.#head = head;
    this.shouldKeepAlive = head.keepAlive;
  }

  writeHead(status: number, reason: string, headers: http.OutgoingHttpHeaders, base: http.OutgoingHttpHeaders | null = null): this {
    if (this.headersSent) throw new Error('writeHead after the head was sent');
    if (INVALID_VALUE.test(reason)) throw invalid('the status reason');
    this.#status = status;
    this.#reason = reason;
    this.#fields = headers;
    this.#base = base;
    return this;
  }

  write(chunk: Buffer): boolean {
    if (this.destroyed || this.writableFinished) return false;
    const socket = this.#conn.socket;
    socket.cork();
    if (!this.headersSent) socket.write(this.#serialiseHead(null), 'latin1');
    let ok = !socket.writableNeedDrain;
    if (this.#bodyAllowed && chunk.length > 0) {
      if (this.#chunked) {
        socket.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
        socket.write(chunk);
        ok = socket.write(CHUNK_END);
      } else {
        ok = socket.write(chunk);
      }
    }
    socket.uncork();
    if (!ok) socket.once('drain', this.#drained);
    return ok;
  }

  /** 'close' listeners run once, when the response ends or its client goes; 'drain' ones once, at the next drain. */
  on(event: 'close', listener: Listener): this {
    (this.#onClose ??= []).push(listener);
    return this;
  }

  once(event: 'close' | 'drain', listener: Listener): this {
    if (event === 'close') (this.#onClose ??= []).push(listener);
    else (this.#onDrain ??= []).push(listener);
    return this;
  }

  #emitClose(): void {
    const listeners = this.#onClose;
    this.#onClose = null;
    if (listeners !== null) for (const l of listeners) l();
  }

  readonly #drained = (): void => {
    const listeners = this.#onDrain;
    this.#onDrain = null;
    if (listeners !== null) for (const l of listeners) l();
  };

  end(body?: Buffer | string): this {
    if (this.destroyed || this.writableFinished) return this;
    const socket = this.#conn.socket;
    if (!this.headersSent) {
      const length = body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length;
      const head = this.#serialiseHead(length);
      if (body === undefined || length === 0 || !this.#bodyAllowed) {
        socket.write(head, 'latin1');
      } else if (length <= ONE_WRITE_MAX) {
        // One buffer, one write: cheaper than a corked writev of two for small bodies.
        const out = Buffer.allocUnsafe(head.length + length);
        out.write(head, 0, 'latin1');
        if (typeof body === 'string') out.write(body, head.length, 'utf8');
        else body.copy(out, head.length);
        socket.write(out);
      } else {
        socket.cork();
        socket.write(head, 'latin1');
        socket.write(body);
        socket.uncork();
      }
    } else {
      if (body !== undefined) this.write(typeof body === 'string' ? Buffer.from(body) : body);
      if (this.#chunked) socket.write(LAST_CHUNK);
    }
    this.writableFinished = true;
    this.#emitClose();
    this.#conn.finished(this.#keepAlive);
    return this;
  }

  destroy(): this {
    this.#conn.socket.destroy();
    this.gone();
    return this;
  }

  /** The connection closed: a response not yet finished will never be. */
  gone(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (!this.writableFinished) this.#emitClose();
  }

  /** `bodyLength` is the whole body's size when end() has it, null when the body streams. */
  #serialiseHead(bodyLength: number | null): string {
    const status = this.#status;
    const fields = this.#fields;
    // The fields still equal to the base's, in the base's order, are written from its serialisation.
    const base = this.#base === null ? null : serialisedBase(this.#base);
    const baseNames = base === null ? 0 : base.names.length;
    let matched = 0;
    let keepAlive = this.shouldKeepAlive && !this.#conn.closing;
    let hasLength = base !== null && base.hasLength;
    let hasDate = base !== null && base.hasDate;
    let text = base === null ? statusLine(status, this.#reason) : statusLine(status, this.#reason) + base.text;
    for (const name in fields) {
      const value = fields[name];
      if (value === undefined) continue;
      if (matched < baseNames && name === base!.names[matched] && value === base!.values[matched]) {
        matched++;
        continue;
      }
      switch (name) {
        case 'content-length': hasLength = true; break;
        case 'date': hasDate = true; break;
        case 'connection':
          if (CLOSE.test(String(value))) keepAlive = false;
          continue;
        case 'transfer-encoding': case 'keep-alive':
          continue;
      }
      text += fieldLines(name, value);
    }
    if (matched !== baseNames) {
      // A base field was changed, removed or moved: write every field on its own.
      this.#base = null;
      return this.#serialiseHead(bodyLength);
    }
    if (!hasDate) text += httpDateLine();
    // RFC 9110 §6.4.1, §9.3.2: no content after HEAD, 1xx, 204 or 304.
    this.#bodyAllowed = this.#head.method !== 'HEAD' && status >= 200 && status !== 204 && status !== 304;
    if (this.#bodyAllowed && !hasLength) {
      if (bodyLength !== null) text += `content-length: ${bodyLength}\r\n`;
      else if (this.#head.httpVersion === '1.1') {
        this.#chunked = true;
        text += 'transfer-encoding: chunked\r\n';
      } else {
        keepAlive = false;
      }
    }
    text += keepAlive ? keepAliveEnd(this.#conn.keepAliveSeconds) : 'connection: close\r\n\r\n';
    this.#keepAlive = keepAlive;
    this.headersSent = true;
    return text;
  }
}
