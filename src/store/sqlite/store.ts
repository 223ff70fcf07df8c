// Store on node:sqlite (https://nodejs.org/api/sqlite.html). One connection, WAL journal,
// prepared statements cached by SQL text (./statements.ts). node:sqlite is synchronous, so "async" here only
// means the interface allows it; transactions are serialised through a promise chain so an
// awaiting transaction function never interleaves with another one on the same connection.
// A SQLite store is one node: its events and purge acknowledgements are delivered in process.
import { EventEmitter } from 'node:events';
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { PurgeAck, StoreEvent, StoreEvents } from '../events.ts';
import type { Store, StoreTx } from '../store.ts';
import { migrate } from './migrate.ts';
import { SqliteStatements } from './statements.ts';
import { sqliteTx } from './tx.ts';

export function openSqliteStore(path: string): Store {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true });
    // The file holds TLS private keys and token hashes: readable by the server's user alone
    // (docs/api.md, TLS). SQLite gives its -wal and -shm files the database file's mode.
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
  }
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;');
  migrate(db);
  return new SqliteStore(db);
}

class SqliteStore implements Store {
  readonly events = new EventEmitter<StoreEvents>();
  readonly #db: DatabaseSync;
  readonly #statements: SqliteStatements;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#statements = new SqliteStatements(db);
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.#closed) throw new Error('store is closed');
      const pending: StoreEvent[] = [];
      const acks: PurgeAck[] = [];
      this.#db.exec('BEGIN IMMEDIATE');
      let result: T;
      try {
        result = await fn(sqliteTx(this.#statements, pending, acks));
        this.#db.exec('COMMIT');
      } catch (err) {
        this.#db.exec('ROLLBACK');
        throw err;
      }
      for (const event of pending) this.events.emit('event', event);
      for (const ack of acks) this.events.emit('ack', ack);
      return result;
    };
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.#queue;
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }
}
