// A response the edge writes on its own HTTP/1.1 connection (./connection.ts): the status line
// and fields serialised once, then the body, with the framing node:http would choose.
//
// Framing (RFC 9112 §6): a Content-Length field from the caller is kept; a body handed whole to
// end() gets one; a streamed body without one is chunked for HTTP/1.1 clients and ends with
// the connection for HTTP/1.0 ones. HEAD, 204 and 304 responses carry no body. The
// connection's own fields (Connection, Keep-Alive, Transfer-Encoding) are the edge's to write:
// a caller's `Connection: close` is honoured, the rest of those fields are not copied.
// Field names and values are checked as node:http checks them (./field-lines.ts), so a value
// with CR or LF (from VCL, say) throws instead of splitting the response.
// A cached object's fields are the same in every response that serves it: given them as `base`,
// the writer uses their serialisation (made once per object) while the fields still hold them
// unchanged and in order; otherwise it writes every field on its own.
// The head is written as bytes straight into the buffer that goes to the socket (with a small
// body behind it): building it as a string, then flattening and copying it out, was with the
// checks ~1 µs of a 1 KB hit.

import { Buffer } from 'node:buffer';
import type http from 'node:http';
import type net from 'node:net';
import { copy, putLatin1 } from '../bytes.ts';
import { FieldLines, invalid, invalidValue, serialisedBase } from './field-lines.ts';
import type { RequestHead } from './request-head.ts';
import type { ClientResponse } from './types.ts';

/** What a response needs from its connection. */
export interface ResponseConnection {
  readonly socket: net.Socket;
  readonly keepAliveSeconds: number;
  /** Set when the connection must close after the response in flight (the server is draining). */
  readonly closing: boolean;
  /** The response was handed to the socket; `keepAlive` false closes the connection. */
  finished(keepAlive: boolean): void;
}

const CLOSE = /(?:^|,)\s*close\s*(?:,|$)/i;
const CHUNK_END = Buffer.from('\r\n', 'latin1');
const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');
/** Bodies up to this size are copied behind the head and written with it in one buffer. */
const ONE_WRITE_MAX = 16 * 1024;

const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');
const CHUNKED = latin1('transfer-encoding: chunked\r\n');
const CLOSE_END = latin1('connection: close\r\n\r\n');

let dateSecond = -1;
let dateLine: Buffer = Buffer.alloc(0);
/** The Date field line, rendered once a second (RFC 9110 §6.6.1). */
function httpDateLine(): Buffer {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateLine = latin1(`date: ${new Date(now).toUTCString()}\r\n`);
  }
  return dateLine;
}

/** Status lines by status, each with the reason it was made for (statuses are 100–999). */
const STATUS_LINES = new Map<number, readonly [reason: string, line: Buffer]>();

function statusLine(status: number, reason: string): Buffer {
  const cached = STATUS_LINES.get(status);
  if (cached !== undefined && cached[0] === reason) return cached[1];
  const line = latin1(`HTTP/1.1 ${status} ${reason}\r\n`);
  STATUS_LINES.set(status, [reason, line]);
  return line;
}

let trailerSeconds = -1;
let keepAliveTrailer: Buffer = Buffer.alloc(0);
/** The connection fields of a kept-alive response, and the blank line that ends the head. */
function keepAliveEnd(seconds: number): Buffer {
  if (seconds !== trailerSeconds) {
    trailerSeconds = seconds;
    keepAliveTrailer = latin1(`connection: keep-alive\r\nkeep-alive: timeout=${seconds}\r\n\r\n`);
  }
  return keepAliveTrailer;
}

const CONTENT_LENGTH = latin1('content-length: ');

