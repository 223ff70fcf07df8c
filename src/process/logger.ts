// The process's structured logger (pino). Lines are buffered and written asynchronously: the
// edge logs one line per request, and a synchronous write(2) per request would cost more than
// serving a cache hit. `flushLogs` empties the buffer before the process exits.
import pino, { type Logger } from 'pino';

const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });

export function createLogger(base: Record<string, unknown>): Logger {
  return pino({ base }, destination);
}

export function flushLogs(): void {
  destination.flushSync();
}
