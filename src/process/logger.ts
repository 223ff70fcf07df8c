// The process's structured logger (pino). DESIGN.md §4.1 `--log-level`: pino levels;
// human-readable lines when stdout is a terminal, JSON otherwise.
//
// JSON (stdout is a file or a pipe: production). Lines are buffered and written asynchronously:
// the edge logs one line per request, and a synchronous write(2) per request would cost more
// than serving a cache hit. `flushLogs` empties the buffer before the process exits.
// The destination takes bytes: pino hands it each line as a string, which is encoded here, and
// the edge's access log (src/edge/access-log.ts) hands it batches of lines it already wrote as
// UTF-8. Given text, pino's destination measures it and encodes it on every hand-over, a slow
// pass per character each, which was ~0.4 µs of every access-log line. Both kinds go through
// one destination, in the order they were written.
//
// Pretty (stdout is a terminal: someone is reading it). The same JSON lines go to pino-pretty,
// run as pino's transport in a worker thread so formatting stays off the serving thread. Its
// cost does not matter there, so the JSON path above is untouched by it.
import { Buffer } from 'node:buffer';
import pino, { type Level, type Logger } from 'pino';

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

/**
 * pino-pretty in a worker thread, writing to `dest` (a file descriptor). It reads text: the
 * access log's byte batches are decoded first (they are whole lines, so whole characters).
 */
export function prettyStream(dest: number, colorize: boolean): LogStream {
  const transport = pino.transport({
    target: 'pino-pretty',
    options: {
      destination: dest,
      // Synchronous inside the worker thread, so a line flushed before exit is on the terminal.
      sync: true,
      colorize,
      translateTime: 'SYS:HH:MM:ss.l',
      // One line per entry: the edge logs one per request.
      singleLine: true,
    },
  });
  return {
    write: (data) => transport.write(typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')),
    flushSync: () => transport.flushSync(),
  };
}

export interface LoggerOptions {
  readonly level?: Level | 'silent';
  /** Human-readable lines; default: when stdout is a terminal. */
  readonly pretty?: boolean;
}

let stdout: LogStream | null = null;

export function createLogger(base: Record<string, unknown>, options: LoggerOptions = {}): Logger {
  const pretty = options.pretty ?? process.stdout.isTTY === true;
  // https://no-color.org: NO_COLOR set to anything non-empty turns colours off.
  stdout ??= pretty ? prettyStream(1, (process.env.NO_COLOR ?? '') === '') : logStream(1);
  return pino({ base, level: options.level ?? 'info' }, stdout);
}

export function flushLogs(): void {
  stdout?.flushSync();
}
