// How a backend's connections are made: undici's own connector (connect timeout, TLS, session
// reuse) behind a step that resolves hostname backends through the short-TTL Resolver, so a
// changed DNS record reaches new connections. Every failure leaves here already classified as
// an EdgeError, because only here do we know it happened while connecting (a TLS peer that
// hangs up mid-handshake looks like any other ECONNRESET afterwards).

import { buildConnector } from 'undici';
import type { BackendDefinition } from '../../model/backend.ts';
import type { Resolver } from './dns.ts';
import { EdgeError, toEdgeError } from '../errors.ts';
import { sniName, tlsOptions } from './tls.ts';

export function backendConnector(b: BackendDefinition, resolver: Resolver): buildConnector.connector {
  const inner = buildConnector({
    ...(b.ssl ? tlsOptions(b) : {}),
    timeout: b.connectTimeoutMs,
    // Origins speak HTTP/1.1 to Fastly; h2 would also defeat the per-connection max_conn count.
    allowH2: false,
  });
  const ctx = { phase: 'connect', tls: b.ssl, backend: b.name } as const;
  // undici offers the request's Host as SNI; the backend's own SNI rule wins (undefined = none).
  const servername = b.ssl ? sniName(b) : undefined;
  return (options, callback) => {
    resolver.resolve(options.hostname, b.preferIpv6).then(
      (addr) => {
        inner({ ...options, hostname: addr.address, servername }, (err, socket) => {
          if (err !== null) callback(toEdgeError(err, ctx), null);
          else callback(null, socket);
        });
      },
      // Whatever the resolver's code (c-ares reports an unreachable DNS server as ECONNREFUSED),
      // a failure here is the name not resolving, never the origin refusing.
      (err: unknown) => callback(new EdgeError('DNS_LOOKUP_FAILED', { cause: err, backend: b.name }), null),
    );
  };
}
