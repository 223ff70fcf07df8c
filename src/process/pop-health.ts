// This node's part in its POP's health (DESIGN.md §4.6), between the probe thread and the Store.
//
// Who owns what: the probe thread (src/health/thread-client.ts) owns states and probes; this
// file owns what crosses the Store — this node's summary, the rows and flips of the identities
// it probes, the POP's live nodes and the fleet's overrides — and nothing else writes them.
// - Every SUMMARY_MS the thread summarises what it probes; the summary and the changed rows are
//   written, then this POP's summaries say which nodes are live (written within LIVE_MS), and
//   the rows the others wrote since the last read are read back. The thread probes the
//   identities it owns among the live nodes (ownership.ts) and follows the rest from those rows.
//   A node that dies stops writing; within LIVE_MS + SUMMARY_MS the others drop it and take its
//   identities over, probing them within HANDOFF_SPREAD_MS (registry.ts) — under the 5 s that
//   DESIGN.md §4.6 allows (3 intervals, when longer). A node that stops says so in a last
//   summary, so the others take over at their next one; its time still counts as its POP's
//   last summary, so a POP whose nodes all stop turns stale on time rather than vanishing.
// - A flip of an identity this node probes is written at once with its row and published as
//   a `health` Store event, which the POP's other nodes apply ahead of the row.
// - Overrides are the fleet's (PUT /service/{sid}/health/{backend} on any node writes one and
//   publishes `health-admin`); this node keeps them all and gives the thread those of the
//   services it routes, also when a service is activated after its override was set.
// The database may be unreachable: probing goes on, writes are retried with the next summary,
// and after LIVE_MS without a read this node probes every identity, since it can no longer
// tell who else does (a POP probes too much rather than too little).

import type { Logger } from 'pino';
import { probeIdentity } from '../model/backend.ts';
import type { BackendDefinition } from '../model/backend.ts';
import { ProbeThread } from '../health/thread-client.ts';
import { identityKey } from '../health/summary.ts';
import type { IdentitySummary } from '../health/summary.ts';
import type { NodeSummary } from '../health/registry-types.ts';
import type { HealthOverrideRow, HealthStateRow, Store, StoreEvent } from '../store/index.ts';
import { compileService } from '../vcl/compile.ts';
import type { ServiceSource } from '../vcl/compiled.ts';
import type { Publication } from './publisher.ts';

export const SUMMARY_MS = 1_000;
/** A node whose last summary is older than this is not live. */
export const LIVE_MS = 2_500;
/** A row unchanged for this long is written again, so a row's age tells a live one from one left behind. */
const REFRESH_MS = 5 * 60_000;
/** Summaries, flips and rows older than this are deleted. */
const PRUNE_AFTER_MS = 24 * 3_600_000;
/** Rows are read back from a little before the last read: another node's clock may be behind ours. */
const READ_OVERLAP_MS = 5_000;

const THREAD_ENTRY = new URL('./health-thread.ts', import.meta.url);

export interface PopHealthOptions {
  readonly store: Store;
  readonly pop: string;
  /** This node's name among the POP's nodes. */
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
  readonly #liveMs: number;
  /** The fleet's overrides: service → VCL name → override. */
  readonly #overrides = new Map<string, Map<string, HealthOverrideRow>>();
  /** Each routed service's backend names, to hand it its overrides. */
  readonly #backends = new Map<string, ReadonlySet<string>>();
  /** Rows not written yet (a write in flight, or the database away), latest per key. */
  #pendingRows = new Map<string, IdentitySummary>();
  #pendingSummary: { at: number; summary: NodeSummary } | null = null;
  /** The write in flight, if any: one at a time, and stop() waits for it. */
  #writing: Promise<void> | null = null;
  #lastRead = 0;
  #lastReadOk = Date.now();
  #lastPrune = 0;
  #failing = false;
  #stopped = false;

