// Where an ESI include's response goes: the pipeline writes a subrequest's response to it as
// to a client (respond.ts), and the page being assembled reads the body as a stream. So an
// include runs every step a client request does — vcl_recv with req.esi_level > 0, the cache,
// vcl_deliver, its own ESI and vcl_log — with nothing special-cased for it.
//
// Ownership: made by the pipeline for one subrequest; the assembling page owns `body` and
// destroys it when it stops reading (the client went away), which the subrequest sees as its
// client leaving ('close' before the response finished).
import type { Buffer } from 'node:buffer';
import { EventEmitter } from 'node:events';
import type http from 'node:http';
import { PassThrough } from 'node:stream';
import type { ClientResponse } from '../http1/index.ts';

export interface FragmentHead {
  readonly status: number;
  readonly headers: http.OutgoingHttpHeaders;
}

export class FragmentResponse implements ClientResponse {
  readonly body = new PassThrough();
  /** Settles with the status and fields once they are written (or rejects if they never are). */
  readonly head: Promise<FragmentHead>;
  headersSent = false;
  destroyed = false;
  writableFinished = false;
  shouldKeepAlive = true;
  readonly #events = new EventEmitter();
  #resolve!: (head: FragmentHead) => void;
  #reject!: (err: Error) => void;
  #closed = false;

  constructor() {
    this.head = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.body.on('drain', () => this.#events.emit('drain'));
    this.body.on('close', () => {
      if (!this.writableFinished) this.destroyed = true;
      this.#close();
    });
  }

  /** `headers` is the whole set (a `base` is only what it began as a copy of). */
  writeHead(status: number, _reason: string, headers: http.OutgoingHttpHeaders): this {
    this.headersSent = true;
    this.#resolve({ status, headers });
    return this;
  }

  write(chunk: Buffer): boolean {
    if (this.body.destroyed) return true;
    return this.body.write(chunk);
  }

  end(body?: Buffer | string): this {
    if (!this.body.destroyed) {
      if (body !== undefined) this.body.write(body);
      this.body.end();
    }
    this.writableFinished = true;
    return this;
  }

  destroy(): this {
    this.destroyed = true;
    this.#reject(new Error('the include ended before its response head'));
    this.body.destroy(new Error('the include ended before its body was complete'));
    return this;
  }

  once(event: 'close' | 'drain', listener: () => void): this {
    this.#events.once(event, listener);
    return this;
  }

  on(event: 'close', listener: () => void): this {
    this.#events.on(event, listener);
    return this;
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#events.emit('close');
  }
}
