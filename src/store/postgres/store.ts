// The Store on PostgreSQL (node-postgres), for a fleet of nodes on one database (DESIGN.md §4.6).
//
// Transactions run at SERIALIZABLE, and one that loses a conflict (serialization failure,
// deadlock) is run again from the start, up to MAX_ATTEMPTS times. Chosen over row locks on the
// service because the rules that must hold across nodes are not all about one service's rows:
// "one active version per service" is, but "a domain is active in one service only" spans two
// services, and "seq grows per service" is a read of the highest seq. SERIALIZABLE makes every
// rule the control plane checks inside a transaction hold across nodes as it does in one
// process, with no lock list to keep in step with src/control. Two activations of one service at
// once: one commits, the other reruns and commits after it (the later commit is active), or
// gives up with StoreContentionError (the API's 409). Never two active versions.
//
// Events: tx.publish collects them; at commit they are written to the event log under an
// advisory lock held until the commit, so event ids follow commit order (a reader that has seen
// id n has seen every committed id below it), and announced with NOTIFY, which PostgreSQL
// delivers only on commit. The committing node emits them at once; its feed (./feed.ts) skips
// them when it reads them back. Every other node gets them through its feed.
//
// Ownership: the store owns the pool and the feed; a transaction owns its pooled connection
// from BEGIN to COMMIT/ROLLBACK.
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import pg, { type Pool, type PoolClient } from 'pg';
import type { Logger } from 'pino';
import { StoreContentionError, StoreUnavailableError, type Store, type StoreEvents, type StoreTx } from '../store.ts';
import { EVENTS_CHANNEL } from './channels.ts';
import { poolConfig, type PostgresTarget } from './connection.ts';
import { describe, isRetryable, isUnavailable, storeError } from './errors.ts';
import { EventFeed } from './feed.ts';
import { migrate } from './migrate.ts';
import { NOW_MS, run } from './sql.ts';
import { postgresTx, type PostgresTx } from './tx.ts';

/** Attempts of a transaction that keeps losing serialization conflicts. */
const MAX_ATTEMPTS = 8;
/** The advisory lock held from writing events to COMMIT: "lacquer" + 1. */
const EVENT_LOG_LOCK = 0x6c61637175657201n;

export interface PostgresStoreOptions {
  readonly logger: Logger;
  /** Connections in the pool (default 10). */
  readonly poolSize?: number;
  /** How often the event log is read without a notification (default 1000 ms). */
  readonly pollMs?: number;
}

export async function openPostgresStore(target: PostgresTarget, options: PostgresStoreOptions): Promise<Store> {
  const pool = new pg.Pool(poolConfig(target, options.poolSize ?? 10));
  // An idle pooled connection that the server ends (a restart) reports here; the pool drops it,
  // and the next transaction gets a fresh one. Unwatched, the error would end the process.
  pool.on('error', (err) => options.logger.debug({ err: describe(err) }, 'an idle database connection closed'));
  try {
    await migrate(pool);
    const store = new PostgresStore(pool, target, options);
    await store.start();
    return store;
  } catch (err) {
    await pool.end().catch(() => undefined);
    // One line an operator can act on (`lacquer serve` prints it): refused, wrong password, no such database.
    const what = isUnavailable(err) ? 'cannot reach' : 'cannot open';
    throw new StoreUnavailableError(`${what} PostgreSQL at ${target.label}: ${describe(err)}`, { cause: err });
  }
}

class PostgresStore implements Store {
  readonly events = new EventEmitter<StoreEvents>();
  readonly #pool: Pool;
  readonly #target: PostgresTarget;
  readonly #feed: EventFeed;
  /** Ids of events this node emitted at commit, which its feed must not deliver again. */
  readonly #emitted = new Set<number>();
  #closed = false;

