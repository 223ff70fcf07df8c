// This node's part in its POP's health (DESIGN.md §4.6), between the probe thread and the Store.
//
// Who owns what: the probe thread (src/health/thread-client.ts) owns states and probes; this
// file owns what crosses the Store for health — this node's summary, the rows and flips of the
// identities it probes, which nodes of the POP are live, and the fleet's overrides.
// - Every SUMMARY_MS the thread summarises what it probes; the summary and the changed rows are
//   written, and then read back: the fleet's registry of nodes (`nodes`, listLiveNodes) says
//   which nodes of this POP were heard from within LIVE_MS, and the rows the others wrote since
//   the last read come with it. The thread probes the identities it owns among the live nodes
//   (ownership.ts) and follows the rest from those rows. This node keeps its own entry in the
//   registry fresh with each summary, so a node whose probing stops drops out of its POP.
//   A node that dies stops writing; within LIVE_MS + SUMMARY_MS the others drop it and take
//   its identities over, probing them within HANDOFF_SPREAD_MS (registry.ts): about 4.5 s,
//   under the 5 s that DESIGN.md §4.6 allows (3 intervals, when longer). A node that stops
//   leaves the registry, so the others take over at their next summary; its last summary
//   still counts as its POP's, so a POP whose nodes all stop turns stale on time.
// - A flip of an identity this node probes is written at once with its row and published as
//   a `health` Store event, which the POP's other nodes apply ahead of the row.
// - Overrides are the fleet's (PUT /service/{sid}/health/{backend} on any node writes one and
//   publishes `health-admin`); this node keeps them all and gives the thread those of the
//   services it routes, also when a service is activated after its override was set.
// Ages and read windows are measured by the store's clock or as durations on this node's own,
// never by comparing two hosts' clocks. The database may be unreachable: probing goes on,
// writes are retried with the next summary, and after LIVE_MS without a read this node probes
// every identity, since it can no longer tell who else does (a POP probes too much rather than
// too little). Transactions here touch nothing but `tx`: PostgreSQL may run them twice.

import type { Logger } from 'pino';
import { probeIdentity } from '../model/backend.ts';
import type { BackendDefinition } from '../model/backend.ts';
import { ProbeThread } from '../health/thread-client.ts';
import { identityKey } from '../health/summary.ts';
import type { IdentitySummary } from '../health/summary.ts';
import type { NodeSummary } from '../health/registry-types.ts';
import type { HealthOverrideRow, HealthStateRow, LiveNodeRow, NodeRow, Store, StoreEvent, StoredHealthState } from '../store/index.ts';
import { compileService, type ServiceSource } from '../vcl/index.ts';
import type { Publication } from './publisher.ts';

export const SUMMARY_MS = 1_000;
/** A node last heard from longer ago than this is not one of its POP's live nodes. */
export const LIVE_MS = 2_500;
/** A row unchanged for this long is written again, so a row's age tells a live one from one left behind. */
const REFRESH_MS = 5 * 60_000;
/** Summaries, flips, rows and cleared overrides older than this are deleted. */
const PRUNE_AFTER_MS = 24 * 3_600_000;
const PRUNE_EVERY_MS = 60_000;
/** Rows are read back from a little before the last read, for writes that committed late. */
const READ_OVERLAP_MS = 5_000;

const THREAD_ENTRY = new URL('./health-thread.ts', import.meta.url);

export interface PopHealthOptions {
  readonly store: Store;
  readonly pop: string;
  /** This node's id in the fleet's registry: it names the node among its POP's nodes. */
  readonly nodeId: string;
  readonly logger: Logger;
  readonly logLevel?: string;
  readonly prettyLogs?: boolean;
  /** Spread first probes of new identities over their first interval (default false: at once). */
  readonly spread?: boolean;
  readonly summaryMs?: number;
  readonly liveMs?: number;
}

