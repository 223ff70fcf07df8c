// 10,000 distinct probed backends at a 1 s interval against local origins, probed the way
// `lacquer serve` probes them: by the probe thread (src/health/thread-client.ts), with the
// thread's own settings. Prints probes done against probes due, the share of probe starts
// within 50 ms of their due time (the target: ≥ 99 %), and CPU per probe, next to baselines
// measured in the same run: the scheduler and registry with a probe that does no I/O, bare
// TCP, and Varnish 7.1 probing the same origins. The last lines put lacquer against Varnish:
// CPU per probe (target ≤ 1.0×), and the on-time share as the origins see it for both — the
// share of a backend's probes that arrive within interval + 50 ms of its previous one (each
// prober schedules the next probe one interval after the previous one ends, so this counts
// a probe's own time as lateness, for both alike).
//
//   node bench/macro/probes.bench.ts [--seconds 30] [--backends 10000] [--interval-ms 1000]
//                                    [--origins 16] [--baseline-seconds 5] [--floor-probes 20000]
//                                    [--varnish-backends 500] [--busy-main 0] [--cost-rounds 0] [--no-pin]
//
// --cost-rounds R measures what a probe costs over bare TCP, in a closed loop (64 at a time,
// no scheduler): R rounds, each a bare exchange loop then a loop of whole probes (runProbe
// and the state update) on the same origins. On a shared machine the ratio of the two, round
// by round, moves much less than either number.
//
// --busy-main P runs the 10,000 once more with the main thread (the one that serves the API
// and the Store in lacquer serve) spinning P ms of every 100 ms, and prints the on-time share
// of both runs side by side: the probe thread is there so that probes start on time whatever
// that thread does. Pinned, the two threads share CPU 0, so this also shows what sharing a
// core costs; --no-pin leaves them to the scheduler.
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
// process whose probe thread runs the health registry in production: without them the young
// generation's health states and sockets were pretenured and scavenges promoted 16-20 MB,
// 23-52 ms each.
//
// The origins run in a child process so their CPU is not counted as lacquer's; it is printed
// on its own line, because on a small machine the origins share the cores with the prober and
// can be what holds it back. They stand in for remote servers, so by default (--no-pin to
// turn it off) the origin child's threads are pinned to the last CPU and lacquer's threads
// to the others (taskset); the kernel's loopback work is still charged wherever it runs. They
// listen on several ports of 127.0.0.1 so 10,000 connections a second do not run out of
// source ports.

