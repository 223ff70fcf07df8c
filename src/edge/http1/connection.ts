// A client connection the edge reads itself while its requests stay in the common case, and
// hands to node:http at the first one that does not.
//
// Why: for a small cached object, node:http's per-request machinery (an IncomingMessage and a
// ServerResponse stream, their events, header bookkeeping) cost about as much CPU as the
// kernel's part of the exchange; reading a plain GET head and writing the response in one
// write halves the HTTP layer's cost (docs/benchmarks.md). Safety does not rest on this
// reader: it accepts only what ./request-head.ts accepts and gives node:http everything else —
// the unread bytes are put back on the socket, which is then handed over for good.
//
// Ownership: one request at a time. The next head is read only once the response to the
// previous one was written, so pipelined responses keep their order. While a response is in
// flight, bytes that arrive are kept (reading pauses past MAX_PENDING). A head split over
// several reads is node's to finish, so header timeouts stay node's job; between requests the
// connection closes after the keep-alive timeout, as node:http's does. The timeout is kept by
// the server's periodic sweep (`sweep()`), not a socket timer: a socket timer is re-armed on
// every read and write, which showed in the CPU profile of a hit.
//
// Backpressure: a client that sends requests and does not read the answers must not make the
// worker hold their responses. Once the socket's unsent output passes its high-water mark
// (`writableNeedDrain` after a response), no further request is answered and reading stops
// until 'drain' — node:http does the same (its parserOnIncoming). What one connection holds is
// therefore bounded:
//   unsent output  ≤ writableHighWaterMark (64 KiB) + the last response written (its head, and
//                    its body when ≤ ONE_WRITE_MAX; a larger body is the cached object's own
//                    buffer, shared, not a copy)
//   unread input   ≤ MAX_PENDING + one read (≤ 64 KiB) kept here, plus what the paused socket
//                    buffers before it stops reading (readableHighWaterMark + one read)
// Bytes that arrive while they wait are kept as a list and joined once, when read: joining on
// every arrival copied the whole backlog per read.

import process from 'node:process';
import { Buffer } from 'node:buffer';
import type net from 'node:net';
import { FastResponse, type ResponseConnection } from './response.ts';
import { INCOMPLETE, parseRequestHead, UNSUPPORTED, type RequestHead } from './request-head.ts';
import type { ClientRequest, ClientResponse } from './types.ts';

/** Bytes of later requests kept while one is answered or the client is not reading, before reading pauses. */
const MAX_PENDING = 64 * 1024;

export interface FastConnectionOptions {
  readonly handler: (req: ClientRequest, res: ClientResponse) => void;
  /** Gives the socket to node:http, its unread bytes already put back. */
  readonly handOff: (socket: net.Socket) => void;
  readonly keepAliveTimeoutMs: number;
  /** How many consecutive idle sweeps close the connection. */
  readonly idleSweeps: number;
  /** Called once, when the connection closed or was handed off. */
  readonly ended: (conn: FastConnection) => void;
}

class FastRequest implements ClientRequest {
  readonly method: string;
  readonly url: string;
  readonly httpVersion: string;
  readonly headers: Record<string, string>;
  readonly socket: net.Socket;
  readonly wholeBody: Buffer | null;

  constructor(head: RequestHead, socket: net.Socket) {
    this.method = head.method;
    this.url = head.url;
    this.httpVersion = head.httpVersion;
    this.headers = head.headers;
    this.socket = socket;
    this.wholeBody = head.body;
  }
}

export class FastConnection implements ResponseConnection {
  readonly socket: net.Socket;
  readonly keepAliveSeconds: number;
  closing = false;
  readonly #o: FastConnectionOptions;
  /** Unread bytes, from the start of the next request. */
  #pending: Buffer | null = null;
  /** Bytes that arrived behind #pending while it waited, joined to it when it is next read. */
  #more: Buffer[] | null = null;
  #moreBytes = 0;
  #current: FastResponse | null = null;
  #dispatching = false;
  /** The client is not reading: no request is answered until the socket drains. */
  #blocked = false;
  #over = false;
  #idleSweeps = 0;

