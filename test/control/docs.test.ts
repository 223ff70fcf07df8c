// Runs every example in docs/api.md, in order, against a whole lacquer (control API, health
// checks and edge in one process), as an operator would (STYLE.md habit 10).
// A line ending in `# → STATUS` must answer that status; other lines (setup) must succeed.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import pino from 'pino';
import { resolveServeOptions } from '../../src/process/options.ts';
import { startLacquer } from '../../src/process/primary.ts';
import { ADMIN } from './helpers.ts';

const DOC = join(import.meta.dirname, '../../docs/api.md');

function requireTool(name: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
  } catch {
    assert.fail(`docs/api.md examples need \`${name}\` on PATH; install it to run this test`);
  }
}

/** The shell script equivalent of the examples: each checked line echoes `got expected line`. */
function examplesScript(markdown: string): { script: string; checks: number } {
  const blocks = [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  const lines = blocks.join('\n').replace(/\\\n\s*/g, '').split('\n').filter((l) => l.trim() !== '');
  let checks = 0;
  const out = lines.map((line) => {
    const m = /^(curl .*?)\s+# → (\d{3})$/.exec(line);
    if (m === null) return line;
    checks += 1;
    return `echo "$(${m[1]} -o /dev/null -w '%{http_code}') ${m[2]} ${JSON.stringify(line).replace(/\$/g, '\\$')}"`;
  });
  return { script: ['set -eu -o pipefail', ...out].join('\n'), checks };
}

test('every curl example in docs/api.md answers the status it documents', async (t) => {
  requireTool('curl');
  requireTool('jq');
  const dir = mkdtempSync(join(tmpdir(), 'lacquer-api-doc-'));
  const running = await startLacquer(resolveServeOptions({
    workers: '0', edge: '127.0.0.1:0', tls: '127.0.0.1:0', api: '127.0.0.1:0', db: `sqlite:${dir}/db.sqlite`, token: ADMIN, egress: '192.0.2.0/24,2001:db8::/32',
  }, {}), pino({ level: 'silent' }));
  t.after(async () => {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const api = { base: running.apiUrl ?? '' };
  const { script, checks } = examplesScript(readFileSync(DOC, 'utf8'));
  assert.ok(checks >= 20, `only ${checks} checked examples`);
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile('bash', ['-c', script], { env: { PATH: process.env.PATH ?? '', LACQUER_API_URL: api.base, LACQUER_API_TOKEN: ADMIN }, timeout: 60_000 }, (err, out, stderr) => {
      if (err !== null) reject(new Error(`${err.message}\n${out}\n${stderr}`));
      else resolve(out);
    });
  });
  const results = stdout.trim().split('\n').map((l) => {
    const [got, expected, ...line] = l.split(' ');
    return { got, expected, line: line.join(' ') };
  });
  assert.equal(results.length, checks);
  for (const r of results) assert.equal(r.got, r.expected, r.line);
});
