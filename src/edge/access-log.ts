// The access log: one structured line per request, in pino's own line format and
// on the logger's own stream, but formatted here with a fixed schema. Serialising a generic
// object through pino cost more than serving a cache hit; a template over known fields costs
// far less. Lines are identical in shape to `logger.info(fields, 'request')`.
//
// A line is written as UTF-8 bytes straight into one chunk of memory, not built as a string:
// the pieces that repeat (the logger's bindings, service, backend and method; a status; a cache
// state) are encoded once and copied, numbers are written digit by digit, and a URL that needs
// no JSON escaping is copied character by character. Built as strings, the lines of a batch
// made one long rope that the stream then had to walk, measure and encode again: ~2 µs a line,
// as much as a tenth of a cache hit's CPU (docs/benchmarks.md).
//
// Lines are handed to the stream at most every FLUSH_MS (or when the chunk is full): every
// hand-over is a write(2) on pino's asynchronous destination, and one per event-loop turn cost
// a pass request ~3 µs of CPU at a few thousand requests a second. A line is never older than
// FLUSH_MS when it reaches the stream; `flush()` runs before the process exits.
import { Buffer } from 'node:buffer';
import pino, { type Logger } from 'pino';
import { copy, putLatin1 } from './bytes.ts';

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

/**
 * What the logger writes to. It is given each batch as UTF-8 bytes, which it then owns: the
 * process's own stream (src/process/logger.ts) and any Node Writable take bytes as they are;
 * pino's own destination turns them back into text.
 */
interface Stream { write(data: Uint8Array): unknown }

/** How long a line may wait to be batched with others. */
export const FLUSH_MS = 50;

/** The chunk lines are written into; a full chunk is handed to the stream. */
const CHUNK_BYTES = 64 * 1024;
/** Room kept for the fixed parts of a line beyond its pieces (numbers, punctuation, `null`s). */
const LINE_SLACK = 256;
/** A JSON-escaped UTF-16 unit takes at most 6 bytes (`\u001f`); so does a UTF-8 one. */
const MAX_BYTES_PER_UNIT = 6;

const MAX_HEADS = 1024;

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
const LEVEL_TIME = utf8('{"level":30,"time":');
const CONNECT_MS = utf8(',"connectMs":');
const FIRST_BYTE_MS = utf8(',"firstByteMs":');
const NULL = utf8('null');
const END = utf8(',"msg":"request"}\n');
/** The end of a line for a request that reached no backend (a hit, or an error before any). */
const NO_UPSTREAM_END = utf8(',"connectMs":null,"firstByteMs":null,"msg":"request"}\n');

/** `,"cache":"HIT","ms":` for each cache state, made once (the states are a handful of words). */
const CACHE_UP_TO_MS = new Map<string, Buffer>();

function cacheUpToMs(cache: string): Buffer {
  let bytes = CACHE_UP_TO_MS.get(cache);
  if (bytes === undefined) {
    bytes = utf8(`,"cache":${JSON.stringify(cache)},"ms":`);
    if (CACHE_UP_TO_MS.size < MAX_HEADS) CACHE_UP_TO_MS.set(cache, bytes);
  }
  return bytes;
}

/** `,"status":N,"reason":null,"bytes":` for each status, made once; a reason (an error's) is written as it comes. */
const STATUS_UP_TO_BYTES = new Map<number, Buffer>();

function statusUpToBytes(status: number, reason: string | null): Buffer {
  if (reason !== null) return utf8(`,"status":${status},"reason":${JSON.stringify(reason)},"bytes":`);
  let bytes = STATUS_UP_TO_BYTES.get(status);
  if (bytes === undefined) {
    bytes = utf8(`,"status":${status},"reason":null,"bytes":`);
    if (STATUS_UP_TO_BYTES.size < MAX_HEADS) STATUS_UP_TO_BYTES.set(status, bytes);
  }
  return bytes;
}

