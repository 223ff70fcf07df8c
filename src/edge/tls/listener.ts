// The edge's HTTPS listener (DESIGN.md §4.1 `--tls`, §4.4 HTTPS): SNI picks the certificate,
// ALPN picks HTTP/2 or HTTP/1.1, and both reach the same handler as the plain listener.
//
// A connection goes through three owners, in order:
//   1. this listener reads the ClientHello (./client-hello.ts) and refuses, with the
//      `unrecognized_name` alert, a handshake without SNI or for a name with no certificate in
//      the table (./certificates.ts); every other connection is handed, its bytes put back, to
//   2. node:tls, which completes the handshake with the certificate the SNICallback finds in the
//      table (looked up again: a swap in between is seen, never a stale certificate) and with
//      the settings of ./policy.ts; then by ALPN
//   3a. `h2`: node:http2's session; each stream goes to the handler through ./h2.ts;
//   3b. `http/1.1` or no ALPN: the plain listener's own HTTP/1.1 path (EdgeServer.accept: the
//      edge's reader, then node:http), over the TLS socket.
// Why 3b is not node:http2's `allowHTTP1`: that sends HTTP/1.1 through node:http's request and
// response objects, which the plain listener's own reader was built to avoid (it halved the
// HTTP layer's CPU for a keep-alive hit, docs/benchmarks.md); over TLS the same reader keeps
// HTTPS/1.1 on the path the plain listener has. bench/macro/tls.bench.ts measures the result.
//
// The certificate table is replaced whole (./certificates.ts); connections already open keep
// the certificate they were given, so a change drops none of them.

import net from 'node:net';
import http2 from 'node:http2';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { Buffer } from 'node:buffer';
import type { Logger } from 'pino';
import { performance } from 'node:perf_hooks';
import { MAX_HEAD_BYTES, sweepPeriod, type ClientRequest, type ClientResponse, type ClientTimeouts } from '../http1/index.ts';
import type { CertificateTable } from './certificates.ts';
import { readClientHello, UNRECOGNIZED_NAME_ALERT } from './client-hello.ts';
import { serveStream } from './h2.ts';
import { H2Deadlines } from './h2-deadlines.ts';
import { ALPN_PROTOCOLS, secureContextOptions } from './policy.ts';

export interface TlsListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly certificates: CertificateTable;
  /** HTTP/1.1 over a finished handshake: the plain listener's connection path. */
  readonly http1: (socket: tls.TLSSocket) => void;
  /** The request handler, for HTTP/2 streams. */
  readonly handler: (req: ClientRequest, res: ClientResponse) => void;
  /**
   * The client timeouts: the header timeout also bounds the handshake, from the first byte; over
   * HTTP/2 each is kept by ./h2-deadlines.ts.
   */
  readonly timeouts: ClientTimeouts;
  readonly logger?: Logger;
}

/**
 * What one HTTP/2 session may ask of a worker (docs/edge-clients.md, "HTTP/2"):
 * - streams open at once (RFC 9113 §6.5.2 SETTINGS_MAX_CONCURRENT_STREAMS): 100, Varnish's
 *   `h2_max_concurrent_streams` default (nginx's `http2_max_concurrent_streams` is 128); a stream
 *   over it is refused with RST_STREAM (REFUSED_STREAM) by node:http2;
 * - a request's header list (§6.5.2 SETTINGS_MAX_HEADER_LIST_SIZE): the 16 KiB the HTTP/1.1
 *   reader allows a head (../http1/request-head.ts), so a request is refused for its size alike
 *   over both;
 * - streams that end reset (the "rapid reset" attack, CVE-2023-44487): a burst of 1000 and 33
 *   a second after it, the bound nghttp2 1.57 chose; past it the session gets GOAWAY
 *   (ENHANCE_YOUR_CALM) and its connection is cut (./h2-deadlines.ts). A stream reset before the
 *   pipeline sees it costs nothing more (./h2.ts);
 * - streams refused (over the concurrency limit) before the session is ended: 100, node:http2's
 *   default, set here so that the bound is written down.
 */
export const H2_LIMITS = Object.freeze({
  maxConcurrentStreams: 100,
  maxHeaderListSize: MAX_HEAD_BYTES,
  streamResetBurst: 1000,
  streamResetRate: 33,
  maxSessionRejectedStreams: 100,
});

export class TlsListener {
  readonly #server: net.Server;
  readonly #tls: tls.Server;
  readonly #h2: http2.Http2Server;
  readonly #o: TlsListenerOptions;
  /** Connections whose ClientHello has not all arrived. */
  readonly #handshaking = new Set<net.Socket>();
  readonly #sessions = new Map<http2.ServerHttp2Session, tls.TLSSocket>();
  readonly #deadlines: H2Deadlines;
  /** The deadlines' sweep: every `#periodMs` while listening (../http1/timeouts.ts sweepPeriod). */
  #sweeper: NodeJS.Timeout | null = null;
  readonly #periodMs: number;
  /** The TLS socket whose HTTP/2 session node:http2 is making (its 'session' event is synchronous). */
  #connecting: tls.TLSSocket | null = null;
  #draining = false;

