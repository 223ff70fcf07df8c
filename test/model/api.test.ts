import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backend, director, domain, healthcheck, parseRecord, service, settings, vcl, type Resource } from '../../src/model/api/index.ts';

function errorsOf(resource: Resource, body: Record<string, unknown>): string[] {
  const r = parseRecord(resource, body, null);
  return r.ok ? [] : r.errors.map((e) => e.message);
}

function recordOf(resource: Resource, body: Record<string, unknown>): Record<string, unknown> {
  const r = parseRecord(resource, body, null);
  assert.ok(r.ok, r.ok ? '' : r.errors.map((e) => e.message).join('; '));
  return r.record;
}

// Each validation rule (DESIGN.md §4.2): the body that breaks it and the exact message naming field and rule.
const rules: Array<[string, Resource, Record<string, unknown>, string]> = [
  ['address is required', backend, { name: 'a' }, 'address: is required'],
  ['address must be an IP or hostname', backend, { name: 'a', address: 'exa mple.com' }, 'address: must be a valid IPv4 address, IPv6 address or hostname'],
  ['address rejects a bad IPv4', backend, { name: 'a', address: '300.1.1.1' }, 'address: must be a valid IPv4 address, IPv6 address or hostname'],
  ['port 0 is out of range', backend, { name: 'a', address: 'x.com', port: '0' }, 'port: must be an integer from 1 to 65535'],
  ['port 65536 is out of range', backend, { name: 'a', address: 'x.com', port: 65536 }, 'port: must be an integer from 1 to 65535'],
  ['port must be an integer', backend, { name: 'a', address: 'x.com', port: '80.5' }, 'port: must be an integer from 1 to 65535'],
  ['timeouts are positive', backend, { name: 'a', address: 'x.com', connect_timeout: '0' }, 'connect_timeout: must be an integer from 1 to 3600000'],
  ['first_byte_timeout at most one hour', backend, { name: 'a', address: 'x.com', first_byte_timeout: 3_600_001 }, 'first_byte_timeout: must be an integer from 1 to 3600000'],
  ['max_conn is positive', backend, { name: 'a', address: 'x.com', max_conn: -1 }, 'max_conn: must be an integer from 1 to 100000'],
  ['booleans are 1/0/true/false', backend, { name: 'a', address: 'x.com', use_ssl: 'yes' }, 'use_ssl: must be a boolean (true, false, 1 or 0)'],
  ['override_host has no CR/LF', backend, { name: 'a', address: 'x.com', override_host: 'a\r\nX-Evil: 1' }, 'override_host: must not contain CR, LF or NUL and be at most 253 characters'],
  ['name has no NUL', backend, { name: 'a\0b', address: 'x.com' }, 'name: must be 1 to 255 characters with no control or bidirectional control characters'],
  ['share_key is alphanumeric', backend, { name: 'a', address: 'x.com', share_key: 'a-b' }, 'share_key: must be alphanumeric'],
  ['tls versions are known', backend, { name: 'a', address: 'x.com', min_tls_version: '1.4' }, 'min_tls_version: must be one of 1.0, 1.1, 1.2, 1.3'],
  ['min tls not above max', backend, { name: 'a', address: 'x.com', min_tls_version: '1.3', max_tls_version: '1.2' }, 'min_tls_version: must not be above max_tls_version (1.2)'],
  ['check_interval at least 1 s', healthcheck, { name: 'h', check_interval: 999 }, 'check_interval: must be an integer from 1000 to 3600000'],
  ['check_interval at most 1 h', healthcheck, { name: 'h', check_interval: 3_600_001 }, 'check_interval: must be an integer from 1000 to 3600000'],
  ['window at most 64', healthcheck, { name: 'h', window: 65 }, 'window: must be an integer from 1 to 64'],
  ['threshold within window', healthcheck, { name: 'h', window: 3, threshold: 4 }, 'threshold: must not exceed window (3)'],
  ['initial within window', healthcheck, { name: 'h', window: 3, threshold: 2, initial: 4 }, 'initial: must not exceed window (3)'],
  ['healthcheck host has no CR/LF', healthcheck, { name: 'h', host: 'a\nb' }, 'host: must not contain CR, LF or NUL and be at most 253 characters'],
  ['path has no CR/LF', healthcheck, { name: 'h', path: '/a\r\nHost: evil' }, 'path: must start with / and contain no whitespace, CR, LF or NUL'],
  ['method is a token', healthcheck, { name: 'h', method: 'GET /x' }, 'method: must be an HTTP method token (RFC 9110 §9)'],
  ['headers have no CR/LF', healthcheck, { name: 'h', headers: ['X-A: 1\r\nX-B: 2'] }, 'headers: must be a list of at most 64 "Name: value" headers, each with a token name and must not contain CR, LF or NUL'],
  ['headers need a colon', healthcheck, { name: 'h', headers: '["NoColon"]' }, 'headers: must be a list of at most 64 "Name: value" headers, each with a token name and must not contain CR, LF or NUL'],
  ['expected_response is a status', healthcheck, { name: 'h', expected_response: 600 }, 'expected_response: must be an integer from 100 to 599'],
  ['http_version is 1.0 or 1.1', healthcheck, { name: 'h', http_version: '2' }, 'http_version: must be one of 1.0, 1.1'],
  ['director type is 1, 3 or 4', director, { name: 'd', type: 2 }, 'type: must be one of 1, 3, 4'],
  ['director quorum is a percentage', director, { name: 'd', quorum: 101 }, 'quorum: must be an integer from 0 to 100'],
  ['domain is a hostname', domain, { name: 'bad_domain!' }, 'name: must be a hostname, optionally starting with one "*." wildcard label'],
  ['vcl content is required', vcl, { name: 'main' }, 'content: is required'],
  ['service type is vcl', service, { name: 's', type: 'wasm' }, 'type: must be one of vcl'],
  ['default_ttl is not negative', settings, { 'general.default_ttl': -1 }, 'general.default_ttl: must be an integer from 0 to 2147483647'],
];

