// The rows of one PostgreSQL transaction (src/store/store.ts StoreTx), one module per concern:
// ./services.ts, ./live.ts, ./tokens.ts, ./health.ts, ./fleet.ts, ./tls.ts. Same schema and
// meaning as the SQLite store's; the differences are PostgreSQL's: $n placeholders, `COLLATE "C"`
// wherever text is ordered (byte order, as SQLite's BINARY collation, whatever the database's
// locale), inserts that report a taken key by inserting nothing (`ON CONFLICT DO NOTHING`) so the
// transaction stays usable, and the database's clock for the fleet's times.
import type { PoolClient } from 'pg';
import type { StoreEvent } from '../events.ts';
import type { StoreTx } from '../store.ts';
import { fleetRows } from './fleet.ts';
import { healthRows } from './health.ts';
import { liveRows } from './live.ts';
import { serviceRows } from './services.ts';
import { PostgresStatements } from './sql.ts';
import { tlsRows } from './tls.ts';
import { tokenRows } from './tokens.ts';

export interface PostgresTx extends StoreTx {
  /** Events to write to the event log when the transaction commits (./store.ts). */
  readonly pending: StoreEvent[];
}

export function postgresTx(client: PoolClient): PostgresTx {
  const db = new PostgresStatements(client);
  const pending: StoreEvent[] = [];
  return {
    ...serviceRows(db), ...liveRows(db), ...tokenRows(db), ...healthRows(db), ...fleetRows(db), ...tlsRows(db),
    pending,
    publish(event: StoreEvent): void {
      pending.push(event);
    },
  };
}
