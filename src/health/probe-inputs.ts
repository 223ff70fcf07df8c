// What a probe is built from, made once and kept: the request bytes of a definition, the TLS
// context of a set of TLS settings, and the order in which to try a host's addresses.

import tls from 'node:tls';
import dns from 'node:dns';
import { LRUCache } from 'lru-cache';
import type { BackendDefinition, ProbeDefinition } from '../model/backend.ts';

export interface LookupAddress {
  readonly address: string;
  readonly family: 4 | 6;
}
/** Resolves a host name to its addresses; injectable so tests can change DNS. */
export type LookupFn = (hostname: string) => Promise<readonly LookupAddress[]>;

export const systemLookup: LookupFn = async (hostname) => {
  const all = await dns.promises.lookup(hostname, { all: true });
  return all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

const requestBytes = new WeakMap<ProbeDefinition, Buffer>();

/** Each `.request` line ended by CRLF, then a final CRLF (vcl-probe(7)); built once per definition. */
export function probeRequestBytes(probe: ProbeDefinition): Buffer {
  let bytes = requestBytes.get(probe);
  if (bytes === undefined) {
    bytes = Buffer.from(probe.request.map((line) => `${line}\r\n`).join('') + '\r\n', 'latin1');
    requestBytes.set(probe, bytes);
  }
  return bytes;
}

/** The addresses to try, in Varnish's order: the preferred family first, one of each. */
export function candidates(addresses: readonly LookupAddress[], preferIpv6: boolean): LookupAddress[] {
  const v4 = addresses.find((a) => a.family === 4);
  const v6 = addresses.find((a) => a.family === 6);
  const order = preferIpv6 ? [v6, v4] : [v4, v6];
  return order.filter((a): a is LookupAddress => a !== undefined);
}

const secureContexts = new LRUCache<string, tls.SecureContext>({ max: 256 });

export function secureContext(b: BackendDefinition): tls.SecureContext {
  const key = JSON.stringify([b.sslCaCert, b.minTlsVersion, b.maxTlsVersion, b.sslCiphers]);
  let ctx = secureContexts.get(key);
  if (ctx === undefined) {
    const version = (v: string | null): tls.SecureVersion | undefined => (v === null ? undefined : `TLSv${v}` as tls.SecureVersion);
    ctx = tls.createSecureContext({
      // `.ssl_ca_cert` adds to the trusted roots; it does not replace them.
      ca: b.sslCaCert === null ? undefined : [...tls.rootCertificates, b.sslCaCert],
      minVersion: version(b.minTlsVersion),
      maxVersion: version(b.maxTlsVersion),
      ciphers: b.sslCiphers ?? undefined,
    });
    secureContexts.set(key, ctx);
  }
  return ctx;
}
