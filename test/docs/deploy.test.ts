// Runs docs/deploy.md as an operator would (STYLE.md habit 10): every ```sh block, in order, in
// one shell in a fresh directory — PostgreSQL with initdb, pg_ctl and createdb, one control node
// and four edge nodes in two POPs, a change, a purge, the database down and back, the stop —
// and each line ending in `# → …` must print exactly that.
//
// Substitutions, so the test can run beside anything else on the machine:
// - every port of the page (PostgreSQL 5433, the origin 8000, the API 8081, the edges 8080,
//   8090, 8180, 8190 and their HTTPS 8443, 8453, 8543, 8553) becomes a free port;
// - `npx lacquer` is `lacquer` on PATH (this checkout's bin/lacquer.ts), as in test/cli/docs.test.ts.
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = path.join(import.meta.dirname, '../..');
const DOC = readFileSync(path.join(ROOT, 'docs/deploy.md'), 'utf8');
const PORTS = ['5433', '8000', '8080', '8081', '8090', '8180', '8190', '8443', '8453', '8543', '8553'];

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  server.close();
  await once(server, 'close');
  return port;
}

interface Check {
  readonly line: string;
  readonly expected: string;
}

/** The page's blocks as one script; each checked line appends `index<TAB>output` to $RESULTS. */
function script(ports: ReadonlyMap<string, number>): { text: string; checks: Check[] } {
  const blocks = [...DOC.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  const checks: Check[] = [];
  const lines = blocks.join('\n').split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  const out = lines.map((raw) => {
    const line = raw.replace(/(^|[ =(])npx lacquer /g, '$1lacquer ').replace(new RegExp(`\\b(${PORTS.join('|')})\\b`, 'g'), (p) => String(ports.get(p)));
    const m = /^(.*?)\s+# → (.+)$/.exec(line);
    if (m === null) return line;
    checks.push({ line: raw, expected: m[2] });
    return `printf '%s\\t%s\\n' ${checks.length - 1} "$(${m[1]})" >> "$RESULTS"`;
  });
  return { text: ['set -eu -o pipefail', ...out].join('\n'), checks };
}

test('every command in docs/deploy.md runs and prints what the doc says', { timeout: 240_000 }, async (t) => {
  for (const tool of ['curl', 'jq', 'bash']) execFileSync('sh', ['-c', `command -v ${tool}`]);
  assert.ok(existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').length > 0,
    'docs/deploy.md needs Debian\'s postgresql package (/usr/lib/postgresql/<version>/bin)');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lacquer-deploy-'));
  // As root the page runs PostgreSQL as `postgres`, which must reach ./fleet from here.
  chmodSync(dir, 0o755);
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'lacquer'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(ROOT, 'bin/lacquer.ts'))} "$@"\n`);
  chmodSync(path.join(bin, 'lacquer'), 0o755);
  const ports = new Map<string, number>();
  for (const p of PORTS) ports.set(p, await freePort());
  const { text, checks } = script(ports);
  assert.ok(checks.length >= 8, `only ${checks.length} checked lines`);

  const results = path.join(dir, 'results');
  const shell = spawn('bash', ['-c', text], {
    cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: `${bin}:${path.join(ROOT, 'node_modules/.bin')}:${process.env.PATH ?? ''}`, HOME: dir, RESULTS: results },
  });
  t.after(async () => {
    // Whatever a failed run left: the nodes (in the shell's process group) and the server.
    try {
      process.kill(-(shell.pid as number), 'SIGKILL');
    } catch {
      // gone
    }
    const pgCtl = path.join('/usr/lib/postgresql', readdirSync('/usr/lib/postgresql').sort().at(-1) as string, 'bin/pg_ctl');
    const stop = [pgCtl, '-D', path.join(dir, 'fleet/pg'), '-m', 'immediate', 'stop'];
    await new Promise<void>((resolve) => {
      const [file, args] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', ...stop]] : [stop[0], stop.slice(1)];
      execFile(file, args, () => resolve());
    });
    rmSync(dir, { recursive: true, force: true });
  });
  let output = '';
  shell.stdout.on('data', (c: Buffer) => { output += String(c); });
  shell.stderr.on('data', (c: Buffer) => { output += String(c); });
  const [code] = await once(shell, 'exit') as [number | null];
  const logs = (): string => ['control', 'a1', 'a2', 'b1', 'b2'].map((n) => {
    try {
      return `--- ${n}.log\n${readFileSync(path.join(dir, `fleet/${n}.log`), 'utf8').slice(-2000)}`;
    } catch {
      return '';
    }
  }).join('\n');
  assert.equal(code, 0, `the deploy commands failed:\n${output}\n${logs()}`);

  const got = readFileSync(results, 'utf8').trimEnd().split('\n').map((l) => {
    const tab = l.indexOf('\t');
    return { index: Number(l.slice(0, tab)), text: l.slice(tab + 1) };
  });
  assert.deepEqual(got.map((g) => g.index), checks.map((_, i) => i), 'every checked line ran once, in order');
  for (const g of got) assert.equal(g.text, checks[g.index].expected, `${checks[g.index].line}\n${logs()}`);
});
