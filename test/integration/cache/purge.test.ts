// Purge (https://www.fastly.com/documentation/reference/api/purging/): PURGE <url> with the
// service's token, purge by Surrogate-Key, purge_all, and soft purges that keep a copy to serve
// stale while the origin is down.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startEdgeStack, TOKEN, type EdgeReply, type Lacquer } from '../harness.ts';
import { origin, send, type Origin } from './origin.ts';

/** An origin whose pages stay fresh for an hour, tagged by the `keys` table. */
async function taggedOrigin(t: Parameters<typeof origin>[0], keys: Record<string, string> = {}): Promise<Origin> {
  return origin(t, (req, res, n) => {
    const url = req.url ?? '';
    send(res, { 'cache-control': 'max-age=3600', ...(keys[url] === undefined ? {} : { 'surrogate-key': keys[url] }) }, `${url} #${n}`);
  });
}

async function cacheStates(lq: Lacquer, host: string, paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) out.push(String((await lq.edge(host, { path })).headers['x-cache']));
  return out;
}

function purgeUrl(lq: Lacquer, host: string, path: string, headers: Record<string, string>): Promise<EdgeReply> {
  return lq.edge(host, { method: 'PURGE', path, headers });
}

test('PURGE without a valid Fastly-Key is 401 and removes nothing; with the token it answers {"status":"ok"} and the next request misses', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await taggedOrigin(t);
  await lq.createService({ domains: ['u.example'], backends: [{ name: 'o', address: '127.0.0.1', port: o.port }] });
  assert.deepEqual(await cacheStates(lq, 'u.example', ['/a', '/a']), ['MISS', 'HIT']);

  for (const headers of [{}, { 'fastly-key': 'not-a-token' }] as Array<Record<string, string>>) {
    const denied = await purgeUrl(lq, 'u.example', '/a', headers);
    assert.equal(denied.statusLine, 'HTTP/1.1 401 Unauthorized');
    assert.deepEqual(JSON.parse(denied.body), { msg: 'Provided credentials are missing or invalid' });
  }
  assert.deepEqual(await cacheStates(lq, 'u.example', ['/a']), ['HIT']);

  const ok = await purgeUrl(lq, 'u.example', '/a', { 'fastly-key': TOKEN });
  assert.equal(ok.status, 200);
  const body = JSON.parse(ok.body) as { status: string; id: string };
  assert.equal(body.status, 'ok');
  assert.match(body.id, /^scn-\d+-[0-9a-f]{8}$/);
  assert.deepEqual(await cacheStates(lq, 'u.example', ['/a', '/a']), ['MISS', 'HIT']);
  assert.equal(o.count('/a'), 2);
});

test('soft purge then origin down: the copy is served STALE; hard purge then origin down: 503', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await taggedOrigin(t);
  await lq.createService({ domains: ['sp.example'], backends: [{ name: 'o', address: '127.0.0.1', port: o.port }] });
  assert.deepEqual(await cacheStates(lq, 'sp.example', ['/soft', '/hard', '/soft', '/hard']), ['MISS', 'MISS', 'HIT', 'HIT']);

  assert.equal((await purgeUrl(lq, 'sp.example', '/soft', { 'fastly-key': TOKEN, 'fastly-soft-purge': '1' })).status, 200);
  assert.equal((await purgeUrl(lq, 'sp.example', '/hard', { 'fastly-key': TOKEN })).status, 200);
  await o.kill();

  const soft = await lq.edge('sp.example', { path: '/soft' });
  assert.equal(soft.statusLine, 'HTTP/1.1 200 OK');
  assert.equal(soft.headers['x-cache'], 'STALE');
  assert.equal(soft.body, '/soft #1');
  const hard = await lq.edge('sp.example', { path: '/hard' });
  assert.equal(hard.statusLine, 'HTTP/1.1 503 Connection refused');
});

test('a soft purge_all (Fastly-Soft-Purge: 1) makes the next request fetch anew while the origin is up', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await taggedOrigin(t);
  const sid = await lq.createService({ domains: ['sp2.example'], backends: [{ name: 'o', address: '127.0.0.1', port: o.port }] });
  assert.deepEqual(await cacheStates(lq, 'sp2.example', ['/x', '/x']), ['MISS', 'HIT']);
  const soft = await fetch(`${lq.apiUrl}/service/${sid}/purge_all`, { method: 'POST', headers: { 'fastly-key': TOKEN, 'fastly-soft-purge': '1' } });
  assert.equal(soft.status, 200);
  assert.equal((await soft.json() as { status: string }).status, 'ok');
  const after = await lq.edge('sp2.example', { path: '/x' });
  assert.equal(after.headers['x-cache'], 'MISS');
  assert.equal(after.body, '/x #2');
  assert.deepEqual(await cacheStates(lq, 'sp2.example', ['/x']), ['HIT']);
});

