import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectBuilder, OBJECT_OVERHEAD_BYTES, type ObjectHead } from '../../../src/edge/cache/object.ts';
import { T0 } from './helpers.ts';

function head(headers: Record<string, string> = {}): ObjectHead {
  return {
    serviceId: 's1', status: 200, reason: 'OK', headers, requestHeaders: { 'accept-encoding': 'gzip' },
    lifetimes: { store: true, reason: 'cacheable', ttl: 60, grace: 5, staleIfError: 100 }, surrogateKeys: ['k'],
  };
}

test('a complete body becomes one object with its head, timing and size', () => {
  const b = new ObjectBuilder(head({ 'content-type': 'text/plain', 'content-length': '11', vary: 'Accept-Encoding', age: '3', connection: 'keep-alive' }), 1024);
  b.append(Buffer.from('hello '));
  b.append(Buffer.from('world'));
  const out = b.finish({ truncated: false }, T0);
  assert.equal(out.stored, true);
  if (!out.stored) return;
  const o = out.object;
  assert.equal(o.body.toString(), 'hello world');
  assert.deepEqual({ ...o.headers }, { 'content-type': 'text/plain', 'content-length': '11', vary: 'Accept-Encoding' });
  assert.deepEqual([o.storedAt, o.initialAge, o.ttl, o.grace, o.staleIfError, o.hits], [T0, 3, 60, 5, 100, 0]);
  assert.deepEqual(o.vary, [{ name: 'accept-encoding', value: 'gzip' }]);
  assert.deepEqual(o.surrogateKeys, ['k']);
  const headerBytes = 'content-type'.length + 'text/plain'.length + 4 + 'content-length'.length + 2 + 4 + 'vary'.length + 'Accept-Encoding'.length + 4;
  assert.equal(o.size, 11 + headerBytes + OBJECT_OVERHEAD_BYTES);
});

test('a body the upstream reports truncated is never stored', () => {
  const b = new ObjectBuilder(head(), 1024);
  b.append(Buffer.from('partial'));
  assert.deepEqual(b.finish({ truncated: true }), { stored: false, reason: 'truncated' });
});

test('a body shorter than its Content-Length is never stored', () => {
  const b = new ObjectBuilder(head({ 'content-length': '100' }), 1024);
  b.append(Buffer.from('only this'));
  assert.deepEqual(b.finish({ truncated: false }), { stored: false, reason: 'truncated' });
});

test('a body that grows past maxObjectBytes stops being collected and is not stored', () => {
  const b = new ObjectBuilder(head(), 10);
  b.append(Buffer.alloc(6));
  assert.equal(b.collecting, true);
  b.append(Buffer.alloc(6));
  assert.equal(b.collecting, false);
  assert.deepEqual(b.finish({ truncated: false }), { stored: false, reason: 'too large' });
});

test('a body announced larger than maxObjectBytes is not collected from the start', () => {
  const b = new ObjectBuilder(head({ 'content-length': '11' }), 10);
  assert.equal(b.collecting, false);
  assert.deepEqual(b.finish({ truncated: false }), { stored: false, reason: 'too large' });
});

test('an abandoned fetch stores nothing', () => {
  const b = new ObjectBuilder(head(), 1024);
  b.append(Buffer.from('x'));
  b.abandon();
  assert.deepEqual(b.finish({ truncated: false }), { stored: false, reason: 'abandoned' });
});

test('an empty body is a complete object', () => {
  const out = new ObjectBuilder(head({ 'content-length': '0' }), 1024).finish({ truncated: false });
  assert.equal(out.stored && out.object.body.length, 0);
});

test('a stored body owns exactly its bytes, whatever larger buffer its chunks were views of', () => {
  // Small Buffers share Node's 8 KiB pool; a view of a read buffer keeps all of it: either,
  // kept as the object's body, would hold memory the cache's byte count does not see.
  const pooled = Buffer.from('x'.repeat(100));
  assert.ok(pooled.buffer.byteLength > pooled.length, 'the test needs a pooled Buffer');
  const one = new ObjectBuilder(head(), 1 << 20);
  one.append(pooled);
  const stored = one.finish({ truncated: false }, T0);
  assert.ok(stored.stored);
  assert.deepEqual([stored.object.body.length, stored.object.body.buffer.byteLength, stored.object.body.toString()], [100, 100, 'x'.repeat(100)]);
  const two = new ObjectBuilder(head(), 1 << 20);
  two.append(Buffer.from('ab'));
  two.append(Buffer.alloc(64 * 1024, 'c').subarray(0, 3));
  const joined = two.finish({ truncated: false }, T0);
  assert.ok(joined.stored);
  assert.deepEqual([joined.object.body.buffer.byteLength, joined.object.body.toString()], [5, 'abccc']);
});
