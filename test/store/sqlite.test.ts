import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { openSqliteStore } from '../../src/store/index.ts';
import { runStoreConformance } from './conformance.ts';

runStoreConformance(async () => openSqliteStore(':memory:'));

test('a file store uses WAL, records its migrations and keeps data across reopen', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lacquer-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'sub', 'lacquer.db');
  const first = openSqliteStore(path);
  await first.transaction((tx) => tx.insertService({ id: 's', name: 'n', comment: null, createdAt: 'x', updatedAt: 'x' }));
  await first.close();
  const second = openSqliteStore(path);
  assert.equal((await second.transaction((tx) => tx.getService('s')))?.name, 'n');
  await second.close();
  const raw = new DatabaseSync(path);
  t.after(() => raw.close());
  assert.equal(raw.prepare('PRAGMA journal_mode').get()?.journal_mode, 'wal');
  assert.deepEqual(raw.prepare('SELECT version FROM schema_migrations').all().map((r) => r.version), [1, 2, 3, 10, 20, 30, 40]);
});

test('the SQLite file and its WAL are readable by the server\'s user alone (mode 0600), a file made earlier too', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lacquer-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'lacquer.db');
  const store = openSqliteStore(path);
  await store.transaction((tx) => tx.insertService({ id: 's', name: 'n', comment: null, createdAt: 'x', updatedAt: 'x' }));
  assert.deepEqual([statSync(path).mode & 0o777, statSync(`${path}-wal`).mode & 0o777], [0o600, 0o600]);
  await store.close();
  const older = join(dir, 'older.db');
  writeFileSync(older, '');
  chmodSync(older, 0o644);
  await openSqliteStore(older).close();
  assert.equal(statSync(older).mode & 0o777, 0o600);
});

test('migrating a store of the first schema numbers its objects in name order, per version and kind', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lacquer-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'lacquer.db');
  const old = new DatabaseSync(path);
  old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  old.exec(readFileSync(join(import.meta.dirname, '../../src/store/migrations/001_initial.sql'), 'utf8'));
  old.exec(`INSERT INTO schema_migrations VALUES (1, 'then');
    INSERT INTO services VALUES ('s', 'n', NULL, 't', 't');
    INSERT INTO versions VALUES ('s', 1, 1, 1, NULL, 't', 't');
    INSERT INTO objects VALUES ('s', 1, 'backend', 'zeta', '{"name":"zeta"}', 't0', 't0'),
      ('s', 1, 'backend', 'alpha', '{"name":"alpha"}', 't1', 't1'), ('s', 1, 'domain', 'b.example', '{"name":"b.example"}', 't2', 't2')`);
  old.close();
  const store = openSqliteStore(path);
  t.after(() => store.close());
  await store.transaction(async (tx) => {
    // The order lacquer generated them in before (by name), so an active version keeps its default backend.
    assert.deepEqual((await tx.listObjects('s', 1, 'backend')).map((o) => [o.name, o.seq]), [['alpha', 1], ['zeta', 2]]);
    assert.deepEqual((await tx.listObjects('s', 1, 'domain')).map((o) => [o.name, o.seq]), [['b.example', 1]]);
    assert.equal(await tx.getVersionVcl('s', 1), null);
    await tx.insertObject({ serviceId: 's', version: 1, kind: 'backend', name: 'new', data: { name: 'new' }, createdAt: 't', updatedAt: 't' });
    assert.equal((await tx.getObject('s', 1, 'backend', 'new'))?.seq, 3);
  });
});
