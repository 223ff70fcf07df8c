// Messages between the POP's primary process and its edge workers (node:cluster IPC).
// Plain data only: compiled services hold closures and are built by each worker itself.

import type { PurgeCommand } from './cache/index.ts';
import type { PurgeResult } from './purge.ts';
import type { StatsSnapshot } from './stats.ts';
import type { ServiceSource } from '../vcl/index.ts';
import type { HealthMessage } from '../health/ipc.ts';
import type { FleetState } from './fleet/view.ts';

export type ToWorker =
  /** Replace every service (sent once when a worker starts). */
  | { readonly type: 'services'; readonly sources: readonly ServiceSource[] }
  /** Install or replace one service after an activation. */
  | { readonly type: 'service'; readonly source: ServiceSource }
  | { readonly type: 'service-removed'; readonly serviceId: string }
  /** A probe identity's verdict, or one service's override of one backend (src/health/ipc.ts). */
  | HealthMessage
  /** Apply a purge to this worker's cache, then answer `purged` with its id. */
  | { readonly type: 'purge'; readonly command: PurgeCommand }
  /** The primary's answer to a worker's `purge-request`. */
  | { readonly type: 'purge-result'; readonly requestId: number; readonly result: PurgeResult }
  /** Answer `stats` with this worker's counts for the service (GET /service/{sid}/stats). */
  | { readonly type: 'stats-request'; readonly requestId: number; readonly serviceId: string }
  | { readonly type: 'drain' }
  /** What the fleet looks like now (clustering, shielding): sent at start and on every change. */
  | { readonly type: 'fleet'; readonly state: FleetState };

export type FromWorker =
  | { readonly type: 'ready' }
  /** The port of this worker's own cluster listener (sent before the shared listener listens). */
  | { readonly type: 'cluster-listening'; readonly port: number }
  | { readonly type: 'compile-failed'; readonly serviceId: string; readonly version: number; readonly message: string }
  | { readonly type: 'purged'; readonly id: string }
  /** This worker's answer to a `stats-request`. */
  | { readonly type: 'stats'; readonly requestId: number; readonly stats: StatsSnapshot }
  /** `PURGE <url>` arrived at this worker: authenticate the token and purge in every worker. */
  | { readonly type: 'purge-request'; readonly requestId: number; readonly serviceId: string; readonly token: string | null; readonly command: PurgeCommand };

// Every ToWorker type, checked by the compiler: adding a message without listing it here fails tsc.
const TO_WORKER_TYPES: Readonly<Record<ToWorker['type'], true>> = {
  services: true, service: true, 'service-removed': true, health: true, purge: true, 'purge-result': true,
  'stats-request': true, drain: true, fleet: true,
};

/** True for lacquer's own messages (a worker also receives prom-client's metric requests). */
export function isToWorker(m: unknown): m is ToWorker {
  if (typeof m !== 'object' || m === null) return false;
  const type = (m as { type?: unknown }).type;
  return typeof type === 'string' && Object.hasOwn(TO_WORKER_TYPES, type);
}
