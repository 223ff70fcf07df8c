// Where an origin's response body ends (RFC 9112 §6.3): after Content-Length bytes, after the
// last chunk of a chunked body (RFC 9112 §7.1), or when the origin closes the connection. Pure:
// fed the bytes as they arrive, it hands out the body's bytes (slices of what it was fed, never
// a copy) and says where the body ended, so that nothing past it is ever taken for body.
//
// Chunked framing is checked as llhttp checks it: hex sizes, CRLF after each size line and
// each chunk's data, extensions and trailer lines without control characters. Extensions and
// trailers are read and dropped (Varnish ignores both, cache_http1_vfp.c).

import type { Buffer } from 'node:buffer';
import { CHUNKED, MalformedResponse, MAX_HEAD_BYTES, UNTIL_CLOSE } from './response-head.ts';

/** The body continues past what was fed. */
export const MORE = -1;

const S = {
  SIZE: 0, EXT: 1, SIZE_LF: 2, DATA: 3, DATA_CR: 4, DATA_LF: 5, TRAILER_START: 6, TRAILER: 7, TRAILER_LF: 8, END_LF: 9, DONE: 10,
} as const;
type State = (typeof S)[keyof typeof S];

/** 13 hex digits: every size up to 2^52, within a number's exact range. */
const MAX_SIZE_DIGITS = 13;
/** Bytes of extensions on one size line, and of all trailer lines together. */
const MAX_LINE_BYTES = 4 * 1024;

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** field-vchar / SP / HTAB with obs-text: what an extension or trailer line may hold. */
function lineChar(c: number): boolean {
  return c === 0x09 || (c >= 0x20 && c !== 0x7f);
}

export class BodyReader {
  /** Body bytes handed out so far. */
  bytes = 0;
  /** The framing says the body is complete. */
  done: boolean;
  readonly #framing: number;
  /** Content-Length bytes, or bytes of the current chunk, still to come. */
  #remaining: number;
  #state: State = S.SIZE;
  #digits = 0;
  #lineBytes = 0;
  #trailerBytes = 0;

  /** `framing`: a length, CHUNKED or UNTIL_CLOSE (./response-head.ts). */
  constructor(framing: number) {
    this.#framing = framing;
    this.#remaining = framing >= 0 ? framing : 0;
    this.done = framing === 0;
  }

  get untilClose(): boolean {
    return this.#framing === UNTIL_CLOSE;
  }

  /**
   * Reads buf[at..end): calls `onData` with each slice of body, and returns the offset just past
   * the body's end when the body ended within these bytes, else MORE. Throws MalformedResponse.
   */
  read(buf: Buffer, at: number, end: number, onData: (chunk: Buffer) => void): number {
    if (this.done) return at;
    if (this.#framing !== CHUNKED) {
      if (this.#framing === UNTIL_CLOSE) {
        if (end > at) this.#emit(buf, at, end, onData);
        return MORE;
      }
      const take = Math.min(this.#remaining, end - at);
      if (take > 0) this.#emit(buf, at, at + take, onData);
      this.#remaining -= take;
      if (this.#remaining > 0) return MORE;
      this.done = true;
      return at + take;
    }
    return this.#chunked(buf, at, end, onData);
  }

  #emit(buf: Buffer, from: number, to: number, onData: (chunk: Buffer) => void): void {
    this.bytes += to - from;
    onData(from === 0 && to === buf.length ? buf : buf.subarray(from, to));
  }

  #chunked(buf: Buffer, at: number, end: number, onData: (chunk: Buffer) => void): number {
    let i = at;
    while (i < end) {
      const c = buf[i];
      switch (this.#state) {
        case S.SIZE: {
          const h = hexValue(c);
          if (h >= 0) {
            if (++this.#digits > MAX_SIZE_DIGITS) throw new MalformedResponse('a chunk size too large');
            this.#remaining = this.#remaining * 16 + h;
          } else if (this.#digits === 0) {
            throw new MalformedResponse('a chunk size that is not hexadecimal');
          } else if (c === 0x0d) {
            this.#state = S.SIZE_LF;
          } else if (c === 0x3b || c === 0x20 || c === 0x09) {
            // BWS ";" chunk-ext (RFC 9112 §7.1.1)
            this.#state = S.EXT;
            this.#lineBytes = 0;
          } else if (c === 0x0a) {
            throw new MalformedResponse('a bare LF after a chunk size');
          } else {
            throw new MalformedResponse('a chunk size that is not hexadecimal');
          }
          i++;
          break;
        }
        case S.EXT:
          if (c === 0x0d) this.#state = S.SIZE_LF;
          else if (!lineChar(c) || ++this.#lineBytes > MAX_LINE_BYTES) throw new MalformedResponse('a malformed chunk extension');
          i++;
          break;
        case S.SIZE_LF:
          if (c !== 0x0a) throw new MalformedResponse('no LF after a chunk size');
          this.#digits = 0;
          this.#state = this.#remaining === 0 ? S.TRAILER_START : S.DATA;
          i++;
          break;
        case S.DATA: {
          const take = Math.min(this.#remaining, end - i);
          this.#emit(buf, i, i + take, onData);
          this.#remaining -= take;
          i += take;
          if (this.#remaining === 0) this.#state = S.DATA_CR;
          break;
        }
        case S.DATA_CR:
          if (c !== 0x0d) throw new MalformedResponse('no CRLF after chunk data');
          this.#state = S.DATA_LF;
          i++;
          break;
        case S.DATA_LF:
          if (c !== 0x0a) throw new MalformedResponse('no CRLF after chunk data');
          this.#state = S.SIZE;
          i++;
          break;
        case S.TRAILER_START:
          if (c === 0x0d) {
            this.#state = S.END_LF;
            i++;
            break;
          }
          if (c === 0x20 || c === 0x09) throw new MalformedResponse('a folded trailer line');
          this.#state = S.TRAILER;
          break;
        case S.TRAILER:
          if (c === 0x0d) this.#state = S.TRAILER_LF;
          else if (!lineChar(c) || ++this.#trailerBytes > MAX_HEAD_BYTES) throw new MalformedResponse('a malformed trailer line');
          i++;
          break;
        case S.TRAILER_LF:
          if (c !== 0x0a) throw new MalformedResponse('no LF after a trailer line');
          this.#state = S.TRAILER_START;
          i++;
          break;
        case S.END_LF:
          if (c !== 0x0a) throw new MalformedResponse('no LF after the last chunk');
          this.#state = S.DONE;
          this.done = true;
          return i + 1;
        case S.DONE:
          return i;
      }
    }
    return MORE;
  }
}
