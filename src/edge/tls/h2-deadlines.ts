// The client timeouts over HTTP/2 (docs/edge-clients.md): what ../http1/timeouts.ts keeps for an
// HTTP/1.1 connection, kept here for an HTTP/2 session and its streams, on the listener's sweep.
//
//   header  A session must send its first whole request (HEADERS up to END_HEADERS) within
//           `--client-header-timeout` of its start. node:http2 shows no partial HEADERS, so a
//           session that has never opened a stream is held to this deadline as a whole; after
//           its first request, a half-sent HEADERS is idle time (below).
//   idle    A session with no stream open for `--client-idle-timeout` gets GOAWAY (NO_ERROR) and
//           is closed (nginx's keepalive_timeout applies to HTTP/2 connections the same way;
//           Varnish's timeout_idle too). A stream whose response the edge is still sending, or
//           whose origin is slow, is not idle: only the client's silence counts.
//   body    Each stream's request body keeps mod_reqtimeout's `body=T,MinRate=R`, as over
//           HTTP/1.1: it must have arrived by T + received/R after its HEADERS. Past that the
//           stream gets `408` when nothing of its response was sent, then RST_STREAM (NO_ERROR
//           after a 408, RFC 9113 §8.1: the server needs no more of the request; CANCEL
//           otherwise), and the body's reader sees ERR_HTTP_REQUEST_TIMEOUT, which aborts the
//           origin request it was feeding. The session and its other streams go on.
//
// A session asked to close (idle, or drained) that has no stream open yet is still there one
// sweep later has its TLS connection destroyed. node:http2 closes a session once its last write
// completes; under load a write on the TLS socket was seen never to complete (the session then
// stops reading, never answers the client's GOAWAY and never emits 'close': h2load, which waits
// for the server to close, never finished). Cutting the socket bounds such a session's life by
// the idle timeout plus one period, whatever node:http2 does.

import http2 from 'node:http2';
import { performance } from 'node:perf_hooks';
import type tls from 'node:tls';
import type { Readable } from 'node:stream';
import type { ClientTimeouts } from '../http1/index.ts';

const { NGHTTP2_NO_ERROR, NGHTTP2_CANCEL, NGHTTP2_ENHANCE_YOUR_CALM } = http2.constants;

interface SessionWatch {
  readonly session: http2.ServerHttp2Session;
  readonly socket: tls.TLSSocket;
  /** Streams open now, and whether any was ever opened. */
  open: number;
  served: boolean;
  /** When the session last had no stream open (performance.now()). */
  since: number;
  /** When close() was asked with no stream open; -1 when not. */
  closingSince: number;
  /** Ended for resetting too many streams: its connection is cut whatever streams it has. */
  forced: boolean;
  /** Resets left in the bucket, and when it was last filled (ResetLimit). */
  resets: number;
  resetsAt: number;
}

/**
 * Streams a session may see end reset (RST_STREAM, by the client or the edge): a bucket of
 * `burst` that refills at `rate` a second, the bound nghttp2 1.57 chose against the "rapid
 * reset" attack (CVE-2023-44487). Past it: GOAWAY with ENHANCE_YOUR_CALM, the code RFC 9113 §7
 * gives for a peer "exhibiting a behavior that might be generating excessive load", then the
 * connection is cut one sweep period later whatever streams it still has. nghttp2's own limit
 * (./listener.ts, a backstop at twice this) ends the session as an internal error (GOAWAY
 * INTERNAL_ERROR under node:http2) and leaves its closing to node:http2.
 */
export interface ResetLimit {
  readonly burst: number;
  readonly rate: number;
}

/** A request body being read from one stream. */
export interface H2Body {
  readonly stream: http2.ServerHttp2Stream;
  /** The request as the pipeline reads it: destroyed with the timeout error when cut. */
  readonly request: Readable;
  /** Bytes of body received so far. */
  readonly received: number;
  /** The body ended (all of it arrived). */
  readonly complete: boolean;
}

interface BodyWatch {
  readonly body: H2Body;
  since: number;
  bytesAt: number;
}

