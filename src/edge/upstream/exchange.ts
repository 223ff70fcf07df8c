// One request and its response on the edge's own HTTP/1.1 connections (./connection-pool.ts):
// the request head and a whole body written in one write, the response head read by
// ./response-head.ts, the body cut at its framing by ./body-reader.ts. Fastly's backend
// timeouts (https://www.fastly.com/documentation/reference/vcl/declarations/backend/):
//   first_byte_timeout     from the request written to the final response head: `first byte timeout`
//   between_bytes_timeout  between two reads of the body (not while the client is not reading):
//                          the body ends early, delivered as far as it got, marked truncated
// Failures before the head reject `response` with an EdgeError whose reason is Fastly's 503
// text; an origin whose framing is malformed is a `backend read error`, before the head or
// (the body cut short) after it.
//
// A connection goes back to the pool only when its response was read exactly to its end, with
// no byte after it, and the request was written whole; anything else closes it. A kept-alive
// connection that the origin closes before sending a single byte of the response (it timed the
// connection out as the request went out) is retried once on a new connection when the request
// is idempotent and its body is held whole: Varnish does the same for a recycled connection
// (cache_backend.c, `extrachance`), and RFC 9110 §9.2.2 limits automatic retries to idempotent
// methods.
//
// Ownership: the exchange holds its connection from `start` until it settles or the body ends,
// and is the only one that writes to it in that time.

import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import type { CancelSignal } from '../client.ts';
import { EdgeError, toEdgeError } from '../errors.ts';
import { BodyReader, MORE } from './body-reader.ts';
import type { OriginConnection } from './connection.ts';
import type { ConnectionPool, ConnectionWaiter } from './connection-pool.ts';
import { OriginResponse, type BodySource } from './origin-response.ts';
import { CHUNKED, INCOMPLETE, MalformedResponse, parseResponseHead, UNTIL_CLOSE, type ResponseHead } from './response-head.ts';
import type { ExchangeSettled, UpstreamResponse } from './types.ts';

export interface ExchangeOptions {
  /** VCL name, for errors. */
  readonly backend: string;
  readonly method: string;
  /** The request head, ready to write (./request-head.ts). */
  readonly head: string;
  readonly body: Buffer | null;
  /** False: the connection is not reused after this exchange (HEAD, or a body on a method that expects none). */
  readonly reusable: boolean;
  /** The request may be sent again on a new connection (RFC 9110 §9.2.2 idempotent, body held whole). */
  readonly replayable: boolean;
  readonly firstByteTimeoutMs: number;
  readonly betweenBytesTimeoutMs: number;
  readonly signal?: CancelSignal;
  /** Called exactly once, when nothing more will be read for this exchange. */
  readonly onSettled: (outcome: ExchangeSettled) => void;
}

/** Bodies up to this size go in the head's buffer, one write for both. */
const ONE_WRITE_MAX = 16 * 1024;
/** A body with this much still to come after the head's read streams through buffers of its own. */
const LARGE_REST = 16 * 1024;

const HEAD = 0;
const BODY = 1;
const DONE = 2;

export class Exchange implements ConnectionWaiter, BodySource {
  readonly response: Promise<UpstreamResponse>;
  settled = false;
  readonly #o: ExchangeOptions;
  readonly #pool: ConnectionPool;
  #resolve!: (r: UpstreamResponse) => void;
  #reject!: (e: EdgeError) => void;
  #conn: OriginConnection | null = null;
  #reused = false;
  #retried = false;
  readonly #start = performance.now();
  #writtenAt = 0;
  #phase = HEAD;
  /** Head bytes so far, when the head came in more than one read. */
  #pending: Buffer | null = null;
  /** Bytes read on the current connection (a retry needs none). */
  #read = 0;
  #reader: BodyReader | null = null;
  #res: OriginResponse | null = null;
  #keepAlive = false;
  #paused = false;
  /** The body's Content-Length once the head is read (CHUNKED or UNTIL_CLOSE without one). */
  #length = 0;
  /** The bytes being read are the exchange's to keep (./connection.ts `ownReads`). */
  #owned = false;
  #onAbort: (() => void) | null = null;

