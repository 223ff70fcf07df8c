// Fastly's logging endpoints that lacquer delivers to, each at
// /service/{sid}/version/{v}/logging/<type>[/{name}], with Fastly's fields and defaults
// (https://www.fastly.com/documentation/reference/api/logging/<type>/). The common fields and
// their rules are in ./common.ts; where each line goes and in what shape is src/edge/logging/.
import { isIP } from 'node:net';
import { Address, Bool, Int, Line, Name, OneOf, Pattern, Text, TOKEN, Unsupported } from '../fields.ts';
import { LOGGING_TYPE_NAMES, type LoggingTypeName } from './types.ts';
import { defineResource, type ApiRecord, type FieldError, type RecordOf } from '../parse.ts';
import {
  BATCH_FIELDS, COMMON_DEFAULTS, COMMON_FIELDS, commonChecks, HttpsUrl, MESSAGE_TYPES, PERIOD_FIELD, Secret, TLS_FIELDS,
} from './common.ts';

const Port = (d: string): ReturnType<typeof Int> => Int(1, 65_535, d);
const COMPRESSION = {
  compression_codec: OneOf(['gzip', 'zstd'] as const, 'The codec used for compressing your logs: gzip or zstd (snappy is not supported)'),
  gzip_level: Int(0, 9, 'The level of gzip encoding when sending logs (0: none)'),
} as const;

/** A syslog address is a host name or an IPv4 address; Fastly reports it split into `hostname` and `ipv4` too. */
function splitAddress(record: ApiRecord): void {
  const address = record.address as string | null;
  if (address === null) return;
  record.hostname = address;
  record.ipv4 = isIP(address) === 4 ? address : null;
}

function compressionRule(r: ApiRecord): FieldError[] {
  if (r.compression_codec !== null && r.compression_codec !== undefined && typeof r.gzip_level === 'number' && r.gzip_level > 0) {
    return [{ field: 'gzip_level', message: 'gzip_level: cannot be set together with compression_codec; use one of them' }];
  }
  return [];
}

const checks = (...more: Array<(r: ApiRecord) => FieldError[]>) => (record: ApiRecord): FieldError[] => {
  for (const rule of [commonChecks, ...more]) {
    const errors = rule(record);
    if (errors.length > 0) return errors;
  }
  return [];
};

export const syslog = defineResource({
  kind: 'logging_syslog',
  fields: {
    ...COMMON_FIELDS, ...TLS_FIELDS,
    address: Address('A hostname or IPv4 address'),
    hostname: Name('The hostname used for the syslog endpoint'),
    ipv4: Name('The IPv4 address used for the syslog endpoint'),
    port: Port('The port number'),
    use_tls: Bool('Whether to use TLS'),
    token: Secret('Whether to prepend each message with a specific token'),
    message_type: OneOf(MESSAGE_TYPES, 'How the message should be formatted'),
    // lacquer's own: Fastly streams syslog over TCP only; UDP suits a receiver on the same network.
    protocol: OneOf(['tcp', 'udp'] as const, 'lacquer: the transport, tcp (Fastly\'s) or udp (one datagram per line)'),
  },
  required: ['name', 'address'],
  defaults: { ...COMMON_DEFAULTS, port: 514, use_tls: false, message_type: 'classic', protocol: 'tcp' },
  readOnly: ['hostname', 'ipv4'],
  normalize: (record) => splitAddress(record),
  check: checks((r) => (r.use_tls === true && r.protocol === 'udp' ? [{ field: 'use_tls', message: 'use_tls: TLS needs protocol tcp' }] : [])),
});

export const papertrail = defineResource({
  kind: 'logging_papertrail',
  fields: { ...COMMON_FIELDS, address: Address('A hostname or IPv4 address'), port: Port('The port number') },
  required: ['name', 'address'],
  defaults: { ...COMMON_DEFAULTS, port: 514 },
  check: checks(),
});

export const https = defineResource({
  kind: 'logging_https',
  fields: {
    ...COMMON_FIELDS, ...TLS_FIELDS, ...BATCH_FIELDS, ...PERIOD_FIELD, ...COMPRESSION,
    url: HttpsUrl('The URL to send logs to. Must use HTTPS'),
    method: OneOf(['POST', 'PUT'] as const, 'HTTP method used for request'),
    content_type: Line('Content type of the header sent with the request'),
    header_name: Pattern(TOKEN, 'must be an HTTP field name (RFC 9110 token)', 'Name of the custom header sent with the request'),
    header_value: Line('Value of the custom header sent with the request'),
    json_format: OneOf(['0', '1', '2'] as const, 'Enforces valid JSON formatting for log entries: 0 none, 1 a JSON array, 2 newline delimited JSON'),
    message_type: OneOf(MESSAGE_TYPES, 'How the message should be formatted'),
  },
  required: ['name', 'url'],
  defaults: {
    ...COMMON_DEFAULTS, method: 'POST', json_format: '0', message_type: 'blank', request_max_entries: 0, request_max_bytes: 0, period: 5, gzip_level: 0,
  },
  check: checks(compressionRule, (r) => ((r.header_name === null) !== (r.header_value === null)
    ? [{ field: r.header_name === null ? 'header_name' : 'header_value', message: `${r.header_name === null ? 'header_name' : 'header_value'}: is required with ${r.header_name === null ? 'header_value' : 'header_name'}` }]
    : [])),
});

