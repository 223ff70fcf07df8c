// One keep-alive connection to an origin, used by one exchange at a time (no pipelining: a
// response is always read to its end, by its framing, before the next request is written on
// the connection). It forwards what its socket reports to the exchange that holds it, and keeps
// the one deadline that applies at any moment: the first byte, the next body byte, or the end
// of the keep-alive idle time.
//
// Ownership: the pool (./connection-pool.ts) hands the connection to an exchange (`user`) and
// takes it back; the exchange never keeps it past its response. Bytes that arrive while no
// exchange holds the connection answer no request: the connection is closed at once and never
// used again (see the pool for why no request is written before such bytes are seen).

import type { Buffer } from 'node:buffer';
import type net from 'node:net';
import { performance } from 'node:perf_hooks';

/** What an exchange holding the connection is told. */
export interface ConnectionUser {
  onData(chunk: Buffer): void;
  /** The origin closed its side (FIN). */
  onEnd(): void;
  onError(err: Error): void;
  /** The socket is closed; nothing more will come. */
  onClose(): void;
  /** The deadline the exchange set passed. */
  onTimeout(): void;
}

/** What the connection tells the pool. */
export interface ConnectionOwner {
  /** The connection closed (whoever closed it) and must be forgotten. */
  removed(conn: OriginConnection): void;
}

export class OriginConnection {
  readonly socket: net.Socket;
  user: ConnectionUser | null = null;
  /** Requests written on this connection. */
  requests = 0;
  closed = false;
  /** How long the origin keeps an idle connection, when it said so (`Keep-Alive: timeout`). */
  idleLimitMs: number | null = null;
  readonly #owner: ConnectionOwner;
  /** When the current wait ends (performance.now() ms), 0 for none. */
  #deadline = 0;
  #timer: NodeJS.Timeout | null = null;
  #timerAt = 0;

  constructor(socket: net.Socket, owner: ConnectionOwner) {
    this.socket = socket;
    this.#owner = owner;
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
  }

  destroy(): void {
    this.socket.destroy();
  }

  /**
   * The wait in progress ends `ms` from `now` (0: no deadline). One timer per connection, rarely
   * re-made: a later deadline is checked when the running timer fires, and only an earlier one
   * replaces it — setting a deadline per request and per body chunk costs a store.
   */
  setDeadline(ms: number, now: number): void {
    if (ms <= 0) {
      this.#deadline = 0;
      return;
    }
    const at = now + ms;
    this.#deadline = at;
    if (this.#timer !== null) {
      if (this.#timerAt <= at) return;
      clearTimeout(this.#timer);
    }
    this.#arm(ms, at);
  }

  #arm(ms: number, at: number): void {
    this.#timerAt = at;
    this.#timer = setTimeout(this.#onTimer, ms);
    this.#timer.unref();
  }

  readonly #onTimer = (): void => {
    this.#timer = null;
    const deadline = this.#deadline;
    if (deadline === 0 || this.closed) return;
    const now = performance.now();
    if (now < deadline) {
      this.#arm(Math.ceil(deadline - now), deadline);
      return;
    }
    this.#deadline = 0;
    const user = this.user;
    if (user !== null) user.onTimeout();
    else this.destroy(); // idle past the keep-alive time
  };

  readonly #onData = (chunk: Buffer): void => {
    const user = this.user;
    if (user !== null) user.onData(chunk);
    // Unsolicited bytes on an idle connection: the origin is out of step, or something else is
    // speaking; nothing it sends on this connection can be trusted to answer the next request.
    else this.destroy();
  };

  readonly #onEnd = (): void => {
    const user = this.user;
    if (user !== null) user.onEnd();
    else this.destroy();
  };

  readonly #onError = (err: Error): void => {
    this.user?.onError(err);
  };

  readonly #onClose = (): void => {
    this.closed = true;
    this.#deadline = 0;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#owner.removed(this);
    const user = this.user;
    this.user = null;
    user?.onClose();
  };
}
