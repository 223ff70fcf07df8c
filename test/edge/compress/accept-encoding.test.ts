// Accept-Encoding as Fastly normalises it before vcl_recv, and what a client's value accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptsCoding, normaliseAcceptEncoding, normalisedAcceptEncoding } from '../../../src/edge/compress/index.ts';
import { HeaderMap } from '../../../src/edge/header-map.ts';

test('normalisation picks one coding, br before gzip before deflate, and removes the rest', () => {
  const cases: Array<[string | null, string | null]> = [
    ['gzip, deflate, br', 'br'],
    ['deflate, gzip', 'gzip'],
    ['gzip;q=0.5, deflate', 'gzip'],
    ['deflate', 'deflate'],
    ['x-gzip', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['gzip;q=0', null],
    ['identity', null],
    ['*', 'br'],
    ['*;q=0, gzip', 'gzip'],
    ['', null],
    [null, null],
  ];
  for (const [value, expected] of cases) assert.equal(normalisedAcceptEncoding(value), expected, String(value));
});

test('normalising a request keeps the client value in Fastly-Orig-Accept-Encoding', () => {
  const h = HeaderMap.from({ 'accept-encoding': 'gzip, deflate, br, zstd' });
  assert.equal(normaliseAcceptEncoding(h), 'gzip, deflate, br, zstd');
  assert.deepEqual(h.fields, { 'accept-encoding': 'br', 'fastly-orig-accept-encoding': 'gzip, deflate, br, zstd' });
  const identity = HeaderMap.from({ 'accept-encoding': 'identity' });
  normaliseAcceptEncoding(identity);
  assert.deepEqual(identity.fields, { 'fastly-orig-accept-encoding': 'identity' });
  const none = HeaderMap.from({});
  assert.equal(normaliseAcceptEncoding(none), null);
  assert.deepEqual(none.fields, {});
});

test('acceptsCoding reads q-values and the wildcard (RFC 9110 §12.5.3)', () => {
  assert.equal(acceptsCoding('gzip', 'gzip'), true);
  assert.equal(acceptsCoding('GZIP;Q=1.0', 'gzip'), true);
  assert.equal(acceptsCoding('gzip;q=0', 'gzip'), false);
  assert.equal(acceptsCoding('br', 'gzip'), false);
  assert.equal(acceptsCoding('*', 'gzip'), true);
  assert.equal(acceptsCoding('*, gzip;q=0', 'gzip'), false);
  assert.equal(acceptsCoding(null, 'gzip'), false);
});
