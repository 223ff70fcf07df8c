// `lacquer serve`'s log format and level (DESIGN.md §4.1 `--log-level`): JSON lines when stdout
// is a pipe or a file, human-readable lines when it is a terminal (util-linux `script` gives
// the child a pseudo-terminal), and nothing below the chosen level.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';

const BIN = path.join(import.meta.dirname, '../../bin/lacquer.ts');

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

/** Runs `lacquer serve ARGS` until its output matches `until`, then SIGTERM; resolves to its output. */
async function serve(t: TestContext, args: readonly string[], opts: { terminal: boolean; until: RegExp; env?: Record<string, string> }): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lacquer-logs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const argv = [process.execPath, BIN, 'serve', '--workers', '0', '--edge', '127.0.0.1:0', '--tls', '127.0.0.1:0', '--api', '127.0.0.1:0',
    '--db', `sqlite:${path.join(dir, 'lacquer.db')}`, '--token', 'logs-token', ...args];
  const [command, commandArgs] = opts.terminal
    ? ['script', ['-qefc', argv.map(shellQuote).join(' '), '/dev/null']] as const
    : [argv[0], argv.slice(1)] as const;
  const child = spawn(command, commandArgs, {
    stdio: ['pipe', 'pipe', 'pipe'], detached: true,
    env: { PATH: process.env.PATH ?? '', HOME: dir, NO_COLOR: '1', ...opts.env },
  });
  t.after(() => { try { process.kill(-(child.pid as number), 'SIGKILL'); } catch { /* gone */ } });
  let output = '';
  child.stdout.on('data', (c: Buffer) => { output += String(c); });
  child.stderr.on('data', (c: Buffer) => { output += String(c); });
  const deadline = Date.now() + 20_000;
  while (!opts.until.test(output)) {
    assert.ok(Date.now() < deadline && child.exitCode === null, `serve did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const exited = once(child, 'exit');
  process.kill(-(child.pid as number), 'SIGTERM');
  await exited;
  return output.replace(/\r\n/g, '\n');
}

test('with stdout a pipe, serve logs JSON lines at info', async (t) => {
  const out = await serve(t, [], { terminal: false, until: /dashboard on / });
  const json = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string });
  assert.ok(json.some((l) => l.level === 30 && /^Server listening at http:\/\/127\.0\.0\.1:\d+$/.test(l.msg)), out);
  assert.ok(json.some((l) => l.level === 30 && l.msg === 'draining'), out);
});

test('with stdout a terminal, serve logs human-readable lines, not JSON', async (t) => {
  execFileSync('sh', ['-c', 'command -v script'], { stdio: 'ignore' });
  // The pretty lines come from a worker thread, after serve's own start-up lines. (SIGTERM here
  // reaches `script`, which ends the terminal session; the drain's lines are not awaited.)
  const out = await serve(t, [], { terminal: true, until: /INFO: Server listening/ });
  assert.match(out, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: Server listening at http:\/\/127\.0\.0\.1:\d+ \{"pop":"local","component":"api"\}$/m);
  assert.equal(out.split('\n').filter((l) => l.startsWith('{')).length, 0, out);
});

test('--log-level warn (or LACQUER_LOG_LEVEL) drops the info lines', async (t) => {
  for (const [args, env] of [[['--log-level', 'warn'], {}], [[], { LACQUER_LOG_LEVEL: 'warn' }]] as const) {
    const out = await serve(t, args, { terminal: false, env, until: /dashboard on / });
    const below = out.split('\n').filter((l) => l.startsWith('{') && (JSON.parse(l) as { level: number }).level < 40);
    assert.deepEqual(below, [], out);
    assert.match(out, /^control API on http:\/\/127\.0\.0\.1:\d+$/m);
  }
});