export class AccessLog {
  readonly #logger: Logger;
  readonly #stream: Stream;
  /** The logger's bindings (pop, worker, component), already serialised by pino: `,"pop":"x",…`; the POP is always among them. */
  readonly #bindings: string;
  readonly #heads = new Map<string, Map<string, Map<string, Buffer>>>();
  /** Lines are written from #from to #length; what is before #from was handed to the stream. */
  #chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  #from = 0;
  #length = 0;
  /** The line up to `"url":` for the current millisecond and head. */
  #start = LEVEL_TIME;
  #startNow = -1;
  #startHead: Buffer | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(logger: Logger) {
    this.#logger = logger;
    const l = logger as unknown as Record<symbol, unknown>;
    this.#stream = l[pino.symbols.streamSym] as Stream;
    this.#bindings = String(l[pino.symbols.chindingsSym] ?? '');
  }

  write(e: AccessLogEntry): void {
    if (!this.#logger.isLevelEnabled('info')) return;
    const now = Date.now();
    const head = this.#head(e);
    if (now !== this.#startNow || head !== this.#startHead) {
      this.#startNow = now;
      this.#startHead = head;
      this.#start = Buffer.concat([LEVEL_TIME, utf8(String(now)), head]);
    }
    const start = this.#start;
    const status = statusUpToBytes(e.status, e.reason);
    const cache = cacheUpToMs(e.cache);
    const most = start.length + status.length + cache.length + MAX_BYTES_PER_UNIT * e.url.length + LINE_SLACK;
    if (this.#length + most > this.#chunk.length) this.#makeRoom(most);

    const buf = this.#chunk;
    let at = copy(buf, this.#length, start);
    at = writeJsonString(buf, at, e.url);
    at = writeNumber(buf, copy(buf, at, status), e.bytes);
    at = writeNumber(buf, copy(buf, at, cache), e.ms);
    if (e.connectMs === null && e.firstByteMs === null) {
      at = copy(buf, at, NO_UPSTREAM_END);
    } else {
      at = writeNumberOrNull(buf, copy(buf, at, CONNECT_MS), e.connectMs);
      at = writeNumberOrNull(buf, copy(buf, at, FIRST_BYTE_MS), e.firstByteMs);
      at = copy(buf, at, END);
    }
    this.#length = at;
    if (this.#timer === null) this.#timer = setTimeout(this.#flushSoon, FLUSH_MS).unref();
  }

  /** Hands the pending lines over and starts a new chunk, of a line's own size when it is longer than a chunk. */
  #makeRoom(bytes: number): void {
    this.flush();
    this.#chunk = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, bytes));
    this.#from = 0;
    this.#length = 0;
  }

  /**
   * The line from the bindings up to `"url":`, encoded once per service, backend and method
   * (building it per line was half the cost of a line). Bounded: the method is the client's.
   */
  #head(e: AccessLogEntry): Buffer {
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
      head = utf8(`${this.#bindings},"service":${JSON.stringify(e.service)},"backend":${e.backend === null ? 'null' : JSON.stringify(e.backend)}`
        + `,"method":${JSON.stringify(e.method)},"url":`);
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
    if (this.#length === this.#from) return;
    // The stream keeps what it is given until written: later lines go after it in the chunk.
    const batch = this.#chunk.subarray(this.#from, this.#length);
    this.#from = this.#length;
    this.#stream.write(batch);
  }
}

/**
 * Writes `text` as a JSON string at `at` and returns the offset after it. Printable ASCII other
 * than `"` and `\` is copied as it is (a URL almost always is just that); anything else is
 * written as JSON.stringify() writes it, encoded as UTF-8.
 */
function writeJsonString(buf: Buffer, at: number, text: string): number {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return at + buf.write(JSON.stringify(text), at, 'utf8');
  }
  buf[at] = 0x22;
  at = putLatin1(buf, at + 1, text);
  buf[at] = 0x22;
  return at + 1;
}

function writeNumberOrNull(buf: Buffer, at: number, value: number | null): number {
  return value === null ? copy(buf, at, NULL) : writeNumber(buf, at, value);
}


/**
 * Writes `value` as JSON.stringify() would. Whole numbers and numbers of whole hundredths (the
 * log's milliseconds are rounded to those) below 1e9 are written digit by digit; anything else
 * goes through String().
 */
function writeNumber(buf: Buffer, at: number, value: number): number {
  if (value >= 0 && value < 1e9) {
    if (Number.isInteger(value)) return writeDigits(buf, at, value);
    const hundredths = Math.round(value * 100);
    if (hundredths / 100 === value) {
      const whole = Math.floor(hundredths / 100);
      const fraction = hundredths - whole * 100;
      at = writeDigits(buf, at, whole);
      buf[at++] = 0x2e;
      buf[at++] = 0x30 + Math.floor(fraction / 10);
      if (fraction % 10 !== 0) buf[at++] = 0x30 + (fraction % 10);
      return at;
    }
  }
  return at + buf.write(JSON.stringify(value), at, 'latin1');
}

/** Writes a whole number 0 ≤ n < 2^53 in decimal. */
function writeDigits(buf: Buffer, at: number, n: number): number {
  let digits = 1;
  for (let limit = 10; limit <= n; limit *= 10) digits++;
  const end = at + digits;
  for (let p = end - 1; p > at; p--) {
    const q = Math.floor(n / 10);
    buf[p] = 0x30 + (n - q * 10);
    n = q;
  }
  buf[at] = 0x30 + n;
  return end;
}
