// A response body that did not come whole with its head (./exchange.ts decides): the reads that
// follow are cut at the body's framing (./body-reader.ts) and pushed into the response's stream
// (./origin-response.ts), with backpressure and Fastly's between_bytes_timeout
// (https://www.fastly.com/documentation/reference/vcl/declarations/backend/): the deadline runs
// between two reads of the body, and not while the consumer is not reading, since it measures
// the origin, not the client.
//
// Ownership: made by the exchange once the head is read, fed only by it, for the one connection
// it holds; the feed never closes or releases that connection itself: how the body ended goes
// back to the exchange (`BodyEnd`), which does.

import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { EdgeError } from '../errors.ts';
import { BodyReader, MORE } from './body-reader.ts';
import type { OriginConnection } from './connection.ts';
import type { OriginResponse } from './origin-response.ts';
import { MalformedResponse } from './response-head.ts';

/** How a fed body ended, told to the exchange once. */
export interface BodyEnd {
  /** Read to its framing's end; `reusable`: no byte followed it in the read. */
  bodyEnded(reusable: boolean): void;
  /** The body is malformed: it ends here, truncated. */
  bodyBroken(error: EdgeError): void;
}

/** A copy of buf[from, to) that may be kept. */
export function copyOf(buf: Buffer, from: number, to: number): Buffer {
  const out = Buffer.allocUnsafe(to - from);
  buf.copy(out, 0, from, to);
  return out;
}

export class BodyFeed {
  readonly reader: BodyReader;
  readonly #res: OriginResponse;
  readonly #conn: OriginConnection;
  readonly #end: BodyEnd;
  readonly #backend: string;
  readonly #betweenBytesMs: number;
  /** The body's Content-Length (CHUNKED or UNTIL_CLOSE without one). */
  readonly #length: number;
  #paused = false;
  /** The bytes being read are the feed's to keep (./connection.ts `ownReads`). */
  #owned = false;
  readonly #onChunk = (c: Buffer): void => this.#push(c);

  constructor(reader: BodyReader, res: OriginResponse, conn: OriginConnection, end: BodyEnd, backend: string, betweenBytesMs: number, length: number) {
    this.reader = reader;
    this.#res = res;
    this.#conn = conn;
    this.#end = end;
    this.#backend = backend;
    this.#betweenBytesMs = betweenBytesMs;
    this.#length = length;
  }

  /** The body bytes that came in the head's read (copied: they are the shared read buffer's), then the clock starts. */
  begin(parts: readonly Buffer[], now: number): void {
    for (const c of parts) this.#push(c);
    if (!this.#paused) this.#conn.setDeadline(this.#betweenBytesMs, now);
  }

  /** buf[0, length) arrived; `owned`: the feed may keep it, else it is copied. */
  take(buf: Buffer, length: number, owned: boolean): void {
    this.#owned = owned;
    const reader = this.reader;
    let end: number;
    try {
      end = reader.read(buf, 0, length, this.#onChunk);
    } catch (err) {
      this.#end.bodyBroken(new EdgeError('BACKEND_READ_ERROR', { backend: this.#backend, cause: err }));
      return;
    }
    if (end === MORE) {
      const conn = this.#conn;
      if (owned && this.#length >= 0) conn.expectOwnReads(this.#length - reader.bytes);
      if (!this.#paused) conn.setDeadline(this.#betweenBytesMs, performance.now());
      return;
    }
    if (end < length) {
      this.#end.bodyBroken(new EdgeError('BACKEND_READ_ERROR', { backend: this.#backend, cause: new MalformedResponse('bytes after the end of the response') }));
      return;
    }
    this.#end.bodyEnded(true);
  }

  /** `chunk` may be a view of the read buffer: then the stream gets a copy. */
  #push(chunk: Buffer): void {
    const res = this.#res;
    if (res.abandoned) return;
    if (!res.push(this.#owned ? chunk : copyOf(chunk, 0, chunk.length)) && !this.#paused) {
      // The consumer's buffer is full: stop reading the origin, and stop the between-bytes clock.
      this.#paused = true;
      const conn = this.#conn;
      conn.socket.pause();
      conn.setDeadline(0, 0);
    }
  }

  /** The consumer wants more. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    const conn = this.#conn;
    conn.socket.resume();
    conn.setDeadline(this.#betweenBytesMs, performance.now());
  }
}