  constructor(o: TlsListenerOptions) {
    this.#o = o;
    const certificates = o.certificates;
    const period = sweepPeriod(o.timeouts);
    const deadlines = new H2Deadlines(o.timeouts, period, { burst: H2_LIMITS.streamResetBurst, rate: H2_LIMITS.streamResetRate });
    this.#deadlines = deadlines;
    this.#tls = tls.createServer({
      ...secureContextOptions(),
      ALPNProtocols: [...ALPN_PROTOCOLS],
      handshakeTimeout: o.timeouts.headerMs,
      SNICallback: (servername, done) => {
        const context = certificates.lookup(servername.toLowerCase());
        if (context === null) done(new Error(`no certificate for "${servername}"`), undefined);
        else done(null, context);
      },
    });
    this.#tls.on('secureConnection', (socket: tls.TLSSocket) => this.#secured(socket));
    this.#tls.on('tlsClientError', (err, socket) => {
      o.logger?.debug({ err: err.message, remote: socket.remoteAddress }, 'TLS handshake failed');
      socket.destroy();
    });
    this.#h2 = http2.createServer({
      settings: { maxConcurrentStreams: H2_LIMITS.maxConcurrentStreams, maxHeaderListSize: H2_LIMITS.maxHeaderListSize },
      // nghttp2's own reset limit, a backstop behind the edge's (./h2-deadlines.ts), which is
      // reached first and answers with the code RFC 9113 §7 gives for it.
      streamResetBurst: 2 * H2_LIMITS.streamResetBurst,
      streamResetRate: 2 * H2_LIMITS.streamResetRate,
      maxSessionRejectedStreams: H2_LIMITS.maxSessionRejectedStreams,
    });
    this.#h2.on('session', (session: http2.ServerHttp2Session) => {
      const socket = this.#connecting;
      if (socket === null) return void session.destroy();
      this.#sessions.set(session, socket);
      session.on('error', ignore);
      deadlines.session(session, socket, performance.now());
      session.once('close', () => this.#sessions.delete(session));
      if (this.#draining) deadlines.close(session, performance.now());
    });
    const watchBody = (body: Parameters<H2Deadlines['body']>[0]): void => deadlines.body(body, performance.now());
    this.#h2.on('stream', (stream: http2.ServerHttp2Stream, fields: http2.IncomingHttpHeaders) => {
      const session = stream.session as http2.ServerHttp2Session;
      const socket = this.#sessions.get(session);
      if (socket === undefined) return void stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
      deadlines.stream(session, stream);
      serveStream(stream, fields, socket, o.handler, watchBody);
    });
    this.#periodMs = period;
    this.#server = net.createServer({ noDelay: true }, (socket) => this.#accept(socket));
  }

  /** Starts listening; with node:cluster every worker shares the listening socket. */
  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#o.port, this.#o.host, () => {
        this.#server.off('error', reject);
        this.#sweeper ??= setInterval(() => this.#deadlines.sweep(performance.now()), this.#periodMs).unref();
        resolve(this.#server.address() as AddressInfo);
      });
    });
  }

  /** The session ticket keys (48 bytes) every worker of the node shares (./policy.ts). */
  setTicketKeys(keys: Buffer): void {
    this.#tls.setTicketKeys(keys);
  }

  /**
   * Stops accepting; HTTP/2 sessions get GOAWAY and finish their streams; connections still
   * sending their ClientHello are cut. HTTP/1.1 connections are the plain listener's, which drains them. Resolves once
   * the listening socket is closed.
   */
  drain(): Promise<void> {
    this.#draining = true;
    for (const socket of this.#handshaking) socket.destroy();
    const now = performance.now();
    for (const session of this.#sessions.keys()) this.#deadlines.close(session, now);
    return new Promise((resolve) => this.#server.close(() => {
      if (this.#sweeper !== null && this.#sessions.size === 0) clearInterval(this.#sweeper);
      resolve();
    }));
  }

  /** Closes every HTTP/2 connection still open (the drain's deadline passed). */
  destroyAll(): void {
    for (const [session, socket] of this.#sessions) {
      session.destroy();
      socket.destroy();
    }
    if (this.#sweeper !== null) clearInterval(this.#sweeper);
    this.#sweeper = null;
  }

  #accept(socket: net.Socket): void {
    if (this.#draining) return void socket.destroy();
    this.#handshaking.add(socket);
    socket.on('error', ignore);
    socket.setTimeout(this.#o.timeouts.headerMs, () => socket.destroy());
    socket.once('close', () => this.#handshaking.delete(socket));
    let received: Buffer | null = null;
    const onData = (chunk: Buffer): void => {
      received = received === null ? chunk : Buffer.concat([received, chunk]);
      const hello = readClientHello(received);
      if (hello.kind === 'incomplete') return;
      socket.off('data', onData);
      if (hello.kind === 'hello' && (hello.servername === null || this.#o.certificates.lookup(hello.servername) === null)) {
        // RFC 6066 §3: no certificate for this name (or no name): refuse, never another domain's.
        socket.end(UNRECOGNIZED_NAME_ALERT);
        return;
      }
      // A well-formed ClientHello for a known name, or bytes OpenSSL must judge: node:tls takes
      // the socket with what was read put back (its TLSSocket reads a socket's buffered bytes first).
      // node:tls keeps its own handshake deadline from here (handshakeTimeout).
      this.#handshaking.delete(socket);
      socket.pause();
      socket.unshift(received);
      socket.setTimeout(0);
      this.#tls.emit('connection', socket);
    };
    socket.on('data', onData);
  }

  #secured(socket: tls.TLSSocket): void {
    if (socket.alpnProtocol === 'h2') {
      this.#connecting = socket;
      try {
        this.#h2.emit('connection', socket);
      } finally {
        this.#connecting = null;
      }
      return;
    }
    this.#o.http1(socket);
  }
}

function ignore(): void {}