import { execFileSync, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';
import { createHealthState, HealthMetrics, HealthRegistry, ProbeThread, probeBits, recordProbe, runProbe } from '../../src/health/index.ts';
import type { HealthTarget, ProbeFn, ProbeResult, ProbeStats } from '../../src/health/index.ts';
import { BACKEND_DEFAULTS, defaultProbeRequest } from '../../src/model/backend.ts';
import type { BackendDefinition } from '../../src/model/backend.ts';
import { applyServeV8Flags, SERVE_V8_FLAGS } from '../../src/process/v8-flags.ts';
import { machineSeconds } from './lib/cpu.ts';
import { measureVarnishProbes } from './lib/varnish-probes.ts';

const ORIGIN_CHILD = '--origin-child';

type OriginQuery = { readonly cpu: true } | { readonly gaps: 'reset' | 'read' };
interface CpuAnswer { readonly cpu: NodeJS.CpuUsage }
/** Gaps between consecutive probes of one backend (by request path), since the last reset. */
interface GapAnswer { readonly gaps: number; readonly late: number }

async function runOrigins(count: number): Promise<void> {
  const ports: number[] = [];
  // Lean on purpose, because the origins share the cores with the prober: one prebuilt
  // answer, shared listeners, and the socket closed as soon as the answer is in the kernel
  // (an HTTP/1.1 origin told `Connection: close` may close after its response, RFC 9112 §9.6)
  // rather than half-closed and then waiting for the prober's FIN, which costs a shutdown()
  // and another turn of the event loop per probe. The request fits one read on loopback.
  const answer = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', 'latin1');
  const ignore = (): void => {};
  // When each backend's last probe came, and how many gaps exceeded interval + 50 ms.
  const intervalMs = Number(process.argv[4]);
  const last = new Map<string, number>();
  let gaps = 0;
  let late = 0;
  function respond(this: net.Socket, data: Buffer): void {
    const now = performance.now();
    const line = data.toString('latin1', 0, Math.min(data.length, 80));
    const path = line.slice(line.indexOf(' ') + 1, line.indexOf(' ', line.indexOf(' ') + 1));
    const previous = last.get(path);
    last.set(path, now);
    if (previous !== undefined) {
      gaps++;
      if (now - previous > intervalMs + 50) late++;
    }
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
  process.on('message', (m: OriginQuery) => {
    if ('cpu' in m) process.send?.({ cpu: process.cpuUsage() } satisfies CpuAnswer);
    else if (m.gaps === 'read') process.send?.({ gaps, late } satisfies GapAnswer);
    else {
      last.clear();
      gaps = 0;
      late = 0;
      process.send?.({ gaps, late } satisfies GapAnswer);
    }
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
    child.send({ cpu: true } satisfies OriginQuery);
  });
}

/** Resets or reads the origins' count of gaps between a backend's consecutive probes. */
function originGaps(child: ChildProcess, what: 'reset' | 'read'): Promise<GapAnswer> {
  return new Promise((resolve) => {
    const onMessage = (m: GapAnswer): void => {
      if (m.gaps === undefined) return;
      child.off('message', onMessage);
      resolve(m);
    };
    child.on('message', onMessage);
    child.send({ gaps: what } satisfies OriginQuery);
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

interface ThreadOutcome {
  /** The whole run, from the first putService. */
  readonly stats: ProbeStats;
  /** The steady part: after two intervals, to the end. */
  readonly steady: ProbeStats;
  readonly steadyWallMs: number;
  /** CPU ms of the whole process (every thread) over the steady part. */
  readonly processCpuMs: number;
  readonly originCpuMs: number;
  readonly machineMs: number;
  /** Gaps between a backend's consecutive probes over the steady part, as the origins saw them. */
  readonly gaps: GapAnswer;
}

const PROBE_THREAD = new URL('../../src/process/health-thread.ts', import.meta.url);

function minus(a: ProbeStats, b: ProbeStats): ProbeStats {
  return {
    starts: a.starts - b.starts, late: a.late - b.late, probes: a.probes - b.probes, happy: a.happy - b.happy, cpuUs: a.cpuUs - b.cpuUs,
    loopActiveMs: a.loopActiveMs - b.loopActiveMs, loopIdleMs: a.loopIdleMs - b.loopIdleMs,
  };
}

/** Keeps this thread busy `busyMs` of every 100 ms until the returned function is called. */
function spinMain(busyMs: number): () => void {
  if (busyMs <= 0) return () => {};
  const timer = setInterval(() => {
    const until = performance.now() + busyMs;
    while (performance.now() < until) { /* busy, as a thread serving requests would be */ }
  }, 100);
  return () => clearInterval(timer);
}

/** The probe thread as `lacquer serve` runs it (first probes at once), given every service. */
async function measureThread(
  targets: HealthTarget[], seconds: number, intervalMs: number, origin: OriginCpu, child: ChildProcess, busyMainMs = 0,
): Promise<ThreadOutcome> {
  const thread = new ProbeThread({ pop: 'bench', entry: PROBE_THREAD, spread: false, extra: { logLevel: 'silent' } });
  const zero = await thread.stats() as ProbeStats;
  const services = new Map<string, BackendDefinition[]>();
  for (const t of targets) {
    let list = services.get(t.serviceId);
    if (list === undefined) services.set(t.serviceId, (list = []));
    list.push(t.backend);
  }
  for (const [serviceId, backends] of services) thread.putService(serviceId, backends);
  const stopSpinning = spinMain(busyMainMs);
  await new Promise((resolve) => setTimeout(resolve, 2 * intervalMs));
  const warm = await thread.stats() as ProbeStats;
  await originGaps(child, 'reset');
  const origin0 = await origin();
  const machine0 = machineSeconds().busy;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000 - 2 * intervalMs));
  const end = await thread.stats() as ProbeStats;
  const steadyWallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  stopSpinning();
  const gaps = await originGaps(child, 'read');
  const originCpuMs = (await origin()) - origin0;
  const machineMs = (machineSeconds().busy - machine0) * 1000;
  await thread.close();
  return {
    stats: minus(end, zero), steady: minus(end, warm), steadyWallMs, processCpuMs: (cpu.user + cpu.system) / 1000, originCpuMs, machineMs, gaps,
  };
}

function reportThread(o: ThreadOutcome, due: number): void {
  const share = (s: ProbeStats) => (s.starts === 0 ? 0 : (s.starts - s.late) / s.starts);
  console.log('probes on the wire, on the probe thread (as lacquer serve runs them)');
  console.log(`  probes done / due      ${o.stats.probes} / ${due} = ${(o.stats.probes / due * 100).toFixed(1)} %  (happy ${o.stats.happy})`);
  console.log(`  starts within 50 ms    ${(share(o.stats) * 100).toFixed(2)} %   (${o.stats.starts} starts, from the first)`);
  console.log(`  … after two intervals  ${(share(o.steady) * 100).toFixed(2)} %   (${o.steady.starts} starts)`);
  const threadUs = o.steady.cpuUs / Math.max(o.steady.probes, 1);
  const processUs = (o.processCpuMs * 1000) / Math.max(o.steady.probes, 1);
  console.log(`  CPU                    probe thread ${(o.steady.cpuUs / 1000 / o.steadyWallMs * 100).toFixed(1)} % of one core (${threadUs.toFixed(1)} µs per probe); whole process ${processUs.toFixed(1)} µs per probe`);
  console.log(`  probe thread's loop    busy ${(o.steady.loopActiveMs / Math.max(o.steady.loopActiveMs + o.steady.loopIdleMs, 1) * 100).toFixed(1)} % of the time`);
  console.log(`  origins' CPU           ${(o.originCpuMs / o.steadyWallMs * 100).toFixed(1)} % of one core (not lacquer's)`);
  const others = Math.max(0, o.machineMs - o.processCpuMs - o.originCpuMs);
  console.log(`  machine busy           ${(o.machineMs / o.steadyWallMs * 100).toFixed(0)} % of one core over ${os.cpus().length} cores; everything but lacquer and its origins ${(others / o.steadyWallMs * 100).toFixed(0)} %`);
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

/** CPU µs per exchange of `exchange` run `count` times, 64 at a time. */
async function closedLoop(count: number, exchange: (i: number) => Promise<unknown>): Promise<number> {
  let started = 0;
  const cpu0 = process.cpuUsage();
  const worker = async (): Promise<void> => {
    while (started < count) await exchange(started++);
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / count;
}

/** Whole probes against bare exchanges, alternating, on this thread: µs each and their ratio per round. */
async function probeCost(ports: number[], rounds: number, intervalMs: number): Promise<void> {
  const readInto = Buffer.allocUnsafe(16 * 1024);
  const perRound = 4000;
  const backends = Array.from({ length: 1000 }, (_, i) => backend(i, ports[i % ports.length], intervalMs));
  const states = backends.map((b) => createHealthState(b.probe));
  const probeOnce = async (i: number): Promise<void> => {
    const k = i % backends.length;
    states[k] = recordProbe(states[k], await runProbe(backends[k])).state;
  };
  const ratios: number[] = [];
  console.log(`probe cost over bare TCP (closed loop, 64 at a time, ${perRound} per side per round)`);
  for (let r = 0; r < rounds; r++) {
    const bare = await closedLoop(perRound, (i) => bareExchange(ports[i % ports.length], readInto));
    const whole = await closedLoop(perRound, probeOnce);
    ratios.push(whole / bare);
    console.log(`  round ${r + 1}                bare ${bare.toFixed(1)} µs, probe ${whole.toFixed(1)} µs: ${(whole / bare).toFixed(2)}x`);
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  console.log(`  median                 probe ÷ bare exchange ${sorted[Math.floor(sorted.length / 2)].toFixed(2)}x`);
}

/**
 * Origins (every thread of the child) on the last CPU, lacquer's main thread on the first:
 * the origins stand in for remote hosts and should not take the prober's core. Threads the
 * main thread starts later inherit its CPU (sched_setaffinity(2)): the probe thread runs on
 * the first CPU too. Threads started before (V8's garbage collection helpers, libuv's pool)
 * stay unpinned.
 */
function pinCores(child: ChildProcess): string {
  const cpus = os.cpus().length;
  if (cpus < 2) return 'not pinned: one CPU';
  const last = String(cpus - 1);
  execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', last, String(child.pid)], { stdio: 'ignore' });
  execFileSync('taskset', ['--cpu-list', '--pid', '0', String(process.pid)], { stdio: 'ignore' });
  return `pinned (taskset): origin child's threads on CPU ${last}, lacquer's main thread and the threads it starts (the probe thread) on CPU 0, its other threads unpinned; varnishd's cache child on CPU 0`;
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
      'busy-main': { type: 'string', default: '0' },
      'cost-rounds': { type: 'string', default: '0' },
      pin: { type: 'boolean', default: true },
    },
    allowNegative: true,
  });
  const seconds = Number(values.seconds);
  const count = Number(values.backends);
  const intervalMs = Number(values['interval-ms']);
  const originCount = Number(values.origins);
  const baselineSeconds = Math.min(Number(values['baseline-seconds']), seconds);

  const child = fork(import.meta.filename, [ORIGIN_CHILD, String(originCount), String(intervalMs)], { stdio: 'inherit' });
  const ports = await new Promise<number[]>((resolve) => child.once('message', (m) => resolve((m as { ports: number[] }).ports)));
  const placement = values.pin ? pinCores(child) : 'not pinned (--no-pin)';
  const targets = Array.from({ length: count }, (_, i) => ({ serviceId: `svc${i % 100}`, backend: backend(i, ports[i % ports.length], intervalMs) }));
  const due = (s: number) => Math.round((count * s * 1000) / intervalMs);

  applyServeV8Flags();
  console.log(`${count} backends, interval ${intervalMs} ms, ${originCount} origin ports; baseline ${baselineSeconds} s, run ${seconds} s`);
  console.log(`prober's V8 flags as lacquer's primary: ${SERVE_V8_FLAGS.join(' ')}; ${placement}`);
  // Lateness means little on a machine that other work keeps busy: say how busy it was.
  console.log(`${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const costRounds = Number(values['cost-rounds']);
  if (costRounds > 0) {
    // Only the closed loops: the rest of the bench is skipped.
    await probeCost(ports, costRounds, intervalMs);
    child.disconnect();
    return;
  }
  const noIo: ProbeFn = async () => {
    const r: ProbeResult = { outcome: 'happy', bits: probeBits(['4', 'X', 'R', 'H']), rttMs: 0.1, response: 'HTTP/1.1 200 OK', startedAt: Date.now(), durationMs: 0.1 };
    return r;
  };
  const origin = originCpu(child);
  const baseline = await measure(targets, noIo, baselineSeconds, origin);
  report('baseline (scheduler + registry, probe without I/O)', baseline, due(baselineSeconds), intervalMs);
  const real = await measureThread(targets, seconds, intervalMs, origin, child);
  reportThread(real, due(seconds));
  const onTime = (o: ThreadOutcome) => (o.steady.starts - o.steady.late) / Math.max(o.steady.starts, 1);
  const gapsOnTime = (g: GapAnswer) => (g.gaps - g.late) / Math.max(g.gaps, 1);
  const usPerProbe = (o: ThreadOutcome) => (o.processCpuMs * 1000) / Math.max(o.steady.probes, 1);
  const busyMain = Math.min(100, Number(values['busy-main']));
  if (busyMain > 0) {
    const busy = await measureThread(targets, seconds, intervalMs, origin, child, busyMain);
    console.log(`main thread spinning ${busyMain} ms of every 100 ms (the probe thread's own run again)`);
    console.log(`  probes done / due      ${busy.stats.probes} / ${due(seconds)} = ${(busy.stats.probes / due(seconds) * 100).toFixed(1)} %`);
    console.log(`  starts within 50 ms    ${(onTime(busy) * 100).toFixed(2)} % after two intervals, against ${(onTime(real) * 100).toFixed(2)} % with the main thread idle`);
    console.log(`  CPU                    probe thread ${(busy.steady.cpuUs / 1000 / busy.steadyWallMs * 100).toFixed(1)} % of one core; whole process ${(busy.processCpuMs / busy.steadyWallMs * 100).toFixed(1)} %`);
  }
  const floorProbes = Number(values['floor-probes']);
  if (floorProbes > 0) await floor(ports, floorProbes, origin, count, intervalMs);
  const varnishBackends = Number(values['varnish-backends']);
  if (varnishBackends > 0) {
    // Fewer backends than lacquer's run: varnishd compiles every backend into C (2,000 took 80 s
    // here). Lateness depends on the load, so lacquer probes the same number once more for the
    // side-by-side line; CPU per probe hardly does, and is compared at both.
    const short = Math.min(seconds, 15);
    const same = await measureThread(targets.slice(0, varnishBackends), short, intervalMs, origin, child);
    let gaps: GapAnswer = { gaps: 0, late: 0 };
    const v = await measureVarnishProbes(ports, varnishBackends, intervalMs, short, {
      // On the CPU lacquer's prober has, so that neither gets a core more than the other.
      started: (pid) => {
        if (values.pin && os.cpus().length >= 2) execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', '0', String(pid)], { stdio: 'ignore' });
      },
      before: async () => { await originGaps(child, 'reset'); },
      after: async () => { gaps = await originGaps(child, 'read'); },
    });
    console.log(`varnishd 7.1, ${v.backends} backends, same origins and interval (VCL compiled in ${v.compileSeconds.toFixed(0)} s)`);
    console.log(`  CPU                    ${v.usPerProbe.toFixed(1)} µs per probe (cache child)`);
    console.log('lacquer against Varnish, same run');
    console.log(`  CPU per probe          lacquer ${usPerProbe(real).toFixed(1)} µs at ${count} backends (whole process) ÷ Varnish ${v.usPerProbe.toFixed(1)} µs = ${(usPerProbe(real) / v.usPerProbe).toFixed(2)}x   (target ≤ 1.0x)`);
    console.log(`                         lacquer ${usPerProbe(same).toFixed(1)} µs at ${varnishBackends} backends ÷ Varnish = ${(usPerProbe(same) / v.usPerProbe).toFixed(2)}x`);
    console.log(`  on time at the origin  ${varnishBackends} backends each: lacquer ${(gapsOnTime(same.gaps) * 100).toFixed(2)} % of ${same.gaps.gaps} gaps, Varnish ${(gapsOnTime(gaps) * 100).toFixed(2)} % of ${gaps.gaps} (within interval + 50 ms)`);
    console.log(`                         lacquer at ${count} backends: ${(gapsOnTime(real.gaps) * 100).toFixed(2)} % of ${real.gaps.gaps} gaps`);
    console.log(`  starts within 50 ms    lacquer ${(onTime(real) * 100).toFixed(2)} % at ${count} backends after two intervals (target ≥ 99 %); ${(onTime(same) * 100).toFixed(2)} % at ${varnishBackends}; Varnish does not count its own`);
  }
  child.disconnect();
}

if (process.argv[2] === ORIGIN_CHILD) await runOrigins(Number(process.argv[3]));
else await main();
