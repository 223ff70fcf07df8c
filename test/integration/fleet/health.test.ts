// Health across a fleet of real processes on one PostgreSQL database (DESIGN.md §4.6 Health):
// one control node, POP a with two edge nodes, POP b with one. Each POP probes each identity
// once per interval whatever its number of nodes; when the origin stops, both POPs report it
// sick independently and the control node's API shows both; when one of a's nodes is killed,
// the other takes its probes over within max(3 intervals, 5 s); when b's only node is killed,
// POP b turns stale within max(3 × check_interval, 10 s) and is never shown healthy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { TestContext } from 'node:test';
import { freshDatabase } from '../../support/postgres.ts';
import { waitFor } from '../harness.ts';

const BIN = path.join(import.meta.dirname, '../../../bin/lacquer.ts');
const TOKEN = 'fleet-health-token';
const BACKENDS = 6;
const PATHS = Array.from({ length: BACKENDS }, (_, i) => `/health/${i}`);

interface Entry { name: string; pop: string; healthy: boolean; stale: boolean; last_response: string }
interface Probe { readonly path: string; readonly at: number }

/** `lacquer serve` as its own process; resolves once it printed what it serves. */
async function serve(t: TestContext, dir: string, db: string, args: readonly string[], waitFor: RegExp): Promise<{ child: ChildProcess; line: RegExpExecArray }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--workers', '0', '--tls', '127.0.0.1:0', '--db', db, '--log-level', 'warn', ...args], {
    cwd: dir, stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => { stderr += c.toString(); });
  for await (const text of createInterface({ input: child.stdout as NodeJS.ReadableStream })) {
    const line = waitFor.exec(text);
    if (line !== null) {
      child.stdout?.resume();
      return { child, line };
    }
  }
  throw new Error(`lacquer serve ${args.join(' ')} exited before it served (stderr: ${stderr})`);
}

function countsBetween(probes: readonly Probe[], from: number, to: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of probes) if (p.at > from && p.at <= to) out.set(p.path, (out.get(p.path) ?? 0) + 1);
  return out;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('a control node and POPs a (two edge nodes) and b (one) on PostgreSQL: probes once per POP, sick in both, hand-over within 5 s, a dead POP stale', { timeout: 120_000 }, async (t) => {
  const db = await freshDatabase();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lacquer-fleet-health-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const probes: Probe[] = [];
  let up = true;
  const origin = http.createServer((req, res) => {
    probes.push({ path: req.url ?? '', at: Date.now() });
    res.writeHead(up ? 200 : 503, { connection: 'close' }).end();
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  t.after(() => { origin.closeAllConnections(); origin.close(); });
  const originPort = (origin.address() as { port: number }).port;

  const control = await serve(t, dir, db, ['--role', 'control', '--api', '127.0.0.1:0', '--token', TOKEN, '--pop', 'control'], /^control API on (http:\/\/\S+)$/);
  const apiUrl = control.line[1];
  const api = async (method: string, urlPath: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${apiUrl}${urlPath}`, {
      method, headers: { 'fastly-key': TOKEN, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${urlPath} → ${res.status} ${text}`);
    return JSON.parse(text);
  };
  const { id: sid } = await api('POST', '/service', { name: 'fleet' }) as { id: string };
  await api('POST', `/service/${sid}/version/1/domain`, { name: 'fleet.example' });
  for (let i = 0; i < BACKENDS; i++) {
    await api('POST', `/service/${sid}/version/1/healthcheck`, { name: `hc${i}`, path: PATHS[i], check_interval: 1000, window: 2, threshold: 1, initial: 1 });
    await api('POST', `/service/${sid}/version/1/backend`, { name: `b${i}`, address: '127.0.0.1', port: originPort, healthcheck: `hc${i}` });
  }
  await api('PUT', `/service/${sid}/version/1/activate`);
  const entries = async (): Promise<Entry[]> => ((await api('GET', `/service/${sid}/health`)) as { backends: Entry[] }).backends;
  const byPop = (list: readonly Entry[], pop: string): Entry[] => list.filter((e) => e.pop === pop);

  const edge = (pop: string) => serve(t, dir, db, ['--role', 'edge', '--pop', pop, '--edge', '127.0.0.1:0'], /^edge on http:\/\/127\.0\.0\.1:(\d+)$/);
  const [a1, , b1] = await Promise.all([edge('a'), edge('a'), edge('b')]);
  await waitFor(async () => {
    const list = await entries();
    return ['a', 'b'].every((pop) => byPop(list, pop).length === BACKENDS && byPop(list, pop).every((e) => e.healthy && !e.stale));
  }, 20_000, 'the control node shows every backend healthy and fresh in POPs a and b');

  // Three edge nodes, two POPs: each path is probed twice a second, once by each POP.
  await sleep(2_000);
  let from = Date.now();
  await sleep(4_000);
  for (const [p, n] of countsBetween(probes, from, Date.now())) {
    assert.ok(n >= 6 && n <= 10, `${p}: one probe a second from each of the two POPs over 4 s, got ${n}`);
  }

  // The origin fails its health checks: both POPs find out on their own, and the API shows both.
  up = false;
  await waitFor(async () => {
    const list = await entries();
    return ['a', 'b'].every((pop) => byPop(list, pop).every((e) => !e.healthy && !e.stale && e.last_response.includes('503')));
  }, 6_000, 'both POPs report every backend sick');
  up = true;
  await waitFor(async () => (await entries()).every((e) => e.healthy), 6_000, 'both POPs report them healthy again');

  // One of a's nodes dies: within 5 s every path is probed twice a second again.
  a1.child.kill('SIGKILL');
  const died = Date.now();
  await sleep(5_000);
  from = Date.now();
  await sleep(3_000);
  const after = countsBetween(probes, from, Date.now());
  assert.deepEqual([...after.keys()].sort(), [...PATHS].sort());
  for (const [p, n] of after) assert.ok(n >= 5 && n <= 8, `${p}: probed by POP a's other node and by POP b, from ${from - died} ms after the death; got ${n} in 3 s`);

  // POP b's only node dies: b turns stale within 10 s (+ one summary), a stays fresh.
  b1.child.kill('SIGKILL');
  const gone = Date.now();
  await waitFor(async () => byPop(await entries(), 'b').every((e) => e.stale), 13_000, 'POP b is stale');
  const staleAfter = Date.now() - gone;
  assert.ok(staleAfter >= 8_000, `stale only after 10 s without a summary, here after ${staleAfter} ms`);
  const list = await entries();
  assert.deepEqual(byPop(list, 'b').map((e) => [e.healthy, e.stale]), PATHS.map(() => [false, true]), 'a stale entry is never healthy');
  assert.deepEqual(byPop(list, 'a').map((e) => [e.healthy, e.stale]), PATHS.map(() => [true, false]));
});