/** RFC 9110 §6.4.1, §9.3.2: no content after HEAD, 1xx, 204 or 304. */
function allowsBody(method: string, status: number): boolean {
  return method !== 'HEAD' && status >= 200 && status !== 204 && status !== 304;
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
  /** Whether the status and method allow content; set with the status. */
  #bodyAllowed: boolean;
  #keepAlive = true;
  #onClose: Listener[] | null = null;
  #onDrain: Listener[] | null = null;

  constructor(conn: ResponseConnection, head: RequestHead) {
    this.#conn = conn;
    this.#head = head;
    this.shouldKeepAlive = head.keepAlive;
    this.#bodyAllowed = allowsBody(head.method, this.#status);
  }

  writeHead(status: number, reason: string, headers: http.OutgoingHttpHeaders, base: http.OutgoingHttpHeaders | null = null): this {
    if (this.headersSent) throw new Error('writeHead after the head was sent');
    if (invalidValue(reason)) throw invalid('the status reason');
    this.#status = status;
    this.#bodyAllowed = allowsBody(this.#head.method, status);
    this.#reason = reason;
    this.#fields = headers;
    this.#base = base;
    return this;
  }

  write(chunk: Buffer): boolean {
    if (this.destroyed || this.writableFinished) return false;
    const socket = this.#conn.socket;
    socket.cork();
    if (!this.headersSent) socket.write(this.#serialiseHead(null, 0));
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
      const sent = body !== undefined && length > 0 && this.#bodyAllowed;
      // A small body goes behind the head in its buffer: one write is cheaper than a corked
      // writev of two.
      const room = sent && length <= ONE_WRITE_MAX ? length : 0;
      const head = this.#serialiseHead(length, room);
      if (room > 0) {
        if (typeof body === 'string') head.write(body, head.length - room, 'utf8');
        else (body as Buffer).copy(head, head.length - room);
        socket.write(head);
      } else if (!sent) {
        socket.write(head);
      } else {
        socket.cork();
        socket.write(head);
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

  /**
   * The head as bytes, in a buffer with `room` more bytes behind it for a body written with it.
   * `bodyLength` is the whole body's size when end() has it, null when the body streams.
   */
  #serialiseHead(bodyLength: number | null, room: number): Buffer {
    const fields = this.#fields;
    // The fields still equal to the base's, in the base's order, are written from its serialisation.
    const base = this.#base === null ? null : serialisedBase(this.#base);
    const baseNames = base === null ? 0 : base.names.length;
    let matched = 0;
    let keepAlive = this.shouldKeepAlive && !this.#conn.closing;
    let hasLength = base !== null && base.hasLength;
    let hasDate = base !== null && base.hasDate;
    const lines = new FieldLines();
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
      lines.add(name, value);
    }
    if (matched !== baseNames) {
      // A base field was changed, removed or moved: write every field on its own.
      this.#base = null;
      return this.#serialiseHead(bodyLength, room);
    }
    const status = statusLine(this.#status, this.#reason);
    const date = hasDate ? null : httpDateLine();
    let length: string | null = null;
    if (this.#bodyAllowed && !hasLength) {
      if (bodyLength !== null) length = String(bodyLength);
      else if (this.#head.httpVersion === '1.1') this.#chunked = true;
      else keepAlive = false;
    }
    const end = keepAlive ? keepAliveEnd(this.#conn.keepAliveSeconds) : CLOSE_END;

    const size = status.length + (base === null ? 0 : base.bytes.length) + lines.bytes + (date === null ? 0 : date.length)
      + (length === null ? 0 : CONTENT_LENGTH.length + length.length + 2) + (this.#chunked ? CHUNKED.length : 0) + end.length;
    const out = Buffer.allocUnsafe(size + room);
    let at = copy(out, 0, status);
    if (base !== null) at = copy(out, at, base.bytes);
    at = lines.writeTo(out, at);
    if (date !== null) at = copy(out, at, date);
    if (length !== null) {
      at = putLatin1(out, copy(out, at, CONTENT_LENGTH), length);
      out[at++] = 0x0d;
      out[at++] = 0x0a;
    }
    if (this.#chunked) at = copy(out, at, CHUNKED);
    copy(out, at, end);
    this.#keepAlive = keepAlive;
    this.headersSent = true;
    return out;
  }
}
