// Logging endpoints through the API: each type as the Terraform provider sends it (go-fastly's
// form bodies, every field present, unset ones empty) in a cloned version, activated, with the
// log statements the generated VCL holds; a 400 naming the field for each bad value; Fastly's
// other endpoint types refused by name; condition renames; the official fastly JS client.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { ADMIN, startApi, type Api } from './helpers.ts';

const form = (fields: Record<string, string | number>): string =>
  new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)])).toString();

async function ok(api: Api, method: string, path: string, body?: Record<string, unknown> | string): Promise<Record<string, unknown>> {
  const r = await api.call(method, path, body);
  assert.equal(r.status, 200, `${method} ${path} → ${r.status} ${r.text}`);
  return r.body as Record<string, unknown>;
}

async function service(api: Api): Promise<string> {
  const sid = ((await api.call('POST', '/service', { name: 'logs' })).body as { id: string }).id;
  await ok(api, 'POST', `/service/${sid}/version/1/domain`, { name: 'logs.example' });
  await ok(api, 'POST', `/service/${sid}/version/1/backend`, { name: 'web', address: '127.0.0.1' });
  return sid;
}

// What go-fastly sends for each type when Terraform creates it: every attribute, unset ones empty.
const COMMON = { format: '%h %l %u %t "%r" %>s %b', format_version: 2, placement: '', response_condition: '', log_processing_region: 'none' };
const TLS = { tls_ca_cert: '', tls_client_cert: '', tls_client_key: '', tls_hostname: '' };
const TERRAFORM: Record<string, Record<string, string | number>> = {
  syslog: { ...COMMON, ...TLS, name: 'syslog', address: 'logs.example.net', port: 514, use_tls: 0, token: '', message_type: 'classic' },
  papertrail: { ...COMMON, name: 'papertrail', address: 'logs.papertrailapp.com', port: 12345 },
  https: { ...COMMON, ...TLS, name: 'https', url: 'https://hooks.example.net/logs', method: 'POST', content_type: '', header_name: '', header_value: '',
    json_format: '0', message_type: 'blank', request_max_entries: 0, request_max_bytes: 0, period: 5, compression_codec: '', gzip_level: 0 },
  s3: { ...COMMON, name: 's3', bucket_name: 'my-logs', access_key: 'AKID', secret_key: 'secret', iam_role: '', domain: 's3.eu-west-1.amazonaws.com',
    path: '/fastly/%Y/%m/', period: 3600, gzip_level: 0, compression_codec: 'zstd', message_type: 'classic', timestamp_format: '%Y-%m-%dT%H:%M:%S.000',
    redundancy: 'standard', server_side_encryption: '', server_side_encryption_kms_key_id: '', acl: '', public_key: '', file_max_bytes: '' },
  datadog: { ...COMMON, name: 'datadog', token: 'dd-token', region: 'EU' },
  splunk: { ...COMMON, ...TLS, name: 'splunk', url: 'https://splunk.example.net:8088/services/collector/event', token: 'hec', request_max_entries: 0, request_max_bytes: 0, use_tls: 1 },
  newrelic: { ...COMMON, name: 'newrelic', token: 'nr', region: 'US' },
  honeycomb: { ...COMMON, name: 'honeycomb', dataset: 'edge', token: 'hc' },
  elasticsearch: { ...COMMON, ...TLS, name: 'elasticsearch', url: 'https://es.example.net:9200', index: 'fastly-%Y.%m.%d', pipeline: '', user: 'u', password: 'p',
    request_max_entries: 0, request_max_bytes: 0 },
  sumologic: { ...COMMON, name: 'sumologic', url: 'https://collectors.sumologic.com/receiver/v1/http/x', message_type: 'classic' },
  loggly: { ...COMMON, name: 'loggly', token: 'abc-123' },
};

