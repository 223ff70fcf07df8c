// How fast a change reaches a fleet on one machine (DESIGN.md §4.6 targets, p99 from the API
// call: an activation served everywhere < 1 s, a purge applied everywhere < 150 ms). The bench
// starts its own PostgreSQL (test/support/postgres.ts), one control node and --pops POPs of
// --edges edge nodes each (test/support/fleet.ts), every node a `lacquer serve` process, and
// measures:
// - activation → served: from sending PUT …/activate until each edge node answers from the new
//   version (each version's backend is another origin port, so the body says which one runs);
// - purge → applied: from sending POST …/purge/{key} until each edge node answers the object
//   with X-Cache: MISS (every edge held it as a HIT just before), and until the API answered.
// Each edge is polled on a keep-alive connection as fast as it answers. The baseline, measured
// in the same run the same way, is one `lacquer serve` node on SQLite (--role all), where a
// change goes through no database notification; the ratios say what the fleet adds. Prints
// p50, p99 and max in ms; asserts nothing.
//
//   node bench/macro/fleet.bench.ts [--activations 50] [--purges 200] [--pops 2] [--edges 2]
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { apiOk, startNode, type FleetNode } from '../../test/support/fleet.ts';
import { startPostgres } from '../../test/support/postgres.ts';

const { values: args } = parseArgs({
  options: {
    activations: { type: 'string', default: '50' }, purges: { type: 'string', default: '200' },
    pops: { type: 'string', default: '2' }, edges: { type: 'string', default: '2' },
  },
});
const ACTIVATIONS = Number(args.activations);
const PURGES = Number(args.purges);
const HOST = 'fleet.bench';

interface Sample {
  /** ms until each edge node served the change, and the slowest of them. */
  readonly perEdge: number[];
  readonly everywhere: number;
  /** ms until the API answered. */
  readonly answered: number;
}

/** Origins on two ports (each answers its port) and one cacheable, tagged object. */
async function origins(): Promise<{ ports: [number, number]; close: () => void }> {
  let n = 0;
  const servers = [0, 1].map(() => http.createServer((req, res) => {
    const port = (req.socket.address() as AddressInfo).port;
    if (req.url === '/obj') res.writeHead(200, { 'cache-control': 'max-age=3600', 'surrogate-key': 'obj' }).end(`object ${++n}`);
    else res.writeHead(200, { 'cache-control': 'no-store' }).end(`port ${port}`);
  }));
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
  return {
    ports: [(servers[0].address() as AddressInfo).port, (servers[1].address() as AddressInfo).port],
    close: () => servers.forEach((s) => { s.closeAllConnections(); s.close(); }),
  };
}

const agents = new Map<number, http.Agent>();
function get(port: number, urlPath: string): Promise<{ body: string; cache: string }> {
  let agent = agents.get(port);
  if (agent === undefined) agents.set(port, agent = new http.Agent({ keepAlive: true, maxSockets: 1 }));
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: urlPath, headers: { host: HOST }, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ body, cache: String(res.headers['x-cache'] ?? '') }));
    }).on('error', reject);
  });
}

/** Sends `change` and polls every edge until `seen` holds there; times are from the send. */
async function timeChange(edges: readonly FleetNode[], urlPath: string, change: () => Promise<unknown>, seen: (r: { body: string; cache: string }) => boolean): Promise<Sample> {
  const t0 = performance.now();
  const answered = change().then(() => performance.now() - t0);
  const perEdge = await Promise.all(edges.map(async (e) => {
    for (;;) {
      const r = await get(e.edgePort as number, urlPath);
      if (seen(r)) return performance.now() - t0;
      if (performance.now() - t0 > 10_000) throw new Error(`edge ${e.pop}:${e.edgePort} never saw the change`);
    }
  }));
  return { perEdge, everywhere: Math.max(...perEdge), answered: await answered };
}

