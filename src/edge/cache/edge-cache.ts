// The cache of one edge worker, as the pipeline holds it: the object store, the collapser and
// the hit-for-pass memory, plus the one piece of I/O the pure modules leave out — copying a
// streaming origin body into the store while it also streams to the client.
//
// Ownership: one EdgeCache per worker process, created at start-up from the serve options;
// everything in it runs on that worker's event loop.

import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Collapser } from './collapse.ts';
import { HitForPass } from './hit-for-pass.ts';
import { ObjectBuilder, type ObjectHead } from './object.ts';
import { SaintMode } from './saint-mode.ts';
import { applyPurge, type StorePurge } from './purge.ts';
import { CacheStore } from './store.ts';

/** `--cache-size` default, per worker (docs/caching.md, Size). */
export const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;
/** `--cache-max-object` default: a larger body streams through unstored (docs/caching.md). */
export const DEFAULT_MAX_OBJECT_BYTES = 32 * 1024 * 1024;
/**
 * How long a collapsed request waits for the leader: Fastly's default first_byte_timeout, so a
 * waiter gives up about when the leader's own fetch would.
 */
export const DEFAULT_COLLAPSE_WAIT_MS = 15_000;

export interface EdgeCacheOptions {
  readonly maxBytes?: number;
  readonly maxObjectBytes?: number;
  readonly collapseWaitMs?: number;
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
}

export type StoreOutcome =
  | { readonly stored: true }
  | { readonly stored: false; readonly reason: 'too large' | 'truncated' | 'abandoned' };

export class EdgeCache {
  readonly store: CacheStore;
  readonly collapser: Collapser;
  readonly hitForPass: HitForPass;
  readonly saintMode: SaintMode;
  /** serviceId → hard purge_all's applied on this worker (`req.vcl.generation` is 1 + this). */
  readonly #purgedAll = new Map<string, number>();
  readonly #maxObjectBytes: number;
  readonly #now: () => number;

  constructor(options: EdgeCacheOptions = {}) {
    this.#maxObjectBytes = options.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES;
    this.#now = options.now ?? Date.now;
    this.store = new CacheStore({ maxBytes: options.maxBytes ?? DEFAULT_CACHE_BYTES, maxObjectBytes: this.#maxObjectBytes, now: this.#now });
    this.collapser = new Collapser({ maxWaitMs: options.collapseWaitMs ?? DEFAULT_COLLAPSE_WAIT_MS });
    this.hitForPass = new HitForPass({ now: this.#now });
    this.saintMode = new SaintMode({ now: this.#now });
  }

  /**
   * Copies `body` into a new object while the caller streams it to the client, and stores the
   * object under `key` once the body is complete. Attach in the same tick as the pipe (a 'data'
   * listener starts the flow). `completed` is the upstream's verdict on the body; the object is
   * stored only when it says the body was not truncated and the stream ended normally.
   * Collection stops (and the chunks are dropped) as soon as the body passes maxObjectBytes.
   */
  async storeWhenComplete(key: string, head: ObjectHead, body: Readable, completed: Promise<{ readonly truncated: boolean }>): Promise<StoreOutcome> {
    const builder = new ObjectBuilder(head, this.#maxObjectBytes);
    const onData = (chunk: Buffer): void => {
      builder.append(chunk);
      if (!builder.collecting) body.off('data', onData);
    };
    if (builder.collecting) body.on('data', onData);
    let outcome: { readonly truncated: boolean };
    try {
      const [verdict, ended] = await Promise.all([completed, finished(body).then(() => true, () => false)]);
      outcome = { truncated: verdict.truncated || !ended };
    } catch {
      builder.abandon();
      outcome = { truncated: true };
    } finally {
      body.off('data', onData);
    }
    const built = builder.finish(outcome, this.#now());
    if (!built.stored) return built;
    if (this.store.insert(key, built.object) === 'too large') return { stored: false, reason: 'too large' };
    this.hitForPass.forget(key);
    return { stored: true };
  }

  /** Applies a purge to this worker's objects; returns how many it touched. */
  purge(cmd: StorePurge): number {
    // Fastly's purge all moves the service's generation on (req.vcl.generation).
    if (cmd.kind === 'all' && !cmd.soft) this.#purgedAll.set(cmd.serviceId, (this.#purgedAll.get(cmd.serviceId) ?? 0) + 1);
    return applyPurge(this.store, cmd);
  }

  /** `req.vcl.generation` of a service on this worker: 1, plus one per hard purge all applied. */
  generation(serviceId: string): number {
    return 1 + (this.#purgedAll.get(serviceId) ?? 0);
  }
}
