// Director selection, pure: given a DirectorDefinition, a health oracle and the request's keys,
// choose a member backend — or say why none can be chosen. No I/O, no clock; randomness is
// injected, so tests and replays are deterministic.
//
// Policies follow Fastly's director declaration
// (https://www.fastly.com/documentation/reference/vcl/declarations/director/):
//   random    weighted random over healthy members
//   hash      weighted choice by the cache key (req.hash): the same object goes to the same member
//   client    weighted choice by client.identity (default: the client IP): sticky clients
//   fallback  the first healthy member in declaration order
//   chash     consistent hashing on a ring of `.vnodes_per_node` points per member `.id`, mixed
//             by `.seed`, keyed by the object or the client; a member leaving moves only its keys
// `.quorum`: percent of the total weight that must be healthy, else `Quorum weight not reached`.
// `.retries`: after a connection failure the caller asks for another member, at most that many
// times; then — or when no healthy member is left — `All backends failed or unhealthy`.

import { hash } from 'node:crypto';
import { DIRECTOR_DEFAULTS, type DirectorDefinition, type DirectorMember } from '../model/director.ts';
import { EdgeError } from './errors.ts';

export interface SelectionContext {
  readonly isHealthy: (backend: string) => boolean;
  /** Uniform in [0, 1). Default Math.random. */
  readonly random?: () => number;
  /** The cache key (Fastly req.hash): hash directors and chash with `.key = object`. */
  readonly hashKey?: string;
  /** Fastly client.identity (default the client IP): client directors and chash with `.key = client`. */
  readonly clientIdentity?: string;
}

/** A small deterministic PRNG (mulberry32) for reproducible selection in tests and simulations. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash32(text: string): number {
  return hash('sha256', text, 'buffer').readUInt32BE(0);
}

function unitOf(text: string): number {
  return hash32(text) / 4294967296;
}

/** Whether the director itself counts as healthy (Fastly: "see quorum and health"). */
export function directorHealthy(d: DirectorDefinition, isHealthy: (backend: string) => boolean): boolean {
  let total = 0;
  let healthy = 0;
  let any = false;
  for (const m of d.members) {
    total += m.weight;
    if (isHealthy(m.backend)) {
      healthy += m.weight;
      any = true;
    }
  }
  if (!any) return false;
  return d.quorum <= 0 || healthy * 100 >= d.quorum * total;
}

function weighted(candidates: readonly DirectorMember[], u: number): DirectorMember | null {
  let total = 0;
  for (const m of candidates) if (m.weight > 0) total += m.weight;
  if (total <= 0) return null;
  let point = u * total;
  for (const m of candidates) {
    if (m.weight <= 0) continue;
    if (point < m.weight) return m;
    point -= m.weight;
  }
  return candidates.findLast((m) => m.weight > 0) ?? null;
}

interface Ring {
  readonly points: Uint32Array;
  readonly owners: readonly DirectorMember[];
}

const rings = new WeakMap<DirectorDefinition, Ring>();

function ringOf(d: DirectorDefinition): Ring {
  const cached = rings.get(d);
  if (cached !== undefined) return cached;
  const seed = d.seed ?? DIRECTOR_DEFAULTS.seed;
  const vnodes = d.vnodesPerNode ?? DIRECTOR_DEFAULTS.vnodesPerNode;
  const entries: Array<{ point: number; member: DirectorMember }> = [];
  for (const member of d.members) {
    const id = member.id ?? member.backend;
    for (let i = 0; i < vnodes; i++) entries.push({ point: hash32(`${seed}\0${id}\0${i}`), member });
  }
  entries.sort((a, b) => a.point - b.point);
  const ring = { points: Uint32Array.from(entries, (e) => e.point), owners: entries.map((e) => e.member) };
  rings.set(d, ring);
  return ring;
}

function ringLookup(d: DirectorDefinition, key: string, usable: (m: DirectorMember) => boolean): DirectorMember | null {
  const ring = ringOf(d);
  const n = ring.points.length;
  if (n === 0) return null;
  const h = hash32(`${d.seed ?? DIRECTOR_DEFAULTS.seed}\0${key}`);
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ring.points[mid] < h) lo = mid + 1;
    else hi = mid;
  }
  // Walk clockwise to the first point owned by a usable member.
  for (let k = 0; k < n; k++) {
    const owner = ring.owners[(lo + k) % n];
    if (usable(owner)) return owner;
  }
  return null;
}

/**
 * The choices for one request: `next()` gives the first member; after a connection failure to
 * it, `next()` again gives another (never one already tried), within `.retries`.
 */
export class DirectorSelection {
  readonly #d: DirectorDefinition;
  readonly #ctx: SelectionContext;
  readonly #tried = new Set<string>();
  #attempts = 0;

  constructor(director: DirectorDefinition, ctx: SelectionContext) {
    this.#d = director;
    this.#ctx = ctx;
  }

  /** Members handed out so far, in order. */
  get tried(): readonly string[] {
    return [...this.#tried];
  }

  next(): string | EdgeError {
    const d = this.#d;
    if (this.#attempts === 0 && !directorHealthy(d, this.#ctx.isHealthy)) {
      const anyHealthy = d.members.some((m) => this.#ctx.isHealthy(m.backend));
      return new EdgeError(anyHealthy || d.quorum > 0 ? 'QUORUM_NOT_REACHED' : 'ALL_BACKENDS_FAILED');
    }
    if (this.#attempts > d.retries) return new EdgeError('ALL_BACKENDS_FAILED');
    const usable = (m: DirectorMember) => !this.#tried.has(m.backend) && this.#ctx.isHealthy(m.backend);
    const chosen = this.#pick(usable);
    if (chosen === null) return new EdgeError('ALL_BACKENDS_FAILED');
    this.#attempts += 1;
    this.#tried.add(chosen.backend);
    return chosen.backend;
  }

  #pick(usable: (m: DirectorMember) => boolean): DirectorMember | null {
    const d = this.#d;
    const ctx = this.#ctx;
    switch (d.type) {
      case 'fallback':
        return d.members.find(usable) ?? null;
      case 'random':
        return weighted(d.members.filter(usable), (ctx.random ?? Math.random)());
      case 'hash':
        return weighted(d.members.filter(usable), unitOf(ctx.hashKey ?? ''));
      case 'client':
        return weighted(d.members.filter(usable), unitOf(ctx.clientIdentity ?? ''));
      case 'chash': {
        const byClient = (d.key ?? DIRECTOR_DEFAULTS.key) === 'client';
        return ringLookup(d, (byClient ? ctx.clientIdentity : ctx.hashKey) ?? '', usable);
      }
    }
  }
}

/** One choice, no retries: what `req.backend = <director>` resolves to. */
export function selectBackend(director: DirectorDefinition, ctx: SelectionContext): string | EdgeError {
  return new DirectorSelection(director, ctx).next();
}