test('every logging type applies as Terraform sends it, and the activated version logs to each in vcl_log', async (t) => {
  const api = await startApi(t);
  const sid = await service(api);
  await ok(api, 'PUT', `/service/${sid}/version/1/activate`);
  const v = (await ok(api, 'PUT', `/service/${sid}/version/1/clone`)).number as number;
  const base = `/service/${sid}/version/${v}`;
  for (const [type, body] of Object.entries(TERRAFORM)) {
    const made = await ok(api, 'POST', `${base}/logging/${type}`, form(body));
    assert.deepEqual([made.name, made.format_version, made.placement, made.response_condition, made.service_id, made.version], [type, 2, null, null, sid, v]);
    const listed = await ok(api, 'GET', `${base}/logging/${type}`) as unknown as Array<{ name: string }>;
    assert.deepEqual(listed.map((e) => e.name), [type]);
  }
  const s3 = await ok(api, 'GET', `${base}/logging/s3/s3`);
  assert.deepEqual([s3.compression_codec, s3.gzip_level, s3.iam_role, s3.server_side_encryption, s3.file_max_bytes], ['zstd', 0, null, null, null]);
  const syslog = await ok(api, 'GET', `${base}/logging/syslog/syslog`);
  assert.deepEqual([syslog.hostname, syslog.ipv4, syslog.use_tls, syslog.port], ['logs.example.net', null, false, 514]);
  await ok(api, 'PUT', `${base}/activate`);
  const vcl = (await ok(api, 'GET', `${base}/generated_vcl`)).content as string;
  const clf = ` "syslog ${sid} datadog :: " client.ip " - - [" strftime("%25d/%25b/%25Y:%25H:%25M:%25S %25z", time.start) "] %22" req.method " " req.url " "`
    + ` req.proto "%22 " resp.status " " if(resp.body_bytes_written == 0, "-", resp.body_bytes_written);`;
  assert.ok(vcl.includes(`  # logging datadog datadog\n  log${clf}`), vcl);
  for (const type of Object.keys(TERRAFORM)) assert.ok(vcl.includes(`  log "syslog ${sid} ${type} :: "`), type);
  assert.ok(vcl.indexOf('sub vcl_log {') < vcl.indexOf('# logging syslog syslog'));
});

test('format_version 1 logs in vcl_deliver and a response_condition wraps the statement', async (t) => {
  const api = await startApi(t);
  const sid = await service(api);
  const base = `/service/${sid}/version/1`;
  await ok(api, 'POST', `${base}/condition`, { name: 'errors', type: 'RESPONSE', statement: 'resp.status >= 500' });
  await ok(api, 'POST', `${base}/logging/syslog`, { name: 'old', address: '127.0.0.1', format_version: 1, format: '%>s' });
  await ok(api, 'POST', `${base}/logging/syslog`, { name: 'errs', address: '127.0.0.1', format: '%U', response_condition: 'errors' });
  const vcl = (await ok(api, 'GET', `${base}/generated_vcl`)).content as string;
  const deliver = vcl.slice(vcl.indexOf('sub vcl_deliver {'), vcl.indexOf('sub vcl_log {'));
  assert.ok(deliver.includes(`  # logging syslog old\n  log "syslog ${sid} old :: " resp.status;`), deliver);
  assert.ok(vcl.includes(`  # logging syslog errs\n  if (resp.status >= 500) {\n    log "syslog ${sid} errs :: " req.url.path;\n  }`), vcl);
  // Renaming the condition renames it in the endpoint.
  await ok(api, 'PUT', `${base}/condition/errors`, { name: 'server_errors' });
  assert.equal((await ok(api, 'GET', `${base}/logging/syslog/errs`)).response_condition, 'server_errors');
});

