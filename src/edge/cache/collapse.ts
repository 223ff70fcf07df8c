// Request collapsing (Varnish's "waiting list", cache_hash.c; Fastly "Request collapsing"):
// concurrent misses for one key make one origin fetch. The first miss becomes the leader and
// fetches; later ones wait for its verdict:
//   stored       → look the key up again (it now hits)
//   uncacheable  → fetch on their own (and, via hit-for-pass, so do later requests)
//   failed       → look up again, so that one of them becomes the next leader
//   timeout      → the wait is bounded; after maxWaitMs a waiter fetches on its own
// Only GET and HEAD collapse: a non-idempotent request (POST, PUT, DELETE, PATCH…) is never
// made to wait for, or answered by, another client's fetch.
//
// Ownership: one Collapser per worker, used only from its event loop. Timers are unref'd and
// cleared on release, so an idle worker never waits on them.

export type LeaderResult = 'stored' | 'uncacheable' | 'failed';

export interface CollapseOutcome {
  readonly next: 'lookup' | 'fetch';
  readonly reason: LeaderResult | 'timeout';
}

export interface Leader {
  readonly role: 'leader';
  /** Wakes every waiter with the fetch's verdict. Idempotent: only the first call counts. */
  release(result: LeaderResult): void;
}

export interface Waiter {
  readonly role: 'waiter';
  readonly outcome: Promise<CollapseOutcome>;
}

/** A request that does not collapse: it fetches, and nobody waits for it. */
export interface Alone {
  readonly role: 'alone';
}

export type Ticket = Leader | Waiter | Alone;

export interface CollapserOptions {
  /** How long a waiter waits for the leader before fetching on its own. */
  readonly maxWaitMs: number;
}

export interface CollapseStats {
  /** Keys being fetched by a leader now. */
  readonly inFlight: number;
  /** Requests waiting now. */
  readonly waiting: number;
  /** Requests that were answered by another request's fetch, since start. */
  readonly collapsed: number;
}

export class CollapseOptionError extends Error {
  readonly code = 'CACHE_INVALID_OPTION';
}

const COLLAPSING_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

interface Pending {
  readonly resolve: (o: CollapseOutcome) => void;
  readonly timer: NodeJS.Timeout;
}

export class Collapser {
  readonly #maxWaitMs: number;
  readonly #busy = new Map<string, Set<Pending>>();
  #waiting = 0;
  #collapsed = 0;

  constructor(options: CollapserOptions) {
    if (!Number.isFinite(options.maxWaitMs) || options.maxWaitMs <= 0) throw new CollapseOptionError('invalid maxWaitMs: a positive number of milliseconds');
    this.#maxWaitMs = options.maxWaitMs;
  }

  /** Called on a miss: become the key's leader, wait for the leader, or go alone. */
  acquire(key: string, method: string): Ticket {
    if (!COLLAPSING_METHODS.has(method.toUpperCase())) return { role: 'alone' };
    const waiters = this.#busy.get(key);
    if (waiters === undefined) {
      const mine = new Set<Pending>();
      this.#busy.set(key, mine);
      let released = false;
      return {
        role: 'leader',
        release: (result) => {
          if (released) return;
          released = true;
          if (this.#busy.get(key) === mine) this.#busy.delete(key);
          if (result === 'stored') this.#collapsed += mine.size;
          const outcome: CollapseOutcome = { next: result === 'uncacheable' ? 'fetch' : 'lookup', reason: result };
          for (const p of mine) this.#settle(mine, p, outcome);
        },
      };
    }
    return { role: 'waiter', outcome: this.#wait(waiters) };
  }

  stats(): CollapseStats {
    return { inFlight: this.#busy.size, waiting: this.#waiting, collapsed: this.#collapsed };
  }

  #wait(waiters: Set<Pending>): Promise<CollapseOutcome> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#settle(waiters, pending, { next: 'fetch', reason: 'timeout' }), this.#maxWaitMs);
      timer.unref();
      const pending: Pending = { resolve, timer };
      waiters.add(pending);
      this.#waiting++;
    });
  }

  #settle(waiters: Set<Pending>, p: Pending, outcome: CollapseOutcome): void {
    if (!waiters.delete(p)) return;
    clearTimeout(p.timer);
    this.#waiting--;
    p.resolve(outcome);
  }
}
