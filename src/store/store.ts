// The Store is the control plane's only door to persistence. It is deliberately dumb: it
// keeps rows (services, versions, version-scoped objects, tokens) and runs a caller's
// function in one transaction; every rule (locking, uniqueness messages, activation) lives
// in src/control. That keeps the SQLite and the coming PostgreSQL implementations small and
// lets both run the one conformance suite in test/store/conformance.ts.
//
// Invariants every implementation keeps:
// - `transaction(fn)` commits every write made through `tx` when fn resolves, and none of
//   them when it rejects. Calls are serialised per Store; fn must not call transaction again.
// - Events passed to `tx.publish` reach `events` listeners only after the commit.
// - Timestamps are given by the caller (ISO 8601 strings), so stores never read the clock.
// - Lists come back ordered: services by id creation order (created_at, id), versions by
//   number, objects by name (byte order).
// - Every object carries `seq`, the order in which objects were added to its service: an
//   insert takes the service's highest seq + 1, copyObjects copies it, replaceObject keeps it.
// - A version's stored VCL (`insertVersionVcl`) is written once and never changes.
import type { EventEmitter } from 'node:events';

/** The kinds of object that live inside a service version. */
export const OBJECT_KINDS = ['backend', 'healthcheck', 'director', 'domain', 'vcl', 'settings'] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

