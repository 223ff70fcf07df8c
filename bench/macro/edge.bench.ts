// The edge side by side with Varnish 7.1 and nginx, in one run, on
// one origin (a bare Node cluster server), with wrk. Scenarios: 1 KB and 100 KB pass, a POST of
// 10 KB passed, 1 KB hit, 100 KB hit, and a 1 KB mix of 90 % hits and 10 % misses. Each server gets the same worker count;
// the bare Node server answering directly is the ceiling. The clustered scenario (lib/clustered.ts)
// runs one lacquer node with max(2, --workers) workers: origin requests per object and the 1 KB
// hit rate with clustering on and off, beside Varnish with as many workers (--no-clustered skips it). Prints req/s, p99 and the ratios of
// lacquer to each baseline; asserts nothing and exits 0 (STYLE.md habit 9).
//
//   node bench/macro/edge.bench.ts [--seconds 10] [--warmup 2] [--workers 1]
//                                  [--connections 50] [--threads 2] [--rounds 1]
//                                  [--scenarios pass-1k,pass-100k,pass-post-10k,hit-1k,hit-1k-browser,hit-100k,mix-1k]
//                                  [--keep-tmp] [--before DIR]
//
// --before DIR runs a second lacquer from another checkout (with its own node_modules) in the
// same rounds, for a before/after that the host's drift weighs on equally.
//
// With --rounds N every scenario × server run is repeated N times (interleaved, so a burst of
// other work on the machine hits one round of each, not all rounds of one) and the medians
// are printed.
//
// Every process listens on 127.0.0.1 only, keeps its files in one temp dir, and is stopped at
// the end, on an error, or on Ctrl-C. How to read the numbers: docs/benchmarks.md.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  Cleanup, LACQUER_CACHE_HOST, LACQUER_PASS_HOST, SCENARIOS, SERVERS, describeMachine, formatResults,
  loadAverage, logTail, measure, missingTools, runWrk, startLacquer, startNginx, startOrigin, startVarnish,
  writeWrkScripts, type Measurement, type Mode, type Results, type Server, type ServerName, type Target, type Varnish, type WrkRun,
} from './lib/index.ts';
import { clusteredScenario, formatClustered } from './lib/clustered.ts';

