// The process's structured logger (pino). Lines are buffered and written asynchronously: the
// edge logs one line per request, and a synchronous write(2) per request would cost more than
// serving a cache hit. `flushLogs` empties the buffer before the process exits.
//
// The destination takes bytes: pino hands it each line as a string, which is encoded here, and
// the edge's access log (src/edge/access-log.ts) hands it batches of lines it already wrote as
// UTF-8. Given text, pino's destination measures it and encodes it on every hand-over, a slow
// pass per character each, which was ~0.4 µs of every access-log line. Both kinds go through
// one destination, in the order they were written.
import pino, { type Logger } from 'pino';

/** What pino and the access log write to: text, or UTF-8 bytes that it then owns. */
export interface LogStream {
  write(data: string | Uint8Array): boolean;
  /** Writes everything still buffered, synchronously (before the process exits). */
  flushSync(): void;
}

/** pino's asynchronous destination on a file descriptor or path, taking text and bytes. */
export function logStream(dest: number | string): LogStream {
  const destination = pino.destination({ dest, sync: false, minLength: 4096, contentMode: 'buffer' });
  // In 'buffer' content mode its write() takes bytes; its types list only strings.
  const bytes = destination as unknown as { write(data: Uint8Array): boolean };
  return {
    // Looked up on every call: on EPIPE pino's destination replaces its own write() with a no-op.
    write: (data) => bytes.write(typeof data === 'string' ? Buffer.from(data, 'utf8') : data),
    flushSync: () => destination.flushSync(),
  };
}

const stdout = logStream(1);

export function createLogger(base: Record<string, unknown>): Logger {
  return pino({ base }, stdout);
}

export function flushLogs(): void {
  stdout.flushSync();
}
