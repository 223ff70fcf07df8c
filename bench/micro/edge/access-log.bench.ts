// The access log's cost per line, next to pino writing the same fields with logger.info() (the
// generic path it replaces), both to /dev/null through the process's log stream (pino's
// asynchronous destination, taking text and bytes).
//   node bench/micro/edge/access-log.bench.ts [--lines 500000]
import { parseArgs } from 'node:util';
import pino from 'pino';
import { AccessLog, type AccessLogEntry } from '../../../src/edge/access-log.ts';
import { logStream } from '../../../src/process/logger.ts';

const { values } = parseArgs({ options: { lines: { type: 'string', default: '500000' } } });
const lines = Number(values.lines);
const logger = pino({ base: { pop: 'bench' } }, logStream('/dev/null')).child({ component: 'edge', worker: 1 });
const accessLog = new AccessLog(logger);
const entry: AccessLogEntry = {
  service: '27iga7sWaA2MUU09HXAjb7', backend: 'F_origin', method: 'GET', url: '/a', status: 200, reason: null,
  bytes: 1024, cache: 'PASS', ms: 1.23, connectMs: 0.01, firstByteMs: 0.87,
};

/** Made before any timing, so that the runs measure the logging, not the making of entries. */
const entries = Array.from({ length: 1000 }, (_, i): AccessLogEntry => ({ ...entry, url: `/a/${i}`, ms: i / 100 }));

async function measure(label: string, write: (e: AccessLogEntry) => void): Promise<number> {
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < lines; i++) {
    write(entries[i % 1000]);
    if (i % 500 === 0) await new Promise((r) => setImmediate(r));
  }
  accessLog.flush();
  await new Promise((r) => setTimeout(r, 100));
  const cpu = process.cpuUsage(cpu0);
  const us = (cpu.user + cpu.system) / lines;
  console.log(`${label.padEnd(28)} ${us.toFixed(2).padStart(6)} µs CPU per line`);
  return us;
}

const viaPino = (e: AccessLogEntry): void => logger.info(e, 'request');
const viaAccessLog = (e: AccessLogEntry): void => accessLog.write(e);
await measure('warm-up (pino)', viaPino);
await measure('warm-up (access log)', viaAccessLog);
const p = await measure('pino logger.info', viaPino);
const a = await measure('lacquer access log', viaAccessLog);
console.log(`access log ÷ pino: ${(a / p).toFixed(2)}× the CPU per line`);
