// A flapping origin, scripted by request number, probed by lacquer and by Varnish 7.1:
// both must walk through the same per-probe states, bits and good counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import pino from 'pino';
import { HealthRegistry } from '../../src/health/registry.ts';
import { BIT_LETTERS, createHealthState, probeBits, recordProbe } from '../../src/health/state.ts';
import { backendHealthLine } from '../../src/health/log.ts';
import type { HealthEvent } from '../../src/health/registry.ts';
import { defaultProbeRequest, probeIdentity } from '../../src/model/backend.ts';
import { answer, backendDef, probeDef, scriptedOrigin } from './fixtures.ts';

const STATUSES = [200, 200, 500, 500, 500, 200, 200, 500, 200, 500, 500, 500, 200, 200];
const flappingOrigin = () => scriptedOrigin(STATUSES.map((s) => answer(`HTTP/1.1 ${s} Scripted\r\nContent-Length: 0\r\n\r\n`)));
const PROBE = { window: 4, threshold: 2, initial: 1, intervalMs: 30, timeoutMs: 500 };
const DEADLINE_MS = 15_000;

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const end = Date.now() + DEADLINE_MS;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Runs lacquer's registry against the script; returns its per-probe Backend_health lines. */
async function lacquerLines(t: { after: (fn: () => Promise<void> | void) => void }, events: HealthEvent[] = []) {
  const origin = await flappingOrigin();
  t.after(() => origin.close());
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(String((JSON.parse(chunk.toString()) as { msg: string }).msg));
      cb();
    },
  });
  const reg = new HealthRegistry({ pop: 'test', logger: pino({ level: 'debug' }, sink) });
  t.after(() => reg.close());
  reg.on('health', (e) => events.push(e));
  const backend = backendDef({
    name: 'b1', port: origin.port,
    probe: probeDef({ ...PROBE, request: defaultProbeRequest('/', '127.0.0.1') }),
  });
  reg.sync([{ serviceId: 's', backend }]);
  await until('lacquer probes', () => (lines.length >= STATUSES.length ? true : undefined));
  reg.close();
  return { lines: lines.slice(0, STATUSES.length), requests: origin.requests, identity: probeIdentity(backend) };
}

/** `Backend_health - b1 Went healthy 4---X-RH 2 2 4 0.000512 0.000171 "…"` without the two times. */
const withoutTimes = (line: string): string => line.replace(/^(Backend_health - .*? \d+ \d+ \d+) [\d.]+ [\d.]+ (".*")$/, '$1 $2');

/** Per probe: H/S when the verdict Went healthy/sick, h/s when it Still is. */
const states = (lines: string[]): string =>
  lines.map((l) => {
    const m = /^Backend_health - \S+ (Went|Still) (sick|healthy) /.exec(l);
    assert.ok(m, l);
    const c = m[2] === 'sick' ? 's' : 'h';
    return m[1] === 'Went' ? c.toUpperCase() : c;
  }).join('');

test('a flapping origin produces the exact flip sequence', async (t) => {
  const events: HealthEvent[] = [];
  const { lines } = await lacquerLines(t, events);
  assert.equal(states(lines), 'HhhhSsHhhhSssH');
  assert.deepEqual(events.map((e) => `${e.cause}:${e.healthy}`),
    ['start:false', 'probe:true', 'probe:false', 'probe:true', 'probe:false', 'probe:true']);
  assert.equal(withoutTimes(lines[4]), 'Backend_health - b1 Went sick 4---X-R- 1 2 4 "HTTP/1.1 500 Scripted"');
});

function varnishd(): string {
  const found = [process.env.VARNISHD, '/usr/sbin/varnishd', '/usr/local/sbin/varnishd'].find((p) => p !== undefined && existsSync(p));
  if (found === undefined) throw new Error('varnishd is not installed: the differential test needs Varnish 7.1 (.ci/run installs it with apt-get)');
  return found;
}

test('lacquer and Varnish 7.1 report the same states, bits and good counts for the same flapping origin', async (t) => {
  const bin = varnishd();
  const origin = await flappingOrigin();
  t.after(() => origin.close());
  const dir = await mkdtemp(path.join(tmpdir(), 'lacquer-varnish-'));
  // varnishd drops privileges to its own user, which must be able to reach the work dir.
  await chmod(dir, 0o755);
  t.after(() => rm(dir, { recursive: true, force: true }));
  const vcl = path.join(dir, 'probe.vcl');
  await writeFile(vcl, `vcl 4.1;
backend b1 {
  .host = "127.0.0.1";
  .port = "${origin.port}";
  .probe = { .url = "/"; .interval = ${PROBE.intervalMs}ms; .timeout = ${PROBE.timeoutMs}ms;
             .window = ${PROBE.window}; .threshold = ${PROBE.threshold}; .initial = ${PROBE.initial}; }
}
`);
  const workdir = path.join(dir, 'n');
  const child = spawn(bin, ['-F', '-n', workdir, '-a', '127.0.0.1:0', '-f', vcl, '-s', 'malloc,16m'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  t.after(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  });

  const run = promisify(execFile);
  const varnishLines = await until('Varnish probes', async () => {
    if (child.exitCode !== null) throw new Error(`varnishd exited: ${output}`);
    const got = await run('varnishlog', ['-d', '-n', workdir, '-g', 'raw', '-i', 'Backend_health', '-t', '1'])
      .then((r) => r.stdout, () => '');
    // Lines with an empty text are VBP_Update_Backend's at VCL load and warm-up, not probes.
    const probes = got.split('\n').map((l) => l.replace(/^\s*\d+ /, '')).filter((l) => l.startsWith('Backend_health') && !l.endsWith('""'));
    return probes.length >= STATUSES.length ? probes.slice(0, STATUSES.length) : undefined;
  });
  const ours = await lacquerLines(t);

  assert.deepEqual(ours.lines.map(withoutTimes), varnishLines.map(withoutTimes));
  assert.equal(states(varnishLines), 'HhhhSsHhhhSssH');
  assert.equal(ours.requests[0], origin.requests[0], 'the same probe request bytes');

  // Fed Varnish's own probe times, lacquer's state prints Varnish's lines, averages included.
  let state = createHealthState(probeDef(PROBE), 0);
  const avg = (line: string): number => Number(/ ([\d.]+) "/.exec(line)?.[1]);
  for (const line of varnishLines) {
    const m = /^Backend_health - b1 \S+ \S+ (\S{8}) \d+ \d+ \d+ ([\d.]+) [\d.]+ "(.*)"$/.exec(line);
    assert.ok(m, line);
    const letters = BIT_LETTERS.filter((l, i) => m[1][i] === l);
    const step = recordProbe(state, {
      outcome: 'happy', bits: probeBits(letters), rttMs: Number(m[2]) * 1000, response: m[3], startedAt: 0, durationMs: 0,
    });
    state = step.state;
    const replayed = backendHealthLine('b1', state, step.changed);
    assert.equal(replayed.replace(/ [\d.]+ "/, ' "'), line.replace(/ [\d.]+ "/, ' "'));
    // Varnish averages unrounded times; the log gives them to the microsecond.
    assert.ok(Math.abs(avg(replayed) - avg(line)) <= 2e-6, `${replayed} vs ${line}`);
  }
});
