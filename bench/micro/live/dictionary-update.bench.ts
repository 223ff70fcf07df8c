// What a dictionary item change costs an edge worker (DESIGN.md §4.6: versionless data reaches
// the edge live). Two ways to apply it to a service with a 1,000-item dictionary and a
// realistic amount of VCL (50 backends, 200 routes): replace the table's entries in place
// (what the edge does: src/edge/live.ts), or compile the whole service again with the new
// items (what an activation costs). Prints the ratio; asserts nothing.
//
//   node bench/micro/live/dictionary-update.bench.ts
import { performance } from 'node:perf_hooks';
import { compileService, replaceTable, type ServiceSource } from '../../../src/vcl/index.ts';

const ITEMS = 1_000;
const BACKENDS = 50;
const ROUTES = 200;
const RUNS = 30;

function vcl(): string {
  const out: string[] = [];
  for (let i = 0; i < BACKENDS; i++) {
    out.push(`backend F_o${i} { .dynamic = true; .share_key = "s"; .host = "o${i}.example.com"; .port = "443"; .ssl = true; }`);
  }
  out.push('table flags { }');
  out.push('sub vcl_recv {');
  for (let i = 0; i < ROUTES; i++) {
    out.push(`  ${i === 0 ? 'if' : '} elsif'} (req.url.path ~ "^/r${i}/" && table.lookup(flags, "k${i}", "") == "on") {`);
    out.push(`    set req.backend = F_o${i % BACKENDS};`);
  }
  out.push('  }\n}');
  return out.join('\n');
}

function items(round: number): [string, string][] {
  return Array.from({ length: ITEMS }, (_, i) => [`k${i}`, i === round % ITEMS ? 'off' : 'on']);
}

const source: ServiceSource = {
  serviceId: 'bench', version: 1, domains: ['bench.example'], settings: { defaultTtl: 3600, staleIfError: true, staleIfErrorTtl: 43200 },
  main: 'main.vcl', files: [{ name: 'main.vcl', content: vcl() }], dictionaries: [{ id: 'd', name: 'flags', items: items(0) }],
};
const { service } = compileService(source);
if (service?.live === undefined) throw new Error('the bench service does not compile');

// The items each change brings, built before timing: only applying them is measured.
const rounds = Array.from({ length: RUNS + 3 }, (_, r) => items(r));

function time(label: string, fn: (round: number) => void): number {
  for (let i = 0; i < 3; i++) fn(i); // warm up
  const t0 = performance.now();
  for (let i = 0; i < RUNS; i++) fn(i);
  const ms = (performance.now() - t0) / RUNS;
  console.log(`${label.padEnd(44)} ${ms.toFixed(3)} ms per change`);
  return ms;
}

const inPlace = time('replace the table in place', (r) => { replaceTable(service.live!, 'flags', rounds[r]); });
const recompile = time('compile the service again with the new items', (r) => { compileService({ ...source, dictionaries: [{ id: 'd', name: 'flags', items: rounds[r] }] }); });
console.log(`in place is ${(recompile / inPlace).toFixed(0)}× cheaper than compiling again (${ITEMS} items, ${BACKENDS} backends, ${ROUTES} routes)`);