function requestTimeout(): Error {
  return Object.assign(new Error('the request body did not arrive in time (--client-body-timeout, --client-body-min-rate)'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' });
}

export class H2Deadlines {
  readonly #t: ClientTimeouts;
  readonly #periodMs: number;
  readonly #sessions = new Map<http2.ServerHttp2Session, SessionWatch>();
  readonly #bodies = new Set<BodyWatch>();

  readonly #resets: ResetLimit;

  constructor(timeouts: ClientTimeouts, periodMs: number, resets: ResetLimit) {
    this.#t = timeouts;
    this.#periodMs = periodMs;
    this.#resets = resets;
  }

  get sessions(): number {
    return this.#sessions.size;
  }

  /** Watches a session from its start to its 'close'. */
  session(session: http2.ServerHttp2Session, socket: tls.TLSSocket, now: number): void {
    const w: SessionWatch = { session, socket, open: 0, served: false, since: now, closingSince: -1, forced: false, resets: this.#resets.burst, resetsAt: now };
    this.#sessions.set(session, w);
    session.once('close', () => this.#sessions.delete(session));
  }

  /** A stream opened on `session`: the session is busy until it closes. */
  stream(session: http2.ServerHttp2Session, stream: http2.ServerHttp2Stream): void {
    const w = this.#sessions.get(session);
    if (w === undefined) return;
    w.served = true;
    // Reset with its HEADERS (node:http2 emits 'stream' a tick later, after the RST_STREAM).
    if (stream.closed || stream.destroyed) return this.#reset(w, performance.now());
    w.open++;
    stream.once('close', () => {
      const now = performance.now();
      if (--w.open === 0) w.since = now;
      if (stream.rstCode !== undefined && stream.rstCode !== NGHTTP2_NO_ERROR) this.#reset(w, now);
    });
  }

  /** Closes `session` with GOAWAY; its connection is cut if it is still open, with no stream, a period later. */
  close(session: http2.ServerHttp2Session, now: number): void {
    const w = this.#sessions.get(session);
    if (w !== undefined && w.closingSince < 0) w.closingSince = now;
    if (!session.closed) session.close();
  }

  /** Watches a stream's request body until it arrived whole or the stream is gone. */
  body(body: H2Body, now: number): void {
    const w: BodyWatch = { body, since: now, bytesAt: body.received };
    this.#bodies.add(w);
    body.stream.once('close', () => this.#bodies.delete(w));
  }

  /** Applies every deadline at `now` (performance.now()). */
  sweep(now: number): void {
    const t = this.#t;
    for (const w of this.#sessions.values()) {
      if (w.forced) {
        if (now - w.closingSince >= this.#periodMs) w.socket.destroy();
        continue;
      }
      if (w.open > 0) continue;
      if (w.closingSince >= 0) {
        if (now - w.closingSince >= this.#periodMs) w.socket.destroy();
      } else if (now - w.since > (w.served ? t.idleMs : t.headerMs)) {
        this.close(w.session, now);
      }
    }
    for (const w of this.#bodies) {
      const { body } = w;
      if (body.complete) {
        this.#bodies.delete(w);
        continue;
      }
      // Reading stopped because the edge does not consume the body yet: the wait is the edge's.
      const request = body.request;
      if (request.readableLength >= request.readableHighWaterMark) {
        w.since = now;
        w.bytesAt = body.received;
        continue;
      }
      if (now - w.since > t.bodyMs + ((body.received - w.bytesAt) * 1000) / t.bodyMinRate) this.#cut(w);
    }
  }

  #reset(w: SessionWatch, now: number): void {
    const { burst, rate } = this.#resets;
    w.resets = Math.min(burst, w.resets + ((now - w.resetsAt) * rate) / 1000);
    w.resetsAt = now;
    if (--w.resets >= 0 || w.forced || w.session.destroyed) return;
    w.forced = true;
    w.closingSince = now;
    w.session.goaway(NGHTTP2_ENHANCE_YOUR_CALM);
  }

  #cut(w: BodyWatch): void {
    this.#bodies.delete(w);
    const { stream, request } = w.body;
    let code = NGHTTP2_CANCEL;
    if (!stream.destroyed && !stream.headersSent) {
      try {
        stream.respond({ ':status': 408 }, { endStream: true });
        code = NGHTTP2_NO_ERROR;
      } catch {
        // The stream can no longer take a response: it is reset below.
      }
    }
    if (!stream.destroyed) stream.close(code);
    request.destroy(requestTimeout());
  }
}
