// The bench's output: one table of req/s and p99 per scenario and server, then the ratios of
// lacquer to each baseline measured in the same run. Plain aligned text that also reads as
// a code block in docs/benchmarks.md.

import type { Scenario, ServerName } from './scenarios.ts';
import { SERVERS } from './scenarios.ts';
import type { WrkResult } from './wrk.ts';

export interface Measurement {
  readonly wrk: WrkResult;
  /** Origin requests during the run per request served: 1 for pass, ~0 for hits, ~0.1 for the mix. */
  readonly originShare: number | null;
  /** CPU the server's process group used during the run, in cores (2 = both cores busy). */
  readonly serverCores: number;
}

export type Results = Map<string, Map<ServerName, Measurement>>;

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd()).join('\n');
}

const rps = (n: number) => Math.round(n).toString();
const ms = (n: number) => n.toFixed(2);
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? '-' : `${(a / b).toFixed(2)}x`);

export function formatResults(scenarios: readonly Scenario[], results: Results): string {
  const rows: string[][] = [['scenario', 'server', 'req/s', 'p99 ms', 'p50 ms', 'errors', 'origin/req', 'server CPU']];
  for (const s of scenarios) {
    const byServer = results.get(s.id);
    if (byServer === undefined) continue;
    let first = true;
    for (const server of SERVERS) {
      const m = byServer.get(server);
      if (m === undefined) continue;
      rows.push([
        first ? s.title : '', server === 'node' ? 'bare node' : server,
        rps(m.wrk.requestsPerSecond), ms(m.wrk.p99Ms), ms(m.wrk.p50Ms), String(m.wrk.errors),
        m.originShare === null ? '-' : m.originShare.toFixed(2), m.serverCores.toFixed(2),
      ]);
      first = false;
    }
  }
  const ratios: string[][] = [
    ['lacquer ÷', 'varnish', '', 'nginx', '', 'bare node', ''],
    ['scenario', 'req/s', 'p99', 'req/s', 'p99', 'req/s', 'p99'],
  ];
  for (const s of scenarios) {
    const byServer = results.get(s.id);
    const lacquer = byServer?.get('lacquer');
    if (byServer === undefined || lacquer === undefined) continue;
    const row = [s.title];
    for (const other of ['varnish', 'nginx', 'node'] as const) {
      const o = byServer.get(other);
      row.push(ratio(lacquer.wrk.requestsPerSecond, o?.wrk.requestsPerSecond), ratio(lacquer.wrk.p99Ms, o?.wrk.p99Ms));
    }
    ratios.push(row);
  }
  return `${table(rows)}\n\nratios (req/s: higher is better for lacquer; p99: lower is better)\n${table(ratios)}`;
}
