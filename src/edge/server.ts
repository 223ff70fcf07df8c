// The edge's HTTP listener: keep-alive HTTP/1.1 and a bounded drain (DESIGN.md §4.1).
//
// Ownership: this file owns the listening socket, the count of requests in flight and the
// periodic sweep that keeps the client timeouts (./http1/timeouts.ts); the handler owns
// everything about a request. Drain = stop accepting, let requests in flight finish (their
// connections are closed after the response), close idle keep-alive connections at once, and
// force-close what is left when the deadline passes.
//
// Every connection starts on the edge's own HTTP/1.1 reader (./http1/connection.ts) and moves
// to node:http at its first request that reader leaves to node; both call the same handler.
// The HTTPS listener (./tls/listener.ts), when there is one, hands its HTTP/1.1 connections to
// the same path once their handshake is done, and its HTTP/2 streams to the same handler; this
// server drains both.

import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import { performance } from 'node:perf_hooks';
import {
  BodyDeadlines, checkRequestTarget, CLIENT_TIMEOUT_DEFAULTS, FastConnection, refuseTarget, requestBody, sweepPeriod,
  type ClientRequest, type ClientResponse, type ClientTimeouts,
} from './http1/index.ts';
import { TlsListener, type CertificateTable } from './tls/index.ts';

export type EdgeHandler = (req: ClientRequest, res: ClientResponse) => void;

export interface EdgeServerOptions {
  readonly host: string;
  readonly port: number;
  readonly handler: EdgeHandler;
  /** How long a drain waits for requests in flight before closing their connections. */
  readonly drainTimeoutMs?: number;
  /** How long the edge waits on a client; CLIENT_TIMEOUT_DEFAULTS for those not given. */
  readonly clientTimeouts?: Partial<ClientTimeouts>;
  /** False sends every connection straight to node:http (tests compare the two readers). */
  readonly fastPath?: boolean;
  /**
   * Listen on a socket of this process's own, never shared with other node:cluster workers (each
   * worker's cluster listener has a port of its own: src/edge/fleet/cluster.ts).
   */
  readonly exclusive?: boolean;
  /** The HTTPS listener (DESIGN.md §4.1 `--tls`); none when absent. */
  readonly tls?: { readonly host: string; readonly port: number; readonly certificates: CertificateTable; readonly logger?: Logger };
}

export class EdgeServer {
  readonly #server: http.Server;
  readonly #drainTimeoutMs: number;
  #inFlight = 0;
  #draining = false;
  #idle: (() => void) | null = null;

  readonly #fast = new Set<FastConnection>();
  #sweeper: NodeJS.Timeout | null = null;
  /** Takes a client connection (plain, or TLS after its handshake) onto the HTTP/1.1 path. */
  readonly #accept: (socket: Socket) => void;
  readonly #tls: TlsListener | null;

