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
//
// Versionless data (DESIGN.md §1, §4.6) takes the same loop, so it is ordered with activations:
// - a dictionary's items or an ACL's entries changed: the publisher reads that dictionary's
//   items (or the ACL's entries) again and, when the published version holds it and they
//   differ, publishes a `table` (`acl`) change that the edge applies in place, without
//   compiling the service (a dictionary of 1,000 items costs a Map, not a compilation);
// - a dynamic snippet's content changed: the service is read again even though its version
//   did not change, and put whole (its VCL changed, so it must be compiled).
import type { Logger } from 'pino';
import { aclEntries, dictionaryItems } from '../control/live-vcl.ts';
import { serviceSource } from '../control/sources.ts';
import type { Store } from '../store/index.ts';
import type { ServiceSource } from '../vcl/index.ts';

export type Publication =
  | { readonly type: 'put'; readonly source: ServiceSource }
  | { readonly type: 'remove'; readonly serviceId: string }
  /** A dictionary's items, replacing those of the table of that VCL name. */
  | { readonly type: 'table'; readonly serviceId: string; readonly name: string; readonly items: readonly (readonly [string, string])[] }
  /** An ACL's entries, replacing those of the ACL of that VCL name. */
  | { readonly type: 'acl'; readonly serviceId: string; readonly name: string; readonly entries: NonNullable<ServiceSource['acls']>[number]['entries'] };

/** What an event asks the publisher to read again for one service. */
interface Pending {
  /** The active version (an activation, a deactivation, a deletion, a resync). */
  reload: boolean;
  /** The whole source even when the version is the same (a dynamic snippet's content). */
  rebuild: boolean;
  readonly dictionaries: Set<string>;
  readonly acls: Set<string>;
}

/** A versionless change (a StoreEvent of these types). */
export type LiveChange =
  | { readonly type: 'dictionary'; readonly serviceId: string; readonly dictionaryId: string }
  | { readonly type: 'acl'; readonly serviceId: string; readonly aclId: string }
  | { readonly type: 'snippet'; readonly serviceId: string; readonly snippetId: string };

export interface PublisherOptions {
  readonly store: Store;
  readonly logger: Logger;
  /** Called with each change, in order, after the publisher's own map already holds it. */
  readonly apply: (change: Publication) => void;
}

export class ServicePublisher {
  readonly #o: PublisherOptions;
  readonly #published = new Map<string, ServiceSource>();
  /** Services to re-read, in the order their first pending event came, with what to read. */
  readonly #dirty = new Map<string, Pending>();
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
    this.#pending(serviceId).reload = true;
    this.#kick();
  }

  /** A dictionary's items, an ACL's entries or a dynamic snippet's content changed. */
  notifyLive(change: LiveChange): void {
    const p = this.#pending(change.serviceId);
    if (change.type === 'dictionary') p.dictionaries.add(change.dictionaryId);
    else if (change.type === 'acl') p.acls.add(change.aclId);
    else {
      this.#rebuild(change.serviceId);
      return;
    }
    this.#kick();
  }

  /** Reads the service whole, even when its active version did not change. */
  #rebuild(serviceId: string): void {
    this.#notified.add(serviceId);
    const p = this.#pending(serviceId);
    p.reload = true;
    p.rebuild = true;
    this.#kick();
  }

  #pending(serviceId: string): Pending {
    let p = this.#dirty.get(serviceId);
    if (p === undefined) this.#dirty.set(serviceId, (p = { reload: false, rebuild: false, dictionaries: new Set(), acls: new Set() }));
    return p;
  }

  /** Starts the loop when it is not running; only once the pending work is recorded (it starts synchronously). */
  #kick(): void {
    if (this.#running === null) this.#running = this.#drain();
  }

  /**
   * Re-reads every service whole, published or in the store: after events may have been missed
   * (they were pruned while this node was away). Still one service at a time.
   */
  async resync(): Promise<void> {
    const stored = await this.#o.store.transaction(async (tx) => (await tx.listServices()).map((s) => s.id));
    // Whole: the missed events may have been live changes (items, entries, a dynamic snippet)
    // to a version that is still the active one.
    for (const serviceId of new Set([...this.#published.keys(), ...stored])) this.#rebuild(serviceId);
  }

  /** Resolves when every event notified so far has been applied. */
  async idle(): Promise<void> {
    while (this.#running !== null) await this.#running;
  }

  async #drain(): Promise<void> {
    try {
      // A Map iterates in insertion order and also visits what is added while it iterates.
      for (const [serviceId, pending] of this.#dirty) {
        this.#dirty.delete(serviceId);
        try {
          if (pending.reload) await this.#sync(serviceId, pending.rebuild);
          else await this.#syncLive(serviceId, pending);
        } catch (err) {
          this.#o.logger.error({ err, service: serviceId }, 'could not publish a configuration change to the edge');
        }
      }
    } finally {
      // In the same turn as the loop's end: no notify() can slip in between.
      this.#running = null;
    }
  }

  async #sync(serviceId: string, rebuild: boolean): Promise<void> {
    const current = this.#published.get(serviceId) ?? null;
    const next = await this.#o.store.transaction(async (tx) => {
      const active = (await tx.listVersions(serviceId)).find((v) => v.active);
      if (active === undefined) return null;
      // Unchanged (an event for a version that is not the active one, or a repeat): nothing to send.
      if (current !== null && current.version === active.number && !rebuild) return current;
      const read = await serviceSource(tx, serviceId, active.number);
      // Read again whole (a dynamic snippet, a resync) but the same as what the edge runs: nothing to compile.
      return current !== null && JSON.stringify(read) === JSON.stringify(current) ? current : read;
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

  /**
   * Reads the changed dictionaries' items and ACLs' entries of the published version, and
   * publishes those that differ from what the edge has. A dictionary the published version
   * does not hold (only an editable version has it) changes nothing at the edge.
   */
  async #syncLive(serviceId: string, pending: Pending): Promise<void> {
    const current = this.#published.get(serviceId);
    if (current === undefined) return;
    const tables = (current.dictionaries ?? []).filter((d) => pending.dictionaries.has(d.id));
    const acls = (current.acls ?? []).filter((a) => pending.acls.has(a.id));
    if (tables.length === 0 && acls.length === 0) return;
    const read = await this.#o.store.transaction(async (tx) => ({
      tables: await Promise.all(tables.map(async (d) => ({ ...d, items: await dictionaryItems(tx, serviceId, d.id) }))),
      acls: await Promise.all(acls.map(async (a) => ({ ...a, entries: await aclEntries(tx, serviceId, a.id) }))),
    }));
    // seed() may have replaced the source while this read (it is the loop's only other writer).
    if (this.#published.get(serviceId) !== current) return;
    const changedTables = read.tables.filter((d, i) => JSON.stringify(d.items) !== JSON.stringify(tables[i].items));
    const changedAcls = read.acls.filter((a, i) => JSON.stringify(a.entries) !== JSON.stringify(acls[i].entries));
    const byId = <T extends { id: string }>(list: readonly T[] | undefined, changed: readonly T[]): T[] | undefined =>
      list?.map((x) => changed.find((c) => c.id === x.id) ?? x);
    this.#published.set(serviceId, { ...current, dictionaries: byId(current.dictionaries, changedTables), acls: byId(current.acls, changedAcls) });
    for (const d of changedTables) this.#o.apply({ type: 'table', serviceId, name: d.name, items: d.items });
    for (const a of changedAcls) this.#o.apply({ type: 'acl', serviceId, name: a.name, entries: a.entries });
  }
}