test('purge by Surrogate-Key removes exactly the objects tagged with that key, of that service only', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await taggedOrigin(t, { '/a': 'product-1 catalogue', '/b': 'product-2   catalogue', '/c': 'product-10' });
  const backends = [{ name: 'o', address: '127.0.0.1', port: o.port }];
  const sid = await lq.createService({ domains: ['k.example'], backends });
  await lq.createService({ domains: ['other.example'], backends });
  const paths = ['/a', '/b', '/c', '/d'];
  assert.deepEqual(await cacheStates(lq, 'k.example', paths), ['MISS', 'MISS', 'MISS', 'MISS']);
  assert.deepEqual(await cacheStates(lq, 'other.example', ['/a']), ['MISS']);

  const one = await lq.api('POST', `/service/${sid}/purge/product-1`);
  assert.equal(one.status, 200);
  assert.equal((one.body as { status: string }).status, 'ok');
  assert.deepEqual(await cacheStates(lq, 'k.example', paths), ['MISS', 'HIT', 'HIT', 'HIT']);

  await lq.apiOk('POST', `/service/${sid}/purge/catalogue`);
  assert.deepEqual(await cacheStates(lq, 'k.example', paths), ['MISS', 'MISS', 'HIT', 'HIT']);
  // The other service's object with the same keys was not touched.
  assert.deepEqual(await cacheStates(lq, 'other.example', ['/a']), ['HIT']);
  // The key is removed before delivery, on misses and hits alike.
  const delivered = await lq.edge('k.example', { path: '/a' });
  assert.equal(delivered.headers['surrogate-key'], undefined);
});

test('purge_all removes every object of the service and no other, answering pops 1; without a token it is 401', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await taggedOrigin(t);
  const backends = [{ name: 'o', address: '127.0.0.1', port: o.port }];
  const sid = await lq.createService({ domains: ['all.example'], backends });
  await lq.createService({ domains: ['keep.example'], backends });
  await cacheStates(lq, 'all.example', ['/1', '/2', '/3']);
  await cacheStates(lq, 'keep.example', ['/1']);

  const anonymous = await fetch(`${lq.apiUrl}/service/${sid}/purge_all`, { method: 'POST' });
  assert.equal(anonymous.status, 401);
  assert.deepEqual(await cacheStates(lq, 'all.example', ['/1', '/2', '/3']), ['HIT', 'HIT', 'HIT']);

  const purged = await lq.apiOk('POST', `/service/${sid}/purge_all`) as { status: string; id: string };
  // DESIGN.md §4.6's answer: one node with SQLite is a fleet of one POP, which applied it.
  assert.deepEqual(purged, { status: 'ok', id: purged.id, pops: 1, skipped_pops: [] });
  assert.deepEqual(await cacheStates(lq, 'all.example', ['/1', '/2', '/3']), ['MISS', 'MISS', 'MISS']);
  assert.deepEqual(await cacheStates(lq, 'keep.example', ['/1']), ['HIT']);
});

test('bulk purge (POST /service/{sid}/purge) takes keys from Surrogate-Key or {"surrogate_keys": [...]} and answers each key\'s purge id', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await taggedOrigin(t, { '/a': 'red', '/b': 'green blue', '/c': 'blue', '/d': 'yellow', '/e': 'other' });
  const sid = await lq.createService({ domains: ['bulk.example'], backends: [{ name: 'o', address: '127.0.0.1', port: o.port }] });
  const all = ['/a', '/b', '/c', '/d', '/e'];
  await cacheStates(lq, 'bulk.example', all);

  const byHeader = await fetch(`${lq.apiUrl}/service/${sid}/purge`, { method: 'POST', headers: { 'fastly-key': TOKEN, 'surrogate-key': 'red  blue red' } });
  assert.equal(byHeader.status, 200);
  const ids = await byHeader.json() as Record<string, string>;
  assert.deepEqual(Object.keys(ids), ['red', 'blue']);
  for (const id of Object.values(ids)) assert.match(id, /^scn-\d+-[0-9a-f]{8}$/);
  assert.notEqual(ids.red, ids.blue);
  assert.deepEqual(await cacheStates(lq, 'bulk.example', all), ['MISS', 'MISS', 'MISS', 'HIT', 'HIT']);

  assert.deepEqual(Object.keys(await lq.apiOk('POST', `/service/${sid}/purge`, { surrogate_keys: ['yellow'] }) as object), ['yellow']);
  assert.deepEqual(await cacheStates(lq, 'bulk.example', all), ['HIT', 'HIT', 'HIT', 'MISS', 'HIT']);

  // A form body, as curl -d sends it: one value, space-separated like the header.
  const form = await fetch(`${lq.apiUrl}/service/${sid}/purge`, {
    method: 'POST', headers: { 'fastly-key': TOKEN, 'content-type': 'application/x-www-form-urlencoded' }, body: 'surrogate_keys=other+red',
  });
  assert.deepEqual(Object.keys(await form.json() as object), ['other', 'red']);
  assert.deepEqual(await cacheStates(lq, 'bulk.example', all), ['MISS', 'HIT', 'HIT', 'HIT', 'MISS']);
});

