// Messages from the POP's primary process to its edge workers (node:cluster IPC), and back.
// Plain data only: compiled services hold closures and are built by each worker itself.

import type { ServiceSource } from '../vcl/compiled.ts';

export type ToWorker =
  /** Replace every service (sent once when a worker starts). */
  | { readonly type: 'services'; readonly sources: readonly ServiceSource[] }
  /** Install or replace one service after an activation. */
  | { readonly type: 'service'; readonly source: ServiceSource }
  | { readonly type: 'service-removed'; readonly serviceId: string }
  /** Health of a probe identity as the POP's health engine sees it (probe and admin state). */
  | { readonly type: 'health'; readonly identity: string; readonly healthy: boolean }
  | { readonly type: 'drain' };

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'compile-failed'; readonly serviceId: string; readonly version: number; readonly message: string };

export function isToWorker(m: unknown): m is ToWorker {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}
