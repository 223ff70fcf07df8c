// The HTTP endpoint types and S3 end to end: one request to the edge, and each receiver on
// loopback (--log-intake points the vendors' fixed hosts at it) gets one request in the shape
// and with the headers its service documents; batches keep their limits; S3 objects arrive
// under the endpoint's path with a valid SigV4 signature.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { startEdgeStack, waitFor } from '../harness.ts';
import { httpReceiver, s3Receiver } from './receivers.ts';
import { loggedService } from './service.ts';

const JSON_FORMAT = '{"url":"%{req.url}V","status":%>s}';

test('each HTTP logging service gets one request per batch in its documented shape and headers', async (t) => {
  const rx = await httpReceiver(t);
  const types = ['datadog', 'newrelic', 'honeycomb', 'loggly', 'sumologic', 'splunk', 'elasticsearch', 'https'];
  const lq = await startEdgeStack(t, { logIntake: types.map((type) => `${type}=${rx.origin}`).join(',') });
  await loggedService(t, lq, 'vendors.example', [
    ['logging/datadog', { name: 'dd', token: 'dd-key', region: 'EU', format: JSON_FORMAT }],
    ['logging/newrelic', { name: 'nr', token: 'nr-key', format: JSON_FORMAT }],
    ['logging/honeycomb', { name: 'hc', token: 'hc-key', dataset: 'edge', format: JSON_FORMAT }],
    ['logging/loggly', { name: 'lg', token: 'lg-token', format: '%U %>s' }],
    ['logging/sumologic', { name: 'sumo', url: 'https://collectors.sumologic.com/receiver/v1/http/abc', message_type: 'blank', format: '%U %>s' }],
    ['logging/splunk', { name: 'hec', url: 'https://splunk.example:8088/services/collector/event', token: 'hec-token', format: JSON_FORMAT }],
    ['logging/elasticsearch', { name: 'es', url: 'https://es.example:9200', index: 'fastly-%Y', pipeline: 'geo', user: 'u', password: 'p', format: JSON_FORMAT }],
    ['logging/https', { name: 'hook', url: 'https://hooks.example/in', json_format: '1', header_name: 'X-Auth', header_value: 's3cret', format: JSON_FORMAT }],
  ]);
  assert.equal((await lq.edge('vendors.example', { path: '/one' })).status, 200);
  await waitFor(() => rx.requests.length >= 8, 10_000, 'every endpoint delivered');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(rx.requests.length, 8);
  const by = (path: string) => {
    const found = rx.requests.filter((r) => r.url.startsWith(path));
    assert.equal(found.length, 1, path);
    return found[0];
  };
  const line = { url: '/one', status: 200 };
  const year = String(new Date().getUTCFullYear());

  const dd = by('/api/v2/logs');
  assert.deepEqual([dd.method, dd.headers['dd-api-key'], dd.headers['content-type'], JSON.parse(dd.body)], ['POST', 'dd-key', 'application/json', [line]]);
  const nr = by('/log/v1');
  assert.deepEqual([nr.headers['x-insert-key'], JSON.parse(nr.body)], ['nr-key', [{ logs: [line] }]]);
  const hc = by('/1/batch/edge');
  assert.deepEqual([hc.headers['x-honeycomb-team'], JSON.parse(hc.body)], ['hc-key', [{ data: line }]]);
  const lg = by('/bulk/lg-token/tag/bulk/');
  assert.deepEqual([lg.headers['content-type'], lg.body], ['text/plain', '/one 200\n']);
  const sumo = by('/receiver/v1/http/abc');
  assert.equal(sumo.body, '/one 200\n');
  const hec = by('/services/collector/event');
  assert.deepEqual([hec.headers.authorization, JSON.parse(hec.body)], ['Splunk hec-token', { event: line }]);
  const es = by('/_bulk');
  assert.equal(es.url, '/_bulk?pipeline=geo');
  assert.deepEqual([es.headers['content-type'], es.headers.authorization], ['application/x-ndjson', `Basic ${Buffer.from('u:p').toString('base64')}`]);
  assert.equal(es.body, `${JSON.stringify({ index: { _index: `fastly-${year}` } })}\n${JSON.stringify(line)}\n`);
  const hook = by('/in');
  assert.deepEqual([hook.method, hook.headers['x-auth'], hook.headers['content-type'], JSON.parse(hook.body)], ['POST', 's3cret', 'application/json', [line]]);
});

