// What the edge routes, kept equal to what the Store says is active (DESIGN.md §1, §4.4).
//
// Ownership: the publisher owns the map of published ServiceSources and is the only caller of
// `apply`; the primary gives it every Store event and hands what it applies to the edge.
//
// Why it reads the Store instead of replaying events: an event says that something changed for
// a service, not what the service should run now. Applying events one by one opened two holes.
// A replacement (`deactivated` v1 + `activated` v2 in one commit) was applied as "remove the
// service" at once and "install v2" only after v2 was loaded, so for that while the service's
// domains answered 404 Domain Not Found — DESIGN §4.4: "a request sees the old version or the
// new one, never neither". And a load that finished after a later change could install a
// version that was no longer active. Here each event only marks its service dirty; one loop
// then reads, per dirty service and in the order the events came, the version active *now*
// and installs it in one step (a `put`, which the edge swaps in atomically) or removes the
// service when none is active. So:
// - a replacement is one `put` of the new version: the old one routes until then;
// - every read happens after the commit that triggered it, and reads are applied in the
//   order they ran, so nothing older ever overwrites something newer;
// - one service at a time, in event order: when a domain moves from service A to service B
//   (A's activation without it, then B's with it — the Store refuses B's while A still has
//   it), A is re-read before B, so the edge never routes the domain to A after B has it. In
//   between the two activations the domain is unrouted (404), as on Fastly, where a domain
//   must leave one service before another can take it.
import type { Logger } from 'pino';
import { serviceSource } from '../control/sources.ts';
import type { Store } from '../store/index.ts';
import type { ServiceSource } from '../vcl/index.ts';

export type Publication =
  | { readonly type: 'put'; readonly source: ServiceSource }
  | { readonly type: 'remove'; readonly serviceId: string };

export interface PublisherOptions {
  readonly store: Store;
  readonly logger: Logger;
  /** Called with each change, in order, after the publisher's own map already holds it. */
  readonly apply: (change: Publication) => void;
}

export class ServicePublisher {
  readonly #o: PublisherOptions;
  readonly #published = new Map<string, ServiceSource>();
  /** Services to re-read, in the order their first pending event came; a Set keeps each once. */
  readonly #dirty = new Set<string>();
  /** Services an event was notified for: what they run is the publisher's own read, never the seed's. */
  readonly #notified = new Set<string>();
  #running: Promise<void> | null = null;

  constructor(options: PublisherOptions) {
    this.#o = options;
  }

  /**
   * Starts from a full load (a POP that starts with nothing); no `apply` calls. In a fleet,
   * events are followed from before the load begins, so none is missed; a service that had one
   * meanwhile keeps what the publisher read after that event's commit, which the load, read
   * earlier, may predate.
   */
  seed(sources: readonly ServiceSource[]): void {
    for (const s of sources) if (!this.#notified.has(s.serviceId)) this.#published.set(s.serviceId, s);
  }

  /** The published source of each service. */
  sources(): IterableIterator<ServiceSource> {
    return this.#published.values();
  }

  published(serviceId: string): number | null {
    return this.#published.get(serviceId)?.version ?? null;
  }

  /** Something changed for this service (an activation, a deactivation, a deletion). */
  notify(serviceId: string): void {
    // A service already waiting keeps its place: its read will happen after this event's commit.
    this.#notified.add(serviceId);
    this.#dirty.add(serviceId);
    if (this.#running === null) this.#running = this.#drain();
  }

  /**
   * Re-reads every service, published or in the store: after events may have been missed (they
   * were pruned while this node was away). Still one service at a time.
   */
  async resync(): Promise<void> {
    const stored = await this.#o.store.transaction(async (tx) => (await tx.listServices()).map((s) => s.id));
    for (const serviceId of [...this.#published.keys(), ...stored]) this.notify(serviceId);
  }

  /** Resolves when every event notified so far has been applied. */
  async idle(): Promise<void> {
    while (this.#running !== null) await this.#running;
  }

  async #drain(): Promise<void> {
    try {
      // A Set iterates in insertion order and also visits what is added while it iterates.
      for (const serviceId of this.#dirty) {
        this.#dirty.delete(serviceId);
        try {
          await this.#sync(serviceId);
        } catch (err) {
          this.#o.logger.error({ err, service: serviceId }, 'could not publish a configuration change to the edge');
        }
      }
    } finally {
      // In the same turn as the loop's end: no notify() can slip in between.
      this.#running = null;
    }
  }

  async #sync(serviceId: string): Promise<void> {
    const current = this.#published.get(serviceId) ?? null;
    const next = await this.#o.store.transaction(async (tx) => {
      const active = (await tx.listVersions(serviceId)).find((v) => v.active);
      if (active === undefined) return null;
      // Unchanged (an event for a version that is not the active one, or a repeat): nothing to send.
      if (current !== null && current.version === active.number) return current;
      return serviceSource(tx, serviceId, active.number);
    });
    if (next === current) return;
    if (next === null) {
      this.#published.delete(serviceId);
      this.#o.apply({ type: 'remove', serviceId });
    } else {
      this.#published.set(serviceId, next);
      this.#o.apply({ type: 'put', source: next });
    }
  }
}
