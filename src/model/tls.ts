// What the edge needs to serve HTTPS (DESIGN.md §4.4): for each domain with an active TLS
// activation, the certificate chain and private key to present when a client's SNI names it.
// The control plane builds it from /tls/private_keys, /tls/certificates and /tls/activations
// (Fastly's TLS API, DESIGN.md §4.2); the edge's `--tls` listener reads it. Plain data, so it
// crosses the Store, IPC to edge workers and the fleet unchanged.

/** One domain served over HTTPS: `domain` is an exact name or a wildcard (`*.example.com`). */
export interface TlsActivationMaterial {
  readonly domain: string;
  /** The certificate's id in /tls/certificates, for logs and metrics. */
  readonly certificateId: string;
  /** The leaf then its intermediates, PEM. */
  readonly certPem: string;
  /** The private key, PEM. Never logged, never returned by an API. */
  readonly keyPem: string;
  /** The certificate's notAfter, ISO 8601 (for the expiry gauge). */
  readonly notAfter: string;
}

/** Every active domain's material, as one replacement: the edge swaps it in whole. */
export interface TlsMaterial {
  /** Increases with every change (the Store's event order), so a late copy never wins. */
  readonly generation: number;
  readonly activations: readonly TlsActivationMaterial[];
}
