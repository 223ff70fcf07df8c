// How long the edge waits on a client (the `lacquer serve --client-*` flags, docs/edge-clients.md),
// and the request-body deadline the edge keeps itself. Both readers apply every timeout:
//
//   header  The whole request head must arrive within it, from its first byte (nginx's
//           client_header_timeout; Varnish's timeout_idle covers this and the idle wait together).
//           Kept by node:http (headersTimeout, checked every sweep period): the edge's own reader
//           hands a head that did not arrive whole to node:http at once, so every slow head is
//           node's, and node answers 408.
//   idle    A keep-alive connection that has no request in progress and nothing left to send for
//           this long is closed (nginx's keepalive_timeout, Varnish's timeout_idle). The edge's
//           reader: its periodic sweep (./connection.ts); node:http: keepAliveTimeout.
//   body    Apache mod_reqtimeout's `body=T,MinRate=R` model: the body must have arrived by
//           T + received/R after the head, so a client gets T for a slow start and must then keep
//           up R bytes a second on average; a trickle is cut near T, a large upload at R or more
//           never is. A gap timeout alone (nginx's client_body_timeout) never cuts one byte every
//           2 s. node:http has no such timer (its requestTimeout is one deadline for the whole
//           request, whatever its size); BodyDeadlines below keeps it, on the server's sweep.
//           Only node:http reads bodies (./request-head.ts leaves them to it).
//
// A body past its deadline: 408 when nothing of the response was written yet (node:http does the
// same for its own timeouts), then the request stream is destroyed with an
// ERR_HTTP_REQUEST_TIMEOUT error, which closes the connection. Whoever reads the body sees that
// error (when it listens for 'error') and 'close'; the response emits 'close' unfinished.

import { Buffer } from 'node:buffer';
import type http from 'node:http';
import type net from 'node:net';
import { performance } from 'node:perf_hooks';

export interface ClientTimeouts {
  /** The whole request head must arrive within this many ms of its first byte. */
  readonly headerMs: number;
  /** A keep-alive connection idle for this many ms is closed. */
  readonly idleMs: number;
  /** The body may take this many ms plus one second per `bodyMinRate` bytes received. */
  readonly bodyMs: number;
  /** Bytes a second a body must keep up on average once `bodyMs` has passed. */
  readonly bodyMinRate: number;
}

/**
 * Defaults: idle as Varnish's timeout_idle (5 s); a head gets twice that, as it may be a browser's
 * of several KB on a slow link; a body gets Apache's MinRate (500 bytes/s) after 10 s.
 */
export const CLIENT_TIMEOUT_DEFAULTS: ClientTimeouts = Object.freeze({ headerMs: 10_000, idleMs: 5_000, bodyMs: 10_000, bodyMinRate: 500 });

/** How often timeouts are checked: a quarter of the shortest one, between 50 ms and 1 s. */
export function sweepPeriod(t: ClientTimeouts): number {
  return Math.min(1000, Math.max(50, Math.floor(Math.min(t.headerMs, t.idleMs, t.bodyMs) / 4)));
}

const REQUEST_TIMEOUT = Buffer.from('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n', 'latin1');

function requestTimeout(): Error {
  return Object.assign(new Error('the request body did not arrive in time (--client-body-timeout, --client-body-min-rate)'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' });
}

interface BodyWatch {
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  readonly socket: net.Socket;
  /** When the deadline's clock started (performance.now()), and socket.bytesRead then. */
  since: number;
  bytesAt: number;
}

/** The bodies node:http is reading, each with its deadline (mod_reqtimeout's body=T,MinRate=R). */
export class BodyDeadlines {
  readonly #t: ClientTimeouts;
  readonly #watches = new Set<BodyWatch>();

  constructor(timeouts: ClientTimeouts) {
    this.#t = timeouts;
  }

  get size(): number {
    return this.#watches.size;
  }

  /** Watches a request's body from now until it was read whole or the request was abandoned. */
  watch(req: http.IncomingMessage, res: http.ServerResponse): void {
    const socket = req.socket;
    const w: BodyWatch = { req, res, socket, since: performance.now(), bytesAt: socket.bytesRead };
    const done = (): void => { this.#watches.delete(w); };
    this.#watches.add(w);
    req.once('end', done);
    req.once('close', done);
  }

  /** Cuts every body behind its deadline at `now` (performance.now()). */
  sweep(now: number): void {
    const t = this.#t;
    for (const w of this.#watches) {
      const { req, socket } = w;
      // All of it arrived; 'end' waits for someone to read it, which is not the client's to do.
      if (req.complete) {
        this.#watches.delete(w);
        continue;
      }
      // Reading stopped because nobody consumes the body (node:http stops at the stream's
      // high-water mark): the wait is the edge's, not the client's, so its clock starts again.
      if (req.readableLength >= req.readableHighWaterMark) {
        w.since = now;
        w.bytesAt = socket.bytesRead;
        continue;
      }
      const received = socket.bytesRead - w.bytesAt;
      if (now - w.since > t.bodyMs + (received * 1000) / t.bodyMinRate) this.#cut(w);
    }
  }

  #cut(w: BodyWatch): void {
    this.#watches.delete(w);
    const { req, res, socket } = w;
    // The response is this request's and nothing of it was written: the client gets a status.
    if (res.socket === socket && !res.headersSent && socket.writable) socket.write(REQUEST_TIMEOUT);
    req.destroy(requestTimeout());
  }
}