  constructor(options: PopHealthOptions) {
    this.#o = options;
    this.#liveMs = options.liveMs ?? LIVE_MS;
    this.thread = new ProbeThread({
      pop: options.pop, entry: THREAD_ENTRY, spread: options.spread ?? false, summaryMs: options.summaryMs ?? SUMMARY_MS,
      refreshMs: REFRESH_MS, logger: options.logger, extra: { logLevel: options.logLevel ?? 'info', pretty: options.prettyLogs ?? false },
    });
    this.thread.on('summary', (at, summary) => {
      for (const row of summary.rows) this.#pendingRows.set(row.key, row);
      this.#pendingSummary = { at, summary };
      if (this.#writing === null && !this.#stopped) this.#writing = this.#write().finally(() => { this.#writing = null; });
    });
    this.thread.on('flips', (rows) => void this.#flips(rows));
    this.thread.on('dropped', (refs) => void this.#clearOverrides(refs));
  }

  /** Rows read at start, given to the thread once it tracks their identities. */
  #pendingFollow: HealthStateRow[] = [];

  /** Loads the fleet's overrides and this POP's rows and nodes, before the first service. */
  async start(): Promise<void> {
    const { overrides, rows } = await this.#o.store.transaction(async (tx) => ({
      overrides: await tx.listHealthOverrides({}),
      rows: await tx.listHealthStates({ pop: this.#o.pop, notBy: this.#o.nodeId }),
    }));
    for (const o of overrides) this.#remember(o);
    this.#pendingFollow = rows;
    this.#lastRead = Date.now();
    await this.#readNodes();
  }

  /** The active configuration of every service, at start. */
  seed(sources: Iterable<ServiceSource>): void {
    for (const source of sources) this.#put(source);
    this.thread.applySummaries(this.#pendingFollow.map(toSummary));
    this.#pendingFollow = [];
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
      if (e.pop === this.#o.pop && e.nodeId !== this.#o.nodeId) this.thread.applyVerdict(e.key, e.healthy, Date.parse(e.at));
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
    const { pop, nodeId } = this.#o;
    try {
      await this.#o.store.transaction((tx) => tx.upsertHealthSummary({ pop, nodeId, probing: 0, sick: 0, stopped: true, at: new Date().toISOString() }));
    } catch (err) {
      this.#o.logger.warn({ err }, 'could not withdraw this node\'s health summary; the POP\'s other nodes take over when it is stale');
    }
    await this.thread.close();
  }

  /**
   * The rows the POP's other nodes wrote for these backends' identities: a node that starts
   * routing an identity the POP already probes follows its verdict at once, not after it flips.
   */
  async #follow(backends: readonly BackendDefinition[]): Promise<void> {
    const keys = backends.filter((b) => b.probe !== null).map((b) => identityKey(probeIdentity(b)));
    if (keys.length === 0) return;
    try {
      const rows = await this.#o.store.transaction((tx) => tx.listHealthStates({ pop: this.#o.pop, keys, notBy: this.#o.nodeId }));
      this.thread.applySummaries(rows.map(toSummary));
    } catch (err) {
      this.#dbFailed(err);
    }
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
    const { pop, nodeId } = this.#o;
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

  /** Writes the latest summary and pending rows, then reads the POP's nodes and others' rows. */
  async #write(): Promise<void> {
    if (this.#pendingSummary === null) return;
    const { at, summary } = this.#pendingSummary;
    const rows = [...this.#pendingRows.values()];
    this.#pendingSummary = null;
    this.#pendingRows = new Map();
    const { pop, nodeId } = this.#o;
    const since = new Date(this.#lastRead - READ_OVERLAP_MS).toISOString();
    const readAt = Date.now();
    try {
      const read = await this.#o.store.transaction(async (tx) => {
        await tx.upsertHealthStates(rows.map((r) => toRow(pop, nodeId, r)));
        await tx.upsertHealthSummary({ pop, nodeId, probing: summary.probing, sick: summary.sick, stopped: false, at: new Date(at).toISOString() });
        if (readAt - this.#lastPrune > 60 * SUMMARY_MS) {
          this.#lastPrune = readAt;
          await tx.pruneHealth(new Date(readAt - PRUNE_AFTER_MS).toISOString());
        }
        return {
          summaries: await tx.listHealthSummaries(),
          rows: await tx.listHealthStates({ pop, updatedSince: since, notBy: nodeId }),
          overrides: await tx.listHealthOverrides({ since }),
        };
      });
      this.#lastRead = readAt;
      this.#recovered();
      this.#setNodes(read.summaries, readAt);
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
      if (readAt - this.#lastReadOk > this.#liveMs) this.thread.setPopNodes(nodeId, []);
    }
  }

  async #readNodes(): Promise<void> {
    const now = Date.now();
    this.#setNodes(await this.#o.store.transaction((tx) => tx.listHealthSummaries()), now);
  }

  #setNodes(summaries: ReadonlyArray<{ pop: string; nodeId: string; stopped: boolean; at: string }>, now: number): void {
    const live = summaries.filter((s) => s.pop === this.#o.pop && !s.stopped && now - Date.parse(s.at) <= this.#liveMs).map((s) => s.nodeId);
    this.#lastReadOk = now;
    this.thread.setPopNodes(this.#o.nodeId, live);
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
    registers: s.registers, avgRttMs: s.avgRttMs, rate: s.rate, lastResponse: s.lastResponse,
    lastChange: new Date(s.lastChange).toISOString(), updatedAt: new Date(s.at).toISOString(),
  };
}

function toSummary(r: HealthStateRow): IdentitySummary {
  return {
    key: r.key, healthy: r.healthy, good: r.good, window: r.window, threshold: r.threshold, intervalMs: r.intervalMs,
    registers: r.registers, avgRttMs: r.avgRttMs, rate: r.rate, lastResponse: r.lastResponse,
    lastChange: Date.parse(r.lastChange), at: Date.parse(r.updatedAt),
  };
}
