import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveServeOptions, OptionError } from '../../src/process/options.ts';

test('--tls defaults to 127.0.0.1:8443 (DESIGN.md §4.1); LACQUER_TLS sets it; off turns HTTPS off', () => {
  assert.deepEqual(resolveServeOptions({}, {}).tls, { host: '127.0.0.1', port: 8443 });
  assert.deepEqual(resolveServeOptions({}, { LACQUER_TLS: '[::1]:9443' }).tls, { host: '::1', port: 9443 });
  assert.deepEqual(resolveServeOptions({ tls: ':443' }, { LACQUER_TLS: 'off' }).tls, { host: '0.0.0.0', port: 443 });
  assert.equal(resolveServeOptions({ tls: 'off' }, {}).tls, null);
  assert.equal(resolveServeOptions({}, { LACQUER_TLS: 'off' }).tls, null);
});

test('a bad --tls names the option and the rule', () => {
  assert.throws(() => resolveServeOptions({ tls: 'on' }, {}), new OptionError('--tls', 'must be HOST:PORT or off, got "on"'));
  assert.throws(() => resolveServeOptions({ tls: '127.0.0.1:70000' }, {}), new OptionError('--tls', 'must be between 0 and 65535, got 70000'));
  assert.throws(() => resolveServeOptions({}, { LACQUER_TLS: 'localhost' }), new OptionError('LACQUER_TLS (--tls)', 'must be HOST:PORT or off, got "localhost"'));
});
