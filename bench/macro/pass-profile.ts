// Where a pass's CPU goes in the real server, kernel included: `lacquer serve --workers 0` (the
// edge in one process, which is what a profile wants) with `--perf-basic-prof`, the edge bench's
// origin, wrk on the pass service, and `perf record -e cpu-clock` on lacquer's process during the
// measured run. Prints the samples by part of the exchange (perf's own symbols, and V8's from
// the /tmp/perf-<pid>.map that --perf-basic-prof writes), and the CPU per response.
//
//   node bench/macro/pass-profile.ts [--seconds 8] [--warmup 3] [--connections 20] [--path /1k/pass] [--top 40] [--keep-tmp]
//                                    [--repo DIR]   (profile another checkout's lacquer, for a before/after)
//                                    [--node-flags --a,--b]   (more flags for lacquer's node, a V8 setting to try)
//
// Needs Linux with `perf` and wrk. No hardware counters are assumed (cpu-clock sampling, which a
// VM offers). The split into parts is by symbol, so it is approximate: a JIT-compiled function
// inlines its callees, and the kernel's work for the origin's side of loopback TCP (softirq) is
// charged to whichever process was running, as in the bench.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Cleanup, LACQUER_PASS_HOST, groupCpuSeconds, runWrk, startLacquer, startOrigin, startProcess, writeWrkScripts } from './lib/index.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '20' },
    path: { type: 'string', default: '/1k/pass' },
    top: { type: 'string', default: '40' },
    'keep-tmp': { type: 'boolean', default: false },
    repo: { type: 'string' },
    'node-flags': { type: 'string' },
  },
});

/** The parts of a pass, matched against `dso symbol` in this order; the first match wins. */
const PARTS: [RegExp, string][] = [
  [/^\[kernel/, 'kernel (syscalls, loopback TCP, epoll, scheduler)'],
  [/Scavenge|MarkCompact|Heap::|Sweeper|GCTracer|ConcurrentMarking|Evacuat|MinorMC|MemoryAllocator|PagedSpace|NewSpace|LargeObjectSpace/, 'garbage collection'],
  [/[*~^ ](start|acquire|#drain|open) .*upstream\/(exchange|connection|connection-pool)\.ts/, 'upstream write (request on its connection)'],
  [/upstream\/(response-head|body-reader|exchange|connection|connection-pool|origin-response)\.ts/, 'upstream read (response head and body)'],
  [/upstream\/(request-head|pools)\.ts|edge\/headers\.ts|edge\/fetch\.ts|directors\.ts|backend-health|passive\.ts/, 'request build (bereq, headers, fetch step)'],
  [/src\/vcl\//, 'VCL'],
  [/http1\/(request-head|connection|field-lines|request-target)\.ts/, 'client read (request head, connection)'],
  [/http1\/response\.ts|edge\/respond\.ts|edge\/bytes\.ts/, 'client write (response head and body)'],
  [/access-log|stats\.ts|metrics\.ts|histogram|logger\.ts/, 'access log, stats, metrics'],
  [/src\/edge\//, 'pipeline, context, other edge code'],
  [/libuv|uv_|node::|libnode|\bnode\b.*(Stream|Wrap|Buffer|Socket)/, 'Node C++ and libuv'],
  [/libc|libpthread|ld-linux|malloc|free|memcpy|memmove/, 'libc (malloc, memcpy)'],
  [/\bnode\b.*(Builtins_|Runtime_|v8::|V8)/, 'V8 builtins and runtime (outside lacquer code)'],
  [/JS:|LazyCompile|Function:|Builtin:|Stub|node:/, 'other JavaScript (Node\'s own lib)'],
];

const cleanup = new Cleanup();
cleanup.installSignalHandlers();
const dir = mkdtempSync(path.join(os.tmpdir(), 'lacquer-pass-profile-'));
try {
  const origin = await startOrigin(cleanup, dir, 1);
  const lacquer = await startLacquer(cleanup, dir, 0, origin.port, { nodeFlags: ['--perf-basic-prof', ...(values['node-flags']?.split(',') ?? [])], repo: values.repo === undefined ? undefined : path.resolve(values.repo) });
  const scripts = writeWrkScripts(dir);
  const run = (seconds: number) => ({
    url: lacquer.edgeUrl, host: LACQUER_PASS_HOST, path: values.path, headers: [], seconds, connections: Number(values.connections), threads: 1,
    script: scripts.report, scriptArgs: [],
  });
  await runWrk(cleanup, dir, run(Number(values.warmup)));
  const data = path.join(dir, 'perf.data');
  const perf = startProcess(cleanup, 'perf', 'perf', ['record', '-e', 'cpu-clock', '-F', '2000', '-p', String(lacquer.server.pid), '-o', data], { logFile: path.join(dir, 'perf.log') });
  const cpu0 = groupCpuSeconds(lacquer.server.pid);
  const result = await runWrk(cleanup, dir, run(Number(values.seconds)));
  const cpu = groupCpuSeconds(lacquer.server.pid) - cpu0;
  process.kill(perf.pid, 'SIGINT');
  await perf.exited;
  const report = execFileSync('perf', ['report', '-i', data, '--no-children', '--sort', 'dso,sym', '--stdio', '-q', '-t', '|', '--percent-limit', '0'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  // `overhead|dso|[k] symbol`; V8's code is the dso `[JIT] tid N` with its names from the map file.
  const rows = report.split('\n').map((l) => l.split('|')).filter((f) => f.length >= 3 && f[0].trim().endsWith('%'))
    .map((f) => ({ pct: Number.parseFloat(f[0]), dso: f[1].trim(), sym: f.slice(2).join('|').replace(/^\s*\[.\]\s*/, '').trim() }));
  const parts = new Map<string, number>();
  for (const r of rows) {
    const key = `${r.dso} ${r.sym}`;
    const part = PARTS.find(([re]) => re.test(key))?.[1] ?? 'unattributed';
    parts.set(part, (parts.get(part) ?? 0) + r.pct);
  }
  const usPerResponse = (cpu * 1e6) / result.requests;
  // Peak resident memory: a V8 setting that trades GC work for memory shows here.
  const peak = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${lacquer.server.pid}/status`, 'utf8'))?.[1];
  console.log(`${values.path} pass, wrk -t1 -c${values.connections} ${values.seconds} s: ${Math.round(result.requestsPerSecond)} req/s, ${usPerResponse.toFixed(1)} µs CPU per response (lacquer's process), peak RSS ${peak === undefined ? '?' : Math.round(Number(peak) / 1024)} MB`);
  console.log(`${'part'.padEnd(52)} ${'share'.padStart(6)} ${'µs/resp'.padStart(8)}`);
  for (const [part, pct] of [...parts].sort((a, b) => b[1] - a[1])) {
    console.log(`${part.padEnd(52)} ${pct.toFixed(1).padStart(5)}% ${((pct / 100) * usPerResponse).toFixed(1).padStart(8)}`);
  }
  console.log(`\ntop symbols`);
  for (const r of rows.slice(0, Number(values.top))) console.log(`${r.pct.toFixed(2).padStart(6)}%  ${r.dso}  ${r.sym}`);
} finally {
  await cleanup.run();
  if (!values['keep-tmp']) rmSync(dir, { recursive: true, force: true });
}
