// The edge's own keep-alive connections to one backend pool identity (model/backend.ts
// `poolIdentity`): idle connections are reused, newest first, and new ones are made through the
// backend's connector (./connector.ts: DNS, TCP, TLS with SNI and verification, connect_timeout).
//
// A request is never written on a kept-alive connection before the event loop has read
// everything the origin sent on it while it was idle. Bytes, a FIN or a reset that arrived in
// that time are reported by the same poll of the event loop as the request that wants the
// connection, and may be handled after it; written at once, the request's response could then
// be taken from bytes the origin sent before it (response queue poisoning). So the requests
// that want an idle connection wait for the check phase right after that poll — by which time
// such a connection has been closed and dropped (./connection.ts) — and are given connections
// then, all of them in one pass. undici does the same for each request (GHSA-35p6-xmwp-9g52,
// client-h1.js `scheduleIdleSocketValidation`); a fresh connection needs no wait.
//
// The number of connections is bounded by the number of exchanges in flight, which UpstreamPools
// caps at max_connections, so the pool never queues behind a limit of its own.
//
// Ownership: one pool per identity, held by UpstreamPools; only the pool changes its lists.

import { performance } from 'node:perf_hooks';
import { EdgeError } from '../errors.ts';
import { OriginConnection, type ConnectionOwner } from './connection.ts';
import type { BackendConnector } from './connector.ts';

/** An exchange waiting for a connection. */
export interface ConnectionWaiter {
  /** Nothing more is wanted: a connection offered now goes back to the pool. */
  readonly settled: boolean;
  /** `reused`: the connection carried a request before. */
  start(conn: OriginConnection, reused: boolean): void;
  /** No connection could be made (an EdgeError from the connector, already classified). */
  connectFailed(err: Error): void;
}

export interface ConnectionPoolOptions {
  readonly connector: BackendConnector;
  /** How long an idle connection is kept (keepalive_time). */
  readonly keepAliveMs: number;
}

/** Subtracted from an origin's `Keep-Alive: timeout` hint, as undici's keepAliveTimeoutThreshold. */
const HINT_MARGIN_MS = 1_000;

export class ConnectionPool implements ConnectionOwner {
  readonly #o: ConnectionPoolOptions;
  /** Idle connections, the most recently used last. */
  readonly #idle: OriginConnection[] = [];
  #waiting: ConnectionWaiter[] = [];
  #drainScheduled = false;
  /** Connections open or being opened. */
  #count = 0;
  /** Every open connection, idle or held (to destroy them all). */
  readonly #open = new Set<OriginConnection>();
  #closing = false;
  #destroyed = false;
  #whenEmpty: (() => void) | null = null;

  constructor(options: ConnectionPoolOptions) {
    this.#o = options;
  }

  /** Connections open or being opened (for tests and gauges). */
  get size(): number {
    return this.#count;
  }

  get idle(): number {
    return this.#idle.length;
  }

  /** Finds the waiter a connection: an idle one after the next poll, else a new one now. */
  acquire(waiter: ConnectionWaiter): void {
    if (this.#idle.length > this.#waiting.length) {
      this.#waiting.push(waiter);
      if (!this.#drainScheduled) {
        this.#drainScheduled = true;
        setImmediate(this.#drain);
      }
      return;
    }
    this.open(waiter);
  }

  readonly #drain = (): void => {
    this.#drainScheduled = false;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const waiter of waiting) {
      if (waiter.settled) continue;
      let conn = this.#idle.pop();
      // A connection closed for bytes it got while idle is destroyed at once but forgotten only
      // at its 'close', which comes after this check phase.
      while (conn !== undefined && conn.socket.destroyed) conn = this.#idle.pop();
      if (conn === undefined) {
        this.open(waiter);
        continue;
      }
      conn.socket.ref();
      waiter.start(conn, true);
    }
  };

  /** A new connection for the waiter (also for a retry, which must not reuse one). */
  open(waiter: ConnectionWaiter): void {
    if (this.#destroyed) {
      waiter.connectFailed(new EdgeError('BACKEND_READ_ERROR'));
      return;
    }
    this.#count += 1;
    const conn = new OriginConnection(this);
    this.#o.connector.open(conn.onread, (err, socket) => {
      if (err !== null || socket === null) {
        this.#count -= 1;
        this.#maybeEmpty();
        waiter.connectFailed(err ?? new EdgeError('BACKEND_READ_ERROR'));
        return;
      }
      conn.attach(socket);
      this.#open.add(conn);
      if (waiter.settled) this.release(conn, true);
      else waiter.start(conn, false);
    });
  }

  /** The exchange is done with the connection; `reusable` when its response was read to its end. */
  release(conn: OriginConnection, reusable: boolean): void {
    conn.user = null;
    if (!reusable || this.#closing || conn.closed || conn.socket.destroyed) {
      conn.destroy();
      return;
    }
    const hint = conn.idleLimitMs;
    const keep = hint === null ? this.#o.keepAliveMs : Math.min(this.#o.keepAliveMs, hint - HINT_MARGIN_MS);
    if (keep <= 0) {
      conn.destroy();
      return;
    }
    conn.setDeadline(keep, performance.now());
    // An idle connection does not keep the process alive.
    conn.socket.unref();
    this.#idle.push(conn);
  }

  removed(conn: OriginConnection): void {
    this.#count -= 1;
    this.#open.delete(conn);
    const i = this.#idle.lastIndexOf(conn);
    if (i !== -1) this.#idle.splice(i, 1);
    this.#maybeEmpty();
  }

  /** Lets exchanges in flight finish, closes every connection as it falls idle; resolves when none is left. */
  close(): Promise<void> {
    this.#closing = true;
    for (const conn of this.#idle.splice(0)) conn.destroy();
    if (this.#count === 0) return Promise.resolve();
    return new Promise((resolve) => { this.#whenEmpty = resolve; });
  }

  /** Closes every connection now; exchanges in flight end as their connections close. */
  destroy(): Promise<void> {
    this.#destroyed = true;
    const closed = this.close();
    for (const waiter of this.#waiting.splice(0)) waiter.connectFailed(new EdgeError('BACKEND_READ_ERROR'));
    for (const conn of this.#open) conn.destroy();
    return closed;
  }

  #maybeEmpty(): void {
    if (this.#count === 0 && this.#whenEmpty !== null) {
      const resolve = this.#whenEmpty;
      this.#whenEmpty = null;
      resolve();
    }
  }
}
