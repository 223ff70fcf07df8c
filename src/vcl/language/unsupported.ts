// Why lacquer does not run a variable or function Fastly documents: the one place docs/vcl.md's
// "Not supported, and why" is generated from (language/reference.ts). An entry ending in "." is a
// prefix (`client.geo.`); any other is a name and the names under it (`req.esi`, `req.esi.x`). A
// name nothing covers is simply not implemented yet. The first match wins.
export interface UnsupportedReason {
  readonly prefixes: readonly string[];
  readonly reason: string;
}

export const UNSUPPORTED_REASONS: readonly UnsupportedReason[] = [
  { prefixes: ['client.geo.', 'client.as.', 'geoip.'], reason: 'Geolocation runs from the --geoip-db database; these few of its names are not supported (geoip.use_x_forwarded_for: lacquer geolocates client.ip or client.geo.ip_override).' },
  { prefixes: ['ratecounter.', 'ratelimit.'], reason: 'Rate counters and penalty boxes run; these few of their names are not supported.' },
  { prefixes: ['tls.client.', 'req.is_ssl', 'fastly_info.edge.is_tls', 'fastly_info.is_h2', 'fastly_info.h2.', 'req.protocol'], reason: 'The TLS and HTTP/2 details lacquer runs are listed above; these (client certificates, HTTP/2 fingerprints and frame details) are not exposed to VCL.' },
  { prefixes: ['client.socket.', 'backend.socket.'], reason: 'TCP internals (tcp_info, congestion control) of Fastly\'s kernel: Node.js sockets do not expose them.' },
  { prefixes: ['quic.', 'transport.', 'fastly_info.is_h3', 'h2.', 'early_hints'], reason: 'lacquer serves neither HTTP/3 (QUIC) nor HTTP/2 server push or 103 Early Hints.' },
  { prefixes: ['req.esi', 'req.esi_level', 'esi.', 'beresp.do_esi', 'req.is_esi_subreq', 'req.topurl'], reason: 'ESI runs (docs/vcl.md, ESI); these few of its names are not supported (esi.allow_inside_cdata: markup inside CDATA is processed).' },
  { prefixes: ['beresp.gzip', 'beresp.brotli'], reason: 'Compression at the edge runs; these few of its names are not supported.' },
  { prefixes: ['segmented_caching.', 'req.enable_segmented_caching', 'req.enable_range_on_pass'], reason: 'Segmented caching (large objects cached in blocks) is not implemented.' },
  { prefixes: ['workspace.'], reason: 'Fastly\'s per-request memory workspace has no counterpart in lacquer.' },
  { prefixes: ['fastly.ff.', 'req.backend.is_shield', 'req.backend.is_origin', 'req.is_clustering', 'bereq.is_clustering', 'fastly.try_select_shield'], reason: 'Clustering and shielding run (docs/caching.md); these few of their names are not supported: lacquer shields through an API backend\'s shield field, not through shield directors.' },
  { prefixes: ['beresp.pci', 'beresp.hipaa', 'obj.is_pci'], reason: 'PCI and HIPAA storage modes belong to Fastly\'s caches.' },
  { prefixes: ['crypto.', 'digest.rsa_verify', 'digest.ecdsa_verify'], reason: 'Encryption and signature verification are not implemented yet.' },
];

/** The reason for a name, or null when it is simply not implemented yet. */
export function unsupportedReason(name: string): string | null {
  const covers = (p: string): boolean => (p.endsWith('.') ? name.startsWith(p) : name === p || name.startsWith(`${p}.`));
  return UNSUPPORTED_REASONS.find((r) => r.prefixes.some(covers))?.reason ?? null;
}
