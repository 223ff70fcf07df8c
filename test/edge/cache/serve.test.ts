import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRange, serveObject, stripEdgeFields } from '../../../src/edge/cache/serve.ts';
import type { StoredHeaders } from '../../../src/edge/cache/fields.ts';
import { object, T0 } from './helpers.ts';

const LAST_MODIFIED = 'Wed, 01 Jan 2025 00:00:00 GMT';
const page = () => object({
  body: '0123456789',
  headers: {
    'content-type': 'text/plain', 'content-length': '10', etag: '"v1"', 'last-modified': LAST_MODIFIED,
    'cache-control': 'max-age=60', 'surrogate-control': 'max-age=3600', 'surrogate-key': 'a b', age: '5',
  },
});
const GET = (headers: Record<string, string> = {}) => ({ method: 'GET', headers });

test('a hit carries Age (origin age + time in cache) and X-Cache-Hits, and no Surrogate-* fields', () => {
  const o = page();
  const first = serveObject(o, GET(), T0 + 12_500);
  assert.equal(first.status, 200);
  assert.equal(first.reason, 'OK');
  assert.equal(first.body.toString(), '0123456789');
  assert.deepEqual({ ...first.headers }, {
    'content-type': 'text/plain', 'content-length': '10', etag: '"v1"', 'last-modified': LAST_MODIFIED,
    'cache-control': 'max-age=60', age: '17', 'x-cache-hits': '1', 'accept-ranges': 'bytes',
  });
  const second = serveObject(o, GET(), T0 + 20_000);
  assert.equal(second.headers.age, '25');
  assert.equal(second.headers['x-cache-hits'], '2');
  assert.equal(o.headers['surrogate-key'], 'a b', 'the stored object keeps its keys for purges');
});

test('HEAD is answered from a GET object: same head, no body', () => {
  const r = serveObject(page(), { method: 'HEAD', headers: {} }, T0);
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-length'], '10');
  assert.equal(r.body.length, 0);
});

test('If-None-Match with the stored ETag is answered 304 without body or content fields', () => {
  const r = serveObject(page(), GET({ 'if-none-match': '"x", W/"v1"' }), T0);
  assert.equal(r.status, 304);
  assert.equal(r.reason, 'Not Modified');
  assert.equal(r.body.length, 0);
  assert.equal(r.headers.etag, '"v1"');
  assert.equal(r.headers['content-length'], undefined);
  assert.equal(r.headers['content-type'], undefined);
});

test('If-None-Match: * matches any stored object', () => {
  assert.equal(serveObject(page(), GET({ 'if-none-match': '*' }), T0).status, 304);
});

test('If-None-Match with another ETag gets the full object, and If-Modified-Since is then ignored', () => {
  const r = serveObject(page(), GET({ 'if-none-match': '"v0"', 'if-modified-since': LAST_MODIFIED }), T0);
  assert.equal(r.status, 200);
  assert.equal(r.body.toString(), '0123456789');
});

test('If-Modified-Since at or after Last-Modified is answered 304; before it, 200', () => {
  assert.equal(serveObject(page(), GET({ 'if-modified-since': LAST_MODIFIED }), T0).status, 304);
  assert.equal(serveObject(page(), GET({ 'if-modified-since': 'Thu, 02 Jan 2025 00:00:00 GMT' }), T0).status, 304);
  assert.equal(serveObject(page(), GET({ 'if-modified-since': 'Tue, 31 Dec 2024 00:00:00 GMT' }), T0).status, 200);
  assert.equal(serveObject(page(), GET({ 'if-modified-since': 'not a date' }), T0).status, 200);
});

test('a conditional request on a 404 object is answered with the 404', () => {
  const o = object({ status: 404, body: 'gone', headers: { etag: '"n"' } });
  assert.equal(serveObject(o, GET({ 'if-none-match': '"n"' }), T0).status, 404);
});

test('a single Range is answered 206 with Content-Range and the slice', () => {
  const r = serveObject(page(), GET({ range: 'bytes=2-5' }), T0);
  assert.equal(r.status, 206);
  assert.equal(r.reason, 'Partial Content');
  assert.equal(r.body.toString(), '2345');
  assert.equal(r.headers['content-range'], 'bytes 2-5/10');
  assert.equal(r.headers['content-length'], '4');
});

test('suffix and open ranges', () => {
  assert.equal(serveObject(page(), GET({ range: 'bytes=-3' }), T0).body.toString(), '789');
  assert.equal(serveObject(page(), GET({ range: 'bytes=7-' }), T0).body.toString(), '789');
  assert.equal(serveObject(page(), GET({ range: 'bytes=8-100' }), T0).headers['content-range'], 'bytes 8-9/10');
});

test('an unsatisfiable Range is answered 416 with the size', () => {
  const r = serveObject(page(), GET({ range: 'bytes=10-20' }), T0);
  assert.equal(r.status, 416);
  assert.equal(r.reason, 'Range Not Satisfiable');
  assert.equal(r.headers['content-range'], 'bytes */10');
  assert.equal(r.body.length, 0);
});

test('several ranges, other units and malformed ranges get the whole object', () => {
  for (const range of ['bytes=0-1,4-5', 'items=0-1', 'bytes=5-2', 'bytes=x-']) {
    const r = serveObject(page(), GET({ range }), T0);
    assert.equal(r.status, 200, range);
    assert.equal(r.body.length, 10, range);
  }
});

test('If-Range: the range applies only while the validator matches', () => {
  assert.equal(serveObject(page(), GET({ range: 'bytes=0-1', 'if-range': '"v1"' }), T0).status, 206);
  assert.equal(serveObject(page(), GET({ range: 'bytes=0-1', 'if-range': '"v0"' }), T0).status, 200);
  assert.equal(serveObject(page(), GET({ range: 'bytes=0-1', 'if-range': LAST_MODIFIED }), T0).status, 206);
  assert.equal(serveObject(page(), GET({ range: 'bytes=0-1', 'if-range': 'Thu, 02 Jan 2025 00:00:00 GMT' }), T0).status, 200);
});

test('HEAD with Range gets the full head and no body', () => {
  const r = serveObject(page(), { method: 'HEAD', headers: { range: 'bytes=0-1' } }, T0);
  assert.deepEqual([r.status, r.headers['content-length'], r.body.length], [200, '10', 0]);
});

test('parseRange edge cases', () => {
  assert.deepEqual(parseRange('bytes=0-0', 1), { start: 0, end: 0 });
  assert.deepEqual(parseRange('bytes=-20', 10), { start: 0, end: 9 });
  assert.equal(parseRange('bytes=-0', 10), 'unsatisfiable');
  assert.equal(parseRange('bytes=0-', 0), 'unsatisfiable');
  assert.equal(parseRange('bytes=-', 10), null);
  assert.equal(parseRange(null, 10), null);
});

test('stripEdgeFields removes Surrogate-Control and Surrogate-Key from a passed response', () => {
  const h: StoredHeaders = { 'surrogate-control': 'max-age=1', 'surrogate-key': 'k', 'content-type': 'text/html' };
  stripEdgeFields(h);
  assert.deepEqual({ ...h }, { 'content-type': 'text/html' });
});
