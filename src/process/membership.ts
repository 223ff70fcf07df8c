// This node's place in the fleet (DESIGN.md §4.6): it registers itself in the Store (id, role,
// POP, node URL, start time) and refreshes its heartbeat every HEARTBEAT_MS, so the rest of the
// fleet knows it is live — heard from within the last 3 s, which `GET /datacenters` and the
// purge API read. On a clean stop it deregisters at once instead of fading out after 3 s.
// Control nodes also prune the fleet's bookkeeping every PRUNE_MS.
//
// While the database is unreachable heartbeats fail quietly: the Store reports the outage once
// (src/store/postgres/feed.ts), and this node turns live again with its next heartbeat.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { FleetRetention, NodeRow, Store } from '../store/index.ts';

export const HEARTBEAT_MS = 1_000;
const PRUNE_MS = 60_000;
/** Kept long enough for a node that was away for a while to catch up from the event log. */
export const FLEET_RETENTION: FleetRetention = { nodesMs: 3_600_000, acksMs: 600_000, eventsMs: 3_600_000 };

export class Membership {
  readonly node: NodeRow;
  readonly #store: Store;
  readonly #logger: Logger;
  readonly #prunes: boolean;
  #timers: NodeJS.Timeout[] = [];
  #beating: Promise<void> | null = null;
  /** An edge node's cache members, read anew for each heartbeat (workers may be replaced). */
  readonly #members: () => readonly string[];

  constructor(options: {
    store: Store; logger: Logger; node: Omit<NodeRow, 'id' | 'startedAt'> & { id?: string }; prunes: boolean; members?: () => readonly string[];
  }) {
    this.node = { id: randomUUID(), startedAt: new Date().toISOString(), ...options.node };
    this.#store = options.store;
    this.#logger = options.logger;
    this.#prunes = options.prunes;
    this.#members = options.members ?? (() => []);
  }

  #row(): NodeRow {
    const members = this.#members();
    return members.length === 0 ? this.node : { ...this.node, members };
  }

  /** Registers the node (a failure here fails the start) and starts the heartbeat. */
  async join(): Promise<void> {
    await this.#store.transaction((tx) => tx.heartbeatNode(this.#row()));
    this.#logger.info({ node: this.node.id, role: this.node.role, url: this.node.url }, 'joined the fleet');
    this.#timers.push(setInterval(() => this.#beat(), HEARTBEAT_MS));
    if (this.#prunes) this.#timers.push(setInterval(() => void this.#prune(), PRUNE_MS));
    for (const t of this.#timers) t.unref();
  }

  /** Stops the heartbeat and deregisters (best effort: a node that cannot say so fades out after 3 s). */
  async leave(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    await this.#beating;
    await this.#store.transaction((tx) => tx.deleteNode(this.node.id)).catch(() => undefined);
  }

  #beat(): void {
    // One at a time: a slow database must not pile heartbeats up.
    if (this.#beating !== null) return;
    this.#beating = this.#store.transaction((tx) => tx.heartbeatNode(this.#row()))
      .catch((err: unknown) => this.#logger.debug({ err }, 'heartbeat failed'))
      .finally(() => { this.#beating = null; });
  }

  async #prune(): Promise<void> {
    try {
      await this.#store.transaction((tx) => tx.pruneFleet(FLEET_RETENTION));
    } catch (err) {
      this.#logger.debug({ err }, 'pruning the fleet\'s bookkeeping failed; trying again later');
    }
  }
}
