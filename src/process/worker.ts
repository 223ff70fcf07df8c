// Entry point of an edge worker process (node:cluster). The primary sends the listen address
// in the environment and everything else as ToWorker messages; the worker never opens the
// store, never probes, never compiles anything it was not sent.

import { AggregatorRegistry } from 'prom-client';
import { EdgeRuntime } from '../edge/runtime.ts';
import { createLogger, flushLogs } from './logger.ts';
import { LOG_LEVELS, type LogLevel } from './options.ts';
import { isToWorker, type FromWorker } from '../edge/messages.ts';
import type { PurgeResult } from '../edge/purge.ts';
import type { LogIntake } from '../edge/logging/index.ts';
import type { ClientTimeouts } from '../edge/http1/index.ts';

const env = process.env;
// The primary hands its --log-level down; a worker's stdout is the primary's, so the same
// terminal test picks the same format.
const logger = createLogger({ pop: env.LACQUER_POP, worker: process.pid }, { level: parseLogLevel(env.LACQUER_LOG_LEVEL) });

// PURGE <url> needs the store (tokens) and every worker: the primary does it and answers.
let nextRequestId = 1;
const pendingPurges = new Map<number, (r: PurgeResult) => void>();
const report = (m: FromWorker): void => { process.send?.(m); };

const runtime = new EdgeRuntime({
  host: env.LACQUER_EDGE_HOST ?? '127.0.0.1',
  port: Number(env.LACQUER_EDGE_PORT ?? '8080'),
  tls: env.LACQUER_EDGE_TLS_HOST === undefined ? null : { host: env.LACQUER_EDGE_TLS_HOST, port: Number(env.LACQUER_EDGE_TLS_PORT ?? '8443') },
  pop: env.LACQUER_POP ?? 'local',
  logger,
  report,
  purger: ({ serviceId, token, command }) => new Promise<PurgeResult>((resolve) => {
    const requestId = nextRequestId++;
    pendingPurges.set(requestId, resolve);
    report({ type: 'purge-request', requestId, serviceId, token, command });
  }),
  cacheSizeBytes: Number(env.LACQUER_CACHE_SIZE_BYTES ?? String(256 * 1024 * 1024)),
  cacheMaxObjectBytes: Number(env.LACQUER_CACHE_MAX_OBJECT_BYTES ?? String(32 * 1024 * 1024)),
  // Validated by the primary (./options.ts), which hands them down as JSON.
  clientTimeouts: env.LACQUER_EDGE_CLIENT_TIMEOUTS === undefined ? undefined : JSON.parse(env.LACQUER_EDGE_CLIENT_TIMEOUTS) as ClientTimeouts,
  clustered: env.LACQUER_CLUSTERED === '1',
  geoipDb: env.LACQUER_EDGE_GEOIP_DB === undefined ? [] : JSON.parse(env.LACQUER_EDGE_GEOIP_DB) as string[],
  shareRateLimits: true,
  logging: { intake: env.LACQUER_EDGE_LOG_INTAKE === undefined ? {} : JSON.parse(env.LACQUER_EDGE_LOG_INTAKE) as LogIntake },
});

// The primary's GET /metrics asks every worker for its registry (prom-client's cluster protocol).
new AggregatorRegistry();
AggregatorRegistry.setRegistries([runtime.metrics.registry]);

let draining = false;
async function drainAndExit(): Promise<void> {
  if (draining) return;
  draining = true;
  await runtime.drain();
  flushLogs();
  process.exit(0);
}

process.on('message', (m: unknown) => {
  if (!isToWorker(m)) return;
  if (m.type === 'drain') return void drainAndExit();
  if (m.type === 'purge-result') {
    pendingPurges.get(m.requestId)?.(m.result);
    pendingPurges.delete(m.requestId);
    return;
  }
  runtime.apply(m);
});
process.on('SIGTERM', () => void drainAndExit());
// The primary owns SIGINT handling for the whole tree (Ctrl-C reaches every process in the group).
process.on('SIGINT', () => {});

await runtime.start();

function parseLogLevel(text: string | undefined): LogLevel {
  return LOG_LEVELS.find((l) => l === text) ?? 'info';
}