export interface ServiceRow {
  readonly id: string;
  readonly name: string;
  readonly comment: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface VersionRow {
  readonly serviceId: string;
  readonly number: number;
  readonly active: boolean;
  readonly locked: boolean;
  readonly comment: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A version-scoped object; `data` is the normalised API record (JSON-serialisable). */
export interface ObjectRow {
  readonly serviceId: string;
  readonly version: number;
  readonly kind: ObjectKind;
  readonly name: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** When it was added among its service's objects (larger: later); given by the store. */
  readonly seq: number;
}

/** An object as a caller writes it: the store gives `seq`. */
export type NewObjectRow = Omit<ObjectRow, 'seq'> & { readonly seq?: number };

/** One file of a version's VCL as activation compiled it. */
export interface VclFileRow {
  readonly name: string;
  readonly content: string;
  readonly main: boolean;
}

/** The VCL a version was activated with (DESIGN.md §1), stored once. */
export interface StoredVcl {
  /** The main file first. */
  readonly files: readonly VclFileRow[];
  readonly storedAt: string;
}

export interface TokenRow {
  readonly id: string;
  /** Hex SHA-256 of the secret; the secret itself is never stored. */
  readonly hash: string;
  readonly name: string | null;
  /** null: every service. */
  readonly serviceId: string | null;
  readonly readOnly: boolean;
  readonly createdAt: string;
}

/**
 * One POP's health of one probe identity, written by the node of that POP that probes it
 * (DESIGN.md §4.6: each POP "writes flips and a summary"). `key` names the identity
 * (src/health/summary.ts identityKey); `healthy` is the probe's verdict, before any override.
 */
export interface HealthStateRow {
  readonly pop: string;
  readonly key: string;
  readonly nodeId: string;
  readonly healthy: boolean;
  readonly good: number;
  readonly window: number;
  readonly threshold: number;
  readonly intervalMs: number;
  /** The eight history registers, 16 hex digits each. */
  readonly registers: string;
  readonly avgRttMs: number;
  readonly rate: number;
  readonly lastResponse: string;
  readonly lastChange: string;
  readonly updatedAt: string;
}

/** A node's periodic summary: it probes for its POP. Its age is the POP's staleness (DESIGN.md §4.6). */
export interface HealthSummaryRow {
  readonly pop: string;
  readonly nodeId: string;
  /** Identities the node probes, and how many of them are sick. */
  readonly probing: number;
  readonly sick: number;
  /** The node stopped: no longer one of the POP's live nodes, though its POP's summary time stands. */
  readonly stopped: boolean;
  readonly at: string;
}

/** A flip of one identity's verdict in one POP. */
export interface HealthFlipRow {
  readonly pop: string;
  readonly key: string;
  readonly nodeId: string;
  readonly healthy: boolean;
  readonly at: string;
}

/** An operator's override of one service's backend, fleet-wide; `auto` rows say it was cleared. */
export interface HealthOverrideRow {
  readonly serviceId: string;
  /** The backend's VCL name. */
  readonly backend: string;
  readonly admin: 'auto' | 'healthy' | 'sick';
  readonly at: string;
}

/** What the control plane announces to the edge (DESIGN.md §1: published through the Store). */
export type StoreEvent =
  | { readonly type: 'activated'; readonly serviceId: string; readonly version: number }
  | { readonly type: 'deactivated'; readonly serviceId: string; readonly version: number }
  /** A POP's verdict on an identity flipped (its other nodes route by it). */
  | { readonly type: 'health'; readonly pop: string; readonly nodeId: string; readonly key: string; readonly healthy: boolean; readonly at: string }
  /** An operator overrode (or cleared the override of) one service's backend. */
  | { readonly type: 'health-admin'; readonly serviceId: string; readonly backend: string; readonly admin: HealthOverrideRow['admin']; readonly at: string };

export interface StoreEvents {
  event: [StoreEvent];
}

export type ServicePatch = Partial<Pick<ServiceRow, 'name' | 'comment' | 'updatedAt'>>;
export type VersionPatch = Partial<Pick<VersionRow, 'active' | 'locked' | 'comment' | 'updatedAt'>>;

export interface StoreTx {
  insertService(row: ServiceRow): Promise<void>;
  getService(id: string): Promise<ServiceRow | null>;
  listServices(): Promise<ServiceRow[]>;
  updateService(id: string, patch: ServicePatch): Promise<void>;
  /** Removes the service with its versions, objects and health overrides. */
  deleteService(id: string): Promise<void>;

  insertVersion(row: VersionRow): Promise<void>;
  getVersion(serviceId: string, number: number): Promise<VersionRow | null>;
  listVersions(serviceId: string): Promise<VersionRow[]>;
  updateVersion(serviceId: string, number: number, patch: VersionPatch): Promise<void>;

  listObjects(serviceId: string, version: number, kind: ObjectKind): Promise<ObjectRow[]>;
  getObject(serviceId: string, version: number, kind: ObjectKind, name: string): Promise<ObjectRow | null>;
  /** Throws StoreConflictError when (service, version, kind, name) exists. Any `seq` given is ignored. */
  insertObject(row: NewObjectRow): Promise<void>;
  /** Replaces the object named `name` by `row` (whose name may differ: a rename), keeping its seq. */
  replaceObject(name: string, row: NewObjectRow): Promise<void>;
  deleteObject(serviceId: string, version: number, kind: ObjectKind, name: string): Promise<void>;
  /** Copies every object of version `from` into version `to` with its seq, stamping `at` as their times. */
  copyObjects(serviceId: string, from: number, to: number, at: string): Promise<void>;
  /** The VCL stored with a version, or null when none is. */
  getVersionVcl(serviceId: string, version: number): Promise<StoredVcl | null>;
  /** Stores a version's VCL; a version that already has one keeps it (the first stored wins). */
  insertVersionVcl(serviceId: string, version: number, vcl: StoredVcl): Promise<void>;
  /** Services (other than none) whose active version has a domain object named `domain`. */
  servicesWithActiveDomain(domain: string): Promise<string[]>;

  insertToken(row: TokenRow): Promise<void>;
  getTokenByHash(hash: string): Promise<TokenRow | null>;
  listTokens(): Promise<TokenRow[]>;

  /** Inserts or replaces each row by (pop, key). */
  upsertHealthStates(rows: readonly HealthStateRow[]): Promise<void>;
  /**
   * Rows by pop and key; only the given POP, keys, rows updated at or after `updatedSince`, or
   * rows not written by node `notBy`.
   */
  listHealthStates(filter: {
    readonly pop?: string; readonly keys?: readonly string[]; readonly updatedSince?: string; readonly notBy?: string;
  }): Promise<HealthStateRow[]>;
  /** Inserts or replaces the node's summary by (pop, nodeId). */
  upsertHealthSummary(row: HealthSummaryRow): Promise<void>;
  /** Every summary, by pop and node. */
  listHealthSummaries(): Promise<HealthSummaryRow[]>;
  insertHealthFlip(row: HealthFlipRow): Promise<void>;
  /** Flips by time, oldest first; only the given POP, or at or after `since`. */
  listHealthFlips(filter: { readonly pop?: string; readonly since?: string }): Promise<HealthFlipRow[]>;
  /** Removes summaries and flips from before `before`, and states not updated since. */
  pruneHealth(before: string): Promise<void>;
  /** Inserts or replaces the override by (serviceId, backend). */
  setHealthOverride(row: HealthOverrideRow): Promise<void>;
  /** Overrides by service and backend; only one service's, or those set at or after `since`. */
  listHealthOverrides(filter: { readonly serviceId?: string; readonly since?: string }): Promise<HealthOverrideRow[]>;

  /** Queue an event for `events` listeners once this transaction commits. */
  publish(event: StoreEvent): void;
}

export interface Store {
  readonly events: EventEmitter<StoreEvents>;
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A uniqueness constraint was violated; carries what collided so callers can say so. */
export class StoreConflictError extends Error {
  readonly what: string;
  constructor(what: string, options?: { cause?: unknown }) {
    super(`duplicate ${what}`, options);
    this.name = 'StoreConflictError';
    this.what = what;
  }
}
