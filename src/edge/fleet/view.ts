// What an edge worker knows of the fleet (DESIGN.md §4.4, §4.6), as its primary last told it
// (src/process/cluster-members.ts reads the Store's live nodes every second): the fleet's
// credential, its own cluster URL, the cache members of its POP, and the node URLs of every POP.
// Pure: owners are decided by rendezvous hashing (src/health/ownership.ts), so every member that
// sees the same members picks the same owner for a key, and a member joining or leaving moves
// only the keys it takes or held.
import { hash32, PopOwnership } from '../../health/ownership.ts';
import { FleetCredential } from './credential.ts';

/** Plain data, sent by the primary to each worker. */
export interface FleetState {
  readonly secret: string;
  /** This worker's cluster URL (`http://host:port` of its own cluster listener). */
  readonly self: string;
  /** Cluster URLs of every cache member of this POP, this one included once it is live. */
  readonly members: readonly string[];
  /** Every POP with a live edge node → its nodes' `--node-url`s, sorted. */
  readonly pops: Readonly<Record<string, readonly string[]>>;
}

export class FleetView {
  readonly state: FleetState;
  readonly credential: FleetCredential;
  readonly #ownership: PopOwnership;

  constructor(state: FleetState) {
    this.state = state;
    this.credential = new FleetCredential(state.secret);
    this.#ownership = new PopOwnership(state.self, state.members);
  }

  /** True when this worker is one of its POP's members (its peers route to it). */
  get member(): boolean {
    return this.state.members.includes(this.state.self);
  }

  /** The member that owns a cache key: null when it is this worker (or it is alone). */
  ownerOf(key: string): string | null {
    if (this.#ownership.nodes.length < 2) return null;
    const owner = this.#ownership.ownerOf(hash32(key));
    return owner === this.state.self ? null : owner;
  }

  /** The node of `pop` that a key's requests go to (rendezvous over its nodes), or null when it has no live node. */
  shieldNode(pop: string, key: string): string | null {
    const nodes = this.state.pops[pop];
    if (nodes === undefined || nodes.length === 0) return null;
    if (nodes.length === 1) return nodes[0];
    return new PopOwnership(nodes[0], nodes).ownerOf(hash32(key));
  }
}
