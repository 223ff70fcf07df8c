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
import type { ClientRequest, ClientResponse } from '../http1/index.ts';
import type { CertificateTable } from './certificates.ts';
import { readClientHello, UNRECOGNIZED_NAME_ALERT } from './client-hello.ts';
import { serveStream } from './h2.ts';
import { ALPN_PROTOCOLS, secureContextOptions } from './policy.ts';

export interface TlsListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly certificates: CertificateTable;
  /** HTTP/1.1 over a finished handshake: the plain listener's connection path. */
  readonly http1: (socket: tls.TLSSocket) => void;
  /** The request handler, for HTTP/2 streams. */
  readonly handler: (req: ClientRequest, res: ClientResponse) => void;
  /** From the first byte to the end of the handshake (the client header timeout). */
  readonly handshakeTimeoutMs: number;
  /** An HTTP/2 connection with no frame for this long is closed with GOAWAY (the client idle timeout). */
  readonly idleMs: number;
  readonly logger?: Logger;
}

/** RFC 9113 §6.5.2: streams a client may have open at once (Fastly and nginx allow 100 and 128). */
const MAX_CONCURRENT_STREAMS = 100;

export class TlsListener {
  readonly #server: net.Server;
  readonly #tls: tls.Server;
  readonly #h2: http2.Http2Server;
  readonly #o: TlsListenerOptions;
  /** Connections whose ClientHello has not all arrived. */
  readonly #handshaking = new Set<net.Socket>();
  readonly #sessions = new Map<http2.ServerHttp2Session, tls.TLSSocket>();
  /** The TLS socket whose HTTP/2 session node:http2 is making (its 'session' event is synchronous). */
  #connecting: tls.TLSSocket | null = null;
  #draining = false;

  constructor(o: TlsListenerOptions) {
    this.#o = o;
    const certificates = o.certificates;
    this.#tls = tls.createServer({
      ...secureContextOptions(),
      ALPNProtocols: [...ALPN_PROTOCOLS],
      handshakeTimeout: o.handshakeTimeoutMs,
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
      settings: { maxConcurrentStreams: MAX_CONCURRENT_STREAMS },
    });
    this.#h2.on('session', (session: http2.ServerHttp2Session) => {
      const socket = this.#connecting;
      if (socket === null) return void session.destroy();
      this.#sessions.set(session, socket);
      session.on('error', ignore);
      session.setTimeout(o.idleMs, () => session.close());
      session.once('close', () => this.#sessions.delete(session));
      if (this.#draining) session.close();
    });
    this.#h2.on('stream', (stream: http2.ServerHttp2Stream, fields: http2.IncomingHttpHeaders) => {
      const socket = this.#sessions.get(stream.session as http2.ServerHttp2Session);
      if (socket === undefined) return void stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
      serveStream(stream, fields, socket, o.handler);
    });
    this.#server = net.createServer({ noDelay: true }, (socket) => this.#accept(socket));
  }

  /** Starts listening; with node:cluster every worker shares the listening socket. */
  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#o.port, this.#o.host, () => {
        this.#server.off('error', reject);
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
    for (const session of this.#sessions.keys()) session.close();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  /** Closes every HTTP/2 connection still open (the drain's deadline passed). */
  destroyAll(): void {
    for (const session of this.#sessions.keys()) session.destroy();
  }

  #accept(socket: net.Socket): void {
    if (this.#draining) return void socket.destroy();
    this.#handshaking.add(socket);
    socket.on('error', ignore);
    socket.setTimeout(this.#o.handshakeTimeoutMs, () => socket.destroy());
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
