// The client side of a request: when it went away, and the small synthetic answers the edge
// gives before any VCL runs (404 Domain Not Found, 508 Loop Detected, /ready).
import { Buffer } from 'node:buffer';
import type { ClientResponse } from './http1/index.ts';

/**
 * The part of AbortSignal an upstream exchange listens to. AbortSignal satisfies it; the edge
 * uses the lighter ClientGone below, because an AbortController (an EventTarget with its own
 * event objects) cost a pass request a few µs of CPU.
 */
export interface CancelSignal {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** Aborted when the client goes away before its response is complete. */
class ClientGone implements CancelSignal {
  aborted = false;
  readonly reason = undefined;
  #listeners: Array<() => void> = [];

  constructor(res: ClientResponse) {
    if (res.destroyed) this.aborted = true;
    else res.once('close', () => { if (!res.writableFinished) this.#abort(); });
  }

  #abort(): void {
    this.aborted = true;
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const l of listeners) l();
  }

  /** Listeners run once, at the abort (the `once` option is implied). */
  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.aborted) this.#listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const i = this.#listeners.indexOf(listener);
    if (i >= 0) this.#listeners.splice(i, 1);
  }
}

/**
 * The request's client-gone signal, made on first use (only requests that go to an origin need
 * one) by the request's closure in the pipeline, and shared by every fetch of the request.
 */
export function clientGone(res: ClientResponse): CancelSignal {
  return new ClientGone(res);
}

/** A signal that never aborts (background refreshes answer nobody). */
export const NEVER: CancelSignal = {
  aborted: false,
  addEventListener() {},
  removeEventListener() {},
};

export function plain(res: ClientResponse, status: number, reason: string, body: string): void {
  res.writeHead(status, reason, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** `::ffff:127.0.0.1` → `127.0.0.1`, as Fastly shows IPv4 clients. */
export function normaliseIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}
