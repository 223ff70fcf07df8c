import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeaderMap } from '../../src/edge/header-map.ts';

test('names are case-insensitive and repeated fields read as one comma-joined value', () => {
  const h = HeaderMap.from({ 'Set-Cookie': ['a=1', 'b=2'], host: 'x.test' });
  assert.equal(h.get('set-cookie'), 'a=1, b=2');
  assert.equal(h.get('HOST'), 'x.test');
  h.add('Set-Cookie', 'c=3');
  assert.deepEqual(h.fields['set-cookie'], ['a=1', 'b=2', 'c=3']);
  h.unset('Host');
  assert.equal(h.get('host'), null);
});

test('on a plain object (backend response headers), names the prototype has are absent, not a crash', () => {
  const h = new HeaderMap({ 'content-type': 'text/plain' });
  assert.equal(h.get('constructor'), null);
  assert.equal(h.get('toString'), null);
  assert.equal(h.get('hasOwnProperty'), null);
  h.add('toString', 'v');
  assert.equal(h.get('toString'), 'v');
});

test('a field named __proto__ is not copied (it would replace the prototype) and other fields are kept', () => {
  const incoming = JSON.parse('{"__proto__": ["a", "b"], "x-kept": "1"}') as Record<string, string | string[]>;
  const h = HeaderMap.from(incoming);
  assert.equal(Object.getPrototypeOf(h.fields), Object.prototype);
  assert.deepEqual(Object.keys(h.fields), ['x-kept']);
  assert.equal(h.get('0'), null);
});

test('a request\'s headers are copied, not shared: VCL\'s changes leave the request\'s own object and arrays alone', () => {
  const incoming: Record<string, string | string[]> = { host: 'x.test', 'set-cookie': ['a=1'], accept: '*/*' };
  const h = HeaderMap.ofRequest(incoming);
  h.set('Host', 'y.test');
  h.add('set-cookie', 'b=2');
  h.unset('accept');
  assert.deepEqual(incoming, { host: 'x.test', 'set-cookie': ['a=1'], accept: '*/*' });
  assert.deepEqual(h.fields, { host: 'y.test', 'set-cookie': ['a=1', 'b=2'] });
});

test('a clone is independent: set, add and unset on it leave the original as it was, repeated fields included', () => {
  const req = HeaderMap.ofRequest({ host: 'a.test', 'set-cookie': ['a=1', 'b=2'], accept: '*/*' });
  const bereq = req.clone();
  bereq.set('Host', 'b.test');
  bereq.add('Set-Cookie', 'c=3');
  bereq.unset('accept');
  bereq.set('X-New', '1');
  assert.deepStrictEqual(req.fields, { host: 'a.test', 'set-cookie': ['a=1', 'b=2'], accept: '*/*' });
  assert.deepStrictEqual(bereq.fields, { host: 'b.test', 'set-cookie': ['a=1', 'b=2', 'c=3'], 'x-new': '1' });
  assert.strictEqual(bereq.get('set-cookie'), 'a=1, b=2, c=3');
});