for (const [name, resource, body, message] of rules) {
  test(`${resource.kind}: ${name}`, () => {
    assert.deepEqual(errorsOf(resource, body), [message]);
  });
}

test('backend defaults are Fastly\'s and unset fields are null', () => {
  const r = recordOf(backend, { name: 'origin', address: 'example.com' });
  assert.equal(r.port, 80);
  assert.equal(r.use_ssl, false);
  assert.equal(r.ssl_check_cert, true);
  assert.equal(r.connect_timeout, 1000);
  assert.equal(r.first_byte_timeout, 15000);
  assert.equal(r.between_bytes_timeout, 10000);
  assert.equal(r.max_conn, 200);
  assert.equal(r.weight, 100);
  assert.equal(r.hostname, 'example.com');
  assert.equal(r.ipv4, null);
  assert.equal(r.share_key, null);
  assert.equal(r.ssl_cert_hostname, null);
});

test('an address is echoed in hostname, ipv4 or ipv6 by its kind', () => {
  assert.deepEqual(pick(recordOf(backend, { name: 'a', address: '192.0.2.1' })), [null, '192.0.2.1', null]);
  assert.deepEqual(pick(recordOf(backend, { name: 'a', address: '2001:db8::1' })), [null, null, '2001:db8::1']);
  assert.deepEqual(pick(recordOf(backend, { name: 'a', hostname: 'h.example' })), ['h.example', null, null]);
  function pick(r: Record<string, unknown>): unknown[] {
    return [r.hostname, r.ipv4, r.ipv6];
  }
});

test('port 443 without use_ssl turns TLS on, 80 off, and an explicit use_ssl wins', () => {
  assert.equal(recordOf(backend, { name: 'a', address: 'x.com', port: '443' }).use_ssl, true);
  assert.equal(recordOf(backend, { name: 'a', address: 'x.com', port: '443', use_ssl: '0' }).use_ssl, false);
  const prev = recordOf(backend, { name: 'a', address: 'x.com', port: 443 });
  const updated = parseRecord(backend, { port: 80 }, prev);
  assert.ok(updated.ok);
  assert.equal(updated.record.use_ssl, false);
});

test('booleans accept 1/0/true/false and empty strings mean unset', () => {
  const r = recordOf(backend, { name: 'a', address: 'x.com', use_ssl: '1', ssl_check_cert: 'false', ssl_cert_hostname: '', ssl_sni_hostname: '', auto_loadbalance: true });
  assert.deepEqual([r.use_ssl, r.ssl_check_cert, r.ssl_cert_hostname, r.ssl_sni_hostname, r.auto_loadbalance], [true, false, null, null, true]);
});

test('healthcheck headers parse from a JSON array string or comma-separated text, normalised and sorted', () => {
  assert.deepEqual(recordOf(healthcheck, { name: 'h', headers: '["X-B:  2", "X-A: 1"]' }).headers, ['X-A: 1', 'X-B: 2']);
  assert.deepEqual(recordOf(healthcheck, { name: 'h', headers: 'Foo: Bar,Accept:text/html' }).headers, ['Accept: text/html', 'Foo: Bar']);
  assert.deepEqual(recordOf(healthcheck, { name: 'h' }).headers, []);
});

test('healthcheck defaults are Fastly\'s', () => {
  const r = recordOf(healthcheck, { name: 'h' });
  assert.deepEqual([r.method, r.path, r.http_version, r.expected_response, r.check_interval, r.timeout, r.window, r.threshold, r.initial],
    ['HEAD', '/', '1.1', 200, 5000, 500, 5, 3, 2]);
});

test('an update keeps the previous values of fields not sent', () => {
  const prev = recordOf(backend, { name: 'a', address: 'x.com', port: 8080, comment: 'keep' });
  const r = parseRecord(backend, { first_byte_timeout: '2000' }, prev);
  assert.ok(r.ok);
  assert.deepEqual([r.record.port, r.record.comment, r.record.first_byte_timeout], [8080, 'keep', 2000]);
});

test('domains are stored lower-case and wildcard domains are accepted', () => {
  assert.equal(recordOf(domain, { name: 'WWW.Example.COM' }).name, 'www.example.com');
  assert.equal(recordOf(domain, { name: '*.example.com' }).name, '*.example.com');
});

test('director backends are read-only in the body', () => {
  assert.deepEqual(recordOf(director, { name: 'd', backends: '["a"]' }).backends, []);
});
