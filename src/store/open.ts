// Opens the store `--db` names (DESIGN.md §4.1): `sqlite:<file>` (one node) or
// `postgres://user:password@host:port/database` (a fleet, DESIGN.md §4.6).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { openPostgresStore, parsePostgresUrl } from './postgres/index.ts';
import { openSqliteStore } from './sqlite/index.ts';
import type { Store } from './store.ts';

export interface OpenStoreOptions {
  readonly logger: Logger;
  /** PostgreSQL: connections in the pool (an edge node needs few: reads after events, purge confirmations, heartbeats). */
  readonly poolSize?: number;
  /** PostgreSQL: how often the event log is read without a notification. */
  readonly pollMs?: number;
}

/** Throws StoreUnavailableError when PostgreSQL cannot be reached. */
export async function openStore(db: string, options: OpenStoreOptions): Promise<Store> {
  if (db.startsWith('sqlite:')) {
    const file = db.slice('sqlite:'.length);
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    return openSqliteStore(file);
  }
  return openPostgresStore(parsePostgresUrl(db), {
    logger: options.logger.child({ component: 'store' }), pollMs: options.pollMs, poolSize: options.poolSize,
  });
}
