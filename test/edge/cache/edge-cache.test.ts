import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { request } from 'undici';
import { EdgeCache } from '../../../src/edge/cache/edge-cache.ts';
import type { ObjectHead } from '../../../src/edge/cache/object.ts';
import { primaryKey } from '../../../src/edge/cache/store.ts';

type OriginScript = (res: http.ServerResponse) => void;

async function originServer(t: TestContext, script: OriginScript): Promise<string> {
  const server = http.createServer((_req, res) => script(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

function head(headers: Record<string, string | string[] | undefined>): ObjectHead {
  return {
    serviceId: 's1', status: 200, reason: 'OK', headers, requestHeaders: {},
    lifetimes: { store: true, reason: 'cacheable', ttl: 60, grace: 0, staleIfError: 0 }, surrogateKeys: [],
  };
}

/** What the pipeline does on a miss: stream the origin body to the client and, beside it, into the cache. */
async function fetchThrough(cache: EdgeCache, url: string, key: string) {
  const res = await request(url);
  const client = new Writable({ write: (_chunk, _enc, cb) => cb() });
  const verdict = finished(res.body).then(() => ({ truncated: false }), () => ({ truncated: true }));
  const stored = cache.storeWhenComplete(key, head(res.headers), res.body, verdict);
  res.body.pipe(client);
  return stored;
}

const key = primaryKey('s1', ['/', 'example.com']);

test('a body that streams completely from a real origin is stored whole', async (t) => {
  const url = await originServer(t, (res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('hello ');
    setTimeout(() => res.end('world'), 5);
  });
  const cache = new EdgeCache({ maxBytes: 1 << 20, maxObjectBytes: 1 << 16 });
  assert.deepEqual(await fetchThrough(cache, url, key), { stored: true });
  assert.equal(cache.store.lookup(key, {})?.object.body.toString(), 'hello world');
});

test('a body cut off by the origin is never stored', async (t) => {
  const url = await originServer(t, (res) => {
    res.writeHead(200, { 'content-length': '100' });
    res.write('only ten b');
    setTimeout(() => res.socket?.destroy(), 5);
  });
  const cache = new EdgeCache({ maxBytes: 1 << 20, maxObjectBytes: 1 << 16 });
  assert.deepEqual(await fetchThrough(cache, url, key), { stored: false, reason: 'truncated' });
  assert.equal(cache.store.lookup(key, {}), null);
  assert.equal(cache.store.stats().objects, 0);
});

test('a chunked body larger than the object limit is streamed but not stored', async (t) => {
  const url = await originServer(t, (res) => {
    res.writeHead(200);
    for (let i = 0; i < 8; i++) res.write(Buffer.alloc(1024, 97));
    res.end();
  });
  const cache = new EdgeCache({ maxBytes: 1 << 20, maxObjectBytes: 4096 });
  assert.deepEqual(await fetchThrough(cache, url, key), { stored: false, reason: 'too large' });
  assert.equal(cache.store.stats().objects, 0);
});

test('a stored response clears the key\'s hit-for-pass', async () => {
  const cache = new EdgeCache({ maxBytes: 1 << 20, maxObjectBytes: 1 << 16 });
  cache.hitForPass.remember(key);
  const body = new PassThrough();
  const stored = cache.storeWhenComplete(key, head({}), body, finished(body).then(() => ({ truncated: false })));
  body.end('x');
  body.resume();
  assert.deepEqual(await stored, { stored: true });
  assert.equal(cache.hitForPass.active(key), false);
});

test('the upstream\'s truncated verdict wins even when the stream ended cleanly', async () => {
  const cache = new EdgeCache({ maxBytes: 1 << 20, maxObjectBytes: 1 << 16 });
  const body = new PassThrough();
  const stored = cache.storeWhenComplete(key, head({}), body, Promise.resolve({ truncated: true }));
  body.end('partial');
  body.resume();
  assert.deepEqual(await stored, { stored: false, reason: 'truncated' });
});

test('purge commands reach the worker\'s store', async () => {
  const cache = new EdgeCache({ maxBytes: 1 << 20, maxObjectBytes: 1 << 16 });
  const body = new PassThrough();
  const stored = cache.storeWhenComplete(key, head({}), body, Promise.resolve({ truncated: false }));
  body.end('x');
  body.resume();
  await stored;
  assert.equal(cache.purge({ kind: 'key', id: 'p', key, soft: false }), 1);
  assert.equal(cache.store.lookup(key, {}), null);
});
