// Messages between the POP's primary process and its edge workers (node:cluster IPC).
// Plain data only: compiled services hold closures and are built by each worker itself.

import type { PurgeCommand } from './cache/index.ts';
import type { PurgeResult } from './purge.ts';
import type { StatsSnapshot } from './stats.ts';
import type { LiveAclSource, LiveTableSource, ServiceSource } from '../vcl/index.ts';

/** A dictionary's items or an ACL's entries for one service, replaced in place (src/vcl/runtime/live.ts). */
export type LiveUpdate =
  | { readonly type: 'table'; readonly serviceId: string; readonly name: string; readonly items: LiveTableSource['items'] }
  | { readonly type: 'acl'; readonly serviceId: string; readonly name: string; readonly entries: LiveAclSource['entries'] };
import type { HealthMessage } from '../health/ipc.ts';
import type { FleetState } from './fleet/view.ts';
import type { RateLimitSync } from './ratelimit/pop-rate-limits.ts';
import type { TlsMaterial } from '../model/tls.ts';

export type ToWorker =
  /** Replace every service (sent once when a worker starts). */
  | { readonly type: 'services'; readonly sources: readonly ServiceSource[] }
  /** Install or replace one service after an activation. */
  | { readonly type: 'service'; readonly source: ServiceSource }
  | { readonly type: 'service-removed'; readonly serviceId: string }
  /** A dictionary's items or an ACL's entries changed: replace them in the running service. */
  | { readonly type: 'live'; readonly change: LiveUpdate }
  /** A probe identity's verdict, or one service's override of one backend (src/health/ipc.ts). */
  | HealthMessage
  /** Apply a purge to this worker's cache, then answer `purged` with its id. */
  | { readonly type: 'purge'; readonly command: PurgeCommand }
  /** The primary's answer to a worker's `purge-request`. */
  | { readonly type: 'purge-result'; readonly requestId: number; readonly result: PurgeResult }
  /** Answer `stats` with this worker's counts for the service (GET /service/{sid}/stats). */
  | { readonly type: 'stats-request'; readonly requestId: number; readonly serviceId: string }
  /** Every certificate the HTTPS listener serves, replacing the last generation (src/model/tls.ts). */
  | { readonly type: 'tls'; readonly material: TlsMaterial }
  /** The session ticket keys every worker shares, base64 of 48 bytes (src/edge/tls/policy.ts). */
  | { readonly type: 'tls-ticket-keys'; readonly keys: string }
  | { readonly type: 'drain' }
  /** What the fleet looks like now (clustering, shielding): sent at start and on every change. */
  | { readonly type: 'fleet'; readonly state: FleetState }
  /** Another worker's rate counter increments and penalty box additions (./ratelimit/). */
  | RateLimitSync;

export type FromWorker =
  | { readonly type: 'ready' }
  /**
   * The worker listens: its plain port, its HTTPS port (null: `--tls off`) and the port of its own
   * cluster listener (null off a fleet).
   */
  | { readonly type: 'listening'; readonly port: number; readonly tlsPort: number | null; readonly clusterPort: number | null }
  | { readonly type: 'compile-failed'; readonly serviceId: string; readonly version: number; readonly message: string }
  | { readonly type: 'purged'; readonly id: string }
  /** This worker's answer to a `stats-request`. */
  | { readonly type: 'stats'; readonly requestId: number; readonly stats: StatsSnapshot }
  /** `PURGE <url>` arrived at this worker: authenticate the token and purge in every worker. */
  | { readonly type: 'purge-request'; readonly requestId: number; readonly serviceId: string; readonly token: string | null; readonly command: PurgeCommand }
  /** This worker's rate limiting additions since its last flush, for the primary to relay to the others. */
  | RateLimitSync;

// Every ToWorker type, checked by the compiler: adding a message without listing it here fails tsc.
const TO_WORKER_TYPES: Readonly<Record<ToWorker['type'], true>> = {
  services: true, service: true, 'service-removed': true, live: true, health: true, purge: true, 'purge-result': true,
  'stats-request': true, tls: true, 'tls-ticket-keys': true, drain: true, ratelimit: true, fleet: true,
};

/** True for lacquer's own messages (a worker also receives prom-client's metric requests). */
export function isToWorker(m: unknown): m is ToWorker {
  if (typeof m !== 'object' || m === null) return false;
  const type = (m as { type?: unknown }).type;
  return typeof type === 'string' && Object.hasOwn(TO_WORKER_TYPES, type);
}
