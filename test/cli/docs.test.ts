// Runs every example in docs/cli.md, in order, with the real CLI against a real server
// (STYLE.md habit 10). Lines must succeed; a line ending in `# → exit N` must exit with N.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ADMIN, BIN, startCli } from './helpers.ts';

const DOC = join(import.meta.dirname, '../../docs/cli.md');
const NOUNS = ['service', 'version', 'backend', 'healthcheck', 'director', 'domain', 'vcl', 'settings', 'token', 'dictionary', 'dictionary-entry', 'acl', 'acl-entry'];

function requireTool(name: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
  } catch {
    assert.fail(`docs/cli.md examples need \`${name}\` on PATH; install it to run this test`);
  }
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

/** The examples as one bash script; each `# → exit N` line echoes `CHECK got expected line`. */
function examplesScript(markdown: string): { script: string; lines: string[]; checks: number } {
  const blocks = [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  // The doc says `npx lacquer`, as an operator in the checkout types it; the examples run in a
  // temporary directory, where `lacquer` on PATH stands in for it (test/cli/launch.test.ts runs
  // `npx lacquer` itself, in the checkout).
  const lines = blocks.join('\n').replace(/\\\n\s*/g, '').replace(/(^|[ =(])npx lacquer /gm, '$1lacquer ').split('\n').filter((l) => l.trim() !== '');
  let checks = 0;
  const out = lines.map((line) => {
    const m = /^(.*?)\s+# → exit (\d+)$/.exec(line);
    if (m === null) return line;
    checks += 1;
    return `{ ${m[1]}; } >/dev/null 2>&1 && got=0 || got=$?; echo "CHECK $got ${m[2]}" ${shellQuote(line)}`;
  });
  return { script: ['set -eu -o pipefail', ...out, 'echo done'].join('\n'), lines, checks };
}

test('docs/cli.md has an example for every noun', () => {
  const { lines } = examplesScript(readFileSync(DOC, 'utf8'));
  for (const noun of NOUNS) {
    assert.ok(lines.some((l) => new RegExp(`(^|[ =(])lacquer ${noun} `).test(l)), `no example runs \`lacquer ${noun}\``);
  }
});

test('every example in docs/cli.md runs and exits as documented', async (t) => {
  requireTool('jq');
  const cli = await startCli(t);
  // `lacquer` on PATH as an operator would have it.
  const bin = join(cli.home, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'lacquer'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`);
  chmodSync(join(bin, 'lacquer'), 0o755);
  const { script, checks } = examplesScript(readFileSync(DOC, 'utf8'));
  assert.ok(checks >= 4, `only ${checks} checked examples`);
  const env = {
    PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: cli.home, XDG_CONFIG_HOME: join(cli.home, '.config'),
    LACQUER_API_URL: cli.api.base, LACQUER_API_TOKEN: ADMIN,
  };
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile('bash', ['-c', script], { env, cwd: cli.home, timeout: 300_000 }, (err, out, stderr) => {
      if (err !== null) reject(new Error(`${err.message}\n${out}\n${stderr}`));
      else resolve(out);
    });
  });
  const lines = stdout.trim().split('\n');
  assert.equal(lines.at(-1), 'done');
  const results = lines.filter((l) => l.startsWith('CHECK ')).map((l) => {
    const [, got, expected, ...line] = l.split(' ');
    return { got, expected, line: line.join(' ') };
  });
  assert.equal(results.length, checks);
  for (const r of results) assert.equal(r.got, r.expected, r.line);
});