  constructor(pool: Pool, target: PostgresTarget, options: PostgresStoreOptions) {
    this.#pool = pool;
    this.#target = target;
    this.#feed = new EventFeed({
      pool, target, logger: options.logger, pollMs: options.pollMs ?? 1_000,
      deliver: (id, event) => {
        if (!this.#emitted.delete(id)) this.events.emit('event', event);
      },
      ack: (ack) => this.events.emit('ack', ack),
      resync: () => {
        this.#emitted.clear();
        this.events.emit('resync');
      },
    });
  }

  start(): Promise<void> {
    return this.#feed.start();
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (this.#closed) throw new Error('store is closed');
      try {
        return await this.#attempt(fn);
      } catch (err) {
        if (!isRetryable(err)) throw err;
        if (attempt === MAX_ATTEMPTS) {
          throw new StoreContentionError(`gave up after ${MAX_ATTEMPTS} attempts: other transactions kept changing the same rows`, { cause: err });
        }
        // Jittered, growing: two nodes that collided should not collide again on the next try.
        await sleep(Math.random() * 5 * 2 ** attempt);
      }
    }
  }

  async #attempt<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    const client = await this.#connect();
    let broken: Error | undefined;
    try {
      const tx = postgresTx(client);
      let result: T;
      let ids: number[] = [];
      try {
        result = await fn(tx);
        ids = await this.#writeEvents(client, tx);
        // Marked before COMMIT: the feed may read them back before COMMIT's answer comes here.
        for (const id of ids) this.#emitted.add(id);
        await client.query('COMMIT');
      } catch (err) {
        // Rolled back (or unknown): ids that never commit are never read, so nothing waits for them.
        for (const id of ids) this.#emitted.delete(id);
        await client.query('ROLLBACK').catch((rollbackErr: unknown) => { broken = rollbackErr as Error; });
        if (isUnavailable(err)) broken = err as Error;
        throw storeError(err, 'transaction');
      }
      for (const event of tx.pending) this.events.emit('event', event);
      return result;
    } finally {
      client.release(broken);
    }
  }

  /**
   * A pooled connection with a SERIALIZABLE transaction begun on it. A connection that the
   * server closed while it sat in the pool fails at BEGIN, before anything was done: that one is
   * dropped and another tried, so the first request after a database restart does not fail.
   */
  async #connect(): Promise<PoolClient> {
    for (let tries = 0; ; tries++) {
      let client: PoolClient;
      try {
        client = await this.#pool.connect();
        // node-postgres emits 'error' on a checked-out client whose connection dies between its
        // queries (the server shut down, DESIGN §4.6); pg-pool listens only while it is idle, so
        // without this the process would die of an unhandled 'error' event. The next query fails
        // as unavailable and the client is released with that error.
        if (client.listenerCount('error') === 0) client.on('error', () => undefined);
      } catch (err) {
        throw new StoreUnavailableError(`cannot reach PostgreSQL at ${this.#target.label}: ${describe(err)}`, { cause: err });
      }
      try {
        await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
        return client;
      } catch (err) {
        client.release(err as Error);
        if (!isUnavailable(err) || tries >= 2) throw storeError(err, 'begin');
      }
    }
  }

  /** Writes the transaction's events to the log in commit order and announces them (see the top). */
  async #writeEvents(client: PoolClient, tx: PostgresTx): Promise<number[]> {
    if (tx.pending.length === 0) return [];
    await run(client, 'event log', 'SELECT pg_advisory_xact_lock($1)', [EVENT_LOG_LOCK.toString()]);
    const { rows } = await run<{ id: string }>(client, 'event log',
      `INSERT INTO events (payload, created_at) SELECT p, ${NOW_MS} FROM unnest($1::text[]) WITH ORDINALITY AS t(p, n) ORDER BY n RETURNING id`,
      [tx.pending.map((e) => JSON.stringify(e))]);
    await run(client, 'event log', 'SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, '']);
    return rows.map((r) => Number(r.id));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#feed.close();
    await this.#pool.end();
  }
}
