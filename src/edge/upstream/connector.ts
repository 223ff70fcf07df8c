// How a backend's connections are made: the name resolved through the short-TTL Resolver (so a
// changed DNS record reaches new connections), then TCP, then TLS with the backend's SNI,
// verification and limits (./tls.ts), all within connect_timeout. TLS sessions are resumed
// (the last one the origin gave is offered again), ALPN offers HTTP/1.1 only — origins speak
// HTTP/1.1 to Fastly, and h2 would also defeat the per-connection max_conn count.
//
// The edge's own exchange reads each connection through Node's `onread` (one buffer that every
// read lands in, handed to a callback): no Buffer is allocated per read and no stream event is
// emitted, which showed in the CPU profile of a pass. undici's Pool, kept for streamed request
// bodies, gets the same connections through `undici` (its connector signature).
//
// Every failure leaves here already classified as an EdgeError, because only here do we know
// it happened while connecting (a TLS peer that hangs up mid-handshake looks like any other
// ECONNRESET afterwards).

import type { Buffer } from 'node:buffer';
import net from 'node:net';
import tls from 'node:tls';
import type { buildConnector } from 'undici';
import type { BackendDefinition } from '../../model/backend.ts';
import { EdgeError, toEdgeError } from '../errors.ts';
import type { Resolver } from './dns.ts';
import { sniName, tlsOptions } from './tls.ts';

/** Node's `onread` option: reads land in `buffer`, and `callback` gets how many bytes did (false pauses). */
export type OnRead = net.OnReadOpts;

export type Connected = (err: EdgeError | null, socket: net.Socket | null) => void;

/** TCP keep-alive probes on idle connections, as undici's connector sets them. */
const TCP_KEEPALIVE_DELAY_MS = 60_000;

export class BackendConnector {
  readonly #b: BackendDefinition;
  readonly #resolver: Resolver;
  readonly #tls: tls.ConnectionOptions | null;
  #session: Buffer | null = null;

  constructor(b: BackendDefinition, resolver: Resolver) {
    this.#b = b;
    this.#resolver = resolver;
    // The SNI actually sent is the backend's rule (undefined: none), never the request's Host.
    this.#tls = b.ssl ? { ...tlsOptions(b), servername: sniName(b), ALPNProtocols: ['http/1.1'] } : null;
  }

  /** Opens a connection; `onread`, when given, is how the socket's bytes are read. */
  open(onread: OnRead | null, done: Connected): void {
    const b = this.#b;
    this.#resolver.resolve(b.host, b.preferIpv6).then(
      (addr) => this.#connect(addr.address, onread, done),
      // Whatever the resolver's code (c-ares reports an unreachable DNS server as ECONNREFUSED),
      // a failure here is the name not resolving, never the origin refusing.
      (err: unknown) => done(new EdgeError('DNS_LOOKUP_FAILED', { cause: err, backend: b.name }), null),
    );
  }

  /** undici's connector signature, for its Pool (streamed request bodies). */
  readonly undici: buildConnector.connector = (_options, callback) => {
    this.open(null, (err, socket) => {
      if (err !== null || socket === null) callback(err ?? new EdgeError('BACKEND_READ_ERROR'), null);
      else callback(null, socket);
    });
  };

  #connect(address: string, onread: OnRead | null, done: Connected): void {
    const b = this.#b;
    const t = this.#tls;
    const read = onread === null ? {} : { onread };
    const socket: net.Socket = t === null
      ? net.connect({ host: address, port: b.port, ...read })
      : tls.connect({ ...t, host: address, port: b.port, session: this.#session ?? undefined, ...read });
    socket.setNoDelay(true);
    socket.setKeepAlive(true, TCP_KEEPALIVE_DELAY_MS);
    if (t !== null) socket.on('session', (session: Buffer) => { this.#session = session; });
    const ctx = { phase: 'connect', tls: t !== null, backend: b.name } as const;
    let finished = false;
    const finish = (err: EdgeError | null): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      if (err === null) {
        done(null, socket);
      } else {
        socket.destroy();
        done(err, null);
      }
    };
    // Kept after the connect: whoever takes the socket adds its own listener, maybe a turn later
    // (undici does), and an error in between must not go unheard.
    const onError = (err: Error): void => finish(toEdgeError(err, ctx));
    // connect_timeout covers TCP and the TLS handshake (Fastly's backend declaration).
    const timer = setTimeout(() => {
      finish(toEdgeError(Object.assign(new Error(`connect timeout after ${b.connectTimeoutMs} ms`), { code: 'UND_ERR_CONNECT_TIMEOUT' }), ctx));
    }, b.connectTimeoutMs);
    socket.once(t === null ? 'connect' : 'secureConnect', () => finish(null));
    socket.on('error', onError);
  }
}