test('bad input is a 400 naming the field and its rule, and nothing is stored', async (t) => {
  const api = await startApi(t);
  const sid = await service(api);
  const base = `/service/${sid}/version/1`;
  await ok(api, 'POST', `${base}/condition`, { name: 'req_only', type: 'REQUEST', statement: 'req.url ~ "^/a"' });
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['syslog', { name: 's', address: 'not a host!' }, 'address: must be a valid IPv4 address, IPv6 address or hostname'],
    ['syslog', { name: 's', address: 'h.example', port: 70000 }, 'port: must be an integer from 1 to 65535'],
    ['syslog', { name: 's', address: 'h.example', message_type: 'json' }, 'message_type: must be one of classic, loggly, logplex, blank'],
    ['syslog', { name: 's', address: 'h.example', format_version: 3 }, 'format_version: must be one of 1, 2'],
    ['syslog', { name: 's', address: 'h.example', placement: 'waf_debug' }, 'placement: must be one of none'],
    ['syslog', { name: 's', address: 'h.example', log_processing_region: 'eu' }, 'log_processing_region: must be none: lacquer sends logs from the edge node that served the request'],
    ['syslog', { name: 's', address: 'h.example', format: '%h %Z' }, "format: %Z: not a directive Fastly's log formats have"],
    ['syslog', { name: 's', address: 'h.example', format: '%{req.url ~}V' }, 'format: %{req.url ~}V: not one VCL expression'],
    ['syslog', { name: 's', address: 'h.example', format: '%{client.geo.nope}V' }, 'format: '],
    ['syslog', { name: 's', address: 'h.example', response_condition: 'missing' }, "response_condition: no condition named 'missing' in version 1"],
    ['syslog', { name: 's', address: 'h.example', response_condition: 'req_only' }, "response_condition: condition 'req_only' is of type REQUEST; response_condition takes a condition of type RESPONSE here"],
    ['syslog', { name: 's', address: 'h.example', tls_ca_cert: 'nope' }, 'tls_ca_cert: must be a certificate in PEM format'],
    ['syslog', { name: 's' }, 'address: is required'],
    ['https', { name: 'h', url: 'http://plain.example/' }, 'url: must be an https:// URL'],
    ['https', { name: 'h', url: 'https://x.example/', json_format: '3' }, 'json_format: must be one of 0, 1, 2'],
    ['https', { name: 'h', url: 'https://x.example/', header_name: 'X-A' }, 'header_value: is required with header_name'],
    ['https', { name: 'h', url: 'https://x.example/', compression_codec: 'snappy' }, 'compression_codec: must be one of gzip, zstd'],
    ['https', { name: 'h', url: 'https://x.example/', compression_codec: 'gzip', gzip_level: 3 }, 'gzip_level: cannot be set together with compression_codec'],
    ['s3', { name: 'b', bucket_name: 'Bad_Bucket', access_key: 'a', secret_key: 'b' }, 'bucket_name: must be an S3 bucket name'],
    ['s3', { name: 'b', bucket_name: 'logs', access_key: 'a' }, 'secret_key: is required unless iam_role is given'],
    ['s3', { name: 'b', bucket_name: 'logs', iam_role: 'role' }, 'iam_role: must be an IAM role ARN'],
    ['s3', { name: 'b', bucket_name: 'logs', access_key: 'a', secret_key: 'b', server_side_encryption: 'aws:kms' }, 'server_side_encryption_kms_key_id: is required with, and only with, server_side_encryption aws:kms'],
    ['s3', { name: 'b', bucket_name: 'logs', access_key: 'a', secret_key: 'b', public_key: '-----BEGIN PGP' }, 'public_key: is not supported'],
    ['s3', { name: 'b', bucket_name: 'logs', access_key: 'a', secret_key: 'b', redundancy: 'cold' }, 'redundancy: must be one of standard'],
    ['datadog', { name: 'd', token: 'k', region: 'MARS' }, 'region: must be one of US, US3, US5, EU, AP1'],
    ['datadog', { name: 'd' }, 'token: is required'],
    ['splunk', { name: 'sp', url: 'https://s.example/' }, 'token: is required'],
    ['newrelic', { name: 'n', token: 'k', region: 'APAC' }, 'region: must be one of US, EU'],
    ['honeycomb', { name: 'hc', token: 'k', dataset: 'a/b' }, 'dataset: must be 1 to 255 characters without spaces'],
    ['elasticsearch', { name: 'e', url: 'https://es.example/', index: 'a b' }, 'index: must be an Elasticsearch index name'],
    ['sumologic', { name: 'su', url: 'ftp://x' }, 'url: must be an https:// URL'],
    ['loggly', { name: 'l', token: 'bad token' }, 'token: must be a Loggly customer token'],
    ['papertrail', { name: 'p', address: 'x.example', port: 0 }, 'port: must be an integer from 1 to 65535'],
  ];
  for (const [type, body, message] of cases) {
    const r = await api.call('POST', `${base}/logging/${type}`, body);
    assert.equal(r.status, 400, `${type} ${JSON.stringify(body)} → ${r.status} ${r.text}`);
    const detail = (r.body as { detail: string }).detail;
    assert.ok(detail.startsWith(message), `${type} ${JSON.stringify(body)}: ${detail}`);
    assert.deepEqual((await ok(api, 'GET', `${base}/logging/${type}`)), []);
  }
});

