// `lacquer backend create|list|describe|update|delete`: origins, with Fastly's backend fields
// (https://www.fastly.com/documentation/reference/api/services/backend/). Flags match
// `fastly service backend create`, except that every field keeps its API name in kebab case
// (`--tcp-keepalive-enable`, where the Fastly CLI says `--tcp-ka-enabled`).
import type { Command } from 'commander';
import type { FieldFlag } from '../fields.ts';
import { registerResourceVerbs } from '../resource.ts';

export const BACKEND_FIELDS: readonly FieldFlag[] = [
  { field: 'address', description: 'a hostname, IPv4, or IPv6 address for the backend' },
  { field: 'port', description: 'port number of the address (443 implies --use-ssl unless it is given)' },
  { field: 'use_ssl', type: 'bool', description: 'connect to the backend over TLS' },
  { field: 'ssl_check_cert', type: 'bool', description: 'verify the backend\'s certificate' },
  { field: 'ssl_cert_hostname', description: 'the hostname the certificate is checked against' },
  { field: 'ssl_sni_hostname', description: 'the hostname sent in TLS SNI' },
  { field: 'ssl_ca_cert', description: 'CA certificate (PEM) to trust for this backend' },
  { field: 'ssl_client_cert', description: 'client certificate (PEM)' },
  { field: 'ssl_client_key', description: 'client key (PEM)' },
  { field: 'ssl_ciphers', description: 'OpenSSL cipher list' },
  { field: 'min_tls_version', description: 'minimum TLS version (1.0, 1.1, 1.2, 1.3)' },
  { field: 'max_tls_version', description: 'maximum TLS version (1.0, 1.1, 1.2, 1.3)' },
  { field: 'connect_timeout', description: 'ms to wait for a connection' },
  { field: 'first_byte_timeout', description: 'ms to wait for the first byte of the response' },
  { field: 'between_bytes_timeout', description: 'ms to wait between bytes of the response' },
  { field: 'max_conn', description: 'maximum concurrent connections to this backend' },
  { field: 'weight', description: 'load-balancing weight (1–100)' },
  { field: 'auto_loadbalance', type: 'bool', description: 'join the automatic load-balancing director' },
  { field: 'healthcheck', description: 'name of the healthcheck probing this backend' },
  { field: 'request_condition', description: 'condition that selects this backend' },
  { field: 'override_host', description: 'the Host header sent to this backend' },
  { field: 'share_key', description: 'backends with the same share key share health (default: the service ID)' },
  { field: 'shield', description: 'shield POP for this backend' },
  { field: 'keepalive_time', description: 'ms to keep an idle connection open' },
  { field: 'prefer_ipv6', type: 'bool', description: 'prefer IPv6 for hostname backends' },
  { field: 'error_threshold', description: 'consecutive errors that mark the backend sick (0: off)' },
  { field: 'tcp_keepalive_enable', type: 'bool', description: 'enable TCP keepalive probes' },
  { field: 'tcp_keepalive_interval', description: 'seconds between TCP keepalive probes' },
  { field: 'tcp_keepalive_probes', description: 'unanswered TCP keepalive probes before the connection is dropped' },
  { field: 'tcp_keepalive_time', description: 'idle seconds before TCP keepalive probes start' },
  { field: 'comment', description: 'a descriptive note' },
];

export function registerBackend(program: Command): Command {
  const noun = program.command('backend').description('manage the backends (origins) of a service version');
  return registerResourceVerbs(noun, {
    kind: 'backend',
    fields: BACKEND_FIELDS,
    columns: [
      { header: 'NAME', value: 'name' },
      { header: 'ADDRESS', value: 'address' },
      { header: 'PORT', value: 'port' },
      { header: 'USE_SSL', value: 'use_ssl' },
      { header: 'OVERRIDE_HOST', value: 'override_host' },
      { header: 'HEALTHCHECK', value: 'healthcheck' },
      { header: 'AUTO_LOADBALANCE', value: 'auto_loadbalance' },
    ],
  });
}