function positive(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: must be an integer ≥ ${min}, got "${text}"`);
  return n;
}

/** For a failed run: is the server still up, and how does its log end. */
function serverState(server: Server): string {
  const exit = server.exitStatus();
  return `${server.name} ${exit === null ? 'is running' : `exited (${exit})`}; its log ends:\n${logTail(server, 8)}\n`;
}

async function main(cleanup: Cleanup): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      workers: { type: 'string', default: '1' },
      connections: { type: 'string', default: '50' },
      threads: { type: 'string', default: '2' },
      rounds: { type: 'string', default: '1' },
      scenarios: { type: 'string' },
      'keep-tmp': { type: 'boolean', default: false },
      before: { type: 'string' },
      'no-clustered': { type: 'boolean', default: false },
    },
  });
  const seconds = positive('seconds', values.seconds, 1);
  const warmup = positive('warmup', values.warmup, 1);
  const workers = positive('workers', values.workers, 1);
  const connections = positive('connections', values.connections, 1);
  const threads = positive('threads', values.threads, 1);
  const rounds = positive('rounds', values.rounds, 1);
  const wanted = values.scenarios?.split(',').map((s) => s.trim());
  const scenarios = wanted === undefined ? SCENARIOS : SCENARIOS.filter((s) => wanted.includes(s.id));
  if (scenarios.length === 0) throw new Error(`--scenarios: none of ${SCENARIOS.map((s) => s.id).join(', ')}`);
  const missing = missingTools();
  if (missing.length > 0) throw new Error(`not installed: ${missing.join(', ')} (Debian packages varnish, nginx, wrk)`);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'lacquer-edge-bench-'));
  cleanup.add('temp dir', () => {
    // A failed run keeps its logs (servers', wrk's) for a look.
    if (values['keep-tmp'] || failed) console.error(`kept ${dir} (logs of every server and wrk run)`);
    else rmSync(dir, { recursive: true, force: true });
  });

  console.log(describeMachine());
  console.log(`run      wrk ${threads} threads, ${connections} connections, ${seconds} s per run after ${warmup} s warm-up, ` +
    `${rounds} round(s); ${workers} worker(s) per server; load average before ${loadAverage()}`);

  const origin = await startOrigin(cleanup, dir, workers);
  const lacquer = await startLacquer(cleanup, dir, workers, origin.port);
  // Another checkout of lacquer (with its node_modules), measured in the same rounds.
  const before = values.before === undefined ? null : await startLacquer(cleanup, dir, workers, origin.port, { repo: path.resolve(values.before), name: 'lacquer-before' });
  const modes = new Set(scenarios.map((s) => s.mode));
  const varnish = new Map<Mode, Varnish>();
  for (const mode of modes) varnish.set(mode, await startVarnish(cleanup, dir, mode, workers, origin.port));
  const nginx = await startNginx(cleanup, dir, workers, origin.port);
  const scripts = writeWrkScripts(dir);

  const target = (server: ServerName, mode: Mode): Target & { server: Server } => {
    switch (server) {
      case 'lacquer': return { url: lacquer.edgeUrl, host: mode === 'pass' ? LACQUER_PASS_HOST : LACQUER_CACHE_HOST, server: lacquer.server };
      case 'before': {
        if (before === null) throw new Error('no --before checkout');
        return { url: before.edgeUrl, host: mode === 'pass' ? LACQUER_PASS_HOST : LACQUER_CACHE_HOST, server: before.server };
      }
      case 'varnish': {
        const v = varnish.get(mode) as Varnish;
        return { url: v.url, host: null, server: v.server };
      }
      case 'nginx': return { url: mode === 'pass' ? nginx.passUrl : nginx.cacheUrl, host: null, server: nginx.server };
      case 'node': return { url: `http://127.0.0.1:${origin.port}`, host: null, server: origin.server };
    }
  };

  const results: Results = new Map();
  let run = 0;
  for (let round = 1; round <= rounds; round++) {
    for (const s of scenarios) {
      const byServer = results.get(s.id) ?? new Map<ServerName, Measurement[]>();
      results.set(s.id, byServer);
      for (const name of SERVERS) {
        if (name === 'before' && before === null) continue;
        const t = target(name, s.mode);
        const wrkRun = (secs: number): WrkRun => ({
          url: t.url, host: t.host, path: s.mix ? '/' : s.path, headers: s.headers ?? [], seconds: secs, connections, threads,
          script: s.mix ? scripts.mix : s.postBytes !== undefined ? scripts.post : scripts.report, scriptArgs: s.mix ? [s.path, `r${++run}`] : [],
        });
        let m: Measurement;
        try {
          // The warm-up fills the caches (and the mix's hot set) and opens upstream connections.
          await runWrk(cleanup, dir, wrkRun(warmup));
          m = await measure({ cleanup, dir, origin, serverPid: t.server.pid, proxied: name !== 'node', run: wrkRun(seconds) });
          // wrk counts a dead server as socket errors and carries on: that run means nothing.
          if (t.server.exitStatus() !== null || origin.server.exitStatus() !== null) throw new Error('a server exited during the run');
        } catch (err) {
          throw new Error(`${s.title} against ${name}: ${(err as Error).message}\n${serverState(t.server)}${serverState(origin.server)}`);
        }
        byServer.set(name, [...(byServer.get(name) ?? []), m]);
        console.error(`  round ${round} · ${s.title} · ${name}: ${Math.round(m.requestsPerSecond)} req/s, p99 ${m.p99Ms.toFixed(2)} ms, steal ${m.stealCores.toFixed(2)} cores`);
      }
    }
  }
  const clustered = values['no-clustered'] ? null : await clusteredScenario({
    cleanup, dir, origin, workers, seconds, warmup, connections, threads, script: scripts.report,
  });
  console.log(`load average after ${loadAverage()}\n`);
  console.log(formatResults(scenarios, results));
  if (clustered !== null) console.log(`\n${formatClustered(clustered)}`);
}

const cleanup = new Cleanup();
cleanup.installSignalHandlers();
let failed = false;
try {
  await main(cleanup);
} catch (err) {
  failed = true;
  if (!cleanup.interrupted) console.error(`edge bench failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await cleanup.run();
}