  constructor(socket: net.Socket, options: FastConnectionOptions) {
    this.socket = socket;
    this.#o = options;
    this.keepAliveSeconds = Math.floor(options.keepAliveTimeoutMs / 1000);
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
    socket.on('drain', this.#onDrain);
  }

  /** True between responses. */
  get idle(): boolean {
    return this.#current === null;
  }

  /** Closes the connection now if idle, else once the response in flight is written. */
  closeWhenIdle(): void {
    this.closing = true;
    if (this.#current === null) this.socket.destroy();
  }

  /**
   * Called periodically by the server: closes a connection idle for the keep-alive timeout. A
   * connection whose last response is still being sent is not idle: closing it would cut that
   * response short (node:http starts its keep-alive timer at 'finish', once all was sent).
   */
  sweep(): void {
    if (this.#current !== null || this.socket.writableLength > 0) this.#idleSweeps = 0;
    else if (++this.#idleSweeps >= this.#o.idleSweeps) this.socket.destroy();
  }

  finished(keepAlive: boolean): void {
    this.#current = null;
    this.#idleSweeps = 0;
    if (!keepAlive || this.closing) {
      this.#over = true;
      this.socket.end();
      return;
    }
    if (this.socket.writableNeedDrain) {
      // The client is not reading what it asked for: answer nothing more, read nothing more.
      this.#blocked = true;
      this.socket.pause();
      return;
    }
    if (this.socket.isPaused()) this.socket.resume();
    if (!this.#dispatching) process.nextTick(this.#next);
  }

  readonly #onData = (chunk: Buffer): void => {
    if (this.#over) return;
    if (this.#pending === null) {
      this.#pending = chunk;
    } else {
      (this.#more ??= []).push(chunk);
      this.#moreBytes += chunk.length;
    }
    if (this.#current === null && !this.#blocked) this.#next();
    else if (this.#pending.length + this.#moreBytes > MAX_PENDING) this.socket.pause();
  };

  readonly #onDrain = (): void => {
    if (!this.#blocked || this.#over) return;
    this.#blocked = false;
    this.socket.resume();
    this.#next();
  };

  /** Reads and answers the requests waiting in #pending, one at a time. */
  readonly #next = (): void => {
    while (this.#current === null && this.#pending !== null && !this.#blocked && !this.#over) {
      if (this.#more !== null) {
        this.#pending = Buffer.concat([this.#pending, ...this.#more]);
        this.#more = null;
        this.#moreBytes = 0;
      }
      const buf = this.#pending;
      const head = parseRequestHead(buf, 0);
      if (head === INCOMPLETE || head === UNSUPPORTED) {
        this.#handOff();
        return;
      }
      const next = head.body === null ? head.end : head.end + head.body.length;
      this.#pending = next < buf.length ? buf.subarray(next) : null;
      const res = new FastResponse(this, head);
      this.#current = res;
      this.#dispatching = true;
      try {
        this.#o.handler(new FastRequest(head, this.socket), res);
      } finally {
        this.#dispatching = false;
      }
    }
  };

  #handOff(): void {
    const socket = this.socket;
    this.#over = true;
    socket.off('data', this.#onData);
    socket.off('end', this.#onEnd);
    socket.off('error', this.#onError);
    socket.off('close', this.#onClose);
    socket.off('drain', this.#onDrain);
    if (this.#pending !== null) socket.unshift(this.#pending);
    this.#pending = null;
    this.#o.ended(this);
    this.#o.handOff(socket);
    if (socket.isPaused()) socket.resume();
  }

  /**
   * The client finished sending. As node:http does (httpAllowHalfOpen off), that ends the
   * connection: a response in flight is abandoned once the socket closes, which aborts its
   * origin request. What was answered synchronously on arrival has already been written.
   */
  readonly #onEnd = (): void => {
    this.#over = true;
    this.#pending = null;
    this.#more = null;
    this.socket.end();
  };

  readonly #onError = (): void => {
    this.socket.destroy();
  };

  readonly #onClose = (): void => {
    this.#over = true;
    this.#pending = null;
    this.#more = null;
    const res = this.#current;
    this.#current = null;
    res?.gone();
    this.#o.ended(this);
  };
}
