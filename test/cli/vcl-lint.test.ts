import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string): string => `test/fixtures/vcl/${name}`;

interface Run { readonly code: number; readonly stdout: string; readonly stderr: string }

/** Runs `node bin/lacquer.ts vcl lint …` from the repository root, as a user would. */
function lint(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/lacquer.ts', 'vcl', 'lint', ...args], { cwd: root, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

test('errors print as file:line:col severity code message with the line and a caret, and exit 1', async () => {
  const r = await lint('--strict', fixture('check/errors.vcl'));
  assert.equal(r.code, 1);
  assert.equal(r.stdout, [
    'test/fixtures/vcl/check/errors.vcl:5:10 error backend/wrong-type .port must be a STRING ("…"), found an INTEGER',
    '  \t.port = 443;',
    '  \t        ^^^',
    'test/fixtures/vcl/check/errors.vcl:9:21 error ref/unknown-backend F_missing is not a declared backend or director',
    '    set req.backend = F_missing;',
    '                      ^^^^^^^^^',
    '',
  ].join('\n'));
});

test('warnings alone exit 0, and includes are resolved next to the including file', async () => {
  const r = await lint('--strict', fixture('check/warnings.vcl'));
  assert.equal(r.code, 0);
  assert.equal(r.stdout.split('\n')[0],
    'test/fixtures/vcl/check/warnings-backends.vcl:2:9 warning ref/unused backend F_b is declared but never used');
});

test('a correct file prints nothing and exits 0', async () => {
  assert.deepEqual(await lint(fixture('fastly-backend-example.vcl')), { code: 0, stdout: '', stderr: '' });
});

test('--json prints the diagnostics as a JSON array', async () => {
  const r = await lint('--json', '--strict', fixture('check/errors.vcl'));
  assert.equal(r.code, 1);
  const parsed = JSON.parse(r.stdout) as { code: string; line: number; col: number; file: string; severity: string }[];
  assert.deepEqual(parsed.map((d) => [d.file, d.line, d.col, d.severity, d.code]), [
    ['test/fixtures/vcl/check/errors.vcl', 5, 10, 'error', 'backend/wrong-type'],
    ['test/fixtures/vcl/check/errors.vcl', 9, 21, 'error', 'ref/unknown-backend'],
  ]);
});

test('several files are linted in one run; an unreadable one is named and exits 2', async () => {
  const r = await lint(fixture('fastly-backend-example.vcl'), fixture('check/does-not-exist.vcl'));
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'lacquer vcl lint: cannot read test/fixtures/vcl/check/does-not-exist.vcl\n');
});

test('syntax errors from the parser are reported by the same command, with several files in one run', async () => {
  const r = await lint('--strict', fixture('check/syntax.vcl'), fixture('check/warnings-backends.vcl'));
  assert.equal(r.code, 1);
  assert.deepEqual(r.stdout.split('\n').filter((l) => /^test/.test(l)), [
    'test/fixtures/vcl/check/syntax.vcl:2:20 error parse/missing-semicolon missing ";" after set statement',
    'test/fixtures/vcl/check/warnings-backends.vcl:2:9 warning ref/unused backend F_b is declared but never used',
  ]);
});

test('by default a file is linted as one file of a service: its outside names are info and it exits 0', async () => {
  const r = await lint(fixture('check/fragment.vcl'));
  assert.equal(r.code, 0);
  assert.equal(r.stdout, [
    'test/fixtures/vcl/check/fragment.vcl:3:20 info ref/external table redirects is not declared in this file; it must be declared elsewhere in the service',
    '    if (table.lookup(redirects, req.url.path)) {',
    '                     ^^^^^^^^^',
    'test/fixtures/vcl/check/fragment.vcl:6:21 info ref/external backend F_origin_0 is not declared in this file; it must be declared elsewhere in the service',
    '    set req.backend = F_origin_0;',
    '                      ^^^^^^^^^^',
    '',
  ].join('\n'));
  const strict = await lint('--strict', fixture('check/fragment.vcl'));
  assert.equal(strict.code, 1);
  assert.deepEqual(strict.stdout.split('\n').filter((l) => /^test/.test(l)), [
    'test/fixtures/vcl/check/fragment.vcl:3:20 error ref/unknown-table redirects is not a declared table',
    'test/fixtures/vcl/check/fragment.vcl:4:28 error ref/unknown-table redirects is not a declared table',
    'test/fixtures/vcl/check/fragment.vcl:6:21 error ref/unknown-backend F_origin_0 is not a declared backend or director',
  ]);
});

test('a fragment with a real mistake still exits 1', async () => {
  const r = await lint(fixture('check/errors.vcl'));
  assert.equal(r.code, 1);
  assert.deepEqual(r.stdout.split('\n').filter((l) => /^test/.test(l)), [
    'test/fixtures/vcl/check/errors.vcl:5:10 error backend/wrong-type .port must be a STRING ("…"), found an INTEGER',
    'test/fixtures/vcl/check/errors.vcl:9:21 info ref/external backend F_missing is not declared in this file; it must be declared elsewhere in the service',
  ]);
});

test('a snippet file of bare statements lints as the body of the subroutine its name says, positions its own', async () => {
  const r = await lint(fixture('check/snippet-recv.vcl'), fixture('check/snippet-deliver.vcl'));
  assert.equal(r.code, 1);
  assert.deepEqual(r.stdout.split('\n').filter((l) => /^test/.test(l)), [
    'test/fixtures/vcl/check/snippet-recv.vcl:2:20 info ref/external table redirects is not declared in this file; it must be declared elsewhere in the service',
    'test/fixtures/vcl/check/snippet-recv.vcl:5:19 info ref/external backend F_origin_0 is not declared in this file; it must be declared elsewhere in the service',
    'test/fixtures/vcl/check/snippet-deliver.vcl:2:8 error sub/action-not-allowed lookup is not allowed in vcl_deliver: allowed are deliver, restart',
  ]);
});
