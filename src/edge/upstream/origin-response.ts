// The response of the edge's own exchange (./exchange.ts) as the rest of the edge sees it
// (./types.ts UpstreamResponse). A body that arrived whole with the head is handed out as one
// Buffer and no stream is made unless someone asks for `body`; a body that is still arriving
// goes to its one consumer with backpressure — when the consumer stops taking it, the exchange
// stops reading the origin — either through a Readable (`body`, made on first use) or, when
// the consumer is just the client's socket (`deliverTo`), written straight to it: a Readable's
// push, 'data' event and read scheduling per chunk, and the stream itself per response, are
// what nginx and Varnish do not pay when they stream a pass.
//
// Chunks that arrive before the consumer is known (the pipeline runs between the head and the
// delivery) wait in a list, up to a stream's window; past it the exchange pauses.

import type { Buffer } from 'node:buffer';
import { Readable } from 'node:stream';
import type { OutHeaders } from '../headers.ts';
import type { BodyOutcome, BodySink, UpstreamResponse } from './types.ts';

/** The window a streamed body is held in while its consumer does not take it. */
const WINDOW_BYTES = 64 * 1024;

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
    super({ highWaterMark: WINDOW_BYTES });
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
  #sink: BodySink | null = null;
  /** The sink said it is full: waiting for its 'drain'. */
  #sinkFull = false;
  /** Chunks that came before the consumer took the body. */
  #early: Buffer[] | null = null;
  #earlyBytes = 0;
  #discarded = false;
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
  }

  get body(): Readable {
    if (this.#stream === null) {
      if (this.#sink !== null) throw new Error('the body is already delivered to a sink');
      const stream = new StreamedBody(this.#source);
      this.#stream = stream;
      const whole = this.whole;
      // Asked for as a stream after all (the cache copier listens on one): the same bytes.
      if (whole !== null && whole.length > 0) stream.push(whole);
      const early = this.#early;
      this.#early = null;
      if (early !== null) for (const c of early) stream.push(c);
      if (this.outcome !== null) stream.push(null);
    }
    return this.#stream;
  }

  /**
   * The body goes to `sink` as it arrives, each chunk written as it came, with the sink's
   * backpressure ('drain'); the sink is ended when the body is complete, and destroyed when it
   * was cut short (a truncated body must not look whole: see edge/respond.ts). For a consumer
   * that is nothing but the client's socket; anyone else reads `body`.
   */
  deliverTo(sink: BodySink): void {
    if (this.#stream !== null || this.#sink !== null) throw new Error('the body is already being read');
    const whole = this.whole;
    if (whole !== null) {
      sink.end(whole.length > 0 ? whole : undefined);
      return;
    }
    this.#sink = sink;
    const early = this.#early;
    this.#early = null;
    if (early !== null) for (const c of early) this.#write(sink, c);
    const outcome = this.outcome;
    if (outcome !== null) this.#endSink(sink, outcome);
    else if (!this.#sinkFull) this.#source.resume();
  }

  #write(sink: BodySink, chunk: Buffer): boolean {
    if (sink.write(chunk)) return true;
    if (!this.#sinkFull) {
      this.#sinkFull = true;
      sink.once('drain', this.#drained);
    }
    return false;
  }

  readonly #drained = (): void => {
    this.#sinkFull = false;
    if (this.outcome === null) this.#source.resume();
  };

  #endSink(sink: BodySink, outcome: BodyOutcome): void {
    if (outcome.truncated) sink.destroy();
    else sink.end();
  }

  get completed(): Promise<BodyOutcome> {
    if (this.#completed === null) {
      const outcome = this.outcome;
      this.#completed = outcome !== null ? Promise.resolve(outcome) : new Promise((resolve) => { this.#resolveCompleted = resolve; });
    }
    return this.#completed;
  }

  discard(): void {
    this.#discarded = true;
    this.#early = null;
    if (this.#stream !== null) this.#stream.destroy();
    else this.#source.abandon();
  }

  /** The exchange: body bytes arrived. False when the consumer's buffer is full (pause the origin). */
  push(chunk: Buffer): boolean {
    const sink = this.#sink;
    if (sink !== null) return this.#write(sink, chunk);
    const stream = this.#stream;
    if (stream !== null) return stream.push(chunk);
    (this.#early ??= []).push(chunk);
    this.#earlyBytes += chunk.length;
    return this.#earlyBytes < WINDOW_BYTES;
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
    const sink = this.#sink;
    if (sink !== null) this.#endSink(sink, outcome);
    this.#resolveCompleted?.(outcome);
  }

  /** True when the consumer discarded the body or destroyed its stream. */
  get abandoned(): boolean {
    return this.#discarded || (this.#stream !== null && this.#stream.destroyed);
  }
}
