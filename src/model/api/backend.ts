// Backend: https://www.fastly.com/documentation/reference/api/services/backend/
// Field names, units (ms) and defaults are Fastly's (DESIGN.md §4.2). Every field stored here
// reaches the edge through the generated VCL (src/model/generate-backend.ts) or is refused.
import { isIPv4, isIPv6 } from 'node:net';
import { Address, Bool, Formatted, Hostname, Int, Line, Name, OneOf, Pattern, Text, Unsupported } from './fields.ts';
import { defineResource, type ApiRecord, type FieldError, type RecordOf } from './parse.ts';

const TIMEOUT_MAX = 3_600_000;
const TLS_VERSIONS = ['1.0', '1.1', '1.2', '1.3'] as const;
const NO_CLIENT_CERTS = 'lacquer does not present TLS client certificates to backends yet';
const TCP_KEEPALIVE = 'lacquer does not set TCP keepalive per backend yet';

export const backend = defineResource({
  kind: 'backend',
  fields: {
    name: Name('The name of the backend'),
    address: Address('A hostname, IPv4, or IPv6 address for the backend'),
    hostname: Address('The hostname of the backend (set from address)'),
    ipv4: Formatted('ipv4', 'must be a valid IPv4 address', 'IPv4 address of the backend (set from address)'),
    ipv6: Formatted('ipv6', 'must be a valid IPv6 address', 'IPv6 address of the backend (set from address)'),
    port: Int(1, 65535, 'Port number of the address'),
    use_ssl: Bool('Whether or not to require TLS for connections to this backend'),
    ssl_check_cert: Bool('Be strict on checking TLS certs'),
    ssl_cert_hostname: Hostname('Overrides ssl_hostname, but only for cert verification'),
    ssl_sni_hostname: Hostname('Overrides ssl_hostname, but only for SNI in the handshake'),
    ssl_hostname: Hostname('Deprecated: use ssl_cert_hostname and ssl_sni_hostname'),
    ssl_ca_cert: Text('CA certificate (PEM) to trust for this backend', 65_536),
    ssl_client_cert: Unsupported('Client certificate (PEM)', NO_CLIENT_CERTS),
    ssl_client_key: Unsupported('Client key (PEM)', NO_CLIENT_CERTS),
    client_cert: Unsupported('Unused', NO_CLIENT_CERTS),
    ssl_ciphers: Line('OpenSSL cipher list'),
    min_tls_version: OneOf(TLS_VERSIONS, 'Minimum allowed TLS version'),
    max_tls_version: OneOf(TLS_VERSIONS, 'Maximum allowed TLS version'),
    connect_timeout: Int(1, TIMEOUT_MAX, 'Maximum duration in milliseconds to wait for a connection'),
    first_byte_timeout: Int(1, TIMEOUT_MAX, 'Maximum duration in milliseconds to wait for the first byte'),
    between_bytes_timeout: Int(1, TIMEOUT_MAX, 'Maximum duration in milliseconds between bytes'),
    max_conn: Int(1, 100_000, 'Maximum number of concurrent connections to this backend'),
    weight: Int(1, 100, 'Weight used to load balance this backend against others'),
    auto_loadbalance: Bool('Whether this backend joins the automatic load-balancing director'),
    healthcheck: Name('The name of the healthcheck to use with this backend'),
    request_condition: Name('Name of a REQUEST condition that selects this backend'),
    override_host: Hostname('The Host header to send to this backend'),
    share_key: Pattern('^[A-Za-z0-9]+$', 'must be alphanumeric', 'Backends with the same share_key share health state (default: the service id)'),
    // A POP's --pop name (GET /datacenters `shield`); the control API checks it names a POP of the fleet.
    shield: Pattern('^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$', 'must be a POP name (1–63 letters, digits, "-" or "_")', 'The POP this backend is shielded through (its `code` in GET /datacenters)'),
    keepalive_time: Int(0, TIMEOUT_MAX, 'How long in milliseconds to keep a persistent connection open'),
    prefer_ipv6: Bool('Prefer IPv6 connections for hostname backends'),
    error_threshold: Int(0, 1000, 'Consecutive errors that mark the backend sick (0: off)'),
    tcp_keepalive_enable: Unsupported('Whether to enable TCP keepalives', TCP_KEEPALIVE),
    tcp_keepalive_interval: Unsupported('Seconds between TCP keepalive probes', TCP_KEEPALIVE),
    tcp_keepalive_probes: Unsupported('Unacknowledged TCP keepalive probes before the connection is dropped', TCP_KEEPALIVE),
    tcp_keepalive_time: Unsupported('Idle seconds before TCP keepalive probes start', TCP_KEEPALIVE),
    comment: Text('A freeform descriptive note', 8192),
  },
  required: ['name', 'address'],
  defaults: {
    port: 80, use_ssl: false, ssl_check_cert: true, connect_timeout: 1_000, first_byte_timeout: 15_000,
    between_bytes_timeout: 10_000, max_conn: 200, weight: 100, auto_loadbalance: false, prefer_ipv6: false,
    error_threshold: 0,
  },
  normalize: normalizeBackend,
  check: checkBackend,
});

export type BackendRecord = RecordOf<typeof backend>;

const ADDRESS_ALIASES = ['hostname', 'ipv4', 'ipv6'] as const;

/**
 * `address` is the one source of truth for where the backend is; Fastly echoes it in
 * `hostname`, `ipv4` or `ipv6` by its kind. Older clients send only `hostname` or `ipv4`.
 */
function normalizeBackend(record: ApiRecord, sent: ApiRecord, previous: ApiRecord | null): void {
  const given = sent.address ?? sent.hostname ?? sent.ipv4 ?? sent.ipv6;
  if (typeof given === 'string') record.address = given;
  if (record.address === null) return;
  const address = String(record.address);
  record.hostname = !isIPv4(address) && !isIPv6(address) ? address : null;
  record.ipv4 = isIPv4(address) ? address : null;
  record.ipv6 = isIPv6(address) ? address : null;
  // The Fastly CLI sends only the port; 443 means TLS unless use_ssl is explicit.
  if ('port' in sent && !('use_ssl' in sent) && (sent.port === 443 || sent.port === 80)) record.use_ssl = sent.port === 443;
  if (previous === null && !('port' in sent) && sent.use_ssl === true) record.port = 443;
  if (record.use_ssl === null) record.use_ssl = false;
}

function checkBackend(record: ApiRecord, sent: ApiRecord): FieldError[] {
  const errors: FieldError[] = [];
  const min = record.min_tls_version as string | null;
  const max = record.max_tls_version as string | null;
  if (min !== null && max !== null && min > max) {
    errors.push({ field: 'min_tls_version', message: `min_tls_version: must not be above max_tls_version (${max})` });
  }
  // hostname, ipv4 and ipv6 are address under another name: one that says something else
  // than the address sent with it would be stored as the address's echo and ignored.
  const given = [sent.address, ...ADDRESS_ALIASES.map((a) => sent[a])].find((v) => typeof v === 'string');
  for (const alias of ADDRESS_ALIASES) {
    const value = sent[alias];
    if (typeof value === 'string' && value !== given) {
      errors.push({ field: alias, message: `${alias}: must equal address (${String(given)}) when both are given` });
    }
  }
  return errors;
}
