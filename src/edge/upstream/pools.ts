// UpstreamPools: one undici Pool per backend pool identity (model/backend.ts `poolIdentity`),
// created on first use and kept across configuration swaps while the identity is unchanged.
//
// Fastly backend fields map onto undici as follows
// (https://www.fastly.com/documentation/reference/vcl/declarations/backend/):
//   connect_timeout        connector timeout (TCP + TLS handshake)
//   first_byte_timeout     headersTimeout
//   between_bytes_timeout  bodyTimeout — a stall ends the body early, marked truncated
//   max_connections        in-flight requests per identity; one more fails at once with
//                          `Backend.max_conn reached` — the Pool gets the same number of
//                          connections so it never holds a hidden queue
//   keepalive_time         keepAliveTimeout (idle time a connection is kept for reuse)
//   error_threshold        PassiveHealth
//
// Owner: one instance per worker process. Pools, in-flight counts and passive health are only
// changed here; `retain` is called by the service-table swap with the identities still in use.

import { Buffer } from 'node:buffer';
import type { Readable } from 'node:stream';
import { Pool, type Dispatcher } from 'undici';
import { poolIdentity, type BackendDefinition } from '../model/backend.ts';
import { backendConnector } from './connector.ts';
import { Resolver } from './dns.ts';
import type { CancelSignal } from './client.ts';
import { EdgeError } from './errors.ts';
import { buildUpstreamHeaders, type InHeaders, type OutHeaders } from './headers.ts';
import { PassiveHealth } from './passive.ts';
import { Exchange, type UpstreamResponse } from './response.ts';

export interface UpstreamRequest {
  readonly method: string;
  /** Origin-form target: path and query. */
  readonly path: string;
  /** The request headers as VCL left them (bereq); the upstream set is built from them. */
  readonly headers: InHeaders;
  /** Sent whole (a Buffer), or streamed as it arrives; null for no body. */
  readonly body?: Buffer | Readable | null;
  /** A streamed body's length, when the client declared one (else it is sent chunked). */
  readonly bodyLength?: number | null;
}

export interface FetchOptions {
  /** The connecting client's socket address. */
  readonly clientIp: string;
  /** Aborted when the client goes away: the upstream exchange is abandoned. */
  readonly signal?: CancelSignal;
}

export interface UpstreamPoolsOptions {
  /** This POP's CDN-Loop identifier (RFC 8586). */
  readonly cdnId: string;
  readonly resolver?: Resolver;
  readonly passive?: PassiveHealth;
}

interface PoolEntry {
  readonly pool: Pool;
  inFlight: number;
  readonly limit: number;
}


function originOf(b: BackendDefinition): string {
  const host = b.host.includes(':') ? `[${b.host}]` : b.host;
  return `${b.ssl ? 'https' : 'http'}://${host}:${b.port}`;
}

/**
 * The edge frames the message it sends (RFC 9112 §6): Content-Length is the length of the body
 * actually sent, never one the client or VCL left in bereq — a GET whose body a lookup dropped
 * must not announce it, or the origin would take the next request on the pooled connection for
 * it (Varnish's cache_fetch.c unsets it likewise). Without a body there is none (undici writes
 * `Content-Length: 0` itself for a POST, PUT or PATCH); a streamed body goes with the length the
 * client declared, or chunked. Transfer-Encoding never arrives here: it is hop-by-hop (headers.ts).
 */
function frame(headers: OutHeaders, body: Buffer | Readable | null, streamLength: number | null): OutHeaders {
  const length = body === null ? null : Buffer.isBuffer(body) ? body.length : streamLength;
  if (length !== null) headers['content-length'] = String(length);
  else if (headers['content-length'] !== undefined) delete headers['content-length'];
  return headers;
}

export class UpstreamPools {
  readonly passive: PassiveHealth;
  readonly #cdnId: string;
  readonly #resolver: Resolver;
  readonly #pools = new Map<string, PoolEntry>();
  #closed = false;

