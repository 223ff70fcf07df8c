// The messages between the probe thread (thread-host.ts) and the thread that owns it
// (thread-client.ts). Plain structured-clone data, so they cross node:worker_threads as they are.

import type { BackendDefinition } from '../model/backend.ts';
import type { AdminState } from './state.ts';
import type { BackendKey } from './admin.ts';
import type { HealthMessage } from './ipc.ts';
import type { HealthEvent, HealthSnapshot, NodeSummary } from './registry-types.ts';
import type { IdentitySummary } from './summary.ts';

/** What the probe thread is started with (worker `workerData`). */
export interface ProbeThreadData {
  readonly pop: string;
  /** Spread first probes of new identities over their first interval. */
  readonly spread: boolean;
  /** How often the thread summarises the identities it probes (ms). */
  readonly summaryMs: number;
  /** A row unchanged for this long is written again (ms). */
  readonly refreshMs: number;
}

/** How the probe engine keeps up: starts counted since the thread began. */
export interface ProbeStats {
  readonly starts: number;
  /** Starts more than 50 ms after they were due. */
  readonly late: number;
  readonly probes: number;
  readonly happy: number;
  /** CPU time of the probe thread alone, µs (process.threadCpuUsage). */
  readonly cpuUs: number;
  /** How long the thread's event loop was busy and idle, ms (performance.eventLoopUtilization). */
  readonly loopActiveMs: number;
  readonly loopIdleMs: number;
}

export type Request =
  | { readonly type: 'snapshot'; readonly serviceId: string }
  | { readonly type: 'metrics' }
  | { readonly type: 'stats' }
  | { readonly type: 'close' };

export type ToProbeThread =
  | { readonly type: 'put'; readonly serviceId: string; readonly backends: readonly BackendDefinition[] }
  | { readonly type: 'remove'; readonly serviceId: string }
  | { readonly type: 'admin'; readonly serviceId: string; readonly name: string; readonly admin: AdminState; readonly at: number }
  | { readonly type: 'nodes'; readonly self: string; readonly live: readonly string[] }
  | { readonly type: 'summaries'; readonly rows: readonly IdentitySummary[] }
  | { readonly type: 'verdict'; readonly key: string; readonly healthy: boolean; readonly at: number }
  | { readonly type: 'events'; readonly on: boolean }
  | { readonly type: 'request'; readonly id: number; readonly request: Request };

export type FromProbeThread =
  /** What happened during one turn of the thread's event loop, in order. */
  | {
    readonly type: 'batch';
    readonly messages: readonly HealthMessage[];
    readonly events: readonly HealthEvent[];
    readonly flips: readonly IdentitySummary[];
    readonly dropped: readonly BackendKey[];
  }
  | { readonly type: 'summary'; readonly at: number; readonly summary: NodeSummary }
  | { readonly type: 'reply'; readonly id: number; readonly value: Reply };

export type Reply = HealthSnapshot | string | ProbeStats | null;
