// Cache hits through a real edge worker (EdgeRuntime on a loopback port, keep-alive undici
// clients) for three services in the same run: no logging endpoint, a syslog endpoint whose
// receiver takes every line, and one whose receiver is down (its port refuses connections).
// Prints hits per second of each and its ratio to the service without logging: a dead
// receiver must cost no more than a live one (its lines wait in a bounded queue or are dropped).
//   node bench/micro/edge/logging.bench.ts [--seconds 3] [--rounds 3] [--concurrency 16]
import http from 'node:http';
import net from 'node:net';
import process from 'node:process';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { Pool } from 'undici';
import { EdgeRuntime } from '../../../src/edge/runtime.ts';
import { backend as backendSchema, parseRecord, settings as settingsSchema } from '../../../src/model/api/index.ts';
import { LOGGING_ENDPOINTS } from '../../../src/model/api/logging/index.ts';
import { generateVcl } from '../../../src/model/generate.ts';
import type { LoggingEndpoint } from '../../../src/model/logging/endpoint.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '3' }, rounds: { type: 'string', default: '3' }, concurrency: { type: 'string', default: '16' } } });
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const concurrency = Number(values.concurrency);

const record = <R extends Parameters<typeof parseRecord>[0]>(schema: R, body: Record<string, unknown>) => {
  const r = parseRecord(schema, body, null);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.record;
};

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

const origin = http.createServer((_req, res) => { res.writeHead(200, { 'cache-control': 'max-age=3600', 'content-type': 'text/plain' }); res.end('x'.repeat(1024)); });
const originPort = await listen(origin);
let received = 0;
const live = net.createServer((s) => { s.on('data', (d: Buffer) => { for (const b of d) if (b === 10) received++; }); });
const livePort = await listen(live);
// A receiver that is down: a port that was listened on and closed refuses connections.
const dead = net.createServer();
const deadPort = await listen(dead);
dead.close();

const cases = { none: null, live: livePort, dead: deadPort } as const;
const sources = Object.entries(cases).map(([name, port]) => {
  const sid = `bench${name}`;
  const logging: LoggingEndpoint[] = port === null ? [] : [{ type: 'syslog', record: record(LOGGING_ENDPOINTS.syslog, { name: 'syslog', address: '127.0.0.1', port }) }];
  const { files } = generateVcl({
    serviceId: sid, version: 1, healthchecks: [], directors: [], vcls: [], settings: record(settingsSchema, {}), logging,
    backends: [record(backendSchema, { name: 'origin', address: '127.0.0.1', port: originPort })],
  });
  return { serviceId: sid, version: 1, domains: [`${name}.test`], main: files[0].name, files, logging, settings: { defaultTtl: 3600, staleIfError: true, staleIfErrorTtl: 43200 } };
});

const runtime = new EdgeRuntime({ host: '127.0.0.1', port: 0, pop: 'bench', logger: pino({ level: 'silent' }), purger: async () => ({ status: 'unauthorized' }) });
runtime.apply({ type: 'services', sources });
const { port } = await runtime.start();
const pool = new Pool(`http://127.0.0.1:${port}`, { connections: concurrency, pipelining: 1 });

async function hits(host: string, ms: number): Promise<number> {
  let n = 0;
  const end = performance.now() + ms;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      const res = await pool.request({ method: 'GET', path: '/hot', headers: { host } });
      await res.body.dump();
      if (res.headers['x-cache'] !== 'HIT' && n > concurrency) throw new Error(`not a hit: ${String(res.headers['x-cache'])}`);
      n++;
    }
  }));
  return n / (ms / 1000);
}

for (const name of Object.keys(cases)) await hits(`${name}.test`, 300); // warm: the first request fills the cache
const results: Record<string, number[]> = { none: [], live: [], dead: [] };
for (let r = 0; r < rounds; r++) for (const name of Object.keys(cases)) results[name].push(await hits(`${name}.test`, seconds * 1000));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(results.none);
process.stdout.write(`hits/s over ${rounds} rounds of ${seconds} s, ${concurrency} connections (median; ratio to no logging)\n`);
for (const name of Object.keys(cases)) process.stdout.write(`  ${name.padEnd(5)} ${median(results[name]).toFixed(0).padStart(8)}  ${(median(results[name]) / base).toFixed(3)}\n`);
process.stdout.write(`  live receiver got ${received} lines\n`);
await pool.close();
await runtime.drain();
for (const s of [origin, live]) s.close();
process.exit(0);
