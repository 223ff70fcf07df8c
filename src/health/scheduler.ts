// When probes run. One timer heap per POP and one setTimeout armed for its earliest entry,
// as Varnish's backend-poller thread does with vbp_heap (cache_backend_probe.c vbp_thread).
// The next run of a task is due `intervalMs` after its previous run finished (vbp_task sets
// `due = VTIM_real() + interval` when the poke is done), so a slow origin is never probed
// by two overlapping runs. The scheduler owns the timer and the heap; what a run does is the
// caller's (registry.ts passes a probe and a state update). A run says it is over by calling
// the `done` it was given, the same function for every run of a task, so running a task
// allocates nothing; `add` adapts a run that returns a promise. Due runs start when the
// timer fires, and when a run ends while they are already late: the end of one probe is
// often the first moment a busy event loop could start the next (see #finished); at most
// MAX_STARTS_PER_TURN between two firings, so a thread short of CPU starts late, not all at once.

import { performance } from 'node:perf_hooks';
import { TimerHeap } from './heap.ts';
import type { HeapEntry } from './heap.ts';

export interface SchedulerOptions {
  /** Monotonic clock in ms (defaults to performance.now). */
  readonly clock?: () => number;
  /** Told how late each run started, in ms (for the bench and metrics). */
  readonly onStart?: (lateMs: number) => void;
  /** At most this many runs start per firing of the timer (see MAX_STARTS_PER_TURN). */
  readonly maxStartsPerTurn?: number;
}

/** A run of a task: calls `done` once when it is over. */
export type TaskRun = (done: () => void) => void;

interface Task extends HeapEntry {
  readonly key: string;
  readonly intervalMs: number;
  readonly run: TaskRun;
  done: () => void;
  running: boolean;
  removed: boolean;
}

export class ProbeScheduler {
  readonly #heap = new TimerHeap<Task>();
  readonly #tasks = new Map<string, Task>();
  readonly #clock: () => number;
  readonly #onStart: ((lateMs: number) => void) | undefined;
  readonly #maxStarts: number;
  /** Starts left until the timer fires again. */
  #budget: number;
  #timer: NodeJS.Timeout | null = null;
  #armedFor = Infinity;
  /** Runs are being started (re-entry guard: a run may call done before it returns). */
  #starting = false;
  #closed = false;

