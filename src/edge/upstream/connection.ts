// One keep-alive connection to an origin, used by one exchange at a time (no pipelining: a
// response is always read to its end, by its framing, before the next request is written on
// the connection). It forwards what its socket reports to the exchange that holds it, and keeps
// the one deadline that applies at any moment: the first byte, the next body byte, or the end
// of the keep-alive idle time.
//
// Reads land in one buffer shared by every connection of the process (READ_BUFFER, Node's
// `onread`): the bytes an exchange is handed are valid only until it returns, and whatever it
// keeps it copies. While an exchange streams a large body (`ownReads`), reads land in a buffer
// of their own instead, which the exchange keeps as it is when the read filled enough of it:
// copying every 64 KiB read was most of a 100 KB pass's CPU.
//
// Ownership: the pool (./connection-pool.ts) hands the connection to an exchange (`user`) and
// takes it back; the exchange never keeps it past its response. Bytes that arrive while no
// exchange holds the connection answer no request: the connection is closed at once and never
// used again (see the pool for why no request is written before such bytes are seen).

import { Buffer } from 'node:buffer';
import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { OnRead } from './connector.ts';

const READ_SIZE = 64 * 1024;
/** Where every upstream read lands; one read is handled to its end before the next is made. */
const READ_BUFFER = Buffer.allocUnsafe(READ_SIZE);
/** A read into a buffer of its own is handed over as it is from this size; a smaller one is copied out. */
const KEEP_READ_BYTES = 16 * 1024;

/** What an exchange holding the connection is told. */
export interface ConnectionUser {
  /** buf[0, length) arrived; `owned`: the exchange may keep it, else it is valid only during the call. */
  onData(buf: Buffer, length: number, owned: boolean): void;
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
  /** Set once connected (the reads are routed here from the start: `onread`). */
  socket!: net.Socket;
  user: ConnectionUser | null = null;
  /** Requests written on this connection. */
  requests = 0;
  closed = false;
  /** How long the origin keeps an idle connection, when it said so (`Keep-Alive: timeout`). */
  idleLimitMs: number | null = null;
  /** Reads go to buffers the exchange may keep (it is streaming a body). */
  ownReads = false;
  /** The buffer of its own the next read lands in, while `ownReads`. */
  #spare: Buffer | null = null;
  /** The size of the next such buffer: what the body has left, when that is less than a read. */
  #spareBytes = READ_SIZE;
  readonly #owner: ConnectionOwner;
  /** When the current wait ends (performance.now() ms), 0 for none. */
  #deadline = 0;
  #timer: NodeJS.Timeout | null = null;
  #timerAt = 0;

  /** How the connector reads the socket being opened for this connection. */
  readonly onread: OnRead = {
    buffer: () => (this.ownReads ? (this.#spare ??= Buffer.allocUnsafeSlow(this.#spareBytes)) : READ_BUFFER),
    callback: (nread, buf) => this.#onRead(nread, buf as Buffer),
  };

  constructor(owner: ConnectionOwner) {
    this.#owner = owner;
  }

  /**
   * `remaining` body bytes are still to come (null: unknown until the end), read into buffers of
   * their own: none is made larger than that. Each such buffer's bytes live outside V8's heap and
   * count towards its GC limits until the stream lets go of it, so the last read of a 100 KB
   * body does not hold a 64 KiB one.
   */
  expectOwnReads(remaining: number | null): void {
    this.#spareBytes = remaining === null ? READ_SIZE : Math.max(KEEP_READ_BYTES, Math.min(READ_SIZE, remaining));
  }

  /** The socket is connected. */
  attach(socket: net.Socket): void {
    this.socket = socket;
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

  #onRead(nread: number, buf: Buffer): boolean {
    const user = this.user;
    if (user !== null) {
      const keep = buf !== READ_BUFFER && nread >= KEEP_READ_BYTES;
      if (keep) this.#spare = null;
      user.onData(buf, nread, keep);
    }
    // Unsolicited bytes on an idle connection (or before a request was written): the origin is
    // out of step, or something else is speaking; nothing it sends on this connection can be
    // trusted to answer the next request.
    else this.socket?.destroy();
    return true;
  }

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
