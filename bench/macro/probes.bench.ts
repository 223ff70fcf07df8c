// 10,000 distinct probed backends at a 1 s interval against local origins.
// Prints probes done against probes due, how late probe starts were (p99, share within
// 50 ms) and the CPU time used as a share of one core, next to a baseline measured in the
// same run: the same scheduler and registry with a probe that does no I/O.
//
//   node bench/macro/probes.bench.ts [--seconds 30] [--backends 10000] [--interval-ms 1000]
//                                    [--origins 16] [--baseline-seconds 5] [--floor-probes 20000]
//                                    [--varnish-backends 500] [--no-pin]
//
// The floor is what bare TCP costs here: a closed loop of connect, write the same request,
// read to the origin's close, close — no scheduler, deadline or state — against the same
// origins. Its µs per probe × probes per second is the least CPU any Node prober could use.
// On loopback the kernel work of the handshake and of closing is charged to the process that
// makes the syscall, so part of what a remote origin's host would pay shows up as ours.
// Probes done fall short of due by each probe's own time: as in Varnish (vbp_task), the next
// probe of a backend is due one interval after the previous one finished.
//
// The prober runs with the V8 flags of lacquer's primary (src/process/v8-flags.ts), the
// process that runs the health registry in production: without them the young generation's
// health states and sockets were pretenured and scavenges promoted 16-20 MB, 23-52 ms each.
//
// The origins run in a child process so their CPU is not counted as lacquer's; it is printed
// on its own line, because on a small machine the origins share the cores with the prober and
// can be what holds it back. They stand in for remote servers, so by default (--no-pin to
// turn it off) the origin child's threads are pinned to the last CPU and lacquer's main thread
// to the first (taskset); the kernel's loopback work is still charged wherever it runs. They listen on several ports of 127.0.0.1 so 10,000 connections
// a second do not run out of source ports.

import { execFileSync, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';
import { HealthMetrics, HealthRegistry, probeBits } from '../../src/health/index.ts';
import type { HealthTarget, ProbeFn, ProbeResult } from '../../src/health/index.ts';
import { BACKEND_DEFAULTS, defaultProbeRequest } from '../../src/model/backend.ts';
import type { BackendDefinition } from '../../src/model/backend.ts';
import { applyServeV8Flags, SERVE_V8_FLAGS } from '../../src/process/v8-flags.ts';
import { machineSeconds } from './lib/cpu.ts';
import { measureVarnishProbes } from './lib/varnish-probes.ts';

const ORIGIN_CHILD = '--origin-child';

interface CpuQuery { readonly cpu: true }
interface CpuAnswer { readonly cpu: NodeJS.CpuUsage }

async function runOrigins(count: number): Promise<void> {
  const ports: number[] = [];
  // Lean on purpose, because the origins share the cores with the prober: one prebuilt
  // answer, shared listeners, and the socket closed as soon as the answer is in the kernel
  // (an HTTP/1.1 origin told `Connection: close` may close after its response, RFC 9112 §9.6)
  // rather than half-closed and then waiting for the prober's FIN, which costs a shutdown()
  // and another turn of the event loop per probe. The request fits one read on loopback.
  const answer = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', 'latin1');
  const ignore = (): void => {};
  function respond(this: net.Socket): void {
    this.write(answer);
    if (this.writableLength === 0) this.destroy();
    else this.once('drain', this.destroy);
  }
  for (let i = 0; i < count; i++) {
    const server = net.createServer((socket) => {
      socket.on('error', ignore);
      socket.once('data', respond);
    });
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve));
    ports.push((server.address() as net.AddressInfo).port);
  }
  process.send?.({ ports });
  process.on('message', (m: CpuQuery) => {
    if (m.cpu) process.send?.({ cpu: process.cpuUsage() } satisfies CpuAnswer);
  });
  process.on('disconnect', () => process.exit(0));
}

function backend(i: number, port: number, intervalMs: number): BackendDefinition {
  return {
    name: `F_b${i}`, shareKey: 'bench', dynamic: true, host: '127.0.0.1', port,
    ssl: false, sslCertHostname: null, sslSniHostname: null, sslCheckCert: true, sslCaCert: null,
    minTlsVersion: null, maxTlsVersion: null, sslCiphers: null,
    connectTimeoutMs: BACKEND_DEFAULTS.connectTimeoutMs, firstByteTimeoutMs: BACKEND_DEFAULTS.firstByteTimeoutMs,
    betweenBytesTimeoutMs: BACKEND_DEFAULTS.betweenBytesTimeoutMs, maxConnections: BACKEND_DEFAULTS.maxConnections,
    hostHeader: null, alwaysUseHostHeader: false, keepaliveTimeMs: null, preferIpv6: false, errorThreshold: 0,
    probe: {
      dummy: false, request: defaultProbeRequest(`/health/${i}`, 'bench.test'), expectedResponse: 200,
      intervalMs, timeoutMs: 2_000, window: 5, threshold: 3, initial: 2,
    },
  };
}

