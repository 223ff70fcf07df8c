// The Varnish side of the probe bench: varnishd 7.1 probing N backends on the same origins at
// the same interval, its cache child's CPU read from /proc, so lacquer's CPU per probe can be
// printed as a ratio to Varnish's in the same run (the project's rule for speed targets).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface VarnishProbeResult {
  readonly backends: number;
  readonly seconds: number;
  /** CPU µs of the cache child per due probe. */
  readonly usPerProbe: number;
  readonly compileSeconds: number;
}

const TICKS_PER_SECOND = 100;

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14 and 15 of stat)
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Called around the measured part (e.g. to count what the origins see over it). */
export interface MeasureHooks {
  /** Told the cache child's pid once it runs (e.g. to pin it to the CPUs lacquer's prober has). */
  readonly started?: (cachePid: number) => void;
  readonly before?: () => Promise<void>;
  readonly after?: () => Promise<void>;
}

export async function measureVarnishProbes(
  ports: readonly number[], backends: number, intervalMs: number, seconds: number, hooks: MeasureHooks = {},
): Promise<VarnishProbeResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lacquer-vprobe-'));
  const vcl = ['vcl 4.1;'];
  for (let i = 0; i < backends; i++) {
    vcl.push(`backend b${i} { .host = "127.0.0.1"; .port = "${ports[i % ports.length]}"; .probe = { .url = "/health/${i}"; `
      + `.interval = ${intervalMs}ms; .timeout = 2s; .window = 5; .threshold = 3; .initial = 2; } }`);
  }
  vcl.push('sub vcl_recv { set req.backend_hint = b0; }');
  writeFileSync(path.join(dir, 'probes.vcl'), `${vcl.join('\n')}\n`);
  const listen = await freePort();
  const started = Date.now();
  const manager = spawn('/usr/sbin/varnishd', [
    '-F', '-n', path.join(dir, 'n'), '-a', `127.0.0.1:${listen}`, '-T', 'none', '-j', 'none',
    '-f', path.join(dir, 'probes.vcl'), '-s', 'malloc,16m', '-p', 'vcc_err_unref=off',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    // The manager forks the VCL compiler first and the cache child after; it says when the
    // latter is up ("Child launched OK"), and then the cache child is its one child process.
    let output = '';
    const collect = (chunk: Buffer): void => { output += chunk.toString(); };
    manager.stdout.on('data', collect);
    manager.stderr.on('data', collect);
    while (!output.includes('Child launched OK')) {
      if (manager.exitCode !== null) throw new Error(`varnishd exited with ${manager.exitCode}: ${output.slice(-500)}`);
      if (Date.now() - started > 600_000) throw new Error('varnishd did not start within 10 minutes');
      await new Promise((r) => setTimeout(r, 250));
    }
    const child = Number(execFileSync('pgrep', ['-P', String(manager.pid)], { encoding: 'utf8' }).trim().split('\n')[0]);
    const compileSeconds = (Date.now() - started) / 1000;
    hooks.started?.(child);
    await new Promise((r) => setTimeout(r, intervalMs * 2)); // every backend past its first probe
    await hooks.before?.();
    const before = cpuTicks(child);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const ticks = cpuTicks(child) - before;
    await hooks.after?.();
    const due = (backends * seconds * 1000) / intervalMs;
    return { backends, seconds, usPerProbe: (ticks / TICKS_PER_SECOND) * 1e6 / due, compileSeconds };
  } finally {
    manager.kill('SIGTERM');
    await new Promise((r) => manager.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}
