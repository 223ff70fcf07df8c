// One logging endpoint's queue in one edge worker. Invariants:
//  - `push` never blocks and never waits: a request's `log` statement costs an array append.
//  - Memory is bounded: at most `bufferLines` lines and `bufferBytes` bytes are held (pending
//    and being retried together); past that the oldest lines are dropped, counted and logged.
//  - One batch is in flight at a time. A batch holds at most `maxEntries` lines and `maxBytes`
//    bytes (at least one line); it leaves when full or `periodMs` after its first line arrived.
//  - A batch that fails goes back to the head of the queue and is retried after a backoff that
//    doubles from `retryMs` to `maxRetryMs`; a batch the receiver refuses for good (`permanent`)
//    is dropped and counted. Order is kept: lines leave in the order they were logged.
import { Buffer } from 'node:buffer';
export interface QueueCounters {
  shipped(lines: number, bytes: number): void;
  retried(): void;
  dropped(lines: number, why: 'overflow' | 'refused'): void;
}

export interface QueueOptions {
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly periodMs: number;
  readonly bufferLines: number;
  readonly bufferBytes: number;
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
  readonly send: (lines: readonly string[]) => Promise<void>;
  readonly counters: QueueCounters;
}

/** A receiver's answer that retrying cannot change (a 4xx other than 408 and 429). */
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

export class LogQueue {
  readonly #o: QueueOptions;
  // The queue is `#lines[#head…]` (and each line's size in bytes, newline counted, in `#sizes`):
  // dropping the oldest and taking a batch move `#head`, so neither costs a copy of the queue
  // (Array#shift is linear in the queue's length, paid on every push once a dead receiver has
  // filled the buffer). The consumed front is cut off once it is over half of the array.
  #lines: string[] = [];
  #sizes: number[] = [];
  #head = 0;
  #bytes = 0;
  #inFlight = false;
  #timer: NodeJS.Timeout | null = null;
  #attempt = 0;
  #closed = false;
  #idle: Array<() => void> = [];

  constructor(options: QueueOptions) {
    this.#o = options;
  }

  get pending(): number {
    return this.#lines.length - this.#head;
  }

  push(line: string): void {
    if (this.#closed) return;
    const size = Buffer.byteLength(line) + 1;
    let dropped = 0;
    while (this.pending > 0 && (this.pending >= this.#o.bufferLines || this.#bytes + size > this.#o.bufferBytes)) {
      this.#bytes -= this.#sizes[this.#head];
      this.#head++;
      dropped++;
    }
    if (dropped > 0) {
      this.#o.counters.dropped(dropped, 'overflow');
      this.#compact();
    }
    if (size > this.#o.bufferBytes) {
      this.#o.counters.dropped(1, 'overflow');
      return;
    }
    this.#lines.push(line);
    this.#sizes.push(size);
    this.#bytes += size;
    if (this.#inFlight || this.#attempt > 0) return; // a send or a retry is under way: it picks the line up
    if (this.pending >= this.#o.maxEntries || this.#bytes >= this.#o.maxBytes) this.#flush();
    else if (this.#timer === null) this.#arm(this.#o.periodMs);
  }

  /** Sends what is queued now (one batch at a time) and resolves when the queue is empty or `deadlineMs` passed. */
  async drain(deadlineMs: number): Promise<void> {
    if (this.pending === 0 && !this.#inFlight) return;
    const done = new Promise<void>((resolve) => this.#idle.push(resolve));
    if (!this.#inFlight) this.#flush();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise<void>((resolve) => { timer = setTimeout(resolve, deadlineMs); })]);
    clearTimeout(timer);
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #arm(ms: number): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => { this.#timer = null; this.#flush(); }, ms);
    this.#timer.unref();
  }

  #take(): { lines: string[]; bytes: number } {
    let n = 0;
    let bytes = 0;
    const start = this.#head;
    while (start + n < this.#lines.length && n < this.#o.maxEntries) {
      const size = this.#sizes[start + n];
      if (n > 0 && bytes + size > this.#o.maxBytes) break;
      bytes += size;
      n++;
    }
    const lines = this.#lines.slice(start, start + n);
    this.#head += n;
    this.#bytes -= bytes;
    this.#compact();
    return { lines, bytes };
  }

  #compact(): void {
    if (this.#head === this.#lines.length) {
      this.#lines = [];
      this.#sizes = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#lines.length) {
      this.#lines = this.#lines.slice(this.#head);
      this.#sizes = this.#sizes.slice(this.#head);
      this.#head = 0;
    }
  }

  #flush(): void {
    if (this.#timer !== null) { clearTimeout(this.#timer); this.#timer = null; }
    if (this.#inFlight || this.pending === 0) {
      if (!this.#inFlight) this.#settleIdle();
      return;
    }
    const { lines: batch, bytes } = this.#take();
    this.#inFlight = true;
    this.#o.send(batch).then(() => {
      this.#attempt = 0;
      this.#o.counters.shipped(batch.length, bytes);
      this.#next();
    }, (err: unknown) => {
      if (err instanceof PermanentDeliveryError) {
        this.#attempt = 0;
        this.#o.counters.dropped(batch.length, 'refused');
        this.#next();
        return;
      }
      this.#inFlight = false;
      this.#requeue(batch);
      this.#o.counters.retried();
      const base = this.#o.retryMs ?? 500;
      const delay = Math.min(this.#o.maxRetryMs ?? 30_000, base * 2 ** Math.min(this.#attempt, 16));
      this.#attempt++;
      // Jitter (±20 %) so the workers of a POP do not retry a recovering receiver in step.
      this.#arm(delay * (0.8 + Math.random() * 0.4));
    });
  }

  #next(): void {
    this.#inFlight = false;
    if (this.pending >= this.#o.maxEntries || this.#bytes >= this.#o.maxBytes || (this.#idle.length > 0 && this.pending > 0)) this.#flush();
    else if (this.pending > 0) this.#arm(this.#o.periodMs);
    else this.#settleIdle();
  }

  /** A failed batch goes back to the head, within the bound: what does not fit is the oldest, dropped. */
  #requeue(batch: readonly string[]): void {
    const room = Math.max(0, this.#o.bufferLines - this.pending);
    const kept = batch.slice(Math.max(0, batch.length - room));
    const sizes = kept.map((l) => Buffer.byteLength(l) + 1);
    let bytes = sizes.reduce((n, b) => n + b, 0);
    while (kept.length > 0 && this.#bytes + bytes > this.#o.bufferBytes) {
      kept.shift();
      bytes -= sizes.shift()!;
    }
    const lost = batch.length - kept.length;
    if (lost > 0) this.#o.counters.dropped(lost, 'overflow');
    // The failure path, once per backoff: a copy of the queue is fine here.
    this.#lines = [...kept, ...this.#lines.slice(this.#head)];
    this.#sizes = [...sizes, ...this.#sizes.slice(this.#head)];
    this.#head = 0;
    this.#bytes += bytes;
  }

  #settleIdle(): void {
    const waiting = this.#idle;
    this.#idle = [];
    for (const resolve of waiting) resolve();
  }
}
