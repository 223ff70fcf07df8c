// The access log: one structured line per request (issue 5 §5), in pino's own line format and
// on the logger's own stream, but formatted here with a fixed schema. Serialising a generic
// object through pino cost more than serving a cache hit; a template over known fields costs
// a few string concatenations. Lines are identical in shape to `logger.info(fields, 'request')`.
// Lines are joined and handed to the stream at most every FLUSH_MS (or at 64 KB): every hand-over
// is a write(2) on pino's asynchronous destination, and one per event-loop turn cost a pass
// request ~3 µs of CPU at a few thousand requests a second. A line is never older than FLUSH_MS
// when it reaches the stream; `flush()` runs before the process exits.
import pino, { type Logger } from 'pino';
import { flatString } from './flat-string.ts';

export interface AccessLogEntry {
  readonly service: string;
  readonly backend: string | null;
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly reason: string | null;
  readonly bytes: number;
  readonly cache: string;
  readonly ms: number;
  readonly connectMs: number | null;
  readonly firstByteMs: number | null;
}

interface Stream { write(line: string): unknown }

/** How long a line may wait to be batched with others. */
export const FLUSH_MS = 50;

const MAX_HEADS = 1024;

/** The end of a line for a request that reached no backend (a hit, or an error before any). */
const NO_UPSTREAM_END = ',"connectMs":null,"firstByteMs":null,"msg":"request"}\n';

/** `,"cache":"HIT","ms":` for each cache state, made once (the states are a handful of words). */
const CACHE_UP_TO_MS = new Map<string, string>();

function cacheUpToMs(cache: string): string {
  let text = CACHE_UP_TO_MS.get(cache);
  if (text === undefined) {
    text = flatString(`,"cache":${JSON.stringify(cache)},"ms":`);
    if (CACHE_UP_TO_MS.size < MAX_HEADS) CACHE_UP_TO_MS.set(cache, text);
  }
  return text;
}

/** `,"status":N,"reason":null,"bytes":` for each status, made once. */
const STATUS_UP_TO_BYTES = new Map<number, string>();

function statusUpToBytes(status: number, reason: string | null): string {
  if (reason !== null) return `,"status":${status},"reason":${JSON.stringify(reason)},"bytes":`;
  let text = STATUS_UP_TO_BYTES.get(status);
  if (text === undefined) {
    text = flatString(`,"status":${status},"reason":null,"bytes":`);
    if (STATUS_UP_TO_BYTES.size < MAX_HEADS) STATUS_UP_TO_BYTES.set(status, text);
  }
  return text;
}

export class AccessLog {
  readonly #logger: Logger;
  readonly #stream: Stream;
  /** The logger's bindings (pop, worker, component), already serialised by pino: `,"pop":"x",…`; the POP is always among them. */
  readonly #bindings: string;
  readonly #heads = new Map<string, Map<string, Map<string, string>>>();
  #pending = '';
  /** The line up to `"url":` for the current millisecond and head. */
  #start = '';
  #startNow = -1;
  #startHead = '';
  #pendingBytes = 0;
  #timer: NodeJS.Timeout | null = null;

  constructor(logger: Logger) {
    this.#logger = logger;
    const l = logger as unknown as Record<symbol, unknown>;
    this.#stream = l[pino.symbols.streamSym] as Stream;
    this.#bindings = String(l[pino.symbols.chindingsSym] ?? '');
  }

  write(e: AccessLogEntry): void {
    if (!this.#logger.isLevelEnabled('info')) return;
    // Few, longer pieces: the batch is one rope of every piece of every line, and walking it to
    // measure and copy it cost more per piece than the characters did.
    const now = Date.now();
    const head = this.#head(e);
    if (now !== this.#startNow || head !== this.#startHead) {
      this.#startNow = now;
      this.#startHead = head;
      this.#start = flatString(`{"level":30,"time":${now}${head}`);
    }
    const line = `${this.#start}${JSON.stringify(e.url)}${statusUpToBytes(e.status, e.reason)}${e.bytes}${cacheUpToMs(e.cache)}${e.ms}`
      + (e.connectMs === null && e.firstByteMs === null ? NO_UPSTREAM_END : `,"connectMs":${e.connectMs},"firstByteMs":${e.firstByteMs},"msg":"request"}\n`);
    this.#pending += line;
    this.#pendingBytes += line.length;
    if (this.#pendingBytes >= 64 * 1024) this.flush();
    else if (this.#timer === null) this.#timer = setTimeout(this.#flushSoon, FLUSH_MS).unref();
  }

  /**
   * The line from the bindings up to `"url":`, serialised once per service, backend and method
   * (building it per line was half the cost of a line). Bounded: the method is the client's.
   */
  #head(e: AccessLogEntry): string {
    // Nested maps keyed by the strings themselves: their hashes are cached on the string
    // objects, where a joined key would be hashed anew on every line.
    let byBackend = this.#heads.get(e.service);
    if (byBackend === undefined) {
      if (this.#heads.size >= MAX_HEADS) this.#heads.clear();
      this.#heads.set(e.service, byBackend = new Map());
    }
    const backend = e.backend ?? '';
    let byMethod = byBackend.get(backend);
    if (byMethod === undefined) byBackend.set(backend, byMethod = new Map());
    let head = byMethod.get(e.method);
    if (head === undefined) {
      head = `${this.#bindings},"service":${JSON.stringify(e.service)},"backend":${e.backend === null ? 'null' : JSON.stringify(e.backend)}`
        + `,"method":${JSON.stringify(e.method)},"url":`;
      if (byMethod.size >= MAX_HEADS) byMethod.clear();
      byMethod.set(e.method, head);
    }
    return head;
  }

  readonly #flushSoon = (): void => {
    this.#timer = null;
    this.flush();
  };

  /** Hands every pending line to the stream (also before the process exits). */
  flush(): void {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (this.#pending === '') return;
    const batch = this.#pending;
    this.#pending = '';
    this.#pendingBytes = 0;
    this.#stream.write(batch);
  }
}
