import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CacheStore, CacheStoreOptionError, primaryKey } from '../../../src/edge/cache/store.ts';
import { fieldBytes } from '../../../src/edge/cache/fields.ts';
import { applyPurge } from '../../../src/edge/cache/purge.ts';
import { Clock, object, prng } from './helpers.ts';

const KB = 1024;
const key = (url: string, serviceId = 's1') => primaryKey(serviceId, [url, 'example.com']);

test('the store stays within its byte bound under random object sizes, and fills it', () => {
  const maxBytes = 4 * 1024 * KB;
  const maxObjectBytes = 64 * KB;
  const store = new CacheStore({ maxBytes, maxObjectBytes });
  const random = prng(6);
  const present = new Map<string, number>();
  for (let i = 0; i < 3000; i++) {
    const headers = { 'content-type': 'text/plain', 'x-pad': 'p'.repeat(Math.floor(random() * 8 * KB)) };
    // Headers as large as bodies on average: a bound that forgot them would overshoot by ~50 %.
    const o = object({ body: Buffer.alloc(Math.floor(random() * 16 * KB)), headers });
    assert.equal(store.insert(key(`/${i}`), o), 'stored');
    present.set(`/${i}`, o.body.length + fieldBytes(o.headers));
    assert.ok(store.stats().bytes <= maxBytes, `accounted ${store.stats().bytes} > ${maxBytes} after ${i + 1} inserts`);
  }
  // What the objects really hold (bodies and header lines), measured independently.
  let real = 0;
  for (const [url, bytes] of present) if (store.lookup(key(url), {}) !== null) real += bytes;
  const stats = store.stats();
  assert.ok(real <= maxBytes * 1.1, `real bytes ${real} exceed the bound by more than 10 %`);
  assert.ok(real >= maxBytes * 0.9, `real bytes ${real} fill less than 90 % of the bound`);
  assert.ok(stats.evictions > 0 && stats.objects + stats.evictions === 3000, `objects ${stats.objects} + evictions ${stats.evictions}`);
});

test('the least recently used object is evicted first; a lookup counts as a use', () => {
  const body = Buffer.alloc(1000);
  const size = object({ body }).size;
  const store = new CacheStore({ maxBytes: size * 3, maxObjectBytes: 10 * KB });
  for (const url of ['/a', '/b', '/c']) store.insert(key(url), object({ body }));
  assert.notEqual(store.lookup(key('/a'), {}), null);
  store.insert(key('/d'), object({ body }));
  assert.deepEqual(['/a', '/b', '/c', '/d'].map((u) => store.lookup(key(u), {}) !== null), [true, false, true, true]);
  store.insert(key('/e'), object({ body }));
  assert.deepEqual(['/a', '/c', '/d', '/e'].map((u) => store.lookup(key(u), {}) !== null), [false, true, true, true]);
  assert.equal(store.stats().evictions, 2);
});

test('Vary: Accept-Encoding stores two variants, each found by its own requests', () => {
  const store = new CacheStore({ maxBytes: 1024 * KB, maxObjectBytes: 64 * KB });
  const vary = { vary: 'Accept-Encoding' };
  store.insert(key('/v'), object({ body: 'gzipped', headers: vary, requestHeaders: { 'accept-encoding': 'gzip' } }));
  store.insert(key('/v'), object({ body: 'plain', headers: vary, requestHeaders: {} }));
  assert.equal(store.stats().objects, 2);
  assert.equal(store.lookup(key('/v'), { 'accept-encoding': 'gzip' })?.object.body.toString(), 'gzipped');
  assert.equal(store.lookup(key('/v'), {})?.object.body.toString(), 'plain');
  assert.equal(store.lookup(key('/v'), { 'accept-encoding': 'br' }), null);
  assert.equal(store.lookup(key('/v'), { 'accept-encoding': '' }), null, 'an empty value is not an absent one');
});

