// The runtime definition of a director: what the VCL compiler produces from a
// `director NAME <policy> { … }` declaration (user-written, or generated from API directors),
// and what src/edge/directors.ts selects from. Properties are Fastly's
// (https://www.fastly.com/documentation/reference/vcl/declarations/director/); the compiler
// applies defaults, so every required field here is already resolved.

export type DirectorType = 'random' | 'fallback' | 'hash' | 'client' | 'chash';

export interface DirectorMember {
  /** VCL name of the member backend. */
  readonly backend: string;
  /** `.weight`: relative share for random, hash and client (ignored by fallback and chash). */
  readonly weight: number;
  /** `.id` for chash: the member's position on the ring does not change when others come and go. Default: the backend name. */
  readonly id?: string;
}

export interface DirectorDefinition {
  readonly name: string;
  readonly type: DirectorType;
  /** `.quorum` in percent (0–100) of the total member weight that must be healthy; 0 = at least one healthy member. */
  readonly quorum: number;
  /** `.retries`: further members tried after a connection failure (Fastly default: the number of members). */
  readonly retries: number;
  readonly members: readonly DirectorMember[];
  /** chash `.seed`: mixes the ring so different directors place the same ids differently. */
  readonly seed?: number;
  /** chash `.vnodes_per_node`: ring points per member. */
  readonly vnodesPerNode?: number;
  /** chash `.key`: hash the cache key (`object`) or `client.identity` (`client`). */
  readonly key?: 'object' | 'client';
}

export const DIRECTOR_DEFAULTS = {
  quorum: 0,
  weight: 100,
  seed: 0,
  vnodesPerNode: 256,
  key: 'object',
} as const;
