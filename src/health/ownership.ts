// Who probes a probe identity inside a POP. DESIGN.md §4.6: "each POP probes each identity
// once, whatever its number of edge nodes"; Fastly: "healthchecks are performed independently
// from each data center". The edge nodes of a POP agree without talking to each other by
// rendezvous (highest random weight) hashing, Thaler and Ravishankar, "Using name-based
// mappings to increase hit rates" (IEEE/ACM ToN 6(1), 1998): every node scores every
// (identity, node) pair with the same hash and the highest score owns the identity. So
// - every node that sees the same live nodes picks the same owner, with no coordination;
// - when a node leaves, only the identities it owned move, each to its runner-up;
// - when a node joins, it takes only the identities it now scores highest on: about 1/n.
// Pure: no clock, no I/O. Which nodes are live is the caller's (src/process/health-fleet.ts).

/** FNV-1a over the string's UTF-16 code units, then murmur3's finaliser to spread the bits. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** murmur3's fmix32: every input bit affects every output bit. */
function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The score of one node for one identity, from their two hashes. */
function score(identityHash: number, nodeHash: number): number {
  // Mixed again, so two nodes' scores for one identity are independent of each other.
  return fmix32((identityHash ^ Math.imul(nodeHash, 0x9e3779b1)) >>> 0);
}

/**
 * The live nodes of one POP, as this node sees them, and the owner of any identity among them.
 * `self` always counts as live: a node probes its share from its first moment, before the
 * others have heard of it (a join makes at most one interval of doubled probes, never a gap).
 */
export class PopOwnership {
  readonly self: string;
  /** Sorted, without duplicates, including self. */
  readonly nodes: readonly string[];
  readonly #hashes: readonly number[];

  constructor(self: string, live: readonly string[] = []) {
    this.self = self;
    this.nodes = [...new Set([self, ...live])].sort();
    this.#hashes = this.nodes.map(hash32);
  }

  /** The node that probes an identity, given its hash (hash32 of its key). */
  ownerOf(identityHash: number): string {
    let best = 0;
    let bestScore = -1;
    for (let i = 0; i < this.#hashes.length; i++) {
      const s = score(identityHash, this.#hashes[i]);
      // Ties (1 in 2^32) go to the first node in sorted order, the same on every node.
      if (s > bestScore) {
        best = i;
        bestScore = s;
      }
    }
    return this.nodes[best];
  }

  owns(identityHash: number): boolean {
    return this.nodes.length === 1 || this.ownerOf(identityHash) === this.self;
  }

  /** Whether `other` would give every identity the same owner (the same live nodes). */
  sameAs(other: PopOwnership): boolean {
    return this.self === other.self && this.nodes.length === other.nodes.length && this.nodes.every((n, i) => n === other.nodes[i]);
  }
}