test('storing the same variant again replaces it', () => {
  const store = new CacheStore({ maxBytes: 1024 * KB, maxObjectBytes: 64 * KB });
  const vary = { vary: 'Accept-Encoding' };
  store.insert(key('/v'), object({ body: 'old', headers: vary, requestHeaders: { 'accept-encoding': 'gzip' } }));
  store.insert(key('/v'), object({ body: 'new', headers: vary, requestHeaders: { 'accept-encoding': 'gzip' } }));
  assert.equal(store.stats().objects, 1);
  assert.equal(store.lookup(key('/v'), { 'accept-encoding': 'gzip' })?.object.body.toString(), 'new');
});

test('when the origin drops its Vary, the newest object answers every request', () => {
  const store = new CacheStore({ maxBytes: 1024 * KB, maxObjectBytes: 64 * KB });
  store.insert(key('/v'), object({ body: 'old gzip', headers: { vary: 'Accept-Encoding' }, requestHeaders: { 'accept-encoding': 'gzip' } }));
  store.insert(key('/v'), object({ body: 'new', headers: {} }));
  assert.equal(store.lookup(key('/v'), { 'accept-encoding': 'gzip' })?.object.body.toString(), 'new');
});

test('freshness moves from fresh to stale-while-revalidate to stale-if-error-only to expired', () => {
  const clock = new Clock();
  const store = new CacheStore({ maxBytes: 1024 * KB, maxObjectBytes: 64 * KB, now: clock.read });
  store.insert(key('/t'), object({ lifetimes: { ttl: 10, grace: 5, staleIfError: 30 }, at: clock.now }));
  const states: string[] = [];
  for (const at of [0, 9.9, 10, 14.9, 15, 39.9, 40]) {
    clock.now = Date.parse('2025-01-01T00:00:00Z') + at * 1000;
    states.push(store.lookup(key('/t'), {})?.state ?? 'none');
  }
  assert.deepEqual(states, ['fresh', 'fresh', 'stale-while-revalidate', 'stale-while-revalidate', 'stale-if-error-only', 'stale-if-error-only', 'expired']);
});

test('a lookup given the request\'s time judges the object at that time, not at the store\'s clock', () => {
  const clock = new Clock();
  const store = new CacheStore({ maxBytes: 1024 * KB, maxObjectBytes: 64 * KB, now: clock.read });
  const storedAt = clock.now;
  store.insert(key('/t'), object({ lifetimes: { ttl: 10, grace: 0, staleIfError: 0 }, at: storedAt }));
  clock.now = storedAt + 60_000;
  assert.equal(store.lookup(key('/t'), {})?.state, 'expired');
  assert.equal(store.lookup(key('/t'), {}, storedAt + 9_900)?.state, 'fresh');
});

test('objects over maxObjectBytes are not stored', () => {
  const store = new CacheStore({ maxBytes: 1024 * KB, maxObjectBytes: 100 });
  assert.equal(store.insert(key('/big'), object({ body: Buffer.alloc(101) })), 'too large');
  assert.equal(store.insert(key('/fits'), object({ body: Buffer.alloc(100) })), 'stored');
  assert.equal(store.lookup(key('/big'), {}), null);
  assert.deepEqual(store.stats().objects, 1);
});

test('an object larger than the whole store is not stored and evicts nothing', () => {
  const store = new CacheStore({ maxBytes: 2000, maxObjectBytes: 64 * KB });
  store.insert(key('/small'), object({ body: Buffer.alloc(10) }));
  assert.equal(store.insert(key('/big'), object({ body: Buffer.alloc(5000) })), 'too large');
  assert.notEqual(store.lookup(key('/small'), {}), null);
});

function tagged(): { store: CacheStore; clock: Clock } {
  const clock = new Clock();
  const store = new CacheStore({ maxBytes: 1024 * KB, maxObjectBytes: 64 * KB, now: clock.read });
  store.insert(key('/1'), object({ surrogateKeys: ['news', 'front'], lifetimes: { ttl: 60, staleIfError: 100 } }));
  store.insert(key('/2'), object({ surrogateKeys: ['news'], lifetimes: { ttl: 60, staleIfError: 100 } }));
  store.insert(key('/3'), object({ surrogateKeys: ['sport'] }));
  store.insert(key('/1', 's2'), object({ serviceId: 's2', surrogateKeys: ['news'] }));
  return { store, clock };
}