interface Outcome {
  syncMs: number;
  outcomes: Map<string, number>;
  done: number;
  happy: number;
  late: number[];
  /** When each start happened, ms after the sync began (same order as `late`). */
  startedAt: number[];
  durations: number[];
  cpuMs: number;
  originCpuMs: number;
  /** CPU ms the whole machine was busy (every process), to show what else ran. */
  machineMs: number;
  /** Share of the time lacquer's event loop was busy (performance.eventLoopUtilization). */
  loopBusy: number;
  /** Event-loop delay (perf_hooks.monitorEventLoopDelay), ms: p99 and max. */
  loopDelayP99: number;
  loopDelayMax: number;
  /** ms the main thread spent runnable but waiting for a core (/proc/self/schedstat, field 2). */
  runqueueMs: number;
  wallMs: number;
}

/** ms this process's main thread has waited on a run queue (sched(7) schedstat: run, wait, slices; in ns). */
function runqueueWaitMs(): number {
  return Number(readFileSync('/proc/self/schedstat', 'utf8').split(' ')[1]) / 1e6;
}

/** CPU ms (user + system) the origin child has used so far. */
type OriginCpu = () => Promise<number>;

function originCpu(child: ChildProcess): OriginCpu {
  return () => new Promise((resolve) => {
    const onMessage = (m: CpuAnswer): void => {
      if (m.cpu === undefined) return;
      child.off('message', onMessage);
      resolve((m.cpu.user + m.cpu.system) / 1000);
    };
    child.on('message', onMessage);
    child.send({ cpu: true } satisfies CpuQuery);
  });
}

async function measure(targets: HealthTarget[], probe: ProbeFn | undefined, seconds: number, origin: OriginCpu): Promise<Outcome> {
  const late: number[] = [];
  const startedAt: number[] = [];
  const durations: number[] = [];
  let t0 = 0;
  let done = 0;
  let happy = 0;
  let counting = true;
  const outcomes = new Map<string, number>();
  // Counted from the registry's own 'probe' event, so the probe runs as in production (the
  // registry's default probe when `probe` is undefined), not wrapped in another promise.
  const registry = new HealthRegistry({
    pop: 'bench', probe, metrics: new HealthMetrics(new Registry()),
    scheduler: {
      onStart: (ms) => {
        if (!counting) return;
        late.push(ms);
        startedAt.push(performance.now() - t0);
      },
    },
  });
  registry.on('probe', (_identity, r) => {
    if (!counting) return;
    done++;
    if (r.outcome === 'happy') happy++;
    else outcomes.set(r.response, (outcomes.get(r.response) ?? 0) + 1);
    durations.push(r.durationMs);
  });
  const origin0 = await origin();
  const machine0 = machineSeconds().busy;
  const elu0 = performance.eventLoopUtilization();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const waited0 = runqueueWaitMs();
  const cpu0 = process.cpuUsage();
  t0 = performance.now();
  registry.sync(targets);
  const syncMs = performance.now() - t0;
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  counting = false;
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const loopBusy = performance.eventLoopUtilization(elu0).utilization;
  delay.disable();
  const runqueueMs = runqueueWaitMs() - waited0;
  const machineMs = (machineSeconds().busy - machine0) * 1000;
  const originCpuMs = (await origin()) - origin0;
  registry.close();
  return {
    syncMs, outcomes, done, happy, late, startedAt, durations, cpuMs: (cpu.user + cpu.system) / 1000, originCpuMs, machineMs, loopBusy, wallMs,
    loopDelayP99: delay.percentile(99) / 1e6, loopDelayMax: delay.max / 1e6, runqueueMs,
  };
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
}

