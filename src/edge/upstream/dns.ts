// Name resolution for hostname backends. Fastly re-resolves backend names as their records
// expire; we keep each answer for a short, bounded time so a changed record is picked up
// without a lookup on every connection. IP literals never reach the resolver.

import { promises as dnsPromises } from 'node:dns';
import { isIP } from 'node:net';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
  /** The record's TTL when the lookup knows it (getaddrinfo does not). */
  readonly ttlSeconds?: number;
}

/** Answers every address for a name; rejects with a Node DNS error (`ENOTFOUND`, `EAI_AGAIN`, …). */
export type LookupFn = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemLookup: LookupFn = async (hostname) => {
  const all = await dnsPromises.lookup(hostname, { all: true });
  return all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

export interface ResolverOptions {
  readonly lookup?: LookupFn;
  /** How long an answer is reused. Failures are never cached: the next connection asks again. */
  readonly ttlMs?: number;
  readonly now?: () => number;
}

interface CacheEntry {
  expires: number;
  readonly answer: Promise<readonly ResolvedAddress[]>;
}

export class Resolver {
  readonly #lookup: LookupFn;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, CacheEntry>();

  constructor(options: ResolverOptions = {}) {
    const ttl = options.ttlMs ?? 5_000;
    if (!Number.isFinite(ttl) || ttl < 0) throw new TypeError('invalid ttlMs');
    this.#lookup = options.lookup ?? systemLookup;
    this.#ttlMs = ttl;
    this.#now = options.now ?? Date.now;
  }

  /** One address to connect to: the first of the preferred family, else the first answered. */
  async resolve(hostname: string, preferIpv6 = false): Promise<ResolvedAddress> {
    const family = isIP(hostname);
    if (family !== 0) return { address: hostname, family: family === 6 ? 6 : 4 };
    const all = await this.#answer(hostname);
    if (all.length === 0) {
      throw Object.assign(new Error(`no addresses for ${hostname}`), { code: 'ENODATA', hostname });
    }
    const want = preferIpv6 ? 6 : 4;
    return all.find((a) => a.family === want) ?? all[0];
  }

  #answer(hostname: string): Promise<readonly ResolvedAddress[]> {
    const now = this.#now();
    const hit = this.#cache.get(hostname);
    if (hit !== undefined && hit.expires > now) return hit.answer;
    // Concurrent connections share one in-flight lookup.
    const answer = this.#lookup(hostname);
    const entry: CacheEntry = { expires: now + this.#ttlMs, answer };
    this.#cache.set(hostname, entry);
    answer.then(
      (all) => {
        // A record TTL shorter than ours wins (0 = do not reuse).
        for (const a of all) {
          if (a.ttlSeconds !== undefined) entry.expires = Math.min(entry.expires, now + a.ttlSeconds * 1000);
        }
      },
      () => {
        if (this.#cache.get(hostname) === entry) this.#cache.delete(hostname);
      },
    );
    return answer;
  }

  clear(): void {
    this.#cache.clear();
  }
}

/**
 * A lookup through a `dns.promises.Resolver` (c-ares, bypassing /etc/hosts) that reports each
 * record's TTL, so the cache honours the zone's TTL when it is shorter than `ttlMs`.
 */
export function resolverLookup(resolver: dnsPromises.Resolver): LookupFn {
  return async (hostname) => {
    const [v4, v6] = await Promise.allSettled([
      resolver.resolve4(hostname, { ttl: true }),
      resolver.resolve6(hostname, { ttl: true }),
    ]);
    const out: ResolvedAddress[] = [];
    if (v4.status === 'fulfilled') for (const r of v4.value) out.push({ address: r.address, family: 4, ttlSeconds: r.ttl });
    if (v6.status === 'fulfilled') for (const r of v6.value) out.push({ address: r.address, family: 6, ttlSeconds: r.ttl });
    if (out.length === 0 && v4.status === 'rejected') throw v4.reason;
    return out;
  };
}
