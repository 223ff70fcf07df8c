// One SQLite transaction (src/store/store.ts StoreTx): each concern's rows (./services.ts,
// ./live.ts, ./tokens.ts, ./health.ts, ./fleet.ts, ./tls.ts) on the store's connection, and the
// events and purge acknowledgements the store delivers once it has committed (./store.ts).
import type { PurgeAck, StoreEvent } from '../events.ts';
import type { StoreTx } from '../store.ts';
import { fleetRows } from './fleet.ts';
import { healthRows } from './health.ts';
import { liveRows } from './live.ts';
import { serviceRows } from './services.ts';
import type { SqliteStatements } from './statements.ts';
import { tlsRows } from './tls.ts';
import { tokenRows } from './tokens.ts';

export function sqliteTx(db: SqliteStatements, pending: StoreEvent[], acks: PurgeAck[]): StoreTx {
  return {
    ...serviceRows(db), ...liveRows(db), ...tokenRows(db), ...healthRows(db), ...fleetRows(db, acks), ...tlsRows(db),
    publish(event: StoreEvent): void {
      pending.push(event);
    },
  };
}
