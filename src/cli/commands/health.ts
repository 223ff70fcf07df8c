// `lacquer health [--service ID] [-p]`: backend health in each POP, laid out like
// `varnishadm backend.list` (and its bit history like `backend.list -p`), one row per backend
// and POP; a POP whose last summary is too old shows `stale` (DESIGN.md §4.6: never healthy);
// `lacquer health set BACKEND auto|healthy|sick` like `varnishadm backend.set_health`; BACKEND
// is the API name or the VCL name (the API resolves it, docs/api.md).
import type { Command } from 'commander';
import { apiCommand, run } from '../command.ts';
import { apiPath } from '../api-client.ts';
import { UsageError } from '../errors.ts';
import { formatTable } from '../output.ts';

interface HealthEntry {
  name: string;
  pop: string;
  admin: 'auto' | 'healthy' | 'sick';
  healthy: boolean;
  /** Older servers leave it out: fresh. */
  stale?: boolean;
  good: number;
  threshold: number;
  window: number;
  bits: Record<string, string>;
  last_change: string;
  last_response: string;
  avg_rtt_ms: number;
}

interface HealthSnapshot {
  service_id: string;
  backends: HealthEntry[];
}

/** The register rows `backend.list -p` prints, in Varnish's order, with its labels. */
const REGISTERS: ReadonlyArray<readonly [string, string]> = [
  ['4', 'Good IPv4'], ['6', 'Good IPv6'], ['U', 'Good UNIX'], ['x', 'Error Xmit'], ['X', 'Good Xmit'],
  ['r', 'Error Recv'], ['R', 'Good Recv'], ['H', 'Happy'],
];

/** The Health column: `stale` says the POP has not reported lately, whatever it last said. */
function healthWord(b: HealthEntry): string {
  if (b.stale === true) return 'stale';
  return b.healthy ? 'healthy' : 'sick';
}

export function renderHealth(snapshots: readonly HealthSnapshot[], probes: boolean): string {
  const rows = snapshots.flatMap((s) => s.backends.map((b) => ({ service: s.service_id, b })));
  if (!probes) {
    return formatTable(
      ['Service', 'Backend name', 'POP', 'Admin', 'Probe', 'Health', 'Last change', 'Last response'],
      rows.map(({ service, b }) => [
        service, b.name, b.pop, b.admin === 'auto' ? 'probe' : b.admin, `${b.good}/${b.window}`,
        healthWord(b), new Date(b.last_change).toUTCString(), b.last_response,
      ]),
    );
  }
  const out: string[] = [];
  for (const { service, b } of rows) {
    out.push(`${service} ${b.name} (${b.pop}): ${healthWord(b)}, admin ${b.admin === 'auto' ? 'probe' : b.admin}`);
    out.push(` Current states  good: ${String(b.good).padStart(2)} threshold: ${String(b.threshold).padStart(2)} window: ${String(b.window).padStart(2)}`);
    out.push(`  Average response time of good probes: ${(b.avg_rtt_ms / 1000).toFixed(6)}`);
    out.push(`  Oldest ${'='.repeat(50)} Newest`);
    for (const [letter, label] of REGISTERS) {
      const bits = b.bits[letter] ?? '';
      // Varnish prints only the registers that have a bit set.
      if (/[^-]/.test(bits)) out.push(`  ${bits} ${label}`);
    }
    out.push(`  Last response: ${b.last_response}`, '');
  }
  return `${out.join('\n')}\n`;
}

export function registerHealth(program: Command): Command {
  const noun = program.command('health').description('backend health in each POP (like varnishadm backend.list)');
  // `lacquer health` alone means `lacquer health list` (all services unless one is named).
  const list = apiCommand(noun, 'list', 'show every backend\'s health; -p adds the probe history', { service: true, isDefault: true })
    .option('-p, --probes', 'show the last 64 probe results of each register, oldest first');
  run(list, async (ctx) => {
    const named = typeof ctx.opts.serviceId === 'string' || typeof ctx.opts.serviceName === 'string' || process.env.LACQUER_SERVICE_ID !== undefined;
    const ids = named
      ? [await ctx.serviceId()]
      : (await ctx.client.get<Array<{ id: string }>>('/service')).map((s) => s.id);
    const snapshots = await Promise.all(ids.map((id) => ctx.client.get<HealthSnapshot>(apiPath('service', id, 'health'))));
    if (ctx.out.json) ctx.out.done('', named ? snapshots[0] : snapshots);
    else ctx.out.text(renderHealth(snapshots, ctx.opts.probes === true));
  });

  const set = apiCommand(noun, 'set', 'override a backend\'s health in this service, in every POP: auto (follow the probe), healthy or sick', { service: true })
    .argument('<backend>', 'the backend: its API name (origin) or VCL name (F_origin)')
    .argument('<state>', 'auto, healthy or sick')
    .option('--name-type <type>', 'when the name is both a VCL name and an API name: vcl or api');
  run(set, async (ctx) => {
    const [backend, state] = set.args;
    if (!['auto', 'healthy', 'sick'].includes(state)) throw new UsageError(`state must be auto, healthy or sick, got "${state}"`);
    const nameType = ctx.opts.nameType;
    if (nameType !== undefined && nameType !== 'vcl' && nameType !== 'api') throw new UsageError(`--name-type must be vcl or api, got "${String(nameType)}"`);
    const sid = await ctx.serviceId();
    const query = nameType === undefined ? '' : `?name_type=${nameType}`;
    const entry = await ctx.client.put<HealthEntry>(`${apiPath('service', sid, 'health', backend)}${query}`, { json: { state } });
    ctx.out.done(`${entry.name}: admin ${state}, now ${entry.healthy ? 'healthy' : 'sick'}`, entry);
  });
  return noun;
}
