// A client's request body between the pipeline and the origin: read before an upstream
// connection is taken, forwarded on a pass, read and thrown away everywhere else.
//
// Read first: an upstream connection is one of the backend's `max_connections` slots
// (upstream.ts). Taken when the head arrives, it stays taken for as long as the client takes to
// send its body, so a few hundred clients that each send one byte of a promised thousand hold
// every slot and every other request to that backend gets `503 Backend.max_conn reached`.
// As nginx does by default (`proxy_request_buffering on`), the body is read first and the
// connection taken once it is whole. nginx writes what exceeds `client_body_buffer_size` to a
// temporary file; the edge keeps no files, so a body longer than BODY_BUFFER_BYTES streams from
// there on: a client can then hold a slot only after sending that much, and the client
// connection's request-body timeout (server.ts, http1/) ends one that stalls afterwards.
//
// Why 64 KiB: memory per request stays bounded by the bound plus one socket read (64 KiB), and
// the bodies of forms and API calls — nearly all bodies a CDN passes — fit whole, so they reach
// the origin in one write with an exact Content-Length (also when the client sent them chunked)
// and can be sent again after a `restart` (Varnish sends again only what `std.cache_req_body`
// kept: cache_req_body.c). A smaller bound would make trickling a slot away cheaper; a larger
// one costs every concurrent upload that much more memory.
//
// Thrown away: what is not forwarded is read to its end and dropped, as Varnish's `VRB_Ignore`
// does (cache_req_body.c, called from cache_req_fsm.c before a synthetic or fetched response),
// so the next request on a keep-alive connection starts where this body ends.
//
// Ownership: one RequestBody per request that has a body (RequestContext.body), made by the
// pipeline. From its first forward() or drop() it is the only reader of the client's stream
// (one set of listeners for the request's life); the stream it hands out for a long body
// belongs to the upstream exchange that sends it, which ends or destroys it.

import { Buffer } from 'node:buffer';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { EdgeError } from './errors.ts';

/** Bytes of a request body read into memory before an upstream connection is taken (see above). */
export const BODY_BUFFER_BYTES = 64 * 1024;

/**
 * The request has a body (RFC 9112 §6.3): it has Transfer-Encoding, or a Content-Length other
 * than 0. Content-Length: 0 is no body, as for Varnish (http1/cache_http1_proto.c: BS_NONE).
 */
export function hasBody(headers: IncomingHttpHeaders): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && Number(length) > 0;
}

/** forward()'s answer for a body already sent to an origin, or read and dropped: it cannot be sent (again). */
export const SPENT = Symbol('request body spent');

type State =
  | 'unread' //     nothing read yet
  | 'buffering' //  being read into memory, a forward() waiting
  | 'whole' //      all of it in memory: can be sent any number of times
  | 'streaming' //  the first part in memory, the rest flowing into the stream handed out
  | 'sent' //       streamed to its end
  | 'dropping' //   being read and thrown away (or already was)
  | 'failed'; //    the client went away, or its stream broke, before the end

/** The stream a long body is sent upstream through: the buffered part, then the rest as it arrives. */
class ForwardedBody extends Readable {
  readonly #pull: () => void;
  readonly #abandoned: () => void;

  constructor(pull: () => void, abandoned: () => void) {
    super({ highWaterMark: BODY_BUFFER_BYTES });
    this.#pull = pull;
    this.#abandoned = abandoned;
  }

  override _read(): void {
    this.#pull();
  }

  override _destroy(err: Error | null, cb: (err: Error | null) => void): void {
    this.#abandoned();
    cb(err);
  }
}

export class RequestBody {
  /** The client's Content-Length; null for a chunked body. */
  readonly length: number | null;
  /** Null when the body came whole with the request (then the state is 'whole' from the start). */
  readonly #source: Readable | null;
  #state: State = 'unread';
  #chunks: Buffer[] = [];
  #buffered = 0;
  #whole: Buffer | null = null;
  #out: ForwardedBody | null = null;
  #ended = false;
  #waiting: { resolve: (body: Buffer | Readable) => void; reject: (err: EdgeError) => void } | null = null;

  /**
   * `source` is the request: node:http makes it the body's stream; the edge's own reader hands
   * a body over only whole, read with the head (`wholeBody`, http1/request-head.ts), and it is
   * then held as one that was read into memory here.
   */
  constructor(source: { readonly headers: IncomingHttpHeaders; readonly wholeBody?: Buffer | null }) {
    const headers = source.headers;
    const length = headers['content-length'];
    this.length = headers['transfer-encoding'] === undefined && length !== undefined ? Number(length) : null;
    const whole = source.wholeBody;
    if (whole !== undefined && whole !== null) {
      this.#source = null;
      this.#whole = whole;
      this.#ended = true;
      this.#state = 'whole';
      return;
    }
    if (!(source instanceof Readable)) throw new Error('a request with a body must be its body\'s stream or hold it whole');
    this.#source = source;
  }