async function measure(control: FleetNode, edges: readonly FleetNode[], ports: [number, number]): Promise<{ activations: Sample[]; purges: Sample[] }> {
  const { id: sid } = await apiOk(control, 'POST', '/service', { name: 'bench' }) as { id: string };
  await apiOk(control, 'POST', `/service/${sid}/version/1/domain`, { name: HOST });
  await apiOk(control, 'POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: '127.0.0.1', port: ports[0] });
  await apiOk(control, 'PUT', `/service/${sid}/version/1/activate`);
  await timeChange(edges, '/', async () => {}, (r) => r.body === `port ${ports[0]}`);

  const activations: Sample[] = [];
  for (let i = 1, active = 1; i <= ACTIVATIONS; i++) {
    const next = (await apiOk(control, 'PUT', `/service/${sid}/version/${active}/clone`)).number as number;
    const port = ports[i % 2];
    await apiOk(control, 'PUT', `/service/${sid}/version/${next}/backend/origin`, { port });
    activations.push(await timeChange(edges, '/', () => apiOk(control, 'PUT', `/service/${sid}/version/${next}/activate`), (r) => r.body === `port ${port}`));
    active = next;
  }
  const purges: Sample[] = [];
  for (let i = 0; i < PURGES; i++) {
    for (const e of edges) while ((await get(e.edgePort as number, '/obj')).cache !== 'HIT');
    purges.push(await timeChange(edges, '/obj', () => apiOk(control, 'POST', `/service/${sid}/purge/obj`), (r) => r.cache === 'MISS'));
  }
  return { activations, purges };
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function row(label: string, values: readonly number[]): string[] {
  return [label, ...[50, 99, 100].map((p) => percentile(values, p).toFixed(1))];
}

function print(title: string, rows: readonly string[][]): void {
  const all = [['', 'p50 ms', 'p99 ms', 'max ms'], ...rows];
  const widths = all[0].map((_, i) => Math.max(...all.map((r) => r[i].length)));
  console.log(`\n${title}`);
  for (const r of all) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('   '));
}

const o = await origins();
const pg = await startPostgres();
const nodes: FleetNode[] = [];
const dir = mkdtempSync(path.join(os.tmpdir(), 'lacquer-fleet-bench-'));
try {
  const db = await pg.createDatabase();
  const control = await startNode({ db, role: 'control' });
  nodes.push(control);
  const pops = Array.from({ length: Number(args.pops) }, (_, i) => String.fromCharCode(97 + i));
  const edges = await Promise.all(pops.flatMap((pop) => Array.from({ length: Number(args.edges) }, () => startNode({ db, role: 'edge', pop }))));
  nodes.push(...edges);
  console.error(`fleet: 1 control node, ${pops.length} POPs × ${args.edges} edge nodes; ${ACTIVATIONS} activations, ${PURGES} purges`);
  const fleet = await measure(control, edges, o.ports);

  const single = await startNode({ db: `sqlite:${path.join(dir, 'lacquer.db')}`, role: 'all' });
  nodes.push(single);
  console.error('baseline: one node on SQLite');
  const base = await measure(single, [single], o.ports);

  const cpus = os.cpus();
  console.log(`machine  ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  print(`fleet: 1 control node, ${pops.length} POPs × ${args.edges} edge nodes, PostgreSQL (LISTEN/NOTIFY)`, [
    row(`activation → served by every edge (${ACTIVATIONS})`, fleet.activations.map((s) => s.everywhere)),
    row('activation → served, each edge', fleet.activations.flatMap((s) => s.perEdge)),
    row('activation → API answered', fleet.activations.map((s) => s.answered)),
    row(`purge → applied by every edge (${PURGES})`, fleet.purges.map((s) => s.everywhere)),
    row('purge → applied, each edge', fleet.purges.flatMap((s) => s.perEdge)),
    row('purge → API answered (all confirmed)', fleet.purges.map((s) => s.answered)),
  ]);
  print('baseline: one node, SQLite, --role all', [
    row('activation → served', base.activations.map((s) => s.everywhere)),
    row('activation → API answered', base.activations.map((s) => s.answered)),
    row('purge → applied', base.purges.map((s) => s.everywhere)),
    row('purge → API answered', base.purges.map((s) => s.answered)),
  ]);
  const ratio = (f: number[], b: number[], p: number): string => (percentile(f, p) / percentile(b, p)).toFixed(1);
  const fa = fleet.activations.map((s) => s.everywhere);
  const ba = base.activations.map((s) => s.everywhere);
  const fp = fleet.purges.map((s) => s.everywhere);
  const bp = base.purges.map((s) => s.everywhere);
  console.log(`\nfleet / baseline: activation p50 ${ratio(fa, ba, 50)}×, p99 ${ratio(fa, ba, 99)}×; purge p50 ${ratio(fp, bp, 50)}×, p99 ${ratio(fp, bp, 99)}×`);
} finally {
  for (const a of agents.values()) a.destroy();
  await Promise.all(nodes.map((n) => n.stop()));
  await pg.destroy();
  o.close();
  rmSync(dir, { recursive: true, force: true });
}