  constructor(pool: ConnectionPool, options: ExchangeOptions) {
    this.#o = options;
    this.#pool = pool;
    this.response = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    const signal = options.signal;
    if (signal !== undefined) {
      if (signal.aborted) {
        this.#fail(new EdgeError('CLIENT_ABORTED', { backend: options.backend, cause: signal.reason }));
        return;
      }
      this.#onAbort = () => this.#aborted();
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
    pool.acquire(this);
  }

  // --- the connection ---------------------------------------------------------------------

  start(conn: OriginConnection, reused: boolean): void {
    this.#conn = conn;
    this.#reused = reused;
    this.#read = 0;
    conn.user = this;
    conn.requests += 1;
    const socket = conn.socket;
    const body = this.#o.body;
    const now = performance.now();
    this.#writtenAt = now;
    if (body === null) {
      socket.write(this.#o.head, 'latin1');
    } else if (body.length <= ONE_WRITE_MAX) {
      const head = this.#o.head;
      const out = Buffer.allocUnsafe(head.length + body.length);
      out.write(head, 0, 'latin1');
      body.copy(out, head.length);
      socket.write(out);
    } else {
      socket.cork();
      socket.write(this.#o.head, 'latin1');
      socket.write(body);
      socket.uncork();
    }
    conn.setDeadline(this.#o.firstByteTimeoutMs, now);
  }

  connectFailed(err: Error): void {
    this.#fail(toEdgeError(err, { phase: 'connect', backend: this.#o.backend }));
  }

  /** buf[0, length) arrived: unless `owned`, it is the connection's read buffer and what is kept is copied. */
  onData(buf: Buffer, length: number, owned: boolean): void {
    this.#read += length;
    if (this.#phase === HEAD) {
      this.#head(buf, length);
    } else if (this.#phase === BODY) {
      this.#owned = owned;
      this.#body(buf, length);
    }
  }

  onEnd(): void {
    if (this.#phase === BODY && this.#reader !== null && this.#reader.untilClose) {
      // A body without framing ends with the connection (RFC 9112 §6.3 (8)).
      this.#finishBody(false);
      return;
    }
    this.#broken(Object.assign(new Error('the origin closed the connection before the response ended'), { code: 'UND_ERR_SOCKET' }), true);
  }

  onError(err: Error): void {
    const code = (err as NodeJS.ErrnoException).code;
    this.#broken(err, code === 'ECONNRESET' || code === 'EPIPE');
  }

  /** The socket closed with no FIN or error first: the edge closed it (the pools were destroyed). */
  onClose(): void {
    this.#broken(Object.assign(new Error('the connection closed before the response ended'), { code: 'UND_ERR_SOCKET' }), false);
  }

  onTimeout(): void {
    if (this.#phase === HEAD) {
      this.#fail(new EdgeError('FIRST_BYTE_TIMEOUT', { backend: this.#o.backend }));
    } else if (this.#phase === BODY) {
      this.#truncate(new EdgeError('BACKEND_READ_ERROR', { backend: this.#o.backend, cause: Object.assign(new Error('between_bytes_timeout'), { code: 'UND_ERR_BODY_TIMEOUT' }) }));
    }
  }

  /**
   * The connection failed (error, FIN or close) while this exchange held it; `byOrigin`: the
   * origin closed or reset it, which on a kept-alive connection with nothing read yet is the
   * race a retry is for.
   */
  #broken(err: Error, byOrigin: boolean): void {
    if (this.#phase === HEAD) {
      const conn = this.#conn;
      if (byOrigin && conn !== null && this.#read === 0 && this.#reused && this.#o.replayable && !this.#retried && !this.settled) {
        this.#retried = true;
        conn.user = null;
        conn.destroy();
        this.#conn = null;
        this.#pool.open(this);
        return;
      }
      this.#fail(toEdgeError(err, { phase: 'request', backend: this.#o.backend }));
    } else if (this.#phase === BODY) {
      this.#truncate(toEdgeError(err, { phase: 'request', backend: this.#o.backend }));
    }
  }

  // --- the response -----------------------------------------------------------------------

  #head(chunk: Buffer, length: number): void {
    // A head split over reads is joined (and owned) here; else it is read in place.
    const pending = this.#pending;
    const buf = pending === null ? chunk : Buffer.concat([pending, chunk.subarray(0, length)]);
    const limit = pending === null ? length : buf.length;
    let at = 0;
    for (;;) {
      let head: ResponseHead | typeof INCOMPLETE;
      try {
        head = parseResponseHead(buf, at, limit, this.#o.method === 'HEAD');
      } catch (err) {
        this.#fail(new EdgeError('BACKEND_READ_ERROR', { backend: this.#o.backend, cause: err }));
        return;
      }
      if (head === INCOMPLETE) {
        this.#pending = copyOf(buf, at, limit);
        return;
      }
      if (head.status >= 200) {
        this.#pending = null;
        this.#headers(head, buf, limit);
        return;
      }
      // A 1xx interim response is read and dropped (RFC 9110 §15.2); 101 answers an Upgrade
      // the edge never asks for.
      if (head.status === 101) {
        this.#fail(new EdgeError('BACKEND_READ_ERROR', { backend: this.#o.backend, cause: new MalformedResponse('101 Switching Protocols to a request without Upgrade') }));
        return;
      }
      at = head.end;
    }
  }

  #headers(head: ResponseHead, buf: Buffer, limit: number): void {
    const conn = this.#conn!;
    const now = performance.now();
    this.#keepAlive = head.keepAlive && this.#o.reusable;
    if (head.keepAliveHintMs !== null) conn.idleLimitMs = head.keepAliveHintMs;
    if (head.framing >= 0 && limit - head.end >= head.framing) {
      this.#whole(head, buf, limit, now);
      return;
    }
    const reader = new BodyReader(head.framing);
    const parts: Buffer[] = [];
    let end: number;
    try {
      end = reader.read(buf, head.end, limit, (chunk) => parts.push(chunk));
    } catch (err) {
      this.#fail(new EdgeError('BACKEND_READ_ERROR', { backend: this.#o.backend, cause: err }));
      return;
    }
    // After HEAD the connection closes, and whatever follows the head is not read (./request-head.ts).
    if (end !== MORE && end < limit && this.#o.method !== 'HEAD') {
      this.#fail(new EdgeError('BACKEND_READ_ERROR', { backend: this.#o.backend, cause: new MalformedResponse('bytes after the end of the response') }));
      return;
    }
    const connectMs = this.#writtenAt - this.#start;
    const firstByteMs = now - this.#start;
    const headers = head.headers;
    if (end !== MORE) {
      const whole = parts.length === 1 ? copyOf(parts[0], 0, parts[0].length) : parts.length === 0 ? EMPTY : Buffer.concat(parts);
      const res = new OriginResponse(head.status, head.reason, headers, whole, this, connectMs, firstByteMs);
      this.#res = res;
      this.#done(end === limit);
      this.#resolve(res);
      return;
    }
    const res = new OriginResponse(head.status, head.reason, headers, null, this, connectMs, firstByteMs);
    this.#res = res;
    this.#reader = reader;
    this.#phase = BODY;
    // The rest of a large body is read into buffers the stream can keep.
    conn.ownReads = head.framing === UNTIL_CLOSE || head.framing === CHUNKED || head.framing - reader.bytes >= LARGE_REST;
    this.#length = head.framing;
    if (conn.ownReads) conn.expectOwnReads(head.framing >= 0 ? head.framing - reader.bytes : null);
    for (const c of parts) this.#push(c);
    if (!this.#paused) conn.setDeadline(this.#o.betweenBytesTimeoutMs, now);
    this.#resolve(res);
  }

  /**
   * The usual small response: a Content-Length body that came whole in the head's read. It is
   * the framing's bytes exactly, so no BodyReader is needed; what follows them is checked as
   * the reader's end would be.
   */
  #whole(head: ResponseHead, buf: Buffer, limit: number, now: number): void {
    const end = head.end + head.framing;
    // After HEAD the connection closes, and whatever follows the head is not read (./request-head.ts).
    if (end < limit && this.#o.method !== 'HEAD') {
      this.#fail(new EdgeError('BACKEND_READ_ERROR', { backend: this.#o.backend, cause: new MalformedResponse('bytes after the end of the response') }));
      return;
    }
    const whole = head.framing === 0 ? EMPTY : copyOf(buf, head.end, end);
    const res = new OriginResponse(head.status, head.reason, head.headers, whole, this, this.#writtenAt - this.#start, now - this.#start);
    this.#res = res;
    this.#done(end === limit);
    this.#resolve(res);
  }

  #body(chunk: Buffer, length: number): void {
    const reader = this.#reader!;
    let end: number;
    try {
      end = reader.read(chunk, 0, length, this.#onBodyData ??= (c: Buffer): void => this.#push(c));
    } catch (err) {
      this.#truncate(new EdgeError('BACKEND_READ_ERROR', { backend: this.#o.backend, cause: err }));
      return;
    }
    if (end === MORE) {
      const conn = this.#conn!;
      if (this.#owned && this.#length >= 0) conn.expectOwnReads(this.#length - reader.bytes);
      if (!this.#paused) conn.setDeadline(this.#o.betweenBytesTimeoutMs, performance.now());
      return;
    }
    if (end < length) {
      this.#truncate(new EdgeError('BACKEND_READ_ERROR', { backend: this.#o.backend, cause: new MalformedResponse('bytes after the end of the response') }));
      return;
    }
    this.#finishBody(true);
  }

  /** Made when a body streams (most responses come whole and never need it). */
  #onBodyData: ((chunk: Buffer) => void) | null = null;

  /** `chunk` may be a view of the read buffer: then the stream gets a copy. */
  #push(chunk: Buffer): void {
    const res = this.#res!;
    if (res.abandoned) return;
    if (!res.push(this.#owned ? chunk : copyOf(chunk, 0, chunk.length)) && !this.#paused) {
      // The consumer's buffer is full: stop reading the origin, and stop the between-bytes
      // clock, which measures the origin, not the client.
      this.#paused = true;
      const conn = this.#conn!;
      conn.socket.pause();
      conn.setDeadline(0, 0);
    }
  }

  /** BodySource: the consumer wants more. */
  resume(): void {
    if (!this.#paused || this.#phase !== BODY) return;
    this.#paused = false;
    const conn = this.#conn!;
    conn.socket.resume();
    conn.setDeadline(this.#o.betweenBytesTimeoutMs, performance.now());
  }

  /** BodySource: the consumer is gone; a body still arriving is cut off with its connection. */
  abandon(): void {
    if (this.#phase !== BODY) return;
    this.#truncate(null);
  }

  #finishBody(reusable: boolean): void {
    const res = this.#res!;
    const bytes = this.#reader!.bytes;
    this.#done(reusable);
    res.finish({ bytes, truncated: false, error: null });
  }

  /** The response was read to its end: settle, and give the connection back. */
  #done(reusable: boolean): void {
    this.#phase = DONE;
    const conn = this.#conn;
    this.#conn = null;
    this.#settle(true, null);
    if (conn === null) return;
    conn.ownReads = false;
    conn.setDeadline(0, 0);
    // Reused only when the request went out whole too (an origin that answered before reading
    // all of a large body may not read the rest).
    this.#pool.release(conn, reusable && this.#keepAlive && !conn.closed && conn.socket.writableLength === 0);
  }

  /** The body ends early: what arrived is delivered, marked truncated, never stored. */
  #truncate(error: EdgeError | null): void {
    if (this.#phase !== BODY) return;
    this.#phase = DONE;
    const res = this.#res!;
    const conn = this.#conn;
    this.#conn = null;
    if (conn !== null) {
      conn.user = null;
      conn.destroy();
    }
    this.#settle(true, null);
    res.finish({ bytes: this.#reader!.bytes, truncated: true, error: res.abandoned ? null : error });
  }

  /** Before the head: the exchange fails, and its connection (if any) is closed. */
  #fail(err: EdgeError): void {
    if (this.#phase !== HEAD || this.settled) return;
    this.#phase = DONE;
    this.#pending = null;
    const conn = this.#conn;
    this.#conn = null;
    if (conn !== null) {
      conn.user = null;
      conn.destroy();
    }
    this.#settle(false, err);
    this.#reject(err);
  }

  #aborted(): void {
    const err = new EdgeError('CLIENT_ABORTED', { backend: this.#o.backend, cause: this.#o.signal?.reason });
    if (this.#phase === HEAD) this.#fail(err);
    else this.#truncate(err);
  }

  #settle(ok: boolean, error: EdgeError | null): void {
    if (this.settled) return;
    this.settled = true;
    if (this.#onAbort !== null) this.#o.signal?.removeEventListener('abort', this.#onAbort);
    this.#o.onSettled({ ok, error });
  }
}

const EMPTY = Buffer.alloc(0);

/** A copy of buf[from, to) that the exchange may keep. */
function copyOf(buf: Buffer, from: number, to: number): Buffer {
  const out = Buffer.allocUnsafe(to - from);
  buf.copy(out, 0, from, to);
  return out;
}