  /**
   * The body to send upstream, once it is ready: whole (a Buffer, the same each call), or — when
   * longer than BODY_BUFFER_BYTES — a stream of it that can be sent once. SPENT when it was
   * sent or dropped before. Rejects with CLIENT_ABORTED when the client goes away first.
   */
  forward(): Promise<Buffer | Readable | typeof SPENT> {
    switch (this.#state) {
      case 'unread':
        this.#state = 'buffering';
        return new Promise((resolve, reject) => {
          this.#waiting = { resolve, reject };
          this.#listen();
        });
      case 'whole':
        return Promise.resolve(this.#whole as Buffer);
      case 'failed':
        return Promise.reject(new EdgeError('CLIENT_ABORTED'));
      case 'streaming':
        // Handed out before but never read (that fetch failed before sending): still all here.
        return Promise.resolve(this.#unread() ? this.#out as ForwardedBody : SPENT);
      case 'buffering':
        throw new Error('request body forwarded twice at once');
      default:
        return Promise.resolve(SPENT);
    }
  }

  /**
   * Reads whatever nobody is sending upstream to its end and drops it: a lookup's fetch never
   * carries the body, and at the end of a request nothing of it may stay unread. A stream
   * handed to an exchange is the exchange's until it ends or destroys it.
   */
  drop(): void {
    switch (this.#state) {
      case 'unread':
        this.#state = 'dropping';
        this.#listen();
        return;
      case 'buffering':
        throw new Error('request body dropped while a fetch waits for it');
      case 'streaming':
        // Handed out but never read (the fetch failed before sending): nobody else will.
        if (this.#unread()) this.#out?.destroy();
        return;
      default:
        return;
    }
  }

  #listen(): void {
    // Only ever in state 'unread', which a body held whole from the start never is.
    const source = this.#source as Readable;
    source.on('data', this.#onData).on('end', this.#onEnd).on('error', this.#onError).on('close', this.#onClose);
    // A client that left before the body was asked for: its stream was destroyed unseen.
    if (source.destroyed && !source.readableEnded) this.#fail(source.errored);
  }

  readonly #onData = (chunk: Buffer): void => {
    switch (this.#state) {
      case 'buffering':
        this.#chunks.push(chunk);
        this.#buffered += chunk.length;
        if (this.#buffered >= BODY_BUFFER_BYTES) this.#stream();
        return;
      case 'streaming':
        if (!(this.#out as ForwardedBody).push(chunk)) (this.#source as Readable).pause();
        return;
      default:
        return; // dropping
    }
  };

  readonly #onEnd = (): void => {
    this.#ended = true;
    if (this.#state === 'buffering') {
      const chunks = this.#chunks;
      this.#chunks = [];
      this.#whole = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, this.#buffered);
      this.#state = 'whole';
      this.#settle()?.resolve(this.#whole);
    } else if (this.#state === 'streaming') {
      this.#state = 'sent';
      (this.#out as ForwardedBody).push(null);
    }
  };

  readonly #onError = (err: Error): void => this.#fail(err);

  /** 'close' also follows a normal end; alone, it means the client went away mid-body. */
  readonly #onClose = (): void => {
    if (!this.#ended) this.#fail(null);
  };

  #fail(cause: unknown): void {
    const was = this.#state;
    if (was === 'failed' || was === 'whole' || was === 'sent') return;
    this.#state = 'failed';
    this.#chunks = [];
    const error = new EdgeError('CLIENT_ABORTED', cause === null || cause === undefined ? {} : { cause });
    if (was === 'buffering') this.#settle()?.reject(error);
    // The exchange sending it sees its body fail and aborts: no origin request is left open.
    else if (was === 'streaming') this.#out?.destroy(error);
  }

  /** The bound is reached: the rest streams, through the stream handed to the waiting fetch. */
  #stream(): void {
    (this.#source as Readable).pause();
    const out = new ForwardedBody(this.#pull, this.#abandoned);
    for (const chunk of this.#chunks) out.push(chunk);
    this.#chunks = [];
    this.#out = out;
    this.#state = 'streaming';
    this.#settle()?.resolve(out);
  }

  /** The stream handed out was never read from (a consumer that reads makes it flow). */
  #unread(): boolean {
    const out = this.#out;
    return out !== null && !out.destroyed && out.readableFlowing === null;
  }

  readonly #pull = (): void => {
    if (this.#state === 'streaming') (this.#source as Readable).resume();
  };

  /** The exchange destroyed the stream before its end (the origin failed, or answered early). */
  readonly #abandoned = (): void => {
    if (this.#state !== 'streaming') return;
    this.#state = 'dropping';
    (this.#source as Readable).resume();
  };

  #settle(): { resolve: (body: Buffer | Readable) => void; reject: (err: EdgeError) => void } | null {
    const waiting = this.#waiting;
    this.#waiting = null;
    return waiting;
  }
}
