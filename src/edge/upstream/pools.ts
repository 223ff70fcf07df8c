// UpstreamPools: the upstream exchange's one door. Each backend pool identity
// (model/backend.ts `poolIdentity`) has its connections, made on first use and kept across
// configuration swaps while the identity is unchanged. Two exchanges sit behind it:
//
//   - the edge's own HTTP/1.1 exchange (./exchange.ts on ./connection-pool.ts) for every request
//     whose body is none or held whole — all but the rare upload longer than request-body.ts
//     holds. undici's per-request machinery (a Request object, the llhttp callbacks, a Readable
//     per response, a check-phase hop per reused connection) cost a 1 KB pass about as much CPU
//     as the rest of the edge's work on it (docs/benchmarks.md);
//   - undici's Pool for a request body that streams, where its writer already does what is
//     needed (backpressure from the origin, chunked framing, a client gone mid-upload).
//
// Both take their connections from the same connector (./connector.ts: DNS, TCP, TLS), and
// both answer the same UpstreamResponse (./types.ts).
//
// Fastly backend fields (https://www.fastly.com/documentation/reference/vcl/declarations/backend/):
//   connect_timeout        the connector's timeout (TCP + TLS handshake)
//   first_byte_timeout     from the request written to the response head
//   between_bytes_timeout  between two reads of the body — a stall ends the body early, marked truncated
//   max_connections        exchanges in flight per identity; one more fails at once with
//                          `Backend.max_conn reached` — neither exchange ever queues behind a
//                          connection limit of its own
//   keepalive_time         how long an idle connection is kept for reuse (4 s when unset,
//                          undici's default, which lacquer used until its own exchange)
//   error_threshold        PassiveHealth
//
// Owner: one instance per worker process. Pools, in-flight counts and passive health are only
// changed here; `retain` is called by the service-table swap with the identities still in use.

import { Buffer } from 'node:buffer';
import type { Readable } from 'node:stream';
import { Pool, type Dispatcher } from 'undici';
import { poolIdentity, type BackendDefinition } from '../../model/backend.ts';
import { EdgeError } from '../errors.ts';
import { buildUpstreamHeaders, type OutHeaders, type UpstreamHeaderContext } from '../headers.ts';
import { PassiveHealth } from '../passive.ts';
import { ConnectionPool } from './connection-pool.ts';
import { BackendConnector } from './connector.ts';
import { Resolver } from './dns.ts';
import { Exchange } from './exchange.ts';
import { expectsBody, upstreamRequestHead } from './request-head.ts';
import type { ExchangeSettled, FetchOptions, UpstreamRequest, UpstreamResponse } from './types.ts';
import { UndiciExchange } from './undici-exchange.ts';

export interface UpstreamPoolsOptions {
  /** This POP's CDN-Loop identifier (RFC 8586). */
  readonly cdnId: string;
  readonly resolver?: Resolver;
  readonly passive?: PassiveHealth;
}

const DEFAULT_KEEPALIVE_MS = 4_000;

interface PoolEntry {
  readonly backend: BackendDefinition;
  readonly connector: BackendConnector;
  readonly own: ConnectionPool;
  /** Made on the first streamed request body. */
  undici: Pool | null;
  inFlight: number;
  readonly limit: number;
}

/** RFC 9110 §9.2.2: the methods a request may be sent again for. */
function idempotent(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'PUT' || method === 'DELETE' || method === 'OPTIONS' || method === 'TRACE';
}

function originOf(b: BackendDefinition): string {
  const host = b.host.includes(':') ? `[${b.host}]` : b.host;
  return `${b.ssl ? 'https' : 'http'}://${host}:${b.port}`;
}

/**
 * The frame of a streamed body for undici (RFC 9112 §6): the length the client declared, or
 * chunked. Content-Length is never one the client or VCL left in bereq (Varnish's cache_fetch.c
 * unsets it likewise); Transfer-Encoding never arrives here: it is hop-by-hop (headers.ts).
 */
