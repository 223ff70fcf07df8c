// The Store is the only door to persistence, for the control plane and for the fleet's
// nodes. It is deliberately dumb: it keeps rows (services, versions, version-scoped objects,
// tokens, the fleet's nodes and purge acknowledgements) and runs a caller's function in one
// transaction; every rule (uniqueness messages, activation, who must confirm a purge) lives
// in src/control and src/process. That keeps the SQLite (one node) and the PostgreSQL (a
// fleet, DESIGN.md §4.6) implementations small and lets both run the one conformance suite
// in test/store/conformance.ts. src/store/README.md says how the two are laid out.
//
// Invariants every implementation keeps:
// - `transaction(fn)` commits every write made through `tx` when fn resolves, and none of
//   them when it rejects. Transactions are serializable: the outcome is that of running them
//   one after another (SQLite runs them so; PostgreSQL runs them at SERIALIZABLE and runs fn
//   again when it lost a conflict), so fn must have no effect outside `tx` — it may run more
//   than once — and must not call transaction again.
// - Events passed to `tx.publish` reach `events` listeners only after the commit, once on
//   every node of the fleet (on the node that committed them, before transaction resolves).
// - Timestamps are given by the caller (ISO 8601 strings), so stores never read the clock,
//   except a node's heartbeat and the fleet's ages (`heartbeatNode`, `listLiveNodes`,
//   `pruneFleet`, and when health rows were written: `ageMs`, `withinMs`, `pruneHealth`):
//   those use the store's own clock — PostgreSQL's — so that nodes on several hosts are all
//   measured by one clock.
// - Lists come back ordered: services by id creation order (created_at, id), versions by
//   number, objects by name (byte order).
// - Every object carries `seq`, the order in which objects were added to its service: an
//   insert takes the service's highest seq + 1, copyObjects copies it, replaceObject keeps it.
// - A version's stored VCL (`insertVersionVcl`) is written once and never changes.
//
// The interface is split by concern: each file states its rows and the part of StoreTx that
// reads and writes them; StoreTx is all of them in one transaction.
import type { EventEmitter } from 'node:events';
import type { StoreEvent, StoreEvents } from './events.ts';
import type { FleetRows } from './fleet.ts';
import type { HealthRows } from './health.ts';
import type { LiveRows } from './live.ts';
import type { ServiceRows } from './services.ts';
import type { TlsRows } from './tls.ts';
import type { TokenRows } from './tokens.ts';

export * from './errors.ts';
export * from './events.ts';
export * from './fleet.ts';
export * from './health.ts';
export * from './live.ts';
export * from './services.ts';
export * from './tls.ts';
export * from './tokens.ts';

export interface StoreTx extends ServiceRows, LiveRows, TokenRows, HealthRows, FleetRows, TlsRows {
  /** Queue an event for `events` listeners of every node once this transaction commits. */
  publish(event: StoreEvent): void;
}

export interface Store {
  readonly events: EventEmitter<StoreEvents>;
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
