import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { bootstrapAdminToken, hashToken } from '../../src/control/index.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { ADMIN, startApi } from './helpers.ts';

const UNAUTHORIZED = { msg: 'Provided credentials are missing or invalid' };

test('a missing or wrong token answers 401 with Fastly\'s message', async (t) => {
  const api = await startApi(t);
  const attempts: Array<Record<string, string>> = [{ 'fastly-key': '' }, { 'fastly-key': 'wrong' }, { 'fastly-key': '', authorization: 'Bearer wrong' }];
  for (const headers of attempts) {
    const r = await api.call('GET', '/service', undefined, headers);
    assert.deepEqual([r.status, r.body], [401, UNAUTHORIZED]);
  }
  const bearer = await api.call('GET', '/service', undefined, { 'fastly-key': '', authorization: `Bearer ${ADMIN}` });
  assert.equal(bearer.status, 200);
});

test('tokens are stored as SHA-256 hashes only', async (t) => {
  const api = await startApi(t);
  const created = await api.call('POST', '/tokens', { name: 'ci' });
  const secret = (created.body as { access_token: string }).access_token;
  const rows = await api.store.transaction((tx) => tx.listTokens());
  assert.ok(rows.some((r) => r.hash === hashToken(secret)));
  assert.ok(rows.every((r) => r.hash !== secret && r.hash !== ADMIN));
  assert.equal((await api.call('GET', '/service', undefined, { 'fastly-key': secret })).status, 200);
});

test('a read-only token reads but answers 403 to writes', async (t) => {
  const api = await startApi(t);
  const ro = ((await api.call('POST', '/tokens', { scope: 'global:read' })).body as { access_token: string }).access_token;
  assert.equal((await api.call('GET', '/service', undefined, { 'fastly-key': ro })).status, 200);
  const w = await api.call('POST', '/service', { name: 'x' }, { 'fastly-key': ro });
  assert.deepEqual([w.status, w.body], [403, { msg: 'Forbidden', detail: 'this token is read-only' }]);
});

test('a service-scoped token answers 403 outside its service', async (t) => {
  const api = await startApi(t);
  const mine = ((await api.call('POST', '/service', { name: 'mine' })).body as { id: string }).id;
  const other = ((await api.call('POST', '/service', { name: 'other' })).body as { id: string }).id;
  const scoped = ((await api.call('POST', '/tokens', { service_id: mine })).body as { access_token: string }).access_token;
  const h = { 'fastly-key': scoped };
  assert.equal((await api.call('POST', `/service/${mine}/version/1/domain`, { name: 'a.example' }, h)).status, 200);
  const r = await api.call('GET', `/service/${other}/version/1/domain`, undefined, h);
  assert.deepEqual([r.status, r.body], [403, { msg: 'Forbidden', detail: `this token is scoped to service ${mine}` }]);
  assert.deepEqual(((await api.call('GET', '/service', undefined, h)).body as Array<{ id: string }>).map((s) => s.id), [mine]);
  assert.equal((await api.call('POST', '/service', { name: 'new' }, h)).status, 403);
  assert.equal((await api.call('POST', '/tokens', {}, h)).status, 403);
});

test('without --token the first start writes an admin token file with mode 0600, reused later', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lacquer-auth-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = openSqliteStore(':memory:');
  t.after(() => store.close());
  const logger = pino({ level: 'silent' });
  const first = await bootstrapAdminToken({ store, dataDir: dir, logger });
  const file = join(dir, 'admin-token');
  assert.equal(readFileSync(file, 'utf8'), `${first}\n`);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(await bootstrapAdminToken({ store, dataDir: dir, logger }), first);
  assert.equal(await bootstrapAdminToken({ store, dataDir: dir, logger, token: 'given' }), 'given');
  const hashes = (await store.transaction((tx) => tx.listTokens())).map((r) => r.hash).sort();
  assert.deepEqual(hashes, [hashToken(first), hashToken('given')].sort());
});
