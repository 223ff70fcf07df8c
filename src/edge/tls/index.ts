// The edge's HTTPS: the listener, its certificate table and the TLS details VCL reads.
export { CertificateTable, type CertificateProblem } from './certificates.ts';
export { readClientHello, UNRECOGNIZED_NAME_ALERT, MAX_HELLO_BYTES, type HelloResult } from './client-hello.ts';
export { tlsConnection, type TlsConnection } from './connection.ts';
export { TlsListener, type TlsListenerOptions } from './listener.ts';
export { ALPN_PROTOCOLS, ECDH_CURVES, TLS12_CIPHERS, TLS13_CIPHERS, secureContextOptions } from './policy.ts';
