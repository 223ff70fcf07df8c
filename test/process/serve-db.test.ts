// `lacquer serve --db postgres://…` that cannot start (DESIGN.md §4.1, §4.6): a bad URL or a
// server that cannot be reached is one clear line on stderr and a failed exit — never a stack
// trace, never the password.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const BIN = path.join(import.meta.dirname, '../../bin/lacquer.ts');

function serve(db: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lacquer-serve-db-'));
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'serve', '--workers', '0', '--edge', '127.0.0.1:0', '--tls', '127.0.0.1:0', '--api', '127.0.0.1:0', '--db', db, '--token', 't'],
      { cwd: dir, timeout: 20_000, env: { PATH: process.env.PATH ?? '', HOME: dir } }, (err, stdout, stderr) => {
        rmSync(dir, { recursive: true, force: true });
        resolve({ code: err === null ? 0 : (typeof err.code === 'number' ? err.code : null), stdout, stderr });
      });
  });
}

test('a PostgreSQL server that cannot be reached at start is one line naming it, without its password, and exit 1', async () => {
  const r = await serve('postgres://lacquer:s3cret@127.0.0.1:1/fleet');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^lacquer serve: --db: cannot reach PostgreSQL at lacquer@127\.0\.0\.1:1\/fleet: connect ECONNREFUSED 127\.0\.0\.1:1\n$/);
  assert.doesNotMatch(r.stdout + r.stderr, /s3cret|\n\s+at /);
});

test('a --db URL that is not a PostgreSQL URL is one line naming the rule, and exit 2', async () => {
  for (const [db, rule] of [
    ['postgres://lacquer:s3cret@127.0.0.1:5432', 'names no database: postgres://user:password@host:5432/database'],
    ['postgres://lacquer:s3cret@:5432/fleet', 'must be a URL like postgres://user:password@host:5432/database'],
    ['postgres://lacquer:s3cret@db.example:99999/fleet', 'must be a URL like postgres://user:password@host:5432/database'],
  ]) {
    const r = await serve(db);
    assert.deepEqual([r.code, r.stderr], [2, `lacquer serve: --db: ${rule}\n`], db);
  }
});
