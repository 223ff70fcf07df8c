// One request and its response on the edge's own HTTP/1.1 connections (./connection-pool.ts):
// the request written (./request-head.ts), the response's head and the body bytes that came
// with it read (./response-start.ts), a body still arriving fed to the response's stream
// (./body-feed.ts). Fastly's backend timeouts
// (https://www.fastly.com/documentation/reference/vcl/declarations/backend/):
//   first_byte_timeout     from the request written to the final response head: `first byte timeout`
//   between_bytes_timeout  between two reads of the body (./body-feed.ts): the body ends early,
//                          delivered as far as it got, marked truncated
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

import type { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import type { CancelSignal } from '../client.ts';
import { EdgeError, toEdgeError } from '../errors.ts';
import { BodyFeed, type BodyEnd } from './body-feed.ts';
import type { OriginConnection } from './connection.ts';
import type { ConnectionPool, ConnectionWaiter } from './connection-pool.ts';
import { OriginResponse, type BodySource } from './origin-response.ts';
import { writeRequest } from './request-head.ts';
import { CHUNKED, INCOMPLETE, UNTIL_CLOSE, type ResponseHead } from './response-head.ts';
import { bodyStart, HeadReads, type BodyStart } from './response-start.ts';
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

/** A body with this much still to come after the head's read streams through buffers of its own. */
const LARGE_REST = 16 * 1024;

const HEAD = 0;
const BODY = 1;
const DONE = 2;

export class Exchange implements ConnectionWaiter, BodySource, BodyEnd {
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
  readonly #heads = new HeadReads();
  /** Bytes read on the current connection (a retry needs none). */
  #read = 0;
  /** While the body streams (phase BODY). */
  #res: OriginResponse | null = null;
  #feed: BodyFeed | null = null;
  #keepAlive = false;
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
    const now = performance.now();
    this.#writtenAt = now;
    writeRequest(conn.socket, this.#o.head, this.#o.body);
    conn.setDeadline(this.#o.firstByteTimeoutMs, now);
  }

  connectFailed(err: Error): void {
    this.#fail(toEdgeError(err, { phase: 'connect', backend: this.#o.backend }));
  }

  /** buf[0, length) arrived: unless `owned`, it is the connection's read buffer and what is kept is copied. */
  onData(buf: Buffer, length: number, owned: boolean): void {
    this.#read += length;
    if (this.#phase === HEAD) {
      let head: ResponseHead | typeof INCOMPLETE;
      try {
        head = this.#heads.take(buf, length, this.#o.method === 'HEAD');
      } catch (err) {
        this.#fail(new EdgeError('BACKEND_READ_ERROR', { backend: this.#o.backend, cause: err }));
        return;
      }
      if (head !== INCOMPLETE) this.#headers(head, this.#heads.buf, this.#heads.limit);
    } else if (this.#phase === BODY) {
      this.#feed!.take(buf, length, owned);
    }
  }

  onEnd(): void {
    if (this.#phase === BODY && this.#feed!.reader.untilClose) {
      // A body without framing ends with the connection (RFC 9112 §6.3 (8)).
      this.bodyEnded(false);
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

  #headers(head: ResponseHead, buf: Buffer, limit: number): void {
    const conn = this.#conn!;
    const now = performance.now();
    this.#keepAlive = head.keepAlive && this.#o.reusable;
    if (head.keepAliveHintMs !== null) conn.idleLimitMs = head.keepAliveHintMs;
    let start: BodyStart;
    try {
      start = bodyStart(head, buf, limit, this.#o.method === 'HEAD');
    } catch (err) {
      this.#fail(new EdgeError('BACKEND_READ_ERROR', { backend: this.#o.backend, cause: err }));
      return;
    }
    const res = new OriginResponse(head.status, head.reason, head.headers, start.whole, this, this.#writtenAt - this.#start, now - this.#start);
    if (start.whole !== null) {
      this.#done(start.reusable);
      this.#resolve(res);
      return;
    }
    const reader = start.reader!;
    this.#res = res;
    const feed = new BodyFeed(reader, res, conn, this, this.#o.backend, this.#o.betweenBytesTimeoutMs, head.framing);
    this.#feed = feed;
    this.#phase = BODY;
    // The rest of a large body is read into buffers the stream can keep.
    conn.ownReads = head.framing === UNTIL_CLOSE || head.framing === CHUNKED || head.framing - reader.bytes >= LARGE_REST;
    if (conn.ownReads) conn.expectOwnReads(head.framing >= 0 ? head.framing - reader.bytes : null);
    feed.begin(start.parts, now);
    this.#resolve(res);
  }

  /** BodySource: the consumer wants more. */
  resume(): void {
    if (this.#phase === BODY) this.#feed!.resume();
  }

  /** BodySource: the consumer is gone; a body still arriving is cut off with its connection. */
  abandon(): void {
    if (this.#phase !== BODY) return;
    this.#truncate(null);
  }

  /** BodyEnd: the body was read to its framing's end. */
  bodyEnded(reusable: boolean): void {
    const res = this.#res!;
    const bytes = this.#feed!.reader.bytes;
    this.#done(reusable);
    res.finish({ bytes, truncated: false, error: null });
  }

  /** BodyEnd: the body is malformed. */
  bodyBroken(error: EdgeError): void {
    this.#truncate(error);
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
    res.finish({ bytes: this.#feed!.reader.bytes, truncated: true, error: res.abandoned ? null : error });
  }

  /** Before the head: the exchange fails, and its connection (if any) is closed. */
  #fail(err: EdgeError): void {
    if (this.#phase !== HEAD || this.settled) return;
    this.#phase = DONE;
    this.#heads.clear();
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