export class PopHealth {
  readonly thread: ProbeThread;
  readonly #o: PopHealthOptions;
  readonly #pop: string;
  readonly #nodeId: string;
  readonly #liveMs: number;
  /** This node's entry in the fleet's registry, kept fresh with each summary (from start()). */
  #node: NodeRow | null = null;
  /** The fleet's overrides: service → VCL name → override. */
  readonly #overrides = new Map<string, Map<string, HealthOverrideRow>>();
  /** Each routed service's backend names, to hand it its overrides. */
  readonly #backends = new Map<string, ReadonlySet<string>>();
  /** Rows not written yet (a write in flight, or the database away), latest per key. */
  #pendingRows = new Map<string, IdentitySummary>();
  #pendingSummary: NodeSummary | null = null;
  /** Rows read at start, given to the thread once it tracks their identities. */
  #startRows: StoredHealthState[] = [];
  /** The write in flight, if any: one at a time, and stop() waits for it. */
  #writing: Promise<void> | null = null;
  /** This node's clock (ms) at its last read, and at its last read that worked. */
  #lastRead = Date.now();
  #lastReadOk = Date.now();
  #lastPrune = 0;
  #failing = false;
  #stopped = false;

  constructor(options: PopHealthOptions) {
    this.#o = options;
    this.#pop = options.pop;
    this.#nodeId = options.nodeId;
    this.#liveMs = options.liveMs ?? LIVE_MS;
    this.thread = new ProbeThread({
      pop: this.#pop, entry: THREAD_ENTRY, spread: options.spread ?? false, summaryMs: options.summaryMs ?? SUMMARY_MS,
      refreshMs: REFRESH_MS, logger: options.logger, extra: { logLevel: options.logLevel ?? 'info', pretty: options.prettyLogs ?? false },
    });
    this.thread.on('summary', (_at, summary) => {
      for (const row of summary.rows) this.#pendingRows.set(row.key, row);
      this.#pendingSummary = summary;
      if (this.#writing === null && !this.#stopped) this.#writing = this.#tick().finally(() => { this.#writing = null; });
    });
    this.thread.on('flips', (rows) => void this.#flips(rows));
    this.thread.on('dropped', (refs) => void this.#clearOverrides(refs));
  }

  /** Joins the POP and loads the fleet's overrides and this POP's rows, before the first service. */
  async start(node: NodeRow): Promise<void> {
    this.#node = node;
    const read = await this.#o.store.transaction(async (tx) => {
      await tx.heartbeatNode(node);
      return {
        overrides: await tx.listHealthOverrides({}),
        rows: await tx.listHealthStates({ pop: this.#pop, notBy: this.#nodeId }),
        live: await tx.listLiveNodes(this.#liveMs),
      };
    });
    for (const o of read.overrides) this.#remember(o);
    this.#startRows = read.rows;
    this.#setNodes(read.live);
  }

  /** The active configuration of every service, at start. */
  seed(sources: Iterable<ServiceSource>): void {
    for (const source of sources) this.#put(source);
    this.thread.applySummaries(this.#startRows.map(toSummary));
    this.#startRows = [];
  }

  /** One service's change, as the publisher applies it (publisher.ts). */
  apply(change: Publication): void {
    if (change.type === 'put') void this.#follow(this.#put(change.source));
    else {
      this.#backends.delete(change.serviceId);
      this.thread.removeService(change.serviceId);
    }
  }

  onStoreEvent(e: StoreEvent): void {
    if (e.type === 'health') {
      if (e.pop === this.#pop && e.nodeId !== this.#nodeId) this.thread.applyVerdict(e.key, e.healthy, Date.parse(e.at));
    } else if (e.type === 'health-admin') {
      this.#remember(e);
      this.thread.setAdmin({ serviceId: e.serviceId, name: e.backend }, e.admin, Date.parse(e.at));
    }
  }

  /** Hands this node's identities to the POP's other nodes at once, and stops probing. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#writing;
    try {
      await this.#o.store.transaction(async (tx) => {
        // The POP's last summary is now, whether or not another node goes on.
        await tx.upsertHealthSummary({ pop: this.#pop, nodeId: this.#nodeId, probing: 0, sick: 0 });
        await tx.deleteNode(this.#nodeId);
      });
    } catch (err) {
      this.#o.logger.warn({ err }, 'could not leave the POP\'s health; its other nodes take over when this node is no longer live');
    }
    await this.thread.close();
  }

  #put(source: ServiceSource): readonly BackendDefinition[] {
    const { service } = compileService(source);
    const backends: BackendDefinition[] = service === null ? [] : [...service.backends.values()];
    this.#backends.set(source.serviceId, new Set(backends.map((b) => b.name)));
    this.thread.putService(source.serviceId, backends);
    for (const o of this.#overrides.get(source.serviceId)?.values() ?? []) {
      if (o.admin !== 'auto') this.thread.setAdmin({ serviceId: o.serviceId, name: o.backend }, o.admin, Date.parse(o.at));
    }
    return backends;
  }

  /**
   * The rows the POP's other nodes wrote for these backends' identities: a node that starts
   * routing an identity the POP already probes follows its verdict at once, not after it flips.
   */
  async #follow(backends: readonly BackendDefinition[]): Promise<void> {
    const keys = backends.filter((b) => b.probe !== null).map((b) => identityKey(probeIdentity(b)));
    if (keys.length === 0) return;
    try {
      const rows = await this.#o.store.transaction((tx) => tx.listHealthStates({ pop: this.#pop, keys, notBy: this.#nodeId }));
      this.thread.applySummaries(rows.map(toSummary));
    } catch (err) {
      this.#dbFailed(err);
    }
  }

  #remember(o: HealthOverrideRow): void {
    let names = this.#overrides.get(o.serviceId);
    if (names === undefined) this.#overrides.set(o.serviceId, (names = new Map()));
    const known = names.get(o.backend);
    if (known === undefined || known.at <= o.at) names.set(o.backend, { serviceId: o.serviceId, backend: o.backend, admin: o.admin, at: o.at });
  }

  /**
   * An activation took the backend out of its service, which drops its override (admin.ts);
   * the fleet's row goes too, so that no node restores it when a later version brings the
   * name back.
   */
  async #clearOverrides(refs: ReadonlyArray<{ serviceId: string; name: string }>): Promise<void> {
    const at = new Date().toISOString();
    const rows = refs.filter((r) => (this.#overrides.get(r.serviceId)?.get(r.name)?.admin ?? 'auto') !== 'auto')
      .map((r): HealthOverrideRow => ({ serviceId: r.serviceId, backend: r.name, admin: 'auto', at }));
    if (rows.length === 0) return;
    for (const row of rows) this.#remember(row);
    try {
      await this.#o.store.transaction(async (tx) => { for (const row of rows) await tx.setHealthOverride(row); });
    } catch (err) {
      this.#o.logger.warn({ err }, 'could not clear the overrides of removed backends');
    }
  }

  async #flips(rows: readonly IdentitySummary[]): Promise<void> {
    const pop = this.#pop;
    const nodeId = this.#nodeId;
    try {
      await this.#o.store.transaction(async (tx) => {
        await tx.upsertHealthStates(rows.map((r) => toRow(pop, nodeId, r)));
        for (const r of rows) {
          const at = new Date(r.lastChange).toISOString();
          await tx.insertHealthFlip({ pop, key: r.key, nodeId, healthy: r.healthy, at });
          tx.publish({ type: 'health', pop, nodeId, key: r.key, healthy: r.healthy, at });
        }
      });
    } catch (err) {
      // The row goes with the next summary; the POP's other nodes hear of the flip from it.
      for (const r of rows) this.#pendingRows.set(r.key, r);
      this.#dbFailed(err);
    }
  }

  /** Writes the latest summary and pending rows, then reads the POP's live nodes and the others' rows. */
  async #tick(): Promise<void> {
    const summary = this.#pendingSummary;
    if (summary === null) return;
    const rows = [...this.#pendingRows.values()];
    this.#pendingSummary = null;
    this.#pendingRows = new Map();
    const pop = this.#pop;
    const nodeId = this.#nodeId;
    const started = Date.now();
    const prune = started - this.#lastPrune >= PRUNE_EVERY_MS;
    // Everything written since the last read, measured on this node's clock as a duration.
    const withinMs = started - this.#lastRead + READ_OVERLAP_MS;
    try {
      // Written, then read in a transaction of its own: nodes reading each other's rows in the
      // transactions that write their own would conflict under SERIALIZABLE for nothing.
      await this.#o.store.transaction(async (tx) => {
        await tx.upsertHealthStates(rows.map((r) => toRow(pop, nodeId, r)));
        await tx.upsertHealthSummary({ pop, nodeId, probing: summary.probing, sick: summary.sick });
        if (this.#node !== null) await tx.heartbeatNode(this.#node);
        if (prune) await tx.pruneHealth(PRUNE_AFTER_MS);
      });
      if (prune) this.#lastPrune = started;
      const read = await this.#o.store.transaction(async (tx) => ({
        live: await tx.listLiveNodes(this.#liveMs),
        rows: await tx.listHealthStates({ pop, withinMs, notBy: nodeId }),
        overrides: await tx.listHealthOverrides({ withinMs }),
      }));
      this.#lastRead = started;
      this.#recovered();
      this.#setNodes(read.live);
      this.thread.applySummaries(read.rows.map(toSummary));
      for (const o of read.overrides) {
        this.#remember(o);
        if (this.#backends.get(o.serviceId)?.has(o.backend) === true) {
          this.thread.setAdmin({ serviceId: o.serviceId, name: o.backend }, o.admin, Date.parse(o.at));
        }
      }
    } catch (err) {
      for (const r of rows) if (!this.#pendingRows.has(r.key)) this.#pendingRows.set(r.key, r);
      this.#dbFailed(err);
      if (Date.now() - this.#lastReadOk > this.#liveMs) this.thread.setPopNodes(nodeId, []);
    }
  }

  /** The edge nodes of this POP in the fleet's registry (a control node probes nothing). */
  #setNodes(live: readonly LiveNodeRow[]): void {
    this.#lastReadOk = Date.now();
    this.thread.setPopNodes(this.#nodeId, live.filter((n) => n.pop === this.#pop && n.role !== 'control').map((n) => n.id));
  }

  #dbFailed(err: unknown): void {
    if (this.#failing) return;
    this.#failing = true;
    this.#o.logger.error({ err }, 'could not write this POP\'s health to the database; probing goes on, and writes are retried');
  }

  #recovered(): void {
    if (!this.#failing) return;
    this.#failing = false;
    this.#o.logger.info('health is written to the database again');
  }
}

function toRow(pop: string, nodeId: string, s: IdentitySummary): HealthStateRow {
  return {
    pop, key: s.key, nodeId, healthy: s.healthy, good: s.good, window: s.window, threshold: s.threshold, intervalMs: s.intervalMs,
    registers: s.registers, avgRttMs: s.avgRttMs, rate: s.rate, lastResponse: s.lastResponse, lastChange: new Date(s.lastChange).toISOString(),
  };
}

/** A row another node wrote; when, on this node's clock, from its age by the store's. */
function toSummary(r: StoredHealthState): IdentitySummary {
  return {
    key: r.key, healthy: r.healthy, good: r.good, window: r.window, threshold: r.threshold, intervalMs: r.intervalMs,
    registers: r.registers, avgRttMs: r.avgRttMs, rate: r.rate, lastResponse: r.lastResponse,
    lastChange: Date.parse(r.lastChange), at: Date.now() - r.ageMs,
  };
}