export const S3_REDUNDANCY = ['standard', 'intelligent_tiering', 'standard_ia', 'onezone_ia', 'glacier', 'glacier_ir', 'deep_archive', 'reduced_redundancy'] as const;
export const S3_ACLS = ['private', 'public-read', 'public-read-write', 'aws-exec-read', 'authenticated-read', 'bucket-owner-read', 'bucket-owner-full-control'] as const;

export const s3 = defineResource({
  kind: 'logging_s3',
  fields: {
    ...COMMON_FIELDS, ...PERIOD_FIELD, ...COMPRESSION,
    bucket_name: Pattern('^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$', 'must be an S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens', 'The bucket name for S3 account'),
    access_key: Secret('The access key for your S3 account. Not required if iam_role is provided'),
    secret_key: Secret('The secret key for your S3 account. Not required if iam_role is provided'),
    iam_role: Pattern('^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$', 'must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)',
      'lacquer: the credentials of the lacquer process (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) are used, as an instance role\'s are'),
    domain: Pattern('^[A-Za-z0-9.-]+(:[0-9]{1,5})?$', 'must be a host name, optionally with :port', 'The domain of the Amazon S3 endpoint (an S3-compatible store\'s host)'),
    path: Text('The path to upload logs to (strftime directives allowed)', 1024),
    redundancy: OneOf(S3_REDUNDANCY, 'The S3 storage class'),
    server_side_encryption: OneOf(['AES256', 'aws:kms'] as const, 'Set this to AES256 or aws:kms to enable S3 Server Side Encryption'),
    server_side_encryption_kms_key_id: Line('Optional server-side KMS Key Id. Must be set if server_side_encryption is set to aws:kms'),
    acl: OneOf(S3_ACLS, 'The access control list (ACL) specific request header'),
    message_type: OneOf(MESSAGE_TYPES, 'How the message should be formatted'),
    timestamp_format: Line('A timestamp format (strftime)'),
    file_max_bytes: Int(1_048_576, 1_073_741_824, 'The maximum number of bytes for each uploaded file'),
    public_key: Unsupported('A PGP public key that Fastly will use to encrypt your log files', 'lacquer does not encrypt log files with PGP'),
  },
  required: ['name', 'bucket_name'],
  defaults: { ...COMMON_DEFAULTS, domain: 's3.amazonaws.com', period: 3600, gzip_level: 0, message_type: 'classic', timestamp_format: '%Y-%m-%dT%H:%M:%S.000' },
  check: checks(compressionRule, (r) => {
    if (r.iam_role === null && (r.access_key === null || r.secret_key === null)) {
      const field = r.access_key === null ? 'access_key' : 'secret_key';
      return [{ field, message: `${field}: is required unless iam_role is given` }];
    }
    if (r.iam_role !== null && (r.access_key !== null || r.secret_key !== null)) {
      return [{ field: 'iam_role', message: 'iam_role: cannot be given together with access_key and secret_key; use one of them' }];
    }
    if ((r.server_side_encryption === 'aws:kms') !== (r.server_side_encryption_kms_key_id !== null)) {
      return [{ field: 'server_side_encryption_kms_key_id', message: 'server_side_encryption_kms_key_id: is required with, and only with, server_side_encryption aws:kms' }];
    }
    return [];
  }),
});

export const DATADOG_REGIONS = ['US', 'US3', 'US5', 'EU', 'AP1'] as const;
export const datadog = defineResource({
  kind: 'logging_datadog',
  fields: { ...COMMON_FIELDS, token: Secret('The API key from your Datadog account'), region: OneOf(DATADOG_REGIONS, 'The region that log data will be sent to') },
  required: ['name', 'token'],
  defaults: { ...COMMON_DEFAULTS, region: 'US' },
  check: checks(),
});

