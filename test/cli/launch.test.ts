// `npx lacquer …` whatever the system Node is (DESIGN.md §4.1): bin/launch.cjs, run here by
// the oldest Node on this machine's PATH (the system's v20 where there is one), must run the
// TypeScript CLI under the project's Node 24 and pass arguments, stdin/stdout, the exit code
// and signals through.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';

const ROOT = path.join(import.meta.dirname, '../..');
const LAUNCH = path.join(ROOT, 'bin/launch.cjs');

function major(node: string): number {
  return Number(/^v(\d+)\./.exec(execFileSync(node, ['--version'], { encoding: 'utf8' }))?.[1] ?? 0);
}

/** The oldest `node` on PATH or in the usual system places, other than the project's own. */
function systemNode(): string {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/local/bin', '/usr/bin', '/bin'];
  const found = dirs.map((d) => path.join(d, 'node')).filter((n) => existsSync(n) && !n.startsWith(path.join(ROOT, 'node_modules')));
  return found.sort((a, b) => major(a) - major(b))[0] ?? process.execPath;
}

const NODE = systemNode();

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

function launch(t: TestContext, args: readonly string[], opts: { input?: string; cwd?: string; command?: readonly string[] } = {}): { child: ChildProcess; done: Promise<Run> } {
  const [command, ...pre] = opts.command ?? [NODE, LAUNCH];
  const child = spawn(command, [...pre, ...args], { cwd: opts.cwd ?? os.tmpdir(), env: { PATH: `${path.dirname(NODE)}:/usr/bin:/bin`, HOME: os.tmpdir(), npm_config_update_notifier: 'false' } });
  t.after(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => { stdout += String(c); });
  child.stderr?.on('data', (c: Buffer) => { stderr += String(c); });
  child.stdin?.end(opts.input ?? '');
  const done = once(child, 'close').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null, stdout, stderr }));
  return { child, done };
}

test('the launcher runs the CLI under Node 24 when started by the system Node', async (t) => {
  if (NODE === process.execPath) t.diagnostic('no other Node on this machine: the launcher runs under the project\'s own');
  else assert.ok(major(NODE) < 24, `${NODE} is Node ${major(NODE)}`);
  assert.deepEqual(await launch(t, ['--version']).done, { code: 0, signal: null, stdout: '0.1.0\n', stderr: '' });
});

test('the launcher passes arguments, stdout and stderr through and exits with the CLI\'s code', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lacquer-launch-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'a file with spaces.vcl');
  writeFileSync(file, 'sub vcl_recv {\n  set req.http.X = nope;\n}\n');
  const lint = await launch(t, ['vcl', 'lint', file]).done;
  assert.equal(lint.code, 1, lint.stderr);
  assert.match(lint.stdout, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+ error `, 'm'));
  const usage = await launch(t, ['service', 'list', '--api-url', 'not a url']).done;
  assert.deepEqual(usage, { code: 2, signal: null, stdout: '', stderr: 'error: API URL "not a url" is not a URL (expected e.g. http://127.0.0.1:8081)\n' });
});

test('SIGTERM to the launcher reaches `lacquer serve`, which drains and exits 0', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lacquer-launch-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { child, done } = launch(t, ['serve', '--workers', '0', '--edge', '127.0.0.1:0', '--tls', '127.0.0.1:0', '--api', '127.0.0.1:0',
    '--db', `sqlite:${path.join(dir, 'lacquer.db')}`, '--token', 'launch-token', '--log-level', 'info']);
  let out = '';
  child.stdout?.on('data', (c: Buffer) => { out += String(c); });
  const deadline = Date.now() + 20_000;
  while (!out.includes('dashboard on ')) {
    assert.ok(Date.now() < deadline && child.exitCode === null, `serve did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGTERM');
  const run = await done;
  assert.deepEqual([run.code, run.signal], [0, null], run.stderr);
  assert.ok(run.stdout.split('\n').some((l) => l.startsWith('{') && (JSON.parse(l) as { msg: string; signal?: string }).signal === 'SIGTERM'), run.stdout);
});

test('`npx lacquer` in the checkout runs the launcher, without engine warnings', async (t) => {
  const npx = [path.join(path.dirname(NODE), 'npx'), '/usr/bin/npx'].find((p) => existsSync(p));
  if (npx === undefined) return t.skip('no npx on this machine');
  const run = await launch(t, ['--offline', 'lacquer', '--version'], { cwd: ROOT, command: [npx] }).done;
  assert.deepEqual(run, { code: 0, signal: null, stdout: '0.1.0\n', stderr: '' });
});
