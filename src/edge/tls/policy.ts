// The HTTPS listener's protocol settings, in one place (DESIGN.md §4.4 HTTPS).
//
// Anchor: Mozilla's "intermediate" server configuration (Server Side TLS guidelines, version
// 5.7, https://ssl-config.mozilla.org/#config=intermediate): TLS 1.2 and 1.3 only; for TLS 1.2
// ECDHE with AES-GCM or ChaCha20-Poly1305 only, the client's order preferred (every listed
// suite is strong, and a client without AES hardware picks ChaCha20); groups X25519, P-256,
// P-384. Two departures, both narrowing: the guideline's DHE-RSA suites are left out (they need
// operator-supplied Diffie-Hellman parameters, and every client that speaks TLS 1.2 speaks
// ECDHE), and TLS 1.3's suites are OpenSSL's defaults, which are the guideline's three.
//
// No renegotiation (SSL_OP_NO_RENEGOTIATION): TLS 1.3 has none, and a TLS 1.2 client's
// renegotiation is CPU a client can make the server spend at will (nginx and HAProxy refuse
// client-initiated renegotiation too).
//
// Resumption: session tickets (RFC 5077, RFC 8446 §4.6.1) encrypted with keys every worker of
// the node shares (the primary makes and rotates them, ./ticket-keys.ts), so a client resumes
// whichever worker takes its reconnection. A session id cache is per process and is not used.

import { constants } from 'node:crypto';
import type tls from 'node:tls';

/** TLS 1.2 suites, OpenSSL names, in Mozilla intermediate's order (less the DHE ones, above). */
export const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
] as const;

/** TLS 1.3 suites (RFC 8446 §B.4), OpenSSL's default set. */
export const TLS13_CIPHERS = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'] as const;

export const ECDH_CURVES = 'X25519:prime256v1:secp384r1';

/** ALPN (RFC 7301), the server's preference: HTTP/2 when the client offers it (RFC 9113 §3.2). */
export const ALPN_PROTOCOLS = ['h2', 'http/1.1'] as const;

/** Ties a session to lacquer's edge: a ticket from another program sharing the keys is not resumed. */
const SESSION_ID_CONTEXT = 'lacquer-edge';

/** What every secure context of the listener shares: its own (no certificate) and each domain's. */
export function secureContextOptions(): tls.SecureContextOptions {
  return {
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    ciphers: [...TLS13_CIPHERS, ...TLS12_CIPHERS].join(':'),
    ecdhCurve: ECDH_CURVES,
    honorCipherOrder: false,
    secureOptions: constants.SSL_OP_NO_RENEGOTIATION,
    sessionIdContext: SESSION_ID_CONTEXT,
  };
}