  constructor(opts: EdgeServerOptions) {
    this.#drainTimeoutMs = opts.drainTimeoutMs ?? 10_000;
    const timeouts: ClientTimeouts = { ...CLIENT_TIMEOUT_DEFAULTS, ...opts.clientTimeouts };
    const sweepMs = sweepPeriod(timeouts);
    const bodies = new BodyDeadlines(timeouts);
    const handler = (req: ClientRequest, res: ClientResponse): void => {
      this.#inFlight++;
      if (this.#draining) res.shouldKeepAlive = false;
      // A shared listener, not a `once` wrapper per request: 'close' is emitted once per response.
      res.on('close', this.#onClose);
      opts.handler(req, res);
    };
    // What node:http reads may be in absolute-form or carry Host twice (./http1/request-target.ts),
    // and may have a body, whose deadline the sweep keeps; the edge's own reader takes none of these.
    const fromNode = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      const refused = checkRequestTarget(req);
      if (refused !== null) return refuseTarget(res, refused);
      if (requestBody(req) !== null) bodies.watch(req, res);
      handler(req, res);
    };
    const server = http.createServer({
      keepAlive: true,
      keepAliveTimeout: timeouts.idleMs,
      // node:http closes an idle connection this much after keepAliveTimeout: one sweep period,
      // so both readers close an idle connection within [idle timeout, idle timeout + one period].
      keepAliveTimeoutBuffer: sweepMs,
      headersTimeout: timeouts.headerMs,
      // One deadline for a whole request, whatever its size, would cut large uploads: the body's
      // deadline grows with what arrived (BodyDeadlines).
      requestTimeout: 0,
      // node:http checks headersTimeout this often (its default, 30 s, let a slow head last 60 s).
      connectionsCheckingInterval: sweepMs,
      noDelay: true,
    }, fromNode);
    this.#server = server;
    this.#listenArgs = [opts.port, opts.host];
    this.#exclusive = opts.exclusive === true;
    server.on('listening', () => {
      this.#sweeper ??= setInterval(() => {
        for (const conn of this.#fast) conn.sweep();
        if (bodies.size > 0) bodies.sweep(performance.now());
      }, sweepMs).unref();
    });
    server.on('close', () => {
      if (this.#sweeper !== null) clearInterval(this.#sweeper);
      this.#sweeper = null;
    });
    // node:http reads a connection through its 'connection' listener (its documented way to be
    // given a socket); keep that listener to hand connections over, and take new ones first.
    const toHttp = server.listeners('connection') as Array<(socket: Socket) => void>;
    const handOff = (socket: Socket): void => {
      for (const listener of toHttp) listener.call(server, socket);
    };
    this.#accept = handOff;
    this.#tls = opts.tls === undefined ? null : new TlsListener({
      ...opts.tls, http1: (socket) => this.#accept(socket), handler,
      timeouts,
    });
    if (opts.fastPath === false) return;
    server.removeAllListeners('connection');
    const ended = (conn: FastConnection): void => {
      this.#fast.delete(conn);
    };
    // The fast connections' keep-alive timeout: idle at `idleSweeps` sweeps in a row closes, which
    // is never before the idle timeout (the first sweep comes up to one period after going idle).
    const idleSweeps = Math.ceil(timeouts.idleMs / sweepMs) + 1;
    this.#accept = (socket: Socket) => {
      if (this.#draining) return handOff(socket);
      this.#fast.add(new FastConnection(socket, { handler, handOff, keepAliveTimeoutMs: timeouts.idleMs, idleSweeps, ended }));
    };
    server.on('connection', this.#accept);
  }

  readonly #listenArgs: [number, string];
  readonly #exclusive: boolean;

  /** Starts listening; with node:cluster the primary shares one listening socket with all workers. */
  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen({ port: this.#listenArgs[0], host: this.#listenArgs[1], exclusive: this.#exclusive }, () => {
        this.#server.off('error', reject);
        resolve(this.#server.address() as AddressInfo);
      });
    });
  }

  /** Starts the HTTPS listener (after listen(): node:cluster shares listeners in the order they open). */
  async listenTls(): Promise<AddressInfo | null> {
    return this.#tls === null ? null : await this.#tls.listen();
  }

  /** The session ticket keys every worker of the node shares (./tls/policy.ts). */
  setTicketKeys(keys: Buffer): void {
    this.#tls?.setTicketKeys(keys);
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get draining(): boolean {
    return this.#draining;
  }

  /** Stops accepting and resolves once every request in flight has finished (or the deadline passed). */
  async drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    const tlsClosed = this.#tls?.drain();
    this.#server.closeIdleConnections();
    for (const conn of this.#fast) conn.closeWhenIdle();
    if (this.#inFlight > 0) {
      const idle = new Promise<void>((resolve) => { this.#idle = resolve; });
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => { timer = setTimeout(resolve, this.#drainTimeoutMs); });
      await Promise.race([idle, deadline]);
      clearTimeout(timer);
    }
    this.#server.closeAllConnections();
    for (const conn of this.#fast) conn.socket.destroy();
    this.#tls?.destroyAll();
    await closed;
    await tlsClosed;
  }

  readonly #onClose = (): void => this.#finished();

  #finished(): void {
    this.#inFlight--;
    if (this.#draining) {
      this.#server.closeIdleConnections();
      if (this.#inFlight === 0) this.#idle?.();
    }
  }
}
