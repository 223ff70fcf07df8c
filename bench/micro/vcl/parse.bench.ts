// Parse throughput of the VCL front end on a large generated service: 1,000 backends with
// probes and 1,000 lines of vcl_recv routing. For scale, JSON.parse runs in
// the same process on a JSON document of the same size. Prints numbers, asserts nothing.
//
//   node bench/micro/vcl/parse.bench.ts
//
// Check hook: once src/vcl/check/check.ts exports `check(parsed)`, it is timed too.
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parse, type ParseResult } from '../../../src/vcl/index.ts';

const BACKENDS = 1000;
const ROUTES = 1000;

export function generateVcl(): string {
  const out: string[] = [];
  for (let i = 0; i < BACKENDS; i++) {
    out.push(`backend F_origin_${i} {
  .dynamic = true;
  .share_key = "svc${i % 7}";
  .host = "origin-${i}.example.com";
  .port = "443";
  .ssl = true;
  .ssl_cert_hostname = "origin-${i}.example.com";
  .ssl_sni_hostname = "origin-${i}.example.com";
  .ssl_check_cert = always;
  .connect_timeout = 1s;
  .first_byte_timeout = 15s;
  .between_bytes_timeout = 10s;
  .max_connections = 200;
  .probe = {
    .request = "HEAD /health HTTP/1.1" "Host: origin-${i}.example.com" "Connection: close";
    .expected_response = 200;
    .interval = 5s;
    .timeout = 500ms;
    .window = 5;
    .threshold = 3;
    .initial = 2;
  }
}
`);
  }
  out.push('sub vcl_recv {\n#FASTLY recv');
  for (let i = 0; i < ROUTES; i++) {
    const kw = i === 0 ? 'if' : '} elsif';
    out.push(`  ${kw} (req.url.path ~ "^/r${i}/" && req.http.host == "site${i % 50}.example.com") {`);
    out.push(`    set req.backend = F_origin_${i % BACKENDS};`);
  }
  out.push('  }\n  return(lookup);\n}\n');
  return out.join('\n');
}

function generateJson(targetBytes: number): string {
  const items: object[] = [];
  let size = 2;
  for (let i = 0; size < targetBytes; i++) {
    const item = {
      name: `F_origin_${i}`, share_key: `svc${i % 7}`, address: `origin-${i}.example.com`, port: 443, use_ssl: true,
      ssl_cert_hostname: `origin-${i}.example.com`, connect_timeout: 1000, first_byte_timeout: 15000, between_bytes_timeout: 10000,
      healthcheck: { method: 'HEAD', path: '/health', expected_response: 200, check_interval: 5000, timeout: 500, window: 5, threshold: 3, initial: 2 },
    };
    size += JSON.stringify(item).length + 1;
    items.push(item);
  }
  return JSON.stringify(items);
}

function time(label: string, bytes: number, fn: () => unknown, iterations = 30): number {
  for (let i = 0; i < 5; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const median = samples[samples.length >> 1];
  const mbps = bytes / 1e6 / (median / 1000);
  console.log(`${label.padEnd(28)} median ${median.toFixed(2).padStart(8)} ms   ${mbps.toFixed(1).padStart(7)} MB/s   (min ${samples[0].toFixed(2)} ms)`);
  return median;
}

type CheckFn = (parsed: ParseResult) => unknown;
async function loadCheck(): Promise<CheckFn | null> {
  const url = new URL('../../../src/vcl/check/check.ts', import.meta.url);
  if (!existsSync(url)) return null;
  const mod = (await import(url.href)) as { check?: CheckFn };
  return typeof mod.check === 'function' ? mod.check : null;
}

async function main(): Promise<void> {
  const vcl = generateVcl();
  const json = generateJson(vcl.length);
  const first = parse(vcl, 'bench.vcl');
  console.log(`VCL: ${(vcl.length / 1e6).toFixed(2)} MB, ${vcl.split('\n').length} lines, ${first.ast.declarations.length} declarations, ${first.diagnostics.length} diagnostics`);
  console.log(`JSON: ${(json.length / 1e6).toFixed(2)} MB`);
  const parseMs = time('parse (lex + parse)', vcl.length, () => parse(vcl, 'bench.vcl'));
  const jsonMs = time('JSON.parse (same size)', json.length, () => JSON.parse(json));
  const check = await loadCheck();
  if (check !== null) {
    time('check', vcl.length, () => check(first));
    time('parse + check', vcl.length, () => check(parse(vcl, 'bench.vcl')));
  } else {
    console.log('check                        (src/vcl/check/check.ts not present yet)');
  }
  console.log(`parse / JSON.parse: ${(parseMs / jsonMs).toFixed(1)}x`);
}

if (import.meta.main) await main();
