// V8 settings for the serving processes (primary and edge workers).
//
// --no-allocation-site-pretenuring: V8 tenures the objects of an allocation site straight into
// the old generation once a high share of them survived a scavenge. Under a steady load, the
// buffers and objects of requests that happened to be in flight during a scavenge made undici's
// header parsing, the request pipeline and Node's HTTP server cross that line, so every later
// request's short-lived objects were born old: the old generation grew by ~4 MB per scavenge,
// scavenges took 3–8 ms and a 10–20 ms mark-compact followed every few seconds. Without it the
// old generation stays flat and a 1 KB pass costs ~14 % less CPU, a hit ~10 % less
// (/proc CPU per request with wrk, lacquer serve --workers 0, interleaved runs; see
// docs/benchmarks.md).
//
// --external-memory-accounted-in-global-limit: a body streamed from an origin arrives in Buffers
// whose bytes live outside V8's heap (ArrayBuffer backing stores), ~130 KB of them for each
// 100 KB pass. By default V8 starts a full mark of the heap whenever such external memory has
// grown by a fixed 64 MB since the last one, however small the heap: under a 100 KB pass load
// that was a mark-compact every few hundred ms and ~30 % of the worker's CPU (perf). With the
// flag, external memory counts towards the heap's own growing limit instead. Measured on a
// shared 2-core host: `bench/micro/edge/upstream.bench.ts --size 100k --clients lacquer
// --rounds 3 --seconds 2` under --trace-gc ran 45 mark-compacts (10 scavenges) without it and
// 8 with it; `bench/macro/pass-profile.ts --path /100k/pass` put GC at 26–31 % of a 100 KB
// pass's CPU without it and 12–16 % with it, for ~70 MB more peak RSS (docs/benchmarks.md).
//
// REGEX_V8_FLAGS: V8's linear-time regular expression engine, which VCL patterns fall back to
// when they backtrack too much (src/vcl/runtime/regex/v8-flags.ts). Given at start so a worker
// has them before it compiles its first service.
import v8 from 'node:v8';
import { REGEX_V8_FLAGS } from '../vcl/index.ts';

export const SERVE_V8_FLAGS: readonly string[] = ['--no-allocation-site-pretenuring', '--external-memory-accounted-in-global-limit', ...REGEX_V8_FLAGS];

/** Applies SERVE_V8_FLAGS to this process (before it serves traffic). */
export function applyServeV8Flags(): void {
  for (const flag of SERVE_V8_FLAGS) v8.setFlagsFromString(flag);
}

/** The execArgv for a worker process: this process's own, plus SERVE_V8_FLAGS once. */
export function workerExecArgv(own: readonly string[] = process.execArgv): string[] {
  return [...own, ...SERVE_V8_FLAGS.filter((f) => !own.includes(f))];
}
