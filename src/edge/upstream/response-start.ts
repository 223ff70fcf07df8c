// The start of a response, across the reads it arrives in (./exchange.ts feeds them): the final
// head — a head split over reads is joined, 1xx interim responses before it are read and dropped
// (RFC 9110 §15.2), and 101, the answer to an Upgrade the edge never asks for, is malformed —
// then what of the body came in the same read: usually all of it. The head itself is parsed by
// ./response-head.ts, the body's framing cut by ./body-reader.ts.
//
// Ownership: one HeadReads per exchange, for the response to its one request. Most heads come
// whole in one read and are parsed in place in the connection's shared read buffer; only a
// split head's bytes are copied, and kept here until the head is complete.

import { Buffer } from 'node:buffer';
import { copyOf } from './body-feed.ts';
import { BodyReader, MORE } from './body-reader.ts';
import { INCOMPLETE, MalformedResponse, parseResponseHead, type ResponseHead } from './response-head.ts';

export class HeadReads {
  /** Where the head returned by the last take() was read: `buf[head.end, limit)` is what followed it. */
  buf: Buffer = EMPTY;
  limit = 0;
  /** Head bytes so far, when the head came in more than one read. */
  #pending: Buffer | null = null;

  /**
   * buf[0, length) arrived: the final head once it is complete, else INCOMPLETE. Throws
   * MalformedResponse for a head that is not HTTP/1.x or for a 101. `noBody`: the request was HEAD.
   */
  take(chunk: Buffer, length: number, noBody: boolean): ResponseHead | typeof INCOMPLETE {
    const pending = this.#pending;
    const buf = pending === null ? chunk : Buffer.concat([pending, chunk.subarray(0, length)]);
    const limit = pending === null ? length : buf.length;
    let at = 0;
    for (;;) {
      const head = parseResponseHead(buf, at, limit, noBody);
      if (head === INCOMPLETE) {
        this.#pending = copyOf(buf, at, limit);
        return INCOMPLETE;
      }
      if (head.status >= 200) {
        this.#pending = null;
        this.buf = buf;
        this.limit = limit;
        return head;
      }
      if (head.status === 101) throw new MalformedResponse('101 Switching Protocols to a request without Upgrade');
      at = head.end;
    }
  }

  /** Forget what was read (the exchange failed, or is retried on a new connection). */
  clear(): void {
    this.#pending = null;
    this.buf = EMPTY;
  }
}

/** What of the body came in the head's read. */
export interface BodyStart {
  /** The whole body, when it all came (a copy the response may keep); else null. */
  readonly whole: Buffer | null;
  /** With `whole`: no byte followed the body in the read, so the connection may be reused. */
  readonly reusable: boolean;
  /** Without `whole`: the reader that cuts the rest of the body at its framing, and the body's first bytes (views of the read). */
  readonly reader: BodyReader | null;
  readonly parts: readonly Buffer[];
}

/**
 * buf[head.end, limit) followed the head in its read. The usual small response is a
 * Content-Length body that came whole: it is the framing's bytes exactly, so no BodyReader is
 * made. Throws MalformedResponse for a malformed body framing or bytes after the body's end —
 * except after HEAD, whose connection closes unread (./request-head.ts).
 */
export function bodyStart(head: ResponseHead, buf: Buffer, limit: number, isHead: boolean): BodyStart {
  if (head.framing >= 0 && limit - head.end >= head.framing) {
    const end = head.end + head.framing;
    if (end < limit && !isHead) throw new MalformedResponse('bytes after the end of the response');
    return { whole: head.framing === 0 ? EMPTY : copyOf(buf, head.end, end), reusable: end === limit, reader: null, parts: NONE };
  }
  const reader = new BodyReader(head.framing);
  const parts: Buffer[] = [];
  const end = reader.read(buf, head.end, limit, (chunk) => parts.push(chunk));
  if (end === MORE) return { whole: null, reusable: false, reader, parts };
  if (end < limit && !isHead) throw new MalformedResponse('bytes after the end of the response');
  const whole = parts.length === 1 ? copyOf(parts[0], 0, parts[0].length) : parts.length === 0 ? EMPTY : Buffer.concat(parts);
  return { whole, reusable: end === limit, reader: null, parts: NONE };
}

const EMPTY = Buffer.alloc(0);
const NONE: readonly Buffer[] = [];
