// What an edge node does with the fleet's events (DESIGN.md §1, §4.6). Every event reaches
// every node through the Store (in process with SQLite; the event log, NOTIFY and a poll with
// PostgreSQL):
// - an activation or deactivation makes the publisher read that one service again
//   (./publisher.ts): the cost of an activation does not grow with the number of services;
// - a dictionary's items, an ACL's entries or a dynamic snippet's content changed: the
//   publisher reads that data again and the edge workers replace it live (./publisher.ts);
// - a purge is applied by every edge worker of this node, then acknowledged in the Store, which
//   the purge API waits for (src/control/fleet-purge.ts);
// - a health flip of this POP or an operator's override goes to this node's health
//   (./pop-health.ts);
// - a change of the active TLS certificates makes the node read them again (./tls-feed.ts);
// - a resync (events this node never read were pruned) reads every service again and empties
//   the cache of every service, since the purges it missed cannot be known; it reads the
//   certificates again too.
import type { Logger } from 'pino';
import { newPurgeId, type PurgeCommand } from '../edge/cache/index.ts';
import type { Store, StoreEvent } from '../store/index.ts';
import type { ServicePublisher } from './publisher.ts';

export interface FleetEdgeOptions {
  readonly store: Store;
  readonly publisher: ServicePublisher;
  /** Applies a purge in every edge worker of this node; resolves when all did. */
  readonly purge: (command: PurgeCommand) => Promise<void>;
  /** A POP's health flip or an operator's override (./pop-health.ts). */
  readonly health: (event: StoreEvent & { type: 'health' | 'health-admin' }) => void;
  /** The active TLS certificates changed (./tls-feed.ts). */
  readonly tls?: () => void;
  readonly nodeId: string;
  readonly pop: string;
  readonly logger: Logger;
}

/** Follows the fleet's events until the returned function is called. */
export function followFleet(o: FleetEdgeOptions): () => void {
  const purged = async (command: PurgeCommand): Promise<void> => {
    await o.purge(command);
    try {
      await o.store.transaction((tx) => tx.ackPurge({ purgeId: command.id, nodeId: o.nodeId }));
    } catch (err) {
      // The purge is applied; only the confirmation is lost, and the API stops waiting for it.
      o.logger.debug({ err, purge: command.id }, 'could not confirm a purge');
    }
  };
  const onEvent = (event: StoreEvent): void => {
    if (event.type === 'purge') void purged(event.command);
    else if (event.type === 'health' || event.type === 'health-admin') o.health(event);
    else if (event.type === 'tls') o.tls?.();
    else if (event.type === 'dictionary' || event.type === 'acl' || event.type === 'snippet') o.publisher.notifyLive(event);
    else if (event.type === 'activated' || event.type === 'deactivated') o.publisher.notify(event.serviceId);
  };
  const onResync = (): void => {
    o.tls?.();
    void o.publisher.resync().catch((err: unknown) => o.logger.error({ err }, 'could not reload every service after a resync'));
    for (const source of o.publisher.sources()) {
      void o.purge({ kind: 'all', id: newPurgeId(o.pop), serviceId: source.serviceId, soft: false });
    }
  };
  o.store.events.on('event', onEvent);
  o.store.events.on('resync', onResync);
  return () => {
    o.store.events.off('event', onEvent);
    o.store.events.off('resync', onResync);
  };
}
