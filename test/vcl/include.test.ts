import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as A from '../../src/vcl/syntax/ast.ts';
import { parseWithIncludes, parseWithIncludesFromMap, resolveIncludePath } from '../../src/vcl/syntax/include.ts';
import { formatShort } from './golden.ts';

const DIR = join(import.meta.dirname, '../fixtures/vcl/includes');
const fromDisk = (path: string): string | undefined => {
  try { return readFileSync(join(DIR, path), 'utf8'); } catch { return undefined; }
};
const names = (r: ReturnType<typeof parseWithIncludes>): string[] =>
  r.declarations.map(({ file, declaration }) => `${file.name}:${(declaration as A.SubDeclaration | A.BackendDeclaration).name.name}`);

test('include names resolve relative to the including file with .vcl appended', () => {
  assert.equal(resolveIncludePath('main.vcl', 'backends'), 'backends.vcl');
  assert.equal(resolveIncludePath('lib/routing.vcl', 'helpers'), 'lib/helpers.vcl');
  assert.equal(resolveIncludePath('lib/routing.vcl', '../x.vcl'), 'x.vcl');
  assert.equal(resolveIncludePath('lib/a.vcl', '/etc/b'), '/etc/b.vcl');
});

test('includes expand in place, depth first, each declaration keeping its file', () => {
  const r = parseWithIncludes('main.vcl', fromDisk);
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.files.map((f) => f.name), ['main.vcl', 'backends.vcl', 'lib/routing.vcl', 'lib/helpers.vcl']);
  assert.deepEqual(names(r), ['backends.vcl:F_a', 'lib/helpers.vcl:pick', 'lib/routing.vcl:vcl_recv', 'main.vcl:vcl_deliver']);
});

test('an include cycle is reported at the include statement that closes it', () => {
  const r = parseWithIncludes('cycle-a.vcl', fromDisk);
  assert.deepEqual(r.diagnostics.map((d) => `${d.file}:${formatShort(d)}`), [
    'cycle-b.vcl:3:1 error include/cycle include cycle: cycle-a.vcl → cycle-b.vcl → cycle-a.vcl',
  ]);
  assert.deepEqual(names(r), ['cycle-b.vcl:x']);
});

test('a missing include is reported and the rest of the file still counts', () => {
  const r = parseWithIncludes('missing.vcl', fromDisk);
  assert.deepEqual(r.diagnostics.map((d) => `${d.file}:${formatShort(d)}`), [
    'missing.vcl:3:1 error include/not-found included file "nope" not found (looked for nope.vcl)',
  ]);
  assert.deepEqual(names(r), ['missing.vcl:a']);
});

test('a missing entry file is a diagnostic, not an exception', () => {
  const r = parseWithIncludes('absent.vcl', fromDisk);
  assert.deepEqual(r.diagnostics.map((d) => d.code), ['include/not-found']);
  assert.deepEqual(r.declarations, []);
});

test('stored VCL files are included by name, with or without .vcl', () => {
  const files = new Map([
    ['main', 'include "shared";\ninclude "extra.vcl";\nsub vcl_recv { call helper; }'],
    ['shared', 'sub helper { log "h"; }'],
    ['extra', 'sub other { }'],
  ]);
  const r = parseWithIncludesFromMap('main', files);
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(names(r), ['shared:helper', 'extra:other', 'main:vcl_recv']);
  const fromRecord = parseWithIncludesFromMap('main.vcl', { main: 'include "main";' });
  assert.deepEqual(fromRecord.diagnostics.map((d) => d.message), ['include cycle: main → main']);
});