test('a bulk purge with no keys, too many, or a malformed key is 400, names the field, and purges nothing', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await taggedOrigin(t, { '/a': 'k1' });
  const sid = await lq.createService({ domains: ['bad-bulk.example'], backends: [{ name: 'o', address: '127.0.0.1', port: o.port }] });
  await cacheStates(lq, 'bad-bulk.example', ['/a']);
  const cases: Array<[unknown, RegExp]> = [
    [undefined, /^surrogate_keys: give the keys in a Surrogate-Key header/],
    [{ surrogate_keys: 7 }, /^surrogate_keys: must be an array of strings$/],
    [{ surrogate_keys: [] }, /^surrogate_keys: give at least one key$/],
    [{ surrogate_keys: ['k1', 'two words'] }, /^surrogate_keys\[1\]: must be a non-empty string without spaces$/],
    [{ surrogate_keys: Array.from({ length: 257 }, (_, i) => `k${i}`) }, /^surrogate_keys: at most 256 keys in one purge, got 257$/],
  ];
  for (const [body, detail] of cases) {
    const reply = await lq.api('POST', `/service/${sid}/purge`, body);
    assert.equal(reply.status, 400, reply.text);
    assert.equal((reply.body as { msg: string }).msg, 'Bad request');
    assert.match((reply.body as { detail: string }).detail, detail);
  }
  assert.deepEqual(await cacheStates(lq, 'bad-bulk.example', ['/a']), ['HIT']);
});

test('POST /purge/{cached_url} purges that URL (query string included, scheme optional) in the service that has its domain', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await taggedOrigin(t);
  const backends = [{ name: 'o', address: '127.0.0.1', port: o.port }];
  await lq.createService({ domains: ['url.example'], backends });
  await lq.createService({ domains: ['other.example'], backends });
  const paths = ['/p?x=1', '/p?x=2', '/q'];
  await cacheStates(lq, 'url.example', paths);
  await cacheStates(lq, 'other.example', ['/q']);

  const purged = await lq.apiOk('POST', '/purge/https://url.example/p?x=1') as { status: string; id: string };
  assert.equal(purged.status, 'ok');
  assert.match(purged.id, /^scn-\d+-[0-9a-f]{8}$/);
  assert.deepEqual(await cacheStates(lq, 'url.example', paths), ['MISS', 'HIT', 'HIT']);

  await lq.apiOk('POST', '/purge/url.example/q');
  assert.deepEqual(await cacheStates(lq, 'url.example', ['/q']), ['MISS']);
  assert.deepEqual(await cacheStates(lq, 'other.example', ['/q']), ['HIT']);

  const openapi = await lq.apiOk('GET', '/openapi.json') as { paths: Record<string, { post?: { parameters: Array<{ name: string }> } }> };
  assert.deepEqual(openapi.paths['/purge/{cached_url}'].post?.parameters.map((p) => p.name), ['cached_url']);
  assert.deepEqual(openapi.paths['/service/{service_id}/purge'].post?.parameters.map((p) => p.name), ['service_id']);

  const unknown = await lq.api('POST', '/purge/nowhere.example/q');
  assert.equal(unknown.status, 404);
  assert.deepEqual(unknown.body, { msg: 'Record not found', detail: 'cached_url: no active service has the domain "nowhere.example"' });
  assert.equal((await fetch(`${lq.apiUrl}/purge/url.example/q`, { method: 'POST' })).status, 401);

  // A token scoped to another service may not purge this one's URLs.
  const other = await lq.apiOk('POST', '/service', { name: 'elsewhere' }) as { id: string };
  const scoped = await lq.apiOk('POST', '/tokens', { name: 'scoped', service_id: other.id }) as { access_token: string };
  const denied = await fetch(`${lq.apiUrl}/purge/url.example/q`, { method: 'POST', headers: { 'fastly-key': scoped.access_token } });
  assert.equal(denied.status, 403);
  assert.deepEqual(await cacheStates(lq, 'url.example', ['/q']), ['HIT']);
});

test('POST /purge/{cached_url} uses the service\'s own vcl_hash, as PURGE <url> at the edge does', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await taggedOrigin(t);
  // The key leaves out the query string: every ?v= variant is one object.
  const vcl = 'sub vcl_hash { set req.hash += regsub(req.url, "\\\\?.*$", ""); set req.hash += req.http.host; return(hash); }\n';
  await lq.createService({ domains: ['hash.example'], backends: [{ name: 'o', address: '127.0.0.1', port: o.port }], vcl });
  assert.deepEqual(await cacheStates(lq, 'hash.example', ['/s.css?v=1', '/s.css?v=2']), ['MISS', 'HIT']);
  await lq.apiOk('POST', '/purge/hash.example/s.css?v=9');
  assert.deepEqual(await cacheStates(lq, 'hash.example', ['/s.css?v=1', '/s.css?v=1']), ['MISS', 'HIT']);
});