  constructor(opts: SchedulerOptions = {}) {
    this.#clock = opts.clock ?? (() => performance.now());
    this.#onStart = opts.onStart;
    const max = opts.maxStartsPerTurn ?? MAX_STARTS_PER_TURN;
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxStartsPerTurn: must be an integer of at least 1, got ${max}`);
    this.#maxStarts = max;
    this.#budget = max;
  }

  get size(): number {
    return this.#tasks.size;
  }

  has(key: string): boolean {
    return this.#tasks.has(key);
  }

  /** Schedules `run` every `intervalMs`, the first time after `firstDelayMs`. */
  add(key: string, intervalMs: number, run: () => Promise<void>, firstDelayMs = 0): void {
    this.addTask(key, intervalMs, (done) => {
      let pending: Promise<void>;
      try {
        pending = run();
      } catch {
        pending = Promise.resolve();
      }
      pending.then(done, done);
    }, firstDelayMs);
  }

  /** Like `add`, for a run that calls `done` when it is over instead of returning a promise. */
  addTask(key: string, intervalMs: number, run: TaskRun, firstDelayMs = 0): void {
    if (this.#closed) throw new Error('scheduler is closed');
    if (this.#tasks.has(key)) throw new Error(`task ${key} is already scheduled`);
    const task: Task = { key, intervalMs, run, done: noop, due: this.#clock() + firstDelayMs, heapIndex: -1, running: false, removed: false };
    task.done = () => this.#finished(task);
    this.#tasks.set(key, task);
    this.#heap.push(task);
    this.#arm();
  }

  /** Stops a task; a run in progress finishes but is not rescheduled. */
  remove(key: string): boolean {
    const task = this.#tasks.get(key);
    if (task === undefined) return false;
    task.removed = true;
    this.#tasks.delete(key);
    this.#heap.remove(task);
    this.#arm();
    return true;
  }

  close(): void {
    this.#closed = true;
    for (const key of [...this.#tasks.keys()]) this.remove(key);
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #arm(): void {
    const next = this.#heap.peek();
    const due = next === undefined ? Infinity : next.due;
    // An armed timer that fires early finds nothing due and arms again; cheaper than moving
    // it every time a run ends or the earliest task starts.
    if (due >= this.#armedFor && this.#timer !== null) return;
    if (due === this.#armedFor) return;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#armedFor = due;
    if (due === Infinity) return;
    this.#timer = setTimeout(this.#fire, Math.max(0, due - this.#clock()));
    // Probing alone must not keep a process alive; the server's listeners do that.
    this.#timer.unref();
  }

  readonly #fire = (): void => {
    this.#timer = null;
    this.#armedFor = Infinity;
    this.#budget = this.#maxStarts;
    this.#startDue(this.#clock());
    this.#arm();
  };

  #startDue(now: number): void {
    if (this.#starting) return;
    this.#starting = true;
    try {
      // Out of budget, the rest wait for the timer, armed for a time already past: it fires
      // in the next turn, after the poll has taken the answers of the runs just started.
      for (let task = this.#heap.peek(); task !== undefined && task.due <= now && this.#budget > 0; task = this.#heap.peek()) {
        this.#budget--;
        this.#heap.pop();
        this.#start(task, now);
      }
    } finally {
      this.#starting = false;
    }
  }

  #start(task: Task, now: number): void {
    task.running = true;
    this.#onStart?.(now - task.due);
    try {
      task.run(task.done);
    } catch {
      this.#finished(task);
    }
  }

  #finished(task: Task): void {
    // A run that reports twice (or a throw after done) must not schedule the task twice.
    if (!task.running) return;
    task.running = false;
    if (task.removed || this.#closed) return;
    const now = this.#clock();
    // At least 1 ms, so that a run that ends at once cannot be started again by the same #fire.
    task.due = now + Math.max(task.intervalMs, 1);
    this.#heap.push(task);
    // Runs end in the poll phase of the event loop, where thousands of sockets' events can
    // keep the loop for tens of ms before timers are looked at again (libuv runs timers once
    // per turn). A start already OVERDUE_MS late is made here rather than after the poll.
    const next = this.#heap.peek() as Task;
    if (next.due <= now - OVERDUE_MS) this.#startDue(now);
    this.#arm();
  }
}

const noop = (): void => {};

/**
 * How late a due run must be before the end of another run starts it. A timer that is on time
 * fires within a ms or so; runs started there, before the poll, have their connects answered
 * in the same turn, while a run started during the poll waits a turn for that. Starting every
 * due run at the end of another one (0 here) kept starts on time as well but made probes
 * longer (p50 24-66 ms against 16-17 ms at 10,000 probes a second), and since the next probe
 * is due an interval after one ends, fewer were done.
 */
const OVERDUE_MS = 10;

/**
 * A thread that gets less CPU than its probes need (a busy or shared host) falls behind, and
 * everything that fell due meanwhile used to start at once: the next turn of the event loop
 * then took longer, more fell due, and the answers of the probes already in flight were read
 * after their deadline. At 10,000 probes a second and a fifth of a core, every probe failed
 * its 2 s `.timeout`, which would make every backend sick. Starting at most this many per
 * turn makes the start rate follow the CPU the thread gets (this many per turn, whatever the
 * turn's length): probes start late, and those started are read in time. Varnish's poller
 * likewise starts a probe only when its thread pool has a thread for it (cache_backend_probe.c
 * vbp_thread, Pool_Task_Any). At 10,000 probes a second on time, a turn starts tens.
 */
const MAX_STARTS_PER_TURN = 256;