function frame(headers: OutHeaders, streamLength: number | null): OutHeaders {
  if (streamLength !== null) headers['content-length'] = String(streamLength);
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
      const connector = new BackendConnector(b, this.#resolver);
      const own = new ConnectionPool({
        connector, keepAliveMs: b.keepaliveTimeMs !== null && b.keepaliveTimeMs > 0 ? b.keepaliveTimeMs : DEFAULT_KEEPALIVE_MS,
      });
      e = { backend: b, connector, own, undici: null, inFlight: 0, limit: b.maxConnections > 0 ? b.maxConnections : Infinity };
      this.#pools.set(id, e);
    }
    return e;
  }

  #undici(e: PoolEntry): Pool {
    const b = e.backend;
    e.undici ??= new Pool(originOf(b), {
      connections: Number.isFinite(e.limit) ? e.limit : null,
      pipelining: 1,
      connect: e.connector.undici,
      headersTimeout: b.firstByteTimeoutMs,
      bodyTimeout: b.betweenBytesTimeoutMs,
      keepAliveTimeout: b.keepaliveTimeMs !== null && b.keepaliveTimeMs > 0 ? b.keepaliveTimeMs : DEFAULT_KEEPALIVE_MS,
    });
    return e.undici;
  }

  /**
   * Send one request to the backend. Resolves with the response head once it arrives (the body
   * streams, or is already whole); rejects with an EdgeError whose reason is the synthetic 503's
   * status text.
   */
  fetch(backend: BackendDefinition, request: UpstreamRequest, options: FetchOptions): Promise<UpstreamResponse> {
    if (this.#closed) return Promise.reject(new Error('UpstreamPools is closed'));
    if (this.passive.isSick(backend)) return Promise.reject(new EdgeError('BACKEND_UNHEALTHY', { backend: backend.name }));
    const entry = this.#entry(backend);
    if (entry.inFlight >= entry.limit) return Promise.reject(new EdgeError('MAX_CONN', { backend: backend.name }));
    const body = request.body ?? null;
    const method = request.method;
    let settled = false;
    const onSettled = ({ ok, error }: ExchangeSettled): void => {
      if (settled) return;
      settled = true;
      entry.inFlight -= 1;
      if (error?.source !== 'downstream') this.passive.outcome(backend, !ok && error !== null && error.originFailure);
    };
    if (body === null || Buffer.isBuffer(body)) {
      const whole = body === null || body.length === 0 ? null : body;
      let head: string;
      // HEAD: the connection closes after the response, as undici does, so that an origin that
      // sends a body after a HEAD response is never read for the next request.
      const reusable = method !== 'HEAD' && (whole === null || expectsBody(method));
      try {
        head = upstreamRequestHead(method, request.path, request.headers, backend, this.#headerContext(options),
          whole === null ? null : whole.length, reusable);
      } catch (err) {
        // Nothing was sent: not the origin's failure, so passive health does not hear of it.
        return Promise.reject(new EdgeError('BACKEND_READ_ERROR', { backend: backend.name, cause: err }));
      }
      entry.inFlight += 1;
      return new Exchange(entry.own, {
        backend: backend.name, method, head, body: whole, reusable, replayable: idempotent(method),
        firstByteTimeoutMs: backend.firstByteTimeoutMs, betweenBytesTimeoutMs: backend.betweenBytesTimeoutMs,
        signal: options.signal, onSettled,
      }).response;
    }
    entry.inFlight += 1;
    const headers = buildUpstreamHeaders(request.headers, backend, this.#headerContext(options));
    return this.#streamed(entry, backend, method, request.path, frame(headers, request.bodyLength ?? null), body, options, onSettled);
  }

  #headerContext(options: FetchOptions): UpstreamHeaderContext {
    return options.hop === undefined ? { clientIp: options.clientIp, cdnId: this.#cdnId } : { clientIp: options.clientIp, cdnId: this.#cdnId, hop: options.hop };
  }

  #streamed(entry: PoolEntry, backend: BackendDefinition, method: string, path: string, headers: OutHeaders, body: Readable,
    options: FetchOptions, onSettled: (s: ExchangeSettled) => void): Promise<UpstreamResponse> {
    const exchange = new UndiciExchange({ backend: backend.name, signal: options.signal, firstByteTimeoutMs: backend.firstByteTimeoutMs, onSettled });
    const dispatchOptions: Dispatcher.DispatchOptions & { servername: string } = {
      method, path, headers, body,
      // undici keys TLS connections by the request's servername (default: its Host) and
      // reconnects when it changes; one constant per backend keeps connections reusable
      // across Host values. The connector decides the SNI actually sent.
      servername: backend.host,
    };
    try {
      this.#undici(entry).dispatch(dispatchOptions, exchange);
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
      closing.push(e.own.close());
      if (e.undici !== null) closing.push(e.undici.close());
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
    await Promise.all(all.flatMap((e) => [e.own.destroy(), ...(e.undici === null ? [] : [e.undici.destroy()])]));
  }
}
