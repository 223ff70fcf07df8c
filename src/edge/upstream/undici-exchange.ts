// The upstream exchange through undici, for what the edge's own exchange (./exchange.ts) leaves
// to it: a request body that streams (longer than request-body.ts holds). An undici dispatch
// handler that resolves with the response head as soon as it arrives and then streams the body
// through a single Readable with backpressure (the connection is paused while the consumer is
// slow; nothing is buffered whole).
//
// Truncation (Fastly `between_bytes_timeout`): when the origin stalls or breaks after the headers,
// what arrived is delivered — the body *ends* instead of erroring — and `truncated` is set, so the
// cache must not store it and the server must close the client connection if a Content-Length
// was promised. Failures before the headers reject `response` with an EdgeError.

import { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import type { CancelSignal } from '../client.ts';
import { EdgeError, toEdgeError } from '../errors.ts';
import { buildDownstreamHeaders, type OutHeaders } from '../headers.ts';
import type { BodyOutcome, ExchangeSettled, UpstreamResponse } from './types.ts';

class UpstreamBody extends Readable {
  controller: Dispatcher.DispatchController | null = null;
  override _read(): void {
    this.controller?.resume();
  }
  override _destroy(err: Error | null, cb: (err: Error | null) => void): void {
    // The consumer went away (client closed): stop reading from the origin too.
    const c = this.controller;
    if (c !== null && !c.aborted) c.abort(err ?? new Error('upstream body destroyed by consumer'));
    cb(err);
  }
}

export interface ExchangeOptions {
  readonly backend: string;
  readonly signal?: CancelSignal;
  /**
   * Fastly first_byte_timeout, timed here from the moment the request is written on a connected
   * socket: undici's own headersTimeout runs on its 1 s-resolution fast timers, which turned a
   * 200 ms first_byte_timeout into about 1.1 s. undici's stays set as a backstop.
   */
  readonly firstByteTimeoutMs?: number;
  /** Called exactly once, when nothing more will be read for this exchange. */
  readonly onSettled: (outcome: ExchangeSettled) => void;
}

/** The exchange writes `truncated` and `received` as the body ends; consumers only read them. */
class ExchangeResponse implements UpstreamResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: OutHeaders;
  readonly body: Readable;
  readonly completed: Promise<BodyOutcome>;
  readonly connectMs: number;
  readonly firstByteMs: number;
  readonly whole = null;
  truncated = false;
  received = false;

  constructor(status: number, statusText: string, headers: OutHeaders, body: Readable, completed: Promise<BodyOutcome>, connectMs: number, firstByteMs: number) {
    this.status = status;
    this.statusText = statusText;
    this.headers = headers;
    this.body = body;
    this.completed = completed;
    this.connectMs = connectMs;
    this.firstByteMs = firstByteMs;
  }

  discard(): void {
    this.body.destroy();
  }
}

export class UndiciExchange implements Dispatcher.DispatchHandler {
  readonly response: Promise<UpstreamResponse>;
  #resolve!: (r: UpstreamResponse) => void;
  #reject!: (e: EdgeError) => void;
  #completed!: (o: BodyOutcome) => void;
  readonly #opts: ExchangeOptions;
  readonly #start = performance.now();
  #connectedAt = 0;
  #controller: Dispatcher.DispatchController | null = null;
  #body: UpstreamBody | null = null;
  #bytes = 0;
  /** Set with the response head; the body's end is recorded on it. */
  #response: ExchangeResponse | null = null;
  #settled = false;
  #onAbort: (() => void) | null = null;
  #firstByteTimer: NodeJS.Timeout | null = null;

  constructor(opts: ExchangeOptions) {
    this.#opts = opts;
    this.response = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    const signal = opts.signal;
    if (signal !== undefined) {
      this.#onAbort = () => this.#abort(new EdgeError('CLIENT_ABORTED', { backend: opts.backend, cause: signal.reason }));
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  #abort(err: EdgeError): void {
    if (this.#controller !== null && !this.#controller.aborted) this.#controller.abort(err);
    else this.onResponseError(null, err);
  }

  #clearFirstByteTimer(): void {
    if (this.#firstByteTimer === null) return;
    clearTimeout(this.#firstByteTimer);
    this.#firstByteTimer = null;
  }

  #settle(ok: boolean, error: EdgeError | null): void {
    this.#clearFirstByteTimer();
    if (this.#settled) return;
    this.#settled = true;
    if (this.#onAbort !== null) this.#opts.signal?.removeEventListener('abort', this.#onAbort);
    this.#opts.onSettled({ ok, error });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    this.#connectedAt = performance.now();
    if (this.#opts.signal?.aborted === true) return controller.abort(new EdgeError('CLIENT_ABORTED', { backend: this.#opts.backend }));
    const ms = this.#opts.firstByteTimeoutMs;
    if (ms !== undefined && ms > 0 && this.#firstByteTimer === null) {
      this.#firstByteTimer = setTimeout(() => {
        this.#firstByteTimer = null;
        if (!controller.aborted) controller.abort(new EdgeError('FIRST_BYTE_TIMEOUT', { backend: this.#opts.backend }));
      }, ms);
    }
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>, statusText?: string): void {
    if (statusCode < 200) return; // 1xx interim responses are not forwarded (RFC 9110 §15.2).
    this.#clearFirstByteTimer();
    const body = new UpstreamBody({ highWaterMark: 64 * 1024 });
    body.controller = controller;
    this.#body = body;
    const completed = new Promise<BodyOutcome>((resolve) => { this.#completed = resolve; });
    const now = performance.now();
    const response = new ExchangeResponse(statusCode, statusText ?? '', buildDownstreamHeaders(headers), body, completed,
      (this.#connectedAt || this.#start) - this.#start, now - this.#start);
    this.#response = response;
    this.#resolve(response);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const body = this.#body;
    if (body === null) return;
    this.#bytes += chunk.length;
    if (!body.push(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    const body = this.#body;
    if (body === null) return;
    // The exchange is over: destroying the body later (autoDestroy) has nothing to abort.
    body.controller = null;
    this.#settle(true, null);
    if (this.#response !== null) this.#response.received = true;
    body.push(null);
    this.#completed({ bytes: this.#bytes, truncated: false, error: null });
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, err: Error): void {
    const error = toEdgeError(err, { phase: 'request', backend: this.#opts.backend });
    const body = this.#body;
    if (body === null) {
      this.#settle(false, error);
      this.#reject(error);
      return;
    }
    // After the headers: deliver what arrived (Fastly between_bytes_timeout semantics).
    body.controller = null;
    const consumerGone = body.destroyed;
    if (this.#response !== null) this.#response.truncated = true;
    this.#settle(true, null);
    if (!consumerGone) body.push(null);
    this.#completed({ bytes: this.#bytes, truncated: true, error: consumerGone ? null : error });
  }
}
