// Purges as plain data (Fastly "Purging": single URL, surrogate key, purge all; soft purge).
// A PurgeCommand crosses process boundaries (node:cluster IPC, PostgreSQL NOTIFY) unchanged;
// each worker applies it to its own store and acknowledges, and the API answers only after
// every worker of the POP did (DESIGN.md §4.6) — that fan-out belongs to the process layer.

import { randomBytes } from 'node:crypto';
import { field, type HeaderFields } from './fields.ts';
import type { CacheStore } from './store.ts';

export type PurgeCommand =
  /** `PURGE <url>`: the primary key the purge request hashes to. */
  | { readonly kind: 'key'; readonly id: string; readonly key: string; readonly soft: boolean }
  /** `POST /service/{sid}/purge/{surrogate_key}` */
  | { readonly kind: 'surrogate-key'; readonly id: string; readonly serviceId: string; readonly surrogateKey: string; readonly soft: boolean }
  /**
   * `POST /service/{sid}/purge_all`. Fastly itself only purges everything hard; lacquer also
   * honours Fastly-Soft-Purge here, so a whole site can be kept as a stale backup.
   */
  | { readonly kind: 'all'; readonly id: string; readonly serviceId: string; readonly soft: boolean }
  /**
   * `POST /purge/{cached_url}`: a URL purged through the API. Only the edge runs the service's
   * vcl_hash, so each worker turns it into a `key` purge itself (Pipeline.purgeKey).
   */
  | { readonly kind: 'url'; readonly id: string; readonly serviceId: string; readonly host: string; readonly url: string; readonly soft: boolean };

/** A purge a store can apply by itself: every kind but `url`, which needs the service's VCL first. */
export type StorePurge = Exclude<PurgeCommand, { readonly kind: 'url' }>;

/** Applies a purge to one worker's store; returns how many objects it removed or marked stale. */
export function applyPurge(store: CacheStore, cmd: StorePurge): number {
  switch (cmd.kind) {
    case 'key': return store.purgeKey(cmd.key, { soft: cmd.soft });
    case 'surrogate-key': return store.purgeSurrogateKey(cmd.serviceId, cmd.surrogateKey, { soft: cmd.soft });
    case 'all': return store.purgeService(cmd.serviceId, { soft: cmd.soft });
  }
}

/** `Fastly-Soft-Purge: 1` asks for a soft purge; any other value (or none) is a hard purge. */
export function isSoftPurge(headers: HeaderFields): boolean {
  return field(headers, 'fastly-soft-purge')?.trim() === '1';
}

/**
 * The `id` of a purge answer (`{"status":"ok","id":"…"}`). Fastly's ids are opaque strings;
 * this one is the POP, the time and randomness, so it is unique and says where it was made.
 */
export function newPurgeId(pop: string, now: number = Date.now()): string {
  return `${pop}-${now}-${randomBytes(4).toString('hex')}`;
}
