import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
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
  assert.deepEqual(raw.prepare('SELECT version FROM schema_migrations').all().map((r) => r.version), [1]);
});
