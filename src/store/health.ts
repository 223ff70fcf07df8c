// The fleet's health rows (DESIGN.md §4.6): each POP's verdicts, summaries and flips, and the
// operators' overrides. When a row was written is the store's clock (src/store/store.ts).

/**
 * One POP's health of one probe identity, written by the node of that POP that probes it
 * (DESIGN.md §4.6: each POP "writes flips and a summary"). `key` names the identity
 * (src/health/summary.ts identityKey); `healthy` is the probe's verdict, before any override.
 * `lastChange` is the prober's own clock (shown as is); when a row was written is the store's.
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
}

/** A row with how long ago, by the store's clock, it was written. */
export interface StoredHealthState extends HealthStateRow {
  readonly ageMs: number;
}

/**
 * A node's periodic summary of what it probes for its POP. Its age, by the store's clock, is
 * what makes the POP's entries stale (DESIGN.md §4.6).
 */
export interface HealthSummaryRow {
  readonly pop: string;
  readonly nodeId: string;
  /** Identities the node probes, and how many of them are sick. */
  readonly probing: number;
  readonly sick: number;
}

export interface StoredHealthSummary extends HealthSummaryRow {
  readonly ageMs: number;
}

/** A flip of one identity's verdict in one POP, at the prober's time. */
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
  /** When the operator set it (the API node's clock): of two, the later wins. */
  readonly at: string;
}

/** The health rows a transaction reads and writes. */
export interface HealthRows {
  /** Inserts or replaces each row by (pop, key), written now by the store's clock. */
  upsertHealthStates(rows: readonly HealthStateRow[]): Promise<void>;
  /**
   * Rows by pop and key (byte order); only the given POP, keys, rows written within the last
   * `withinMs` (store's clock), or rows not written by node `notBy`.
   */
  listHealthStates(filter: {
    readonly pop?: string; readonly keys?: readonly string[]; readonly withinMs?: number; readonly notBy?: string;
  }): Promise<StoredHealthState[]>;
  /** Inserts or replaces the node's summary by (pop, nodeId), written now by the store's clock. */
  upsertHealthSummary(row: HealthSummaryRow): Promise<void>;
  /** Every summary, by pop and node. */
  listHealthSummaries(): Promise<StoredHealthSummary[]>;
  insertHealthFlip(row: HealthFlipRow): Promise<void>;
  /** Flips in the order they were written; only the given POP, or written within the last `withinMs`. */
  listHealthFlips(filter: { readonly pop?: string; readonly withinMs?: number }): Promise<HealthFlipRow[]>;
  /** Removes the summaries, flips and states written more than `olderThanMs` ago (store's clock), and overrides cleared (`auto`) that long ago. */
  pruneHealth(olderThanMs: number): Promise<void>;
  /** Inserts or replaces the override by (serviceId, backend). */
  setHealthOverride(row: HealthOverrideRow): Promise<void>;
  /** Overrides by service and backend; only one service's, or those written within the last `withinMs`. */
  listHealthOverrides(filter: { readonly serviceId?: string; readonly withinMs?: number }): Promise<HealthOverrideRow[]>;
}