  constructor(options: UpstreamPoolsOptions) {
    if (typeof options.cdnId !== 'string' || options.cdnId === '') throw new TypeError('invalid cdnId');
    this.#cdnId = options.cdnId;
    this.#resolver = options.resolver ?? new Resolver();
    this.passive = options.passive ?? new PassiveHealth();
  }

  #entry(b: BackendDefinition): PoolEntry {
    const id = poolIdentity(b);
    let e = this.#pools.get(id);
    if (e === undefined) {
      const limit = b.maxConnections > 0 ? b.maxConnections : Infinity;
      const pool = new Pool(originOf(b), {
        connections: Number.isFinite(limit) ? limit : null,
        pipelining: 1,
        connect: backendConnector(b, this.#resolver),
        headersTimeout: b.firstByteTimeoutMs,
        bodyTimeout: b.betweenBytesTimeoutMs,
        ...(b.keepaliveTimeMs !== null && b.keepaliveTimeMs > 0 ? { keepAliveTimeout: b.keepaliveTimeMs } : {}),
      });
      e = { pool, inFlight: 0, limit };
      this.#pools.set(id, e);
    }
    return e;
  }

  /**
   * Send one request to the backend. Resolves with the response head once it arrives (the body
   * streams); rejects with an EdgeError whose reason is the synthetic 503's status text.
   */
  fetch(backend: BackendDefinition, request: UpstreamRequest, options: FetchOptions): Promise<UpstreamResponse> {
    if (this.#closed) return Promise.reject(new Error('UpstreamPools is closed'));
    if (this.passive.isSick(backend)) return Promise.reject(new EdgeError('BACKEND_UNHEALTHY', { backend: backend.name }));
    const entry = this.#entry(backend);
    if (entry.inFlight >= entry.limit) return Promise.reject(new EdgeError('MAX_CONN', { backend: backend.name }));
    entry.inFlight += 1;
    const exchange = new Exchange({
      backend: backend.name,
      signal: options.signal,
      firstByteTimeoutMs: backend.firstByteTimeoutMs,
      onSettled: ({ ok, error }) => {
        entry.inFlight -= 1;
        if (error?.source !== 'downstream') this.passive.outcome(backend, !ok && error !== null && error.originFailure);
      },
    });
    const body = request.body ?? null;
    const dispatchOptions: Dispatcher.DispatchOptions & { servername: string } = {
      method: request.method,
      path: request.path,
      headers: frame(buildUpstreamHeaders(request.headers, backend, { clientIp: options.clientIp, cdnId: this.#cdnId }), body, request.bodyLength ?? null),
      body,
      // undici keys TLS connections by the request's servername (default: its Host) and
      // reconnects when it changes; one constant per backend keeps connections reusable
      // across Host values. The connector decides the SNI actually sent.
      servername: backend.host,
    };
    try {
      entry.pool.dispatch(dispatchOptions, exchange);
    } catch (err) {
      exchange.onResponseError(null, err instanceof Error ? err : new Error(String(err)));
    }
    return exchange.response;
  }

  /** A good probe for this probe identity (model/backend.ts `probeIdentity`) lifts passive sickness. */
  markProbeGood(identity: string): void {
    this.passive.markProbeGood(identity);
  }

  /** Requests in flight to the backend's pool (for the connections-in-use gauge). */
  inFlight(backend: BackendDefinition): number {
    return this.#pools.get(poolIdentity(backend))?.inFlight ?? 0;
  }

  /** Identities that currently have a pool. */
  identities(): string[] {
    return [...this.#pools.keys()];
  }

  /** After a configuration swap: close, gracefully, every pool whose identity is not kept. */
  async retain(keep: Iterable<string>): Promise<void> {
    const wanted = new Set(keep);
    const closing: Promise<void>[] = [];
    for (const [id, e] of this.#pools) {
      if (wanted.has(id)) continue;
      this.#pools.delete(id);
      closing.push(e.pool.close());
    }
    await Promise.all(closing);
  }

  /** Let in-flight requests finish, then close every pool (SIGTERM drain). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.retain([]);
  }

  /** Abort everything at once. */
  async destroy(): Promise<void> {
    this.#closed = true;
    const all = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(all.map((e) => e.pool.destroy()));
  }
}
