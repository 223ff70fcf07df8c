// Per-request cost of compiled VCL: a routing vcl_recv with 50 conditions (prefix regexes,
// header tests, a querystring lookup) and header edits, run against fresh request contexts.
// For scale, the same routing written by hand in JavaScript runs in the same process; the
// ratio is what the closure compilation costs over hand-written code. Prints, asserts nothing.
//
//   node bench/micro/vcl/run.bench.ts
import { performance } from 'node:perf_hooks';
import { compileVcl, makeContext, MemoryHeaders } from '../../../test/vcl/helpers/context.ts';
import type { VclContext } from '../../../src/vcl/index.ts';

const ROUTES = 50;
const ITERATIONS = 200_000;

function generateVcl(): string {
  const out: string[] = [];
  for (let i = 0; i < 10; i++) out.push(`backend F_b${i} { .host = "b${i}.example.com"; .dynamic = true; .share_key = "s"; }`);
  out.push('sub vcl_recv {');
  out.push('  set req.http.X-Forwarded-Host = req.http.Host;');
  out.push('  unset req.http.Cookie:tracking;');
  out.push('  if (req.http.X-Debug) { set req.http.X-Debug-Seen = "1"; }');
  for (let i = 0; i < ROUTES; i++) {
    const kw = i === 0 ? 'if' : 'elsif';
    out.push(`  ${kw} (req.url ~ "^/section${i}/(\\w+)" && req.http.Host == "www.example.com") {`);
    out.push(`    set req.backend = F_b${i % 10};`);
    out.push(`    set req.http.X-Route = "section${i}:" re.group.1;`);
    out.push('  }');
  }
  out.push('  if (querystring.get(req.url, "preview") == "1") { return(pass); }');
  out.push('  set req.url = std.tolower(req.url);');
  out.push('}');
  return out.join('\n');
}

const ROUTE_RES = Array.from({ length: ROUTES }, (_, i) => new RegExp(`^/section${i}/(\\w+)`));

/** The same routing, hand-written: the baseline. */
function handWritten(ctx: VclContext): string {
  const h = ctx.req.http;
  const host = h.get('host');
  if (host !== null) h.set('x-forwarded-host', host);
  const cookie = h.get('cookie');
  if (cookie !== null) h.set('cookie', cookie.split(';').map((s) => s.trim()).filter((s) => !s.startsWith('tracking=')).join('; '));
  if (h.get('x-debug') !== null) h.set('x-debug-seen', '1');
  for (let i = 0; i < ROUTES; i++) {
    const m = ROUTE_RES[i].exec(ctx.req.url);
    if (m !== null && host === 'www.example.com') {
      ctx.req.backend = `F_b${i % 10}`;
      h.set('x-route', `section${i}:${m[1]}`);
      break;
    }
  }
  if (new URLSearchParams(ctx.req.url.split('?')[1] ?? '').get('preview') === '1') return 'pass';
  ctx.req.url = ctx.req.url.toLowerCase();
  return 'lookup';
}

function measure(name: string, run: (ctx: VclContext) => string, urls: readonly string[]): number {
  const contexts = urls.map((url) => ({ url }));
  let sink = 0;
  for (let i = 0; i < 20_000; i++) sink += run(fresh(contexts[i % contexts.length].url)).length; // warm-up
  const start = performance.now();
  for (let i = 0; i < ITERATIONS; i++) sink += run(fresh(contexts[i % contexts.length].url)).length;
  const ms = performance.now() - start;
  const ops = ITERATIONS / (ms / 1000);
  console.log(`${name.padEnd(28)} ${Math.round(ops).toLocaleString('en').padStart(12)} ops/s  (${(ms * 1000 / ITERATIONS).toFixed(2)} µs/op, sink ${sink % 7})`);
  return ops;
}

function fresh(url: string): VclContext {
  const ctx = makeContext({ url, headers: { Host: 'www.example.com', Cookie: 'a=1; tracking=abc; b=2', 'User-Agent': 'bench' } });
  (ctx.req as { http: MemoryHeaders }).http = ctx.req.http;
  return ctx;
}

const service = compileVcl(generateVcl());
// Spread over early, middle, late and unmatched routes so the average walks half the chain.
const urls = [0, 10, 25, 40, 49].map((i) => `/section${i}/Item?x=1`).concat(['/nowhere', '/section7/a?preview=1']);
const compiled = measure('compiled vcl_recv', (ctx) => service.run('recv', ctx), urls);
const baseline = measure('hand-written JS (baseline)', handWritten, urls);
console.log(`ratio compiled / hand-written: ${(compiled / baseline).toFixed(2)}×`);