test('an https endpoint sends batches of at most request_max_entries lines, gzip-compressed when asked', async (t) => {
  const rx = await httpReceiver(t);
  const lq = await startEdgeStack(t, { logIntake: `https=${rx.origin}` });
  await loggedService(t, lq, 'batches.example', [
    ['logging/https', { name: 'batched', url: 'https://hooks.example/batch', request_max_entries: 3, period: 1, gzip_level: 9, format: '%U' }],
  ]);
  for (let i = 0; i < 7; i++) await lq.edge('batches.example', { path: `/${i}` });
  await waitFor(() => rx.requests.reduce((n, r) => n + r.body.split('\n').length - 1, 0) >= 7, 10_000, 'seven lines arrive');
  assert.deepEqual(rx.requests.map((r) => r.headers['content-encoding']), rx.requests.map(() => 'gzip'));
  assert.deepEqual(rx.requests.map((r) => r.body), ['/0\n/1\n/2\n', '/3\n/4\n/5\n', '/6\n']);
});

test('an https endpoint over TLS verifies the receiver with tls_ca_cert', async (t) => {
  const { selfSignedCert } = await import('../../edge/helpers.ts');
  const cert = await selfSignedCert(['hooks.localhost']);
  const rx = await httpReceiver(t, cert);
  const lq = await startEdgeStack(t);
  await loggedService(t, lq, 'tls-hook.example', [
    ['logging/https', { name: 'tls', url: `https://127.0.0.1:${new URL(rx.origin).port}/tls`, tls_ca_cert: cert.cert, tls_hostname: 'hooks.localhost', period: 1, format: '%U' }],
  ]);
  await lq.edge('tls-hook.example', { path: '/secure' });
  await waitFor(() => rx.requests.length >= 1, 10_000, 'the batch arrives over TLS');
  assert.equal(rx.requests[0].body, '/secure\n');
});

test('an S3 endpoint puts one signed object per period under its path, and an S3-compatible store verifies the signature', async (t) => {
  const credentials = { accessKeyId: 'AKIDLACQUER', secretAccessKey: 'lacquer-secret' };
  const rx = await s3Receiver(t, credentials);
  const lq = await startEdgeStack(t, { logIntake: `s3=${rx.origin}` });
  await loggedService(t, lq, 's3.example', [['logging/s3', {
    name: 'archive', bucket_name: 'edge-logs', domain: 'storage.internal:9000', access_key: credentials.accessKeyId, secret_key: credentials.secretAccessKey,
    path: '/fastly/%Y/', period: 1, gzip_level: 6, message_type: 'blank', redundancy: 'standard_ia', server_side_encryption: 'AES256', format: '%U %>s',
  }], ['logging/s3', {
    name: 'forged', bucket_name: 'edge-logs', domain: 'storage.internal:9000', access_key: credentials.accessKeyId, secret_key: 'not-the-secret', period: 1, format: '%U',
  }]]);
  for (const p of ['/a', '/b', '/c']) await lq.edge('s3.example', { path: p });
  await waitFor(() => rx.requests.length >= 1, 10_000, 'an object is put');
  const put = rx.requests[0];
  const year = String(new Date().getUTCFullYear());
  assert.equal(put.method, 'PUT');
  assert.match(put.url, new RegExp(`^/edge-logs/fastly/${year}/${year}-\\d{2}-\\d{2}T\\d{2}(%3A|:)\\d{2}(%3A|:)\\d{2}\\.000-[A-Za-z0-9_-]{8}\\.log\\.gz$`));
  assert.deepEqual([put.headers['x-amz-storage-class'], put.headers['x-amz-server-side-encryption']], ['STANDARD_IA', 'AES256']);
  assert.equal(zlib.gunzipSync(put.raw).toString('utf8'), '/a 200\n/b 200\n/c 200\n');
  // The receiver really checks: the endpoint signing with the wrong secret is refused, every time.
  await waitFor(() => rx.rejected >= 1, 10_000, 'the forged signature is refused');
  assert.equal(rx.requests.length, 1);
});
