// Per-request cost of Fastly's rate limiting on the hit path: a small vcl_recv run against fresh
// request contexts, with and without `ratelimit.check_rate` (one rate counter increment, a rate
// read, a penalty box look-up, and the entry queued for the other workers of the node, as an
// edge worker does it: src/edge/ratelimit/pop-rate-limits.ts). The baseline is the same vcl_recv
// without the call, measured in the same run; the difference is what rate limiting adds per
// request. Clients are drawn from 10,000 addresses. Prints, asserts nothing.
//
//   node bench/micro/ratelimit/check-rate.bench.ts
import { performance } from 'node:perf_hooks';
import { BACKEND, compileVcl, makeContext } from '../../../test/vcl/helpers/context.ts';
import type { VclContext } from '../../../src/vcl/index.ts';
import { PopRateLimits } from '../../../src/edge/ratelimit/pop-rate-limits.ts';

const ITERATIONS = 300_000;
const CLIENTS = Array.from({ length: 10_000 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.1`);

const DECLS = 'ratecounter rc { }\npenaltybox pb { }\n';
const BODY = 'set req.http.X-Forwarded-Host = req.http.Host; if (req.url ~ "^/api/") { set req.http.X-Api = "1"; }';
const plain = compileVcl(BACKEND + DECLS + `sub vcl_recv { ${BODY} }`);
const limited = compileVcl(BACKEND + DECLS + `sub vcl_recv { ${BODY} if (ratelimit.check_rate(client.ip, rc, 1, 10, 100, pb, 2m)) { error 429; } }`);

// Sent batches are dropped (the IPC send happens once per 100 ms, off the request); a running
// edge flushes on a timer every 100 ms, which a synchronous loop never yields to, so the loop
// flushes every FLUSH_EVERY requests instead (100 ms at 100,000 requests a second).
const FLUSH_EVERY = 10_000;
const pop = new PopRateLimits({ send: () => {} });

function fresh(i: number): VclContext {
  const ctx = makeContext({ url: '/api/items?x=1', clientIp: CLIENTS[i % CLIENTS.length], headers: { Host: 'www.example.com' } });
  return Object.assign(ctx, { rateLimit: pop.forRequest('benchsvc') });
}

function measure(name: string, run: (ctx: VclContext) => string): number {
  let sink = 0;
  for (let i = 0; i < 30_000; i++) sink += run(fresh(i)).length; // warm-up
  const start = performance.now();
  for (let i = 0; i < ITERATIONS; i++) {
    sink += run(fresh(i)).length;
    if (i % FLUSH_EVERY === 0) pop.flush();
  }
  const ms = performance.now() - start;
  pop.flush();
  const ns = (ms * 1e6) / ITERATIONS;
  console.log(`${name.padEnd(36)} ${Math.round(ITERATIONS / (ms / 1000)).toLocaleString('en').padStart(12)} ops/s  (${ns.toFixed(0)} ns/op, sink ${sink % 7})`);
  return ns;
}

const base = measure('vcl_recv (baseline)', (ctx) => plain.run('recv', ctx));
const withRl = measure('vcl_recv + ratelimit.check_rate', (ctx) => limited.run('recv', ctx));
console.log(`check_rate adds ${(withRl - base).toFixed(0)} ns per request (ratio ${(withRl / base).toFixed(2)}×)`);
