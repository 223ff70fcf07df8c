import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/lacquer.ts');

async function lacquer(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'lacquer-fmt-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('lacquer vcl fmt prints the canonical form of a file', async (t) => {
  const file = join(tempDir(t), 'a.vcl');
  writeFileSync(file, 'sub vcl_recv{set req.http.X="1";# why\n}');
  const r = await lacquer('vcl', 'fmt', file);
  assert.deepEqual(r, { code: 0, stdout: 'sub vcl_recv {\n  set req.http.X = "1"; # why\n}\n', stderr: '' });
});

test('lacquer vcl fmt --write rewrites the file in place', async (t) => {
  const file = join(tempDir(t), 'a.vcl');
  writeFileSync(file, 'backend b{.host="h";}');
  const r = await lacquer('vcl', 'fmt', '--write', file);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '');
  assert.equal(readFileSync(file, 'utf8'), 'backend b {\n  .host = "h";\n}\n');
});

test('lacquer vcl fmt refuses a file with syntax errors, listing them, exit 1', async (t) => {
  const file = join(tempDir(t), 'bad.vcl');
  writeFileSync(file, 'sub vcl_recv {\n  set req.http.X = "1"\n}\n');
  const r = await lacquer('vcl', 'fmt', file);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, `${file}:2:23 error parse/missing-semicolon missing ";" after set statement\n`);
});

test('lacquer vcl fmt on a missing file exits 2 with a message', async () => {
  const r = await lacquer('vcl', 'fmt', '/nonexistent/x.vcl');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot read \/nonexistent\/x\.vcl/);
});
