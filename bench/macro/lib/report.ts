// The bench's output: one table of req/s and p99 per scenario and server (the median over the
// rounds), where the CPU went during the run, then the ratios of lacquer to each baseline
// measured in the same run. Plain aligned text that also reads as a code block in
// docs/benchmarks.md.

import type { Scenario, ServerName } from './scenarios.ts';
import { SERVERS } from './scenarios.ts';

/** One measured run. CPU figures are in cores: CPU seconds per second of the run. */
export interface Measurement {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  /** Origin requests during the run per request served: 1 for pass, ~0 for hits, ~0.1 for the mix. */
  readonly originShare: number | null;
  readonly serverCores: number;
  /** The origin's share when it sits behind a proxy; null when it is the server measured. */
  readonly originCores: number | null;
  readonly wrkCores: number;
  /** Everything else the machine was busy with (other work, the kernel's own threads). */
  readonly otherCores: number;
  /**
   * CPU the hypervisor gave to other guests while this run wanted it: the machine was that much
   * slower for this run than for a quiet one, whichever server was measured.
   */
  readonly stealCores: number;
}

export type Results = Map<string, Map<ServerName, Measurement[]>>;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Each field's median over the rounds (fields independently: a summary, not one round). */
export function medianOf(rounds: readonly Measurement[]): Measurement {
  const m = (f: (r: Measurement) => number) => median(rounds.map(f));
  const nullable = (f: (r: Measurement) => number | null) => (f(rounds[0]) === null ? null : m((r) => f(r) ?? 0));
  return {
    requestsPerSecond: m((r) => r.requestsPerSecond), p50Ms: m((r) => r.p50Ms), p99Ms: m((r) => r.p99Ms),
    errors: rounds.reduce((a, r) => a + r.errors, 0), originShare: nullable((r) => r.originShare),
    serverCores: m((r) => r.serverCores), originCores: nullable((r) => r.originCores),
    wrkCores: m((r) => r.wrkCores), otherCores: m((r) => r.otherCores), stealCores: m((r) => r.stealCores),
  };
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd()).join('\n');
}

const fixed = (n: number | null, digits: number) => (n === null || Number.isNaN(n) ? '-' : n.toFixed(digits));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? '-' : `${(a / b).toFixed(2)}x`);
const label = (server: ServerName) => (server === 'node' ? 'bare node' : server === 'before' ? 'lacquer before' : server);

/**
 * The server's CPU per response in µs (its process group's CPU time ÷ responses), the median
 * over the rounds. Steadier than req/s on a machine whose speed drifts, and fair to Varnish,
 * whose threads are not capped to the worker count.
 */
function usPerRequest(rounds: readonly Measurement[]): number {
  return median(rounds.map(usPerResponse));
}

/** One run's server CPU per response, in µs. */
function usPerResponse(r: Measurement): number {
  return r.requestsPerSecond > 0 ? (r.serverCores * 1e6) / r.requestsPerSecond : NaN;
}

export function formatResults(scenarios: readonly Scenario[], results: Results): string {
  const summary = new Map<string, Map<ServerName, Measurement>>();
  const cpu = new Map<string, Map<ServerName, number>>();
  for (const [id, byServer] of results) {
    summary.set(id, new Map([...byServer].map(([server, rounds]) => [server, medianOf(rounds)])));
    cpu.set(id, new Map([...byServer].map(([server, rounds]) => [server, usPerRequest(rounds)])));
  }
  const rows: string[][] = [
    ['scenario', 'server', 'req/s', 'p99 ms', 'p50 ms', 'errors', 'origin/req', 'cpu server', 'µs/req', 'cpu origin', 'cpu wrk', 'cpu other', 'steal'],
  ];
  for (const s of scenarios) {
    let first = true;
    for (const server of SERVERS) {
      const m = summary.get(s.id)?.get(server);
      if (m === undefined) continue;
      rows.push([
        first ? s.title : '', label(server),
        fixed(m.requestsPerSecond, 0), fixed(m.p99Ms, 2), fixed(m.p50Ms, 2), String(m.errors), fixed(m.originShare, 2),
        fixed(m.serverCores, 2), fixed(cpu.get(s.id)?.get(server) ?? null, 1), fixed(m.originCores, 2), fixed(m.wrkCores, 2), fixed(m.otherCores, 2), fixed(m.stealCores, 2),
      ]);
      first = false;
    }
  }
  const withBefore = [...results.values()].some((byServer) => byServer.has('before'));
  const baselines: readonly ServerName[] = withBefore ? ['before', 'varnish', 'nginx', 'node'] : ['varnish', 'nginx', 'node'];
  const ratios: string[][] = [
    ['lacquer ÷', ...baselines.flatMap((b) => [label(b), '', ''])],
    ['scenario', ...baselines.flatMap(() => ['req/s', 'p99', 'µs/req'])],
  ];
  for (const s of scenarios) {
    const byServer = summary.get(s.id);
    const lacquer = byServer?.get('lacquer');
    if (byServer === undefined || lacquer === undefined) continue;
    const row = [s.title];
    for (const other of baselines) {
      const o = byServer.get(other);
      const us = cpu.get(s.id);
      row.push(ratio(lacquer.requestsPerSecond, o?.requestsPerSecond), ratio(lacquer.p99Ms, o?.p99Ms), ratio(us?.get('lacquer'), us?.get(other)));
    }
    ratios.push(row);
  }
  return `${table(rows)}\n(cpu: cores used during the run; µs/req: the server's CPU per response; other = the rest of the machine; steal = cores the hypervisor gave to other guests)\n\n`
    + `ratios (req/s: higher is better for lacquer; p99 and µs/req: lower is better)\n${table(ratios)}${pairedRounds(scenarios, results)}`;
}

/**
 * lacquer ÷ each proxy per round. The two ran within a minute of each other in every round, so
 * a slow spell of the host that spans a round weighs on both: the spread of these ratios shows
 * how far one run's medians can be trusted. Printed only with more than one round.
 */
function pairedRounds(scenarios: readonly Scenario[], results: Results): string {
  const rows: string[][] = [['scenario', 'against', 'measure', 'by round', 'median']];
  for (const s of scenarios) {
    const lacquer = results.get(s.id)?.get('lacquer');
    let first = true;
    for (const other of ['before', 'varnish', 'nginx'] as const) {
      const base = results.get(s.id)?.get(other);
      if (lacquer === undefined || base === undefined || lacquer.length < 2 || lacquer.length !== base.length) continue;
      const rps = lacquer.map((l, i) => l.requestsPerSecond / base[i].requestsPerSecond);
      const us = lacquer.map((l, i) => usPerResponse(l) / usPerResponse(base[i]));
      rows.push([first ? s.title : '', label(other), 'req/s', rps.map((r) => r.toFixed(2)).join(' '), `${median(rps).toFixed(2)}x`]);
      rows.push(['', '', 'µs/req', us.map((r) => r.toFixed(2)).join(' '), `${median(us).toFixed(2)}x`]);
      first = false;
    }
  }
  return rows.length === 1 ? '' : `\n\nlacquer ÷ each other server in each round (the same round's runs, minutes apart)\n${table(rows)}`;
}