function report(label: string, o: Outcome, due: number, intervalMs: number): void {
  const sorted = Float64Array.from(o.late).sort();
  const p99 = percentile(sorted, 0.99);
  const durations = Float64Array.from(o.durations).sort();
  const onTime = sorted.length === 0 ? 0 : sorted.filter((ms) => ms <= 50).length / sorted.length;
  const cpuShare = o.cpuMs / o.wallMs;
  console.log(`${label}   (sync of all backends took ${o.syncMs.toFixed(0)} ms)`);
  console.log(`  probes done / due      ${o.done} / ${due} = ${(o.done / due * 100).toFixed(1)} %  (happy ${o.happy})`);
  console.log(`  probe time             p50 ${percentile(durations, 0.5).toFixed(1)} ms   p99 ${percentile(durations, 0.99).toFixed(1)} ms`);
  console.log(`  starts within 50 ms    ${(onTime * 100).toFixed(2)} %   p99 lateness ${p99.toFixed(1)} ms   (${sorted.length} starts)`);
  // The first probes of 10,000 new backends run on cold code and a young heap that is still
  // growing: this line tells that transient from the steady state.
  const steady = o.late.filter((_, i) => o.startedAt[i] >= 2 * intervalMs);
  const steadyOnTime = steady.length === 0 ? 0 : steady.filter((ms) => ms <= 50).length / steady.length;
  console.log(`  … after two intervals  ${(steadyOnTime * 100).toFixed(2)} %   (${steady.length} starts)`);
  const perProbe = o.done === 0 ? 0 : (o.cpuMs * 1000) / o.done;
  console.log(`  CPU                    ${(cpuShare * 100).toFixed(1)} % of one core   (${perProbe.toFixed(1)} µs per probe)`);
  console.log(`  origins' CPU           ${(o.originCpuMs / o.wallMs * 100).toFixed(1)} % of one core (not lacquer's)`);
  // Lateness comes from the loop being busy or from the process waiting for a core: these
  // two lines tell which (the machine line includes other users of the cores).
  const others = Math.max(0, o.machineMs - o.cpuMs - o.originCpuMs);
  console.log(`  event loop busy        ${(o.loopBusy * 100).toFixed(1)} % of the time; delay p99 ${o.loopDelayP99.toFixed(1)} ms, max ${o.loopDelayMax.toFixed(0)} ms`);
  console.log(`  waited for a core      ${(o.runqueueMs / o.wallMs * 100).toFixed(1)} % of the time (runnable, not running: /proc/self/schedstat)`);
  console.log(`  machine busy           ${(o.machineMs / o.wallMs * 100).toFixed(0)} % of one core over ${os.cpus().length} cores; everything but lacquer and its origins ${(others / o.wallMs * 100).toFixed(0)} %`);
  const failures = [...o.outcomes].sort((a, b) => b[1] - a[1]).slice(0, 3);
  if (failures.length > 0) console.log(`  failures               ${failures.map(([text, n]) => `${n}× ${text}`).join('; ')}`);
}

const FLOOR_REQUEST = Buffer.from(defaultProbeRequest('/health/0', 'bench.test').map((l) => `${l}\r\n`).join('') + '\r\n', 'latin1');

/** One bare TCP exchange, as little as Node's net allows: no deadline, no parsing. */
function bareExchange(port: number, readInto: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    let got = false;
    const s = net.connect({ host: '127.0.0.1', port, onread: { buffer: readInto, callback: () => (got = true) } });
    s.on('error', () => resolve(false));
    s.on('connect', () => s.write(FLOOR_REQUEST));
    s.on('end', () => {
      s.destroy();
      resolve(got);
    });
  });
}

