// The one interface of the upstream exchange: what the fetch step hands it (a request for a
// backend) and what it answers (the response head, then the body). Both exchanges behind
// UpstreamPools (./pools.ts) — the edge's own HTTP/1.1 exchange and undici's — give the same.

import type { Buffer } from 'node:buffer';
import type { Readable } from 'node:stream';
import type { CancelSignal } from '../client.ts';
import type { EdgeError } from '../errors.ts';
import type { HopHeaders, InHeaders, OutHeaders } from '../headers.ts';

export interface UpstreamRequest {
  readonly method: string;
  /** Origin-form target: path and query. */
  readonly path: string;
  /** The request headers as VCL left them (bereq); the upstream set is built from them. */
  readonly headers: InHeaders;
  /** Sent whole (a Buffer), or streamed as it arrives; null for no body. */
  readonly body?: Buffer | Readable | null;
  /** A streamed body's length, when the client declared one (else it is sent chunked). */
  readonly bodyLength?: number | null;
}

export interface FetchOptions {
  /** The connecting client's socket address. */
  readonly clientIp: string;
  /** Aborted when the client goes away: the upstream exchange is abandoned. */
  readonly signal?: CancelSignal;
  /** On a fleet: Fastly-FF, CDN-Loop, True-Client-IP and the credential of this hop (headers.ts). */
  readonly hop?: HopHeaders;
}

export interface BodyOutcome {
  readonly bytes: number;
  /** The body ended early: the origin stalled past between_bytes_timeout or broke mid-body. */
  readonly truncated: boolean;
  /** Why it ended early, when it did (null also when the consumer destroyed the body). */
  readonly error: EdgeError | null;
}

export interface UpstreamResponse {
  readonly status: number;
  /** The origin's reason phrase (Fastly's `beresp.response`). */
  readonly statusText: string;
  /** Origin headers without hop-by-hop fields. */
  readonly headers: OutHeaders;
  /**
   * The whole body, when it had arrived, complete, by the time the head was read (typical for
   * small responses: head and body come in one read); null when it streams. A consumer that
   * takes it never touches `body`, so no stream is made for it.
   */
  readonly whole: Buffer | null;
  /** The body as a stream (made on first use when `whole` holds it). */
  readonly body: Readable;
  /** Settles when the body is finished, for the cache's store-or-not decision and the access log. */
  readonly completed: Promise<BodyOutcome>;
  /**
   * Milliseconds from dispatch until the request was written on a connected socket: the
   * connect (TCP and TLS) for a new connection, next to nothing for a reused keep-alive one.
   */
  readonly connectMs: number;
  /** Milliseconds from dispatch to the response headers (connect included). */
  readonly firstByteMs: number;
  /** Known once `completed` settled; until then false. */
  readonly truncated: boolean;
  /** The whole body arrived, untruncated, and waits in `whole` or in `body`'s buffer. */
  readonly received: boolean;
  /** The body will not be read: stop reading it and free the connection (closing it if need be). */
  discard(): void;
  /**
   * Instead of `body`, for a consumer that only writes the body on: each chunk is written to
   * `sink` as it arrives, with its backpressure; the sink is ended with the body, or destroyed
   * when the body was cut short. Absent on an exchange that has only the stream.
   */
  deliverTo?(sink: BodySink): void;
}

/** Where `deliverTo` writes a body: the client's response (edge/http1 ClientResponse is one). */
export interface BodySink {
  /** False: full, wait for 'drain' before more. */
  write(chunk: Buffer): boolean;
  once(event: 'drain', listener: () => void): unknown;
  end(body?: Buffer): unknown;
  /** Closes the connection without ending the message. */
  destroy(): unknown;
}

/** What an exchange reports once, when nothing more will be read for it. */
export interface ExchangeSettled {
  readonly ok: boolean;
  readonly error: EdgeError | null;
}
