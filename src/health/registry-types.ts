// What the POP's health registry (registry.ts) takes and answers: its targets, the entries of
// `GET /service/{sid}/health`, the events of `GET /health/events`, its options.

import type { Logger } from 'pino';
import type { BackendDefinition } from '../model/backend.ts';
import type { AdminState, BitLetter, ProbeResult } from './state.ts';
import type { LookupFn, ProbeOptions } from './probe.ts';
import type { SchedulerOptions } from './scheduler.ts';
import type { HealthMetrics } from './metrics.ts';

export interface HealthTarget {
  readonly serviceId: string;
  readonly backend: BackendDefinition;
}

/** One entry of `GET /service/{sid}/health`: one service's backend in one POP, its override applied. */
export interface HealthEntry {
  name: string;
  pop: string;
  identity: string;
  admin: AdminState;
  healthy: boolean;
  /**
   * DESIGN.md §4.6: true when the POP's last summary is older than max(3 × check_interval,
   * 10 s); a stale entry is never healthy. The POP this node serves is never stale to itself.
   */
  stale: boolean;
  good: number;
  threshold: number;
  window: number;
  bits: Record<BitLetter, string>;
  last_change: string;
  last_response: string;
  avg_rtt_ms: number;
}

export interface HealthSnapshot {
  service_id: string;
  backends: HealthEntry[];
}

/**
 * A change of the effective health of the backends it lists, all of which now have `healthy`:
 * `probe` — the shared probe's verdict flipped, for every backend that follows it (no
 * override); `admin` — an operator overrode one service's backend; `start` — a newly tracked
 * identity's backends that follow its probe.
 */
export interface HealthEvent {
  readonly type: 'health';
  readonly identity: string;
  readonly healthy: boolean;
  readonly cause: 'start' | 'probe' | 'admin';
  readonly pop: string;
  readonly at: string;
  readonly backends: ReadonlyArray<{ readonly service_id: string; readonly name: string }>;
}

export interface SyncResult {
  readonly started: string[];
  readonly kept: string[];
  readonly stopped: string[];
}

export type ProbeFn = (backend: BackendDefinition, opts: ProbeOptions) => Promise<ProbeResult>;

export interface HealthRegistryOptions {
  readonly pop: string;
  readonly logger?: Logger;
  readonly metrics?: HealthMetrics;
  /** Replaces the wire probe (tests, benches). */
  readonly probe?: ProbeFn;
  readonly lookup?: LookupFn;
  /** Wall clock in epoch ms. */
  readonly now?: () => number;
  readonly scheduler?: SchedulerOptions;
  /** Spread the first probes of new identities over their first interval (default true). */
  readonly spread?: boolean;
}

/** What `summarize` answers: the rows to write and the counts of this node's summary. */
export interface NodeSummary {
  /** Identities this node probes. */
  readonly probing: number;
  /** Of those, how many the probe finds sick. */
  readonly sick: number;
  readonly rows: import('./summary.ts').IdentitySummary[];
}