export const splunk = defineResource({
  kind: 'logging_splunk',
  fields: {
    ...COMMON_FIELDS, ...TLS_FIELDS, ...BATCH_FIELDS,
    url: HttpsUrl('The URL to post logs to (the HTTP Event Collector\'s)'),
    token: Secret('A Splunk token for use in posting logs over HTTP to your collector'),
    use_tls: Bool('Whether to use TLS'),
  },
  required: ['name', 'url', 'token'],
  defaults: { ...COMMON_DEFAULTS, request_max_entries: 0, request_max_bytes: 0, use_tls: false },
  check: checks(),
});

export const newrelic = defineResource({
  kind: 'logging_newrelic',
  fields: { ...COMMON_FIELDS, token: Secret('The Insert API key from the Account page of your New Relic account'), region: OneOf(['US', 'EU'] as const, 'The region to which to stream logs') },
  required: ['name', 'token'],
  defaults: { ...COMMON_DEFAULTS, region: 'US' },
  check: checks(),
});

export const honeycomb = defineResource({
  kind: 'logging_honeycomb',
  fields: {
    ...COMMON_FIELDS,
    dataset: Pattern('^[^\\s/?#]{1,255}$', 'must be 1 to 255 characters without spaces, /, ? or #', 'The Honeycomb Dataset you want to log to'),
    token: Secret('The Write Key from the Account page of your Honeycomb account'),
  },
  required: ['name', 'dataset', 'token'],
  defaults: { ...COMMON_DEFAULTS },
  check: checks(),
});

export const elasticsearch = defineResource({
  kind: 'logging_elasticsearch',
  fields: {
    ...COMMON_FIELDS, ...TLS_FIELDS, ...BATCH_FIELDS,
    url: HttpsUrl('The URL to stream logs to. Must use HTTPS'),
    index: Pattern('^[^\\s"*\\\\<|,>/?]{1,255}$', 'must be an Elasticsearch index name (strftime directives allowed), without spaces or "*\\<|,>/?', 'The name of the Elasticsearch index to send documents (logs) to'),
    pipeline: Pattern('^[A-Za-z0-9_.-]{1,255}$', 'must be letters, digits, _, . or -', 'The ID of the Elasticsearch ingest pipeline to apply pre-process transformations to before indexing'),
    user: Line('Basic Auth username'),
    password: Line('Basic Auth password'),
  },
  required: ['name', 'url', 'index'],
  defaults: { ...COMMON_DEFAULTS, request_max_entries: 0, request_max_bytes: 0 },
  check: checks(),
});

export const sumologic = defineResource({
  kind: 'logging_sumologic',
  fields: { ...COMMON_FIELDS, url: HttpsUrl('The URL to post logs to'), message_type: OneOf(MESSAGE_TYPES, 'How the message should be formatted') },
  required: ['name', 'url'],
  defaults: { ...COMMON_DEFAULTS, message_type: 'classic' },
  check: checks(),
});

export const loggly = defineResource({
  kind: 'logging_loggly',
  fields: { ...COMMON_FIELDS, token: Pattern('^[A-Za-z0-9-]{1,128}$', 'must be a Loggly customer token (letters, digits and -)', 'The token to use for authentication') },
  required: ['name', 'token'],
  defaults: { ...COMMON_DEFAULTS },
  check: checks(),
});

export type SyslogRecord = RecordOf<typeof syslog>;
export type PapertrailRecord = RecordOf<typeof papertrail>;
export type HttpsRecord = RecordOf<typeof https>;
export type S3Record = RecordOf<typeof s3>;
export type DatadogRecord = RecordOf<typeof datadog>;
export type SplunkRecord = RecordOf<typeof splunk>;
export type NewrelicRecord = RecordOf<typeof newrelic>;
export type HoneycombRecord = RecordOf<typeof honeycomb>;
export type ElasticsearchRecord = RecordOf<typeof elasticsearch>;
export type SumologicRecord = RecordOf<typeof sumologic>;
export type LogglyRecord = RecordOf<typeof loggly>;

/** Every endpoint type lacquer delivers to, by the name in its path (`logging/<type>`). */
export const LOGGING_ENDPOINTS = { syslog, papertrail, https, s3, datadog, splunk, newrelic, honeycomb, elasticsearch, sumologic, loggly } as const satisfies Record<LoggingTypeName, unknown>;
export type LoggingType = keyof typeof LOGGING_ENDPOINTS;
export const LOGGING_TYPES: readonly LoggingType[] = LOGGING_TYPE_NAMES;

/** Fastly's other endpoint types: refused with a message saying lacquer does not deliver to them. */
export const UNSUPPORTED_LOGGING_TYPES = [
  'azureblob', 'bigquery', 'cloudfiles', 'digitalocean', 'ftp', 'gcs', 'pubsub', 'heroku', 'kafka', 'kinesis', 'logentries',
  'logshuttle', 'openstack', 'scalyr', 'sftp', 'grafanacloudlogs', 'newrelicotlp', 'logs',
] as const;