async function floor(ports: number[], probes: number, origin: OriginCpu, backends: number, interval: number): Promise<void> {
  const readInto = Buffer.allocUnsafe(16 * 1024);
  const concurrency = 64;
  let started = 0;
  let ok = 0;
  const origin0 = await origin();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (started < probes) {
      const i = started++;
      if (await bareExchange(ports[i % ports.length], readInto)) ok++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const originMs = (await origin()) - origin0;
  const us = (cpu.user + cpu.system) / probes;
  console.log(`bare TCP floor (${probes} exchanges, ${concurrency} at a time, ${ok} answered, ${(probes / wallMs * 1000).toFixed(0)}/s)`);
  console.log(`  CPU                    ${us.toFixed(1)} µs per exchange (user ${(cpu.user / probes).toFixed(1)}, system ${(cpu.system / probes).toFixed(1)}); origins ${(originMs * 1000 / probes).toFixed(1)} µs`);
  // Node makes nearly the syscalls a blocking C client makes (socket, connect, write, two
  // reads, close; plus an epoll_ctl and a getsockopt, strace -c), so the system time is about
  // what the kernel charges any prober here, whatever it is written in.
  const kernelShare = (cpu.system / probes) * ((backends * 1000) / interval) / 1e6; // µs × probes/s → cores
  console.log(`  kernel's part          ${(cpu.system / probes).toFixed(1)} µs per exchange: ${(kernelShare * 100).toFixed(0)} % of one core for ${backends} backends at ${interval} ms, before any user-space work`);
}

/**
 * Origins (every thread of the child) on the last CPU, lacquer's main thread on the first:
 * the origins stand in for remote hosts and should not take the prober's core. Lacquer's
 * other threads (V8's garbage collection helpers, libuv's pool) stay unpinned.
 */
function pinCores(child: ChildProcess): string {
  const cpus = os.cpus().length;
  if (cpus < 2) return 'not pinned: one CPU';
  const last = String(cpus - 1);
  execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', last, String(child.pid)], { stdio: 'ignore' });
  execFileSync('taskset', ['--cpu-list', '--pid', '0', String(process.pid)], { stdio: 'ignore' });
  return `pinned (taskset): origin child's threads on CPU ${last}, lacquer's main thread on CPU 0, its other threads unpinned`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '30' },
      backends: { type: 'string', default: '10000' },
      'interval-ms': { type: 'string', default: '1000' },
      origins: { type: 'string', default: '16' },
      'baseline-seconds': { type: 'string', default: '5' },
      'floor-probes': { type: 'string', default: '20000' },
      'varnish-backends': { type: 'string', default: '500' },
      pin: { type: 'boolean', default: true },
    },
    allowNegative: true,
  });
  const seconds = Number(values.seconds);
  const count = Number(values.backends);
  const intervalMs = Number(values['interval-ms']);
  const originCount = Number(values.origins);
  const baselineSeconds = Math.min(Number(values['baseline-seconds']), seconds);

  const child = fork(import.meta.filename, [ORIGIN_CHILD, String(originCount)], { stdio: 'inherit' });
  const ports = await new Promise<number[]>((resolve) => child.once('message', (m) => resolve((m as { ports: number[] }).ports)));
  const placement = values.pin ? pinCores(child) : 'not pinned (--no-pin)';
  const targets = Array.from({ length: count }, (_, i) => ({ serviceId: `svc${i % 100}`, backend: backend(i, ports[i % ports.length], intervalMs) }));
  const due = (s: number) => Math.round((count * s * 1000) / intervalMs);

  applyServeV8Flags();
  console.log(`${count} backends, interval ${intervalMs} ms, ${originCount} origin ports; baseline ${baselineSeconds} s, run ${seconds} s`);
  console.log(`prober's V8 flags as lacquer's primary: ${SERVE_V8_FLAGS.join(' ')}; ${placement}`);
  // Lateness means little on a machine that other work keeps busy: say how busy it was.
  console.log(`${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const noIo: ProbeFn = async () => {
    const r: ProbeResult = { outcome: 'happy', bits: probeBits(['4', 'X', 'R', 'H']), rttMs: 0.1, response: 'HTTP/1.1 200 OK', startedAt: Date.now(), durationMs: 0.1 };
    return r;
  };
  const origin = originCpu(child);
  const baseline = await measure(targets, noIo, baselineSeconds, origin);
  report('baseline (scheduler + registry, probe without I/O)', baseline, due(baselineSeconds), intervalMs);
  const real = await measure(targets, undefined, seconds, origin);
  report('probes on the wire', real, due(seconds), intervalMs);
  const cpu = (o: Outcome) => o.cpuMs / o.wallMs;
  console.log(`CPU ratio wire / baseline: ${(cpu(real) / Math.max(cpu(baseline), 1e-9)).toFixed(1)}x`);
  const floorProbes = Number(values['floor-probes']);
  if (floorProbes > 0) await floor(ports, floorProbes, origin, count, intervalMs);
  const varnishBackends = Number(values['varnish-backends']);
  if (varnishBackends > 0) {
    // Fewer backends than lacquer's run: varnishd compiles every backend into C (2,000 took 80 s here).
    const v = await measureVarnishProbes(ports, varnishBackends, intervalMs, Math.min(seconds, 15));
    const ours = real.cpuMs * 1000 / Math.max(real.done, 1);
    console.log(`varnishd 7.1, ${v.backends} backends, same origins and interval (VCL compiled in ${v.compileSeconds.toFixed(0)} s)`);
    console.log(`  CPU                    ${v.usPerProbe.toFixed(1)} µs per probe (cache child)`);
    console.log(`CPU per probe, lacquer ÷ Varnish: ${(ours / v.usPerProbe).toFixed(2)}x`);
  }
  child.disconnect();
}

if (process.argv[2] === ORIGIN_CHILD) await runOrigins(Number(process.argv[3]));
else await main();
