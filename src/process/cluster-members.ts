// This node's view of its POP's cache members and of the fleet's POPs, for clustering and
// shielding (DESIGN.md §4.4), refreshed from the Store's live nodes every HEARTBEAT_MS and handed
// to the edge workers when it changes (src/edge/fleet/view.ts).
//
// A node's members are its workers' cluster listeners, registered with its heartbeat
// (./membership.ts); a node becomes a member once the fleet lists it live with them, and its edge
// answers /ready only once it sees itself among them — by then its peers read the same rows
// within one refresh, so they route to it. A node that stops deregisters at once; one that dies
// is dropped after the fleet's live window (3 s), and its keys move to their runner-up members.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { PURGE_LIVE_MS } from '../control/fleet-purge.ts';
import type { FleetState } from '../edge/fleet/view.ts';
import type { Store } from '../store/index.ts';
import type { EdgeHandle } from './edge.ts';
import { HEARTBEAT_MS } from './membership.ts';

export class ClusterMembers {
  readonly #store: Store;
  readonly #edge: EdgeHandle;
  readonly #pop: string;
  readonly #logger: Logger;
  readonly #memberHost: string;
  #secret = '';
  #last = '';
  #timer: NodeJS.Timeout | null = null;
  #refreshing: Promise<void> | null = null;

  constructor(options: { store: Store; edge: EdgeHandle; pop: string; nodeUrl: string; logger: Logger }) {
    this.#store = options.store;
    this.#edge = options.edge;
    this.#pop = options.pop;
    this.#logger = options.logger;
    // The workers' cluster listeners are on the host the fleet reaches this node by.
    this.#memberHost = new URL(options.nodeUrl).hostname;
  }

  /** This node's members: one URL per edge worker's cluster listener. */
  members(): string[] {
    return this.#edge.clusterPorts().map((port) => `http://${this.#memberHost}:${port}`).sort();
  }

  /** Reads (or creates) the fleet's secret; call before the first refresh. */
  async start(): Promise<void> {
    this.#secret = await this.#store.transaction((tx) => tx.fleetSecret(randomBytes(32).toString('base64url')));
    this.#timer = setInterval(() => void this.refresh(), HEARTBEAT_MS);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Reads the live nodes and tells the edge when its POP's members or the fleet's POPs changed. */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#refresh().finally(() => { this.#refreshing = null; });
    return this.#refreshing;
  }

  async #refresh(): Promise<void> {
    let nodes;
    try {
      nodes = await this.#store.transaction((tx) => tx.listLiveNodes(PURGE_LIVE_MS));
    } catch (err) {
      // Keeps the last view: the database being away does not change who is alive.
      this.#logger.debug({ err }, 'reading the POP\'s members failed; keeping the last ones');
      return;
    }
    const edges = nodes.filter((n) => n.role !== 'control');
    const members = [...new Set(edges.filter((n) => n.pop === this.#pop).flatMap((n) => n.members ?? []))].sort();
    const pops: Record<string, string[]> = {};
    for (const n of edges) (pops[n.pop] ??= []).push(n.url);
    for (const urls of Object.values(pops)) urls.sort();
    const key = JSON.stringify([members, pops]);
    if (key === this.#last) return;
    if (this.#last !== '') this.#logger.info({ pop: this.#pop, members: members.length, pops: Object.keys(pops) }, 'cluster members changed');
    this.#last = key;
    const secret = this.#secret;
    const host = this.#memberHost;
    this.#edge.fleet((port): FleetState => ({ secret, self: `http://${host}:${port}`, members, pops }));
  }
}
