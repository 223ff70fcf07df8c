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

import process from 'node:process';
import { Buffer } from 'node:buffer';
import type net from 'node:net';
import { FastResponse, type ResponseConnection } from './response.ts';
import { INCOMPLETE, parseRequestHead, UNSUPPORTED, type RequestHead } from './request-head.ts';
import type { ClientRequest, ClientResponse } from './types.ts';

/** Bytes of later requests kept while one is answered, before reading pauses. */
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

  constructor(head: RequestHead, socket: net.Socket) {
    this.method = head.method;
    this.url = head.url;
    this.httpVersion = head.httpVersion;
    this.headers = head.headers;
    this.socket = socket;
  }
}

export class FastConnection implements ResponseConnection {
  readonly socket: net.Socket;
  readonly keepAliveSeconds: number;
  closing = false;
  readonly #o: FastConnectionOptions;
  #pending: Buffer | null = null;
  #current: FastResponse | null = null;
  #dispatching = false;
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

  /** Called periodically by the server: closes a connection idle for the keep-alive timeout. */
  sweep(): void {
    if (this.#current === null && ++this.#idleSweeps >= this.#o.idleSweeps) this.socket.destroy();
  }

  finished(keepAlive: boolean): void {
    this.#current = null;
    this.#idleSweeps = 0;
    if (!keepAlive || this.closing) {
      this.#over = true;
      this.socket.end();
      return;
    }
    if (this.socket.isPaused()) this.socket.resume();
    if (!this.#dispatching) process.nextTick(this.#next);
  }

  readonly #onData = (chunk: Buffer): void => {
    if (this.#over) return;
    const pending = this.#pending;
    this.#pending = pending === null ? chunk : Buffer.concat([pending, chunk]);
    if (this.#current === null) this.#next();
    else if (this.#pending.length > MAX_PENDING) this.socket.pause();
  };

  /** Reads and answers the requests waiting in #pending, one at a time. */
  readonly #next = (): void => {
    while (this.#current === null && this.#pending !== null && !this.#over) {
      const buf = this.#pending;
      const head = parseRequestHead(buf, 0);
      if (head === INCOMPLETE || head === UNSUPPORTED) {
        this.#handOff();
        return;
      }
      this.#pending = head.end < buf.length ? buf.subarray(head.end) : null;
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
    this.socket.end();
  };

  readonly #onError = (): void => {
    this.socket.destroy();
  };

  readonly #onClose = (): void => {
    this.#over = true;
    this.#pending = null;
    const res = this.#current;
    this.#current = null;
    res?.gone();
    this.#o.ended(this);
  };
}
