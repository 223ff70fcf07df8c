// Entry point of an edge worker process (node:cluster). The primary sends the listen address
// in the environment and everything else as ToWorker messages; the worker never opens the
// store, never probes, never compiles anything it was not sent.

import pino from 'pino';
import { EdgeRuntime } from '../edge/runtime.ts';
import { isToWorker, type FromWorker } from '../edge/messages.ts';

const env = process.env;
const logger = pino({ base: { pop: env.LACQUER_POP, worker: process.pid } });
const runtime = new EdgeRuntime({
  host: env.LACQUER_EDGE_HOST ?? '127.0.0.1',
  port: Number(env.LACQUER_EDGE_PORT ?? '8080'),
  pop: env.LACQUER_POP ?? 'local',
  logger,
  report: (m: FromWorker) => process.send?.(m),
});

let draining = false;
async function drainAndExit(): Promise<void> {
  if (draining) return;
  draining = true;
  await runtime.drain();
  process.exit(0);
}

process.on('message', (m: unknown) => {
  if (!isToWorker(m)) return;
  if (m.type === 'drain') return void drainAndExit();
  runtime.apply(m);
});
process.on('SIGTERM', () => void drainAndExit());
// The primary owns SIGINT handling for the whole tree (Ctrl-C reaches every process in the group).
process.on('SIGINT', () => {});

await runtime.start();
