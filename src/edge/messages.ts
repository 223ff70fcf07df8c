// Messages between the POP's primary process and its edge workers (node:cluster IPC).
// Plain data only: compiled services hold closures and are built by each worker itself.

import type { PurgeCommand } from './cache/index.ts';
import type { PurgeResult } from './purge.ts';
import type { ServiceSource } from '../vcl/compiled.ts';

export type ToWorker =
  /** Replace every service (sent once when a worker starts). */
  | { readonly type: 'services'; readonly sources: readonly ServiceSource[] }
  /** Install or replace one service after an activation. */
  | { readonly type: 'service'; readonly source: ServiceSource }
  | { readonly type: 'service-removed'; readonly serviceId: string }
  /** Health of a probe identity as the POP's health engine sees it (probe and admin state). */
  | { readonly type: 'health'; readonly identity: string; readonly healthy: boolean }
  /** Apply a purge to this worker's cache, then answer `purged` with its id. */
  | { readonly type: 'purge'; readonly command: PurgeCommand }
  /** The primary's answer to a worker's `purge-request`. */
  | { readonly type: 'purge-result'; readonly requestId: number; readonly result: PurgeResult }
  | { readonly type: 'drain' };

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'compile-failed'; readonly serviceId: string; readonly version: number; readonly message: string }
  | { readonly type: 'purged'; readonly id: string }
  /** `PURGE <url>` arrived at this worker: authenticate the token and purge in every worker. */
  | { readonly type: 'purge-request'; readonly requestId: number; readonly serviceId: string; readonly token: string | null; readonly command: PurgeCommand };

const TO_WORKER_TYPES: ReadonlySet<string> = new Set(['services', 'service', 'service-removed', 'health', 'purge', 'purge-result', 'drain']);

/** True for lacquer's own messages (a worker also receives prom-client's metric requests). */
export function isToWorker(m: unknown): m is ToWorker {
  return typeof m === 'object' && m !== null && TO_WORKER_TYPES.has(String((m as { type?: unknown }).type));
}
