// Runs docs/quickstart.md as an operator would (STYLE.md habit 10): the first ```sh block
// starts lacquer with `npm start`, every later block runs, in order, in one shell in a fresh
// directory, and each line ending in `# → …` must print exactly that.
//
// Substitutions, so the test can run beside anything else on the machine:
// - `npm install && ` is dropped: the checkout running this test already has its
//   dependencies, and reinstalling would change the shared install under every other test;
// - the edge, API and origin ports (8080, 8081, 8000) become free ports;
// - lacquer's data directory is the temporary directory's `data/` (LACQUER_DB), which is where
//   the later commands, run from that directory, read `data/admin-token`.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { resolveServeOptions } from '../../src/process/options.ts';

const ROOT = path.join(import.meta.dirname, '../..');
const DOC = readFileSync(path.join(ROOT, 'docs/quickstart.md'), 'utf8');
const START = 'npm install && npm start -- --workers 1';

function requireTool(name: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
  } catch {
    assert.fail(`docs/quickstart.md needs \`${name}\` on PATH; install it to run this test`);
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  server.close();
  await once(server, 'close');
  return port;
}

/** Starts a process in its own group and kills the whole group when the test ends. */
function spawnGroup(t: TestContext, command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): ChildProcess {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  t.after(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return void killGroup(child, 'SIGKILL');
    const exited = once(child, 'exit');
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    killGroup(child, 'SIGKILL');
  });
  return child;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-(child.pid as number), signal);
  } catch {
    // the group is gone
  }
}

interface Check {
  readonly line: string;
  readonly expected: string;
}

/** The shell script of the later blocks; each checked line appends `index<TAB>output` to $RESULTS. */
function script(blocks: readonly string[], ports: { edge: number; api: number; origin: number }): { text: string; checks: Check[] } {
  const checks: Check[] = [];
  const lines = blocks.join('\n').replace(/\\\n\s*/g, '').split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  const out = lines.map((raw) => {
    const line = raw.replace(/:8080\b/g, `:${ports.edge}`).replace(/:8081\b/g, `:${ports.api}`).replace(/\b8000\b/g, String(ports.origin));
    const m = /^(.*?)\s+# → (.+)$/.exec(line);
    if (m === null) return line;
    checks.push({ line: raw, expected: m[2] });
    return `printf '%s\\t%s\\n' ${checks.length - 1} "$(${m[1]} | tr -d '\\r')" >> "$RESULTS"`;
  });
  return { text: ['set -eu -o pipefail', ...out].join('\n'), checks };
}

test('every command in docs/quickstart.md runs and prints what the doc says', { timeout: 300_000 }, async (t) => {
  for (const tool of ['npm', 'curl', 'jq', 'bash']) requireTool(tool);
  const blocks = [...DOC.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.equal(blocks[0].trim(), START, 'the first block starts lacquer');
  assert.ok(blocks.length >= 6, `only ${blocks.length} sh blocks`);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'lacquer-quickstart-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ports = { edge: await freePort(), api: await freePort(), origin: await freePort() };
  const env: NodeJS.ProcessEnv = { PATH: `${path.join(ROOT, 'node_modules/.bin')}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? dir };

  const server = spawnGroup(t, 'bash', ['-c', START.replace('npm install && ', '')], {
    cwd: ROOT,
    env: { ...env, LACQUER_EDGE: `127.0.0.1:${ports.edge}`, LACQUER_TLS: '127.0.0.1:0', LACQUER_API: `127.0.0.1:${ports.api}`, LACQUER_DB: `sqlite:${path.join(dir, 'data/lacquer.db')}` },
  });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not print "edge on" within 30 s:\n${log}`)), 30_000);
    server.stderr?.on('data', (c: Buffer) => { log += String(c); });
    server.stdout?.on('data', (c: Buffer) => {
      log += String(c);
      if (log.includes(`edge on http://127.0.0.1:${ports.edge}\n`)) {
        clearTimeout(timer);
        resolve();
      }
    });
    server.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${log}`)));
  });

  const { text, checks } = script(blocks.slice(1), ports);
  assert.ok(checks.length >= 10, `only ${checks.length} checked lines`);
  const results = path.join(dir, 'results');
  const shell = spawnGroup(t, 'bash', ['-c', text], { cwd: dir, env: { ...env, RESULTS: results } });
  let output = '';
  shell.stdout?.on('data', (c: Buffer) => { output += String(c); });
  shell.stderr?.on('data', (c: Buffer) => { output += String(c); });
  const [code] = await once(shell, 'exit') as [number | null];
  assert.equal(code, 0, `the quickstart commands failed:\n${output}`);

  const got = readFileSync(results, 'utf8').trimEnd().split('\n').map((l) => {
    const tab = l.indexOf('\t');
    return { index: Number(l.slice(0, tab)), text: l.slice(tab + 1) };
  });
  assert.deepEqual(got.map((g) => g.index), checks.map((_, i) => i), 'every checked line ran once, in order');
  for (const g of got) assert.equal(g.text, checks[g.index].expected, checks[g.index].line);
});

test('the variables docs/quickstart.md exports leave `npm start` in the same terminal working', () => {
  // The exports are for the CLI and curl; `lacquer serve` reads its own names (DESIGN.md §4.1).
  const exports = [...DOC.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2].startsWith('$(') ? 'a-token' : m[2]] as const);
  assert.deepEqual(exports.map(([name]) => name), ['LACQUER_API_URL', 'LACQUER_API_TOKEN']);
  const options = resolveServeOptions({}, Object.fromEntries(exports));
  assert.deepEqual([options.api, options.token], [{ host: '127.0.0.1', port: 8081 }, null]);
});
