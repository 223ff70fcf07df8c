// `lacquer serve --geoip-db FILE` with a file it cannot use (DESIGN.md §4.1 style): one line on
// stderr naming the flag, the file and why, and exit 2 — before any worker starts.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const BIN = path.join(import.meta.dirname, '../../bin/lacquer.ts');

test('a --geoip-db file that is missing or not a MaxMind database is one line naming it, and exit 2', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lacquer-serve-geoip-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bogus = path.join(dir, 'bogus.mmdb');
  writeFileSync(bogus, 'not a database');
  const serve = (file: string) => new Promise<{ code: number | null; stderr: string }>((resolve) => {
    execFile(process.execPath, [BIN, 'serve', '--workers', '0', '--edge', '127.0.0.1:0', '--api', '127.0.0.1:0', '--db', `sqlite:${dir}/db`, '--token', 't', '--geoip-db', file],
      { cwd: dir, timeout: 20_000, env: { PATH: process.env.PATH ?? '', HOME: dir } }, (err, _stdout, stderr) => {
        resolve({ code: err === null ? 0 : (typeof err.code === 'number' ? err.code : null), stderr });
      });
  });
  const missing = path.join(dir, 'missing.mmdb');
  assert.deepEqual(await serve(missing), { code: 2, stderr: `lacquer serve: --geoip-db: cannot use "${missing}" as a MaxMind geolocation database: ENOENT\n` });
  const r = await serve(bogus);
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`^lacquer serve: --geoip-db: cannot use "${bogus.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}" as a MaxMind geolocation database: .+\\n$`));
});