test('a surrogate-key purge removes every object of the service with that key, and only those', () => {
  const { store } = tagged();
  assert.equal(store.purgeSurrogateKey('s1', 'news', { soft: false }), 2);
  assert.equal(store.lookup(key('/1'), {}), null);
  assert.equal(store.lookup(key('/2'), {}), null);
  assert.notEqual(store.lookup(key('/3'), {}), null);
  assert.notEqual(store.lookup(key('/1', 's2'), {}), null, 'the other service\'s object with the same key stays');
  assert.equal(store.purgeSurrogateKey('s1', 'front', { soft: false }), 0, 'the purged object left every index');
});

test('a soft purge leaves a stale object that is served only within its stale windows', () => {
  const { store, clock } = tagged();
  clock.advance(20);
  assert.equal(store.purgeSurrogateKey('s1', 'news', { soft: true }), 2);
  assert.equal(store.lookup(key('/1'), {})?.state, 'stale-if-error-only');
  assert.equal(store.lookup(key('/3'), {})?.state, 'fresh');
  clock.advance(99);
  assert.equal(store.lookup(key('/2'), {})?.state, 'stale-if-error-only');
  clock.advance(2);
  assert.equal(store.lookup(key('/2'), {})?.state, 'expired');
});

test('a hard purge of a URL removes all its variants', () => {
  const store = new CacheStore({ maxBytes: 1024 * KB, maxObjectBytes: 64 * KB });
  const vary = { vary: 'Accept-Encoding' };
  store.insert(key('/v'), object({ headers: vary, requestHeaders: { 'accept-encoding': 'gzip' } }));
  store.insert(key('/v'), object({ headers: vary }));
  store.insert(key('/w'), object());
  assert.equal(store.purgeKey(key('/v'), { soft: false }), 2);
  assert.equal(store.lookup(key('/v'), { 'accept-encoding': 'gzip' }), null);
  assert.equal(store.lookup(key('/v'), {}), null);
  assert.notEqual(store.lookup(key('/w'), {}), null);
  assert.equal(store.stats().objects, 1);
});

test('a soft purge of a URL keeps it for stale serving', () => {
  const { store } = tagged();
  assert.equal(store.purgeKey(key('/1'), { soft: true }), 1);
  assert.equal(store.lookup(key('/1'), {})?.state, 'stale-if-error-only');
});

test('purge all removes every object of one service only', () => {
  const { store } = tagged();
  assert.equal(applyPurge(store, { kind: 'all', id: 'p1', serviceId: 's1', soft: false }), 3);
  assert.deepEqual(store.stats().objects, 1);
  assert.notEqual(store.lookup(key('/1', 's2'), {}), null);
});

test('purge commands apply to the store by kind', () => {
  const { store } = tagged();
  assert.equal(applyPurge(store, { kind: 'key', id: 'p1', key: key('/3'), soft: false }), 1);
  assert.equal(applyPurge(store, { kind: 'surrogate-key', id: 'p2', serviceId: 's2', surrogateKey: 'news', soft: false }), 1);
  assert.equal(applyPurge(store, { kind: 'all', id: 'p3', serviceId: 's1', soft: true }), 2);
  assert.equal(store.lookup(key('/1'), {})?.state, 'stale-if-error-only');
});

test('an evicted object leaves the surrogate-key and service indexes', () => {
  const body = Buffer.alloc(1000);
  const size = object({ body }).size;
  const store = new CacheStore({ maxBytes: size * 2, maxObjectBytes: 10 * KB });
  store.insert(key('/a'), object({ body, surrogateKeys: ['k'] }));
  store.insert(key('/b'), object({ body }));
  store.insert(key('/c'), object({ body }));
  assert.equal(store.purgeSurrogateKey('s1', 'k', { soft: false }), 0);
  assert.equal(store.purgeService('s1', { soft: false }), 2);
});

test('invalid sizes are refused with an error naming the option', () => {
  assert.throws(() => new CacheStore({ maxBytes: 0, maxObjectBytes: 1 }), (e: unknown) => e instanceof CacheStoreOptionError && /maxBytes/.test(e.message));
  assert.throws(() => new CacheStore({ maxBytes: 10, maxObjectBytes: 1.5 }), /maxObjectBytes/);
});
