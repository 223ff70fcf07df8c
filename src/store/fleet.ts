// The fleet's bookkeeping (DESIGN.md §4.6): its nodes and their heartbeats, purge
// acknowledgements, how long both are kept, and the fleet's shared secret.
import type { PurgeAck } from './events.ts';

export const NODE_ROLES = ['all', 'edge', 'control'] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

/** A node of the fleet as it registers itself (DESIGN.md §4.6). */
export interface NodeRow {
  readonly id: string;
  readonly role: NodeRole;
  readonly pop: string;
  /** Where the rest of the fleet reaches this node's edge (`--node-url`). */
  readonly url: string;
  readonly startedAt: string;
  /**
   * An edge node's cache members: one URL per edge worker's cluster listener (DESIGN.md §4.4,
   * clustering). Absent when it has none (a control node, or an edge not yet listening).
   */
  readonly members?: readonly string[];
}

/** A node with how long ago, by the store's clock, its last heartbeat was. */
export interface LiveNodeRow extends NodeRow {
  readonly ageMs: number;
}

/** How long the fleet's bookkeeping is kept (`pruneFleet`). */
export interface FleetRetention {
  /** Nodes not heard from for longer are forgotten. */
  readonly nodesMs: number;
  /** Purge acknowledgements older than this go. */
  readonly acksMs: number;
  /** Events older than this go; a node that had not read them must resync. */
  readonly eventsMs: number;
}

/** The fleet's rows a transaction reads and writes. */
export interface FleetRows {
  /**
   * Registers a node, or refreshes it: its last heartbeat becomes now, by the store's clock. A
   * row without `members` keeps the members registered before (several parts of a node beat).
   */
  heartbeatNode(row: NodeRow): Promise<void>;
  /** Nodes heard from within the last `withinMs`, by POP then id. */
  listLiveNodes(withinMs: number): Promise<LiveNodeRow[]>;
  deleteNode(id: string): Promise<void>;
  /** Records that a node applied a purge (once; again is a no-op) and announces it as an `ack` after the commit. */
  ackPurge(ack: PurgeAck): Promise<void>;
  /** The nodes that acknowledged a purge, by id. */
  listPurgeAcks(purgeId: string): Promise<string[]>;
  /** Forgets nodes, acknowledgements and events older than `retention` says. */
  pruneFleet(retention: FleetRetention): Promise<void>;
  /**
   * The fleet's shared secret: `candidate` becomes it when the fleet has none yet; whatever is
   * stored is returned, the same on every node (a hop between fleet nodes is signed with it).
   */
  fleetSecret(candidate: string): Promise<string>;
}
