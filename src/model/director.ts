// The runtime definition of a director, as the VCL compiler produces it from
// `director NAME TYPE { … }` (https://www.fastly.com/documentation/reference/vcl/declarations/director/).

export type DirectorType = 'random' | 'fallback' | 'hash' | 'client' | 'chash';

export interface DirectorMember {
  /** VCL name of a backend (or, for nested setups, another director). */
  readonly backend: string;
  readonly weight: number;
  /** chash only: the member's stable id on the hash ring. */
  readonly id?: string;
}

export interface DirectorDefinition {
  readonly name: string;
  readonly type: DirectorType;
  /** Percentage (0–100) of total weight that must be healthy for the director to be usable. */
  readonly quorum: number;
  readonly retries: number;
  readonly members: readonly DirectorMember[];
  readonly seed?: number;
  readonly vnodesPerNode?: number;
  readonly key?: 'object' | 'client';
}