test("Fastly's endpoint types lacquer does not deliver to are refused by name on every verb", async (t) => {
  const api = await startApi(t);
  const sid = await service(api);
  const base = `/service/${sid}/version/1/logging`;
  for (const [method, path] of [['POST', '/gcs'], ['GET', '/bigquery'], ['PUT', '/kafka/k'], ['DELETE', '/ftp/f'], ['GET', '/s4']] as const) {
    const r = await api.call(method, `${base}${path}`, method === 'POST' || method === 'PUT' ? { name: 'x' } : undefined);
    assert.equal(r.status, 400, `${method} ${path}`);
    const type = path.split('/')[1];
    const detail = (r.body as { detail: string }).detail;
    assert.equal(detail.split(';')[0], type === 's4' ? `logging/s4: 's4' is not a logging endpoint type` : `logging/${type}: Fastly's ${type} logging endpoint is not supported by lacquer`);
  }
});

test('a clone keeps the endpoints; a locked version refuses changes', async (t) => {
  const api = await startApi(t);
  const sid = await service(api);
  await ok(api, 'POST', `/service/${sid}/version/1/logging/datadog`, { name: 'dd', token: 'k' });
  await ok(api, 'PUT', `/service/${sid}/version/1/activate`);
  assert.equal((await api.call('PUT', `/service/${sid}/version/1/logging/datadog/dd`, { region: 'EU' })).status, 422);
  await ok(api, 'PUT', `/service/${sid}/version/1/clone`);
  const updated = await ok(api, 'PUT', `/service/${sid}/version/2/logging/datadog/dd`, { region: 'EU', name: 'datadog-eu' });
  assert.deepEqual([updated.name, updated.region, updated.token], ['datadog-eu', 'EU', 'k']);
  assert.equal((await api.call('DELETE', `/service/${sid}/version/2/logging/datadog/datadog-eu`)).status, 200);
  assert.deepEqual(await ok(api, 'GET', `/service/${sid}/version/2/logging/datadog`), []);
});

type Call = (options: Record<string, unknown>) => Promise<Record<string, unknown> & Array<Record<string, unknown>>>;
type ApiClass = new () => Record<string, Call>;
interface FastlyModule {
  ApiClient: { instance: { plugins: Array<(req: { url: string }) => unknown> | null; authenticate(token: string): void } };
  ServiceApi: ApiClass;
  LoggingSyslogApi: ApiClass;
  LoggingS3Api: ApiClass;
}

test('the fastly JS client v13 creates, lists, updates and deletes syslog and S3 endpoints', async (t) => {
  const api = await startApi(t);
  const Fastly = createRequire(import.meta.url)('fastly') as FastlyModule;
  const client = Fastly.ApiClient.instance;
  client.authenticate(ADMIN);
  client.plugins = [(req) => { req.url = req.url.replace(/^https:\/\/api\.fastly\.com/, api.base); return req; }];
  t.after(() => { client.plugins = null; });
  const sid = (await new Fastly.ServiceApi().createService({ name: 'js-logs' })).id as string;
  const v = { service_id: sid, version_id: 1 };
  const syslog = new Fastly.LoggingSyslogApi();
  const made = await syslog.createLogSyslog({ ...v, name: 'js', address: '192.0.2.10', port: 6514, use_tls: '1', message_type: 'loggly', format_version: '2' });
  assert.deepEqual([made.name, made.address, made.ipv4, made.port, made.message_type, made.format_version], ['js', '192.0.2.10', '192.0.2.10', 6514, 'loggly', '2']);
  assert.deepEqual((await syslog.listLogSyslog(v)).map((e) => e.name), ['js']);
  const updated = await syslog.updateLogSyslog({ ...v, logging_syslog_name: 'js', token: 'tok' });
  assert.equal(updated.token, 'tok');
  const s3 = new Fastly.LoggingS3Api();
  const bucket = await s3.createLogAwsS3({ ...v, name: 'bucket', bucket_name: 'js-logs', access_key: 'AKID', secret_key: 'sk', period: 60, gzip_level: 6 });
  assert.deepEqual([bucket.bucket_name, bucket.period, bucket.gzip_level, bucket.domain], ['js-logs', '60', '6', 's3.amazonaws.com']);
  await syslog.deleteLogSyslog({ ...v, logging_syslog_name: 'js' });
  assert.deepEqual(await syslog.listLogSyslog(v), []);
});
