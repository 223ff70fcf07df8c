// wrk as the load generator. A Lua `done` hook prints one machine-readable line per run
// (wrk's own text output rounds latencies and varies its units), and for the hit/miss mix a
// Lua `request` hook picks each URL. Static scenarios define no `request` hook, so wrk sends
// its pre-built request and spends no Lua time per request (wrk(1), SCRIPTING).

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Cleanup } from './cleanup.ts';
import { logTail, startProcess } from './proc.ts';
import { POST_BODY_BYTES } from './scenarios.ts';

export const WRK = '/usr/bin/wrk';

export interface WrkResult {
  readonly requests: number;
  readonly seconds: number;
  readonly bytes: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Socket errors (connect, read, write, timeout) plus responses that were not 2xx/3xx. */
  readonly errors: number;
  /** CPU seconds wrk itself used (it shares the cores with the servers). */
  readonly cpuSeconds: number;
}

export interface WrkRun {
  readonly url: string;
  /** Sent as the Host header (lacquer routes by it); null keeps wrk's `host:port`. */
  readonly host: string | null;
  readonly path: string;
  /** More header fields for every request (`Name: value`). */
  readonly headers: readonly string[];
  readonly seconds: number;
  readonly connections: number;
  readonly threads: number;
  readonly script: string;
  readonly scriptArgs: readonly string[];
}

const MARK = 'WRK_RESULT ';

const DONE_HOOK = `
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('${MARK}{"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
`;

// 90 % of requests go to 90 hot URLs, every 10th to a URL never asked before (thread id and
// a per-run nonce keep misses unique across threads, warm-up and measured run). Arguments:
// the path prefix ("/1k/") and the nonce.
const MIX_HOOKS = `
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

local prefix, nonce
local n = 0
function init(args)
  prefix = args[1]
  nonce = args[2]
end

function request()
  n = n + 1
  if n % 10 == 0 then
    return wrk.format(nil, prefix .. "miss/" .. nonce .. "/" .. id .. "/" .. n)
  end
  return wrk.format(nil, prefix .. "hot/" .. (n % 100))
end
`;

// A POST of a fixed body to one URL: set once, so wrk still sends its pre-built request.
function postSetup(bytes: number): string {
  return `wrk.method = "POST"\nwrk.body = string.rep("p", ${bytes})\nwrk.headers["Content-Type"] = "application/octet-stream"\n`;
}

export interface WrkScripts {
  /** Only the done hook: one fixed URL. */
  readonly report: string;
  /** The 90 % hit / 10 % miss URL mix plus the done hook. */
  readonly mix: string;
  /** A POST of POST_BODY_BYTES plus the done hook. */
  readonly post: string;
}

export function writeWrkScripts(dir: string): WrkScripts {
  const report = path.join(dir, 'report.lua');
  const mix = path.join(dir, 'mix.lua');
  const post = path.join(dir, 'post.lua');
  writeFileSync(report, DONE_HOOK);
  writeFileSync(mix, MIX_HOOKS + DONE_HOOK);
  writeFileSync(post, postSetup(POST_BODY_BYTES) + DONE_HOOK);
  return { report, mix, post };
}

let runs = 0;

export async function runWrk(cleanup: Cleanup, dir: string, run: WrkRun): Promise<WrkResult> {
  const logFile = path.join(dir, `wrk-${++runs}.out`);
  const args = [
    '-t', String(run.threads),
    '-c', String(run.connections),
    '-d', `${run.seconds}s`,
    '-s', run.script,
  ];
  if (run.host !== null) args.push('-H', `Host: ${run.host}`);
  for (const field of run.headers) args.push('-H', field);
  args.push(`${run.url}${run.path}`);
  if (run.scriptArgs.length > 0) args.push('--', ...run.scriptArgs);
  // Through sh so that its `times` builtin reports wrk's CPU once wrk has been reaped (the
  // last line it prints: children's user and system time).
  const wrk = startProcess(cleanup, 'wrk', '/bin/sh', ['-c', '"$@"; rc=$?; times; exit $rc', 'sh', WRK, ...args], { logFile });
  const exit = await wrk.exited;
  const lines = readFileSync(logFile, 'utf8').split('\n');
  const line = lines.find((l) => l.startsWith(MARK));
  if (exit !== 0 || line === undefined) throw new Error(`wrk ${args.join(' ')} failed (${exit}):\n${logTail(wrk)}`);
  const times = lines.map((l) => /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(l.trim())).filter((m) => m !== null).at(-1);
  const cpuSeconds = times === undefined ? NaN : Number(times[1]) * 60 + Number(times[2]) + Number(times[3]) * 60 + Number(times[4]);
  const r = JSON.parse(line.slice(MARK.length)) as Record<string, number>;
  const seconds = r.duration_us / 1e6;
  return {
    requests: r.requests,
    seconds,
    bytes: r.bytes,
    requestsPerSecond: r.requests / seconds,
    p50Ms: r.p50_us / 1000,
    p99Ms: r.p99_us / 1000,
    maxMs: r.max_us / 1000,
    errors: r.connect + r.read + r.write + r.timeout + r.status,
    cpuSeconds,
  };
}
