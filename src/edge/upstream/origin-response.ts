// The response of the edge's own exchange (./exchange.ts) as the rest of the edge sees it
// (./types.ts UpstreamResponse). A body that arrived whole with the head is handed out as one
// Buffer and no stream is made unless someone asks for `body`; a body that is still arriving
// streams through one Readable with backpressure: when the consumer stops reading, the
// exchange stops reading the origin.

import type { Buffer } from 'node:buffer';
import { Readable } from 'node:stream';
import type { OutHeaders } from '../headers.ts';
import type { BodyOutcome, UpstreamResponse } from './types.ts';

/** What the response asks of the exchange that fills it. */
export interface BodySource {
  /** The consumer wants more: read the origin again. */
  resume(): void;
  /** The consumer is gone or does not want the body: stop, and free or close the connection. */
  abandon(): void;
}

class StreamedBody extends Readable {
  readonly #source: BodySource;
  constructor(source: BodySource) {
    super({ highWaterMark: 64 * 1024 });
    this.#source = source;
  }
  override _read(): void {
    this.#source.resume();
  }
  override _destroy(err: Error | null, cb: (err: Error | null) => void): void {
    this.#source.abandon();
    cb(err);
  }
}

export class OriginResponse implements UpstreamResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: OutHeaders;
  readonly connectMs: number;
  readonly firstByteMs: number;
  whole: Buffer | null;
  truncated = false;
  received: boolean;
  /** Set once the body is finished. */
  outcome: BodyOutcome | null = null;
  readonly #source: BodySource;
  #stream: StreamedBody | null = null;
  #completed: Promise<BodyOutcome> | null = null;
  #resolveCompleted: ((o: BodyOutcome) => void) | null = null;

  /** `whole`: the complete body, when it is already here; null when it will stream. */
  constructor(status: number, statusText: string, headers: OutHeaders, whole: Buffer | null, source: BodySource, connectMs: number, firstByteMs: number) {
    this.status = status;
    this.statusText = statusText;
    this.headers = headers;
    this.whole = whole;
    this.received = whole !== null;
    this.#source = source;
    this.connectMs = connectMs;
    this.firstByteMs = firstByteMs;
    if (whole !== null) this.outcome = { bytes: whole.length, truncated: false, error: null };
    else this.#stream = new StreamedBody(source);
  }

  get body(): Readable {
    if (this.#stream === null) {
      this.#stream = new StreamedBody(this.#source);
      const whole = this.whole;
      if (whole !== null) {
        // Asked for as a stream after all (the cache copier listens on one): the same bytes.
        if (whole.length > 0) this.#stream.push(whole);
        this.#stream.push(null);
      }
    }
    return this.#stream;
  }

  get completed(): Promise<BodyOutcome> {
    if (this.#completed === null) {
      const outcome = this.outcome;
      this.#completed = outcome !== null ? Promise.resolve(outcome) : new Promise((resolve) => { this.#resolveCompleted = resolve; });
    }
    return this.#completed;
  }

  discard(): void {
    if (this.#stream !== null) this.#stream.destroy();
    else this.#source.abandon();
  }

  /** The exchange: body bytes arrived. False when the consumer's buffer is full (pause the origin). */
  push(chunk: Buffer): boolean {
    return this.body.push(chunk);
  }

  /** The exchange: the body ended, complete or cut short. */
  finish(outcome: BodyOutcome): void {
    if (this.outcome !== null) return;
    this.outcome = outcome;
    this.truncated = outcome.truncated;
    this.received = !outcome.truncated;
    // A body cut short is still ended, not errored: what arrived is delivered (Fastly's
    // between_bytes_timeout), and `truncated` tells the client writer and the cache.
    const stream = this.#stream;
    if (stream !== null && !stream.destroyed) stream.push(null);
    this.#resolveCompleted?.(outcome);
  }

  /** True when the consumer destroyed the body stream. */
  get abandoned(): boolean {
    return this.#stream !== null && this.#stream.destroyed;
  }
}
