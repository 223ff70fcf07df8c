// TLS options for a backend with `.ssl = true`, per Fastly's backend declaration
// (https://www.fastly.com/documentation/reference/vcl/declarations/backend/):
//   SNI      `.ssl_sni_hostname`, else `.ssl_cert_hostname`, else `.host`
//   verify   the certificate names `.ssl_cert_hostname`, else `.host` — unless `.ssl_check_cert = never`
//   trust    the system store plus `.ssl_ca_cert`
//   limits   `.min_tls_version` / `.max_tls_version`, `.ssl_ciphers` (an OpenSSL cipher list)

import { isIP } from 'node:net';
import { checkServerIdentity, rootCertificates, type ConnectionOptions, type PeerCertificate, type SecureVersion } from 'node:tls';
import type { BackendDefinition, TlsVersion } from '../../model/backend.ts';

const SECURE_VERSION: Record<TlsVersion, SecureVersion> = {
  '1.0': 'TLSv1',
  '1.1': 'TLSv1.1',
  '1.2': 'TLSv1.2',
  '1.3': 'TLSv1.3',
};

export function sniHostname(b: BackendDefinition): string {
  return b.sslSniHostname ?? b.sslCertHostname ?? b.host;
}

/** The SNI actually sent: RFC 6066 §3 allows DNS names only, never an IP literal. */
export function sniName(b: BackendDefinition): string | undefined {
  const sni = sniHostname(b);
  return isIP(sni) === 0 ? sni : undefined;
}

export function certHostname(b: BackendDefinition): string {
  return b.sslCertHostname ?? b.host;
}

export function tlsOptions(b: BackendDefinition): ConnectionOptions {
  const verifyName = certHostname(b);
  const options: ConnectionOptions = {
    servername: sniName(b),
    rejectUnauthorized: b.sslCheckCert,
    // The name checked need not be the SNI sent; Node's default checks the servername.
    checkServerIdentity: (_servername: string, cert: PeerCertificate) => checkServerIdentity(verifyName, cert),
  };
  // `ca` replaces Node's trust store; Fastly's `.ssl_ca_cert` adds to it.
  if (b.sslCaCert !== null) options.ca = [...rootCertificates, b.sslCaCert];
  if (b.minTlsVersion !== null) options.minVersion = SECURE_VERSION[b.minTlsVersion];
  if (b.maxTlsVersion !== null) options.maxVersion = SECURE_VERSION[b.maxTlsVersion];
  if (b.sslCiphers !== null) options.ciphers = b.sslCiphers;
  return options;
}
