// `lacquer backend create|list|describe|update|delete`: origins, with Fastly's backend fields
// (https://www.fastly.com/documentation/reference/api/services/backend/). Flags match
// `fastly service backend create`, except that every field keeps its API name in kebab case
// (`--keepalive-time`, where the Fastly CLI says `--http-ka-time`).
// Fields the API refuses until lacquer honours them (TLS client certificates, TCP keepalive:
// docs/api.md) have no flag.
import type { Command } from 'commander';
import { apiPath, type ApiClient } from '../api-client.ts';
import type { FieldFlag } from '../fields.ts';
import type { Column } from '../output.ts';
import { registerResourceVerbs } from '../resource.ts';

export const BACKEND_FIELDS: readonly FieldFlag[] = [
  { field: 'address', description: 'a hostname, IPv4, or IPv6 address for the backend' },
  { field: 'port', description: 'port number of the address (443 implies --use-ssl unless it is given)' },
  { field: 'use_ssl', type: 'bool', description: 'connect to the backend over TLS' },
  { field: 'ssl_check_cert', type: 'bool', description: 'verify the backend\'s certificate' },
  { field: 'ssl_cert_hostname', description: 'the hostname the certificate is checked against' },
  { field: 'ssl_sni_hostname', description: 'the hostname sent in TLS SNI' },
  { field: 'ssl_ca_cert', description: 'CA certificate (PEM) to trust for this backend' },
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
  { field: 'request_condition', description: 'name of a REQUEST condition: the backend serves only the requests it matches' },
  { field: 'override_host', description: 'the Host header sent to this backend' },
  { field: 'share_key', description: 'backends with the same share key share health (default: the service ID)' },
  { field: 'shield', description: 'the POP this backend is shielded through (a code of GET /datacenters)' },
  { field: 'keepalive_time', description: 'ms to keep an idle connection open' },
  { field: 'prefer_ipv6', type: 'bool', description: 'prefer IPv6 for hostname backends' },
  { field: 'error_threshold', description: 'consecutive errors that mark the backend sick (0: off)' },
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
    extraColumns: defaultColumn,
  });
}

/**
 * DEFAULT marks the backend that serves every request nothing routes elsewhere: the first one
 * added (Fastly), as the version's validation reports it (src/model/default-backend.ts).
 */
async function defaultColumn(client: ApiClient, sid: string, version: number): Promise<readonly Column[]> {
  const validation = await client.get<{ default_backend?: string | null }>(apiPath('service', sid, 'version', version, 'validate'));
  const name = validation.default_backend ?? null;
  return [{ header: 'DEFAULT', value: (row) => (name !== null && row.name === name ? 'yes' : '') }];
}
