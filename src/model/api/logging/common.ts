// The fields every Fastly logging endpoint has, and those of the ones that speak TLS
// (https://www.fastly.com/documentation/reference/api/logging/): a name, the log line's
// `format` (an Apache-style format string, ../../logging/format.ts) and its `format_version`,
// where the generated `log` statement goes (`placement`) and the RESPONSE condition that gates
// it (`response_condition`). Fastly's defaults: format `%h %l %u %t "%r" %>s %b`, version 2.
import { Type } from '@sinclair/typebox';
import { checkLogFormat } from '../../logging/check.ts';
import { Int, Name, OneOf, Text, type Ruled } from '../fields.ts';
import type { FieldError } from '../parse.ts';

export const DEFAULT_LOG_FORMAT = '%h %l %u %t "%r" %>s %b';

/** An https:// URL with a host, at most 2048 characters (Fastly requires TLS for every URL it posts to). */
export function HttpsUrl(description: string): Ruled<ReturnType<typeof Type.String>> {
  return Object.assign(Type.String({ maxLength: 2048, pattern: '^https://[^\\s/?#@]+(/[^\\s]*)?$', description }),
    { rule: 'must be an https:// URL with a host and no spaces, at most 2048 characters' });
}

/** A secret or token that goes into a header or a line: no control characters. */
export function Secret(description: string): Ruled<ReturnType<typeof Type.String>> {
  return Object.assign(Type.String({ minLength: 1, maxLength: 4096, pattern: '^[^\\u0000-\\u001F\\u007F]+$', description }),
    { rule: 'must be 1 to 4096 characters with no control characters' });
}

export const COMMON_FIELDS = {
  name: Name('The name for the real-time logging configuration'),
  placement: OneOf(['none'] as const, 'Where in the generated VCL the logging call is placed: unset (the format version\'s default) or none'),
  response_condition: Name('The name of an existing condition in the configured endpoint, or leave blank to always execute'),
  format: Text('A Fastly log format string', 65_536),
  format_version: OneOf([1, 2] as const, 'The version of the custom logging format: 2 logs in vcl_log, 1 in vcl_deliver'),
  // Fastly can process logs in the US or the EU before streaming them; lacquer's edge node sends
  // them itself, from wherever it runs, which is Fastly's `none` ("global").
  log_processing_region: Object.assign(OneOf(['none'] as const, 'The geographic region where the logs will be processed before streaming'),
    { rule: 'must be none: lacquer sends logs from the edge node that served the request (us and eu are not supported)' }),
} as const;

export const COMMON_DEFAULTS = { format: DEFAULT_LOG_FORMAT, format_version: 2, log_processing_region: 'none' } as const;

/** The TLS options of an endpoint that connects with TLS (PEM text; checked when the endpoint is written). */
export const TLS_FIELDS = {
  tls_ca_cert: Text('A secure certificate to authenticate a server with. Must be in PEM format', 65_536),
  tls_client_cert: Text('The client certificate used to make authenticated requests. Must be in PEM format', 65_536),
  tls_client_key: Text('The client private key used to make authenticated requests. Must be in PEM format', 65_536),
  tls_hostname: Name('The hostname to verify the server\'s certificate'),
} as const;

/** Batch limits of the endpoints that post batches (Fastly: 0 means the default). */
export const BATCH_FIELDS = {
  request_max_entries: Int(0, 1_000_000, 'The maximum number of logs sent in one request; 0: no limit but request_max_bytes'),
  request_max_bytes: Int(0, 100 * 1024 * 1024, 'The maximum number of bytes sent in one request; 0: the default (10 MiB)'),
} as const;

export const PERIOD_FIELD = {
  period: Int(1, 86_400, 'How frequently, in seconds, batches of log data are sent'),
} as const;

export const MESSAGE_TYPES = ['classic', 'loggly', 'logplex', 'blank'] as const;

/** The rules every endpoint shares, after its fields parsed: the format compiles, the PEM parses. */
export function commonChecks(record: Record<string, unknown>): FieldError[] {
  const errors = checkLogFormat(String(record.format), record.format_version as 1 | 2);
  if (errors.length > 0) return errors;
  if ((record.tls_client_cert === null) !== (record.tls_client_key === null) && 'tls_client_cert' in record) {
    const missing = record.tls_client_cert === null ? 'tls_client_cert' : 'tls_client_key';
    return [{ field: missing, message: `${missing}: is required with ${missing === 'tls_client_cert' ? 'tls_client_key' : 'tls_client_cert'}` }];
  }
  for (const field of ['tls_ca_cert', 'tls_client_cert'] as const) {
    const pem = record[field];
    if (typeof pem === 'string' && !/-----BEGIN CERTIFICATE-----/.test(pem)) {
      return [{ field, message: `${field}: must be a certificate in PEM format (-----BEGIN CERTIFICATE-----)` }];
    }
  }
  const key = record.tls_client_key;
  if (typeof key === 'string' && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)) {
    return [{ field: 'tls_client_key', message: 'tls_client_key: must be a private key in PEM format (-----BEGIN PRIVATE KEY-----)' }];
  }
  return [];
}
