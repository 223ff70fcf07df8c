// The POP's health as this node knows it: one HealthState per probe identity (share_key +
// normalised definition, model/backend.ts probeIdentity), shared by every backend in any
// service that has that identity (DESIGN.md §1). Who owns what: the registry owns the states,
// the members (service, VCL name) of each identity (members.ts) and the operators' overrides
// (admin.ts); the scheduler owns when probes run; the probe owns its socket. Only this file
// replaces a state, and only with what state.ts or summary.ts returns. A state here is the
// shared probe's verdict (its own admin field stays `auto`): an override belongs to one
// service's backend and is applied on top of it, so one tenant's override never changes what
// another tenant's traffic sees.
//
// Within a POP of several nodes (DESIGN.md §4.6) each identity is probed by one of them, its
// owner (ownership.ts). This node probes what it owns; for the rest it follows the owner's
// verdict and rows (applyVerdict, applySummaries), which the process layer brings from the
// Store. Alone, a node owns everything. Activations are incremental: putService and
// removeService cost the size of one service, whatever the number of others.

import { EventEmitter, on } from 'node:events';
import pino from 'pino';
import type { Logger } from 'pino';
import type { BackendDefinition } from '../model/backend.ts';
import { recordProbe } from './state.ts';
import type { AdminState, HealthState, ProbeResult, Transition } from './state.ts';
import { startProbe, wallClock } from './probe.ts';
import type { LookupFn } from './probe.ts';
import { ProbeScheduler } from './scheduler.ts';
import type { TaskRun } from './scheduler.ts';
import { logProbe } from './log.ts';
import type { HealthMetrics } from './metrics.ts';
import { adminMessage, healthMessage } from './ipc.ts';
import type { HealthMessage } from './ipc.ts';
import { AdminOverrides, effectiveHealth } from './admin.ts';
import type { BackendKey } from './admin.ts';
import { Members } from './members.ts';
import type { Tracked } from './members.ts';
import { PopOwnership } from './ownership.ts';
import { entryOf, restoreState, summarize, summarizeOwned, withVerdict } from './summary.ts';
import type { IdentitySummary } from './summary.ts';
import type {
  HealthEntry, HealthEvent, HealthRegistryOptions, HealthSnapshot, HealthTarget, NodeSummary, ProbeFn, SyncResult,
} from './registry-types.ts';

export type {
  HealthEntry, HealthEvent, HealthRegistryOptions, HealthSnapshot, HealthTarget, NodeSummary, ProbeFn, SyncResult,
} from './registry-types.ts';

const noop = (): void => {};

/** A node that takes identities over spreads their first probes over at most this (or their interval). */
const HANDOFF_SPREAD_MS = 1_000;

/**
 * Events: `health` for each HealthEvent; `message` for each HealthMessage the edge workers
 * need (a verdict flip, an override); `probe` (identity, result) after every probe of this
 * node (cheap when nobody listens); `flip` with the row of an identity this node probes whose
 * verdict flipped (for the POP's other nodes); `dropped` with the overrides an activation
 * removed along with their backend.
 */
export class HealthRegistry extends EventEmitter<{
  health: [HealthEvent]; message: [HealthMessage]; probe: [string, ProbeResult]; flip: [IdentitySummary]; dropped: [BackendKey[]];
}> {
  readonly pop: string;
  readonly #logger: Logger;
  readonly #metrics: HealthMetrics | undefined;
  /** undefined: the wire probe, called without a promise (startProbe). */
  readonly #probe: ProbeFn | undefined;
  readonly #lookup: LookupFn | undefined;
  readonly #now: () => number;
  readonly #spread: boolean;
  readonly #scheduler: ProbeScheduler;
  readonly #members: Members;
  readonly #admin = new AdminOverrides();
  readonly #subscribers = new Map<string, Set<(e: HealthEvent) => void>>();
  /** null: this node is alone in its POP and probes everything. */
  #ownership: PopOwnership | null = null;

  constructor(opts: HealthRegistryOptions) {
    super();
    this.pop = opts.pop;
    this.#logger = opts.logger ?? pino({ level: 'silent' });
    this.#metrics = opts.metrics;
    this.#probe = opts.probe;
    this.#lookup = opts.lookup;
    this.#now = opts.now ?? wallClock;
    this.#spread = opts.spread ?? true;
    this.#scheduler = new ProbeScheduler(opts.scheduler);
    this.#members = new Members(opts.pop, this.#metrics, { lookup: this.#lookup, now: this.#now });
  }

  /**
   * Makes the tracked set exactly the identities of `targets` (every backend of every active
   * config in this POP): new identities start probing, kept ones keep their state, the rest stop.
   * The whole set at once; an activation uses putService.
   */
  sync(targets: readonly HealthTarget[]): SyncResult {
    const byService = new Map<string, BackendDefinition[]>();
    for (const { serviceId, backend } of targets) {
      let list = byService.get(serviceId);
      if (list === undefined) byService.set(serviceId, (list = []));
      list.push(backend);
    }
    const before = new Set(this.#members.identities());
    const batch = this.#members.begin(this.#now());
    for (const serviceId of this.#members.serviceIds()) if (!byService.has(serviceId)) this.#members.remove(batch, serviceId);
    for (const [serviceId, backends] of byService) this.#put(batch, serviceId, backends);
    const { started, stopped } = this.#finish(batch);
    const kept = [...new Set(targets.map((x) => this.identityOf(x.serviceId, x.backend.name) as string))].filter((id) => before.has(id));
    return { started, kept, stopped };
  }

  /** One service's active backends (an activation): costs this service's size only. */
  putService(serviceId: string, backends: readonly BackendDefinition[]): SyncResult {
    const batch = this.#members.begin(this.#now());
    const kept = this.#put(batch, serviceId, backends);
    return { ...this.#finish(batch), kept };
  }

  /** A service with no active version any more (its overrides stay, see AdminOverrides). */
  removeService(serviceId: string): SyncResult {
    const batch = this.#members.begin(this.#now());
    this.#members.remove(batch, serviceId);
    return { ...this.#finish(batch), kept: [] };
  }

  /** The shared probe's verdict. An identity nobody synced counts as healthy, like a backend without probe. */
  isHealthy(identity: string): boolean {
    return this.#members.get(identity)?.state.healthy ?? true;
  }

  state(identity: string): HealthState | undefined {
    return this.#members.get(identity)?.state;
  }

  identityOf(serviceId: string, name: string): string | undefined {
    return this.#members.identityOf(serviceId, name);
  }

  /** Whether this node probes the identity (it owns it in its POP). */
  probes(identity: string): boolean {
    return this.#members.get(identity)?.owned ?? false;
  }

  /** `GET /service/{sid}/health`: one entry per backend of the service in this POP. */
  snapshot(serviceId: string): HealthSnapshot {
    const backends = this.#members.service(serviceId).map(({ name, identity }) =>
      this.#entry({ serviceId, name }, this.#members.get(identity) as Tracked));
    return { service_id: serviceId, backends };
  }

  /**
   * `PUT /service/{sid}/health/{backend}` (`varnishadm backend.set_health`): overrides the
   * health of this service's backend only, whoever else shares its probe. False when the
   * service's active configuration has no backend of that VCL name.
   */
  setAdmin(ref: BackendKey, admin: AdminState, at: number = this.#now()): boolean {
    const identity = this.identityOf(ref.serviceId, ref.name);
    const tracked = identity === undefined ? undefined : this.#members.get(identity);
    if (tracked === undefined) return false;
    const before = this.#healthyOf(tracked, ref);
    if (!this.#admin.set(ref.serviceId, ref.name, admin, at)) return true;
    this.emit('message', adminMessage(ref.serviceId, ref.name, admin));
    const healthy = this.#healthyOf(tracked, ref);
    if (healthy === before) return true;
    this.#metrics?.setHealthy({ service: ref.serviceId, backend: ref.name, pop: this.pop }, healthy);
    this.#emit(tracked, 'admin', [ref], healthy);
    return true;
  }

  /**
   * The live nodes of this POP (self included): this node probes the identities it owns among
   * them (ownership.ts) and follows the others. Identities it takes over are probed within
   * HANDOFF_SPREAD_MS (or their interval, if shorter), from the state their last owner wrote.
   */
  setPopNodes(self: string, live: readonly string[]): { taken: number; released: number } {
    const next = new PopOwnership(self, live);
    if (this.#ownership?.sameAs(next) ?? (next.nodes.length === 1)) {
      this.#ownership = next;
      return { taken: 0, released: 0 };
    }
    this.#ownership = next;
    const { taken, released } = this.#members.reassign(next);
    for (const t of released) this.#scheduler.remove(t.identity);
    taken.forEach((t, i) => {
      const interval = (t.backend.probe as NonNullable<BackendDefinition['probe']>).intervalMs;
      this.#scheduler.addTask(t.identity, interval, this.#runner(t), Math.floor((i * Math.min(interval, HANDOFF_SPREAD_MS)) / taken.length));
    });
    return { taken: taken.length, released: released.length };
  }

  /** Rows the owners wrote (for identities this node follows): their states replace ours. */
  applySummaries(rows: readonly IdentitySummary[]): void {
    for (const row of rows) {
      const t = this.#members.byKey(row.key);
      if (t === undefined || t.owned || t.backend.probe === null) continue;
      // Older than what this node already heard (a row read back after a later flip): skip it.
      if (row.at < t.heardAt) continue;
      t.heardAt = row.at;
      this.#follow(t, restoreState(t.backend.probe, row));
    }
  }

  /** A flip the owner announced, ahead of its row. */
  applyVerdict(key: string, healthy: boolean, at: number): void {
    const t = this.#members.byKey(key);
    if (t === undefined || t.owned || t.backend.probe === null) return;
    if (at < t.heardAt) return;
    t.heardAt = at;
    if (t.state.healthy !== healthy) this.#follow(t, withVerdict(t.state, healthy, at));
  }

  /**
   * The rows of identities this node probes that changed since they were last summarised, or
   * were last written `refreshMs` ago or more (so a reader can tell a live row from one left
   * by a node that died), with this node's counts.
   */
  summarize(refreshMs: number, now: number = this.#now()): NodeSummary {
    return summarizeOwned(this.#members.tracked(), refreshMs, now);
  }

  /** Calls `listener` on every event of one identity; returns the unsubscribe function. */
  subscribe(identity: string, listener: (e: HealthEvent) => void): () => void {
    let set = this.#subscribers.get(identity);
    if (set === undefined) this.#subscribers.set(identity, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#subscribers.delete(identity);
    };
  }

  /** Every event from now on, until `signal` aborts (for `GET /health/events`). */
  async *events(signal?: AbortSignal): AsyncGenerator<HealthEvent> {
    try {
      for await (const [event] of on(this, 'health', { signal })) yield event as HealthEvent;
    } catch (err) {
      if (!(signal?.aborted ?? false)) throw err;
    }
  }

  /** Everything an edge worker that just started must learn: every verdict and every override. */
  messages(): HealthMessage[] {
    return [
      ...[...this.#members.tracked()].map((t) => healthMessage(t.identity, t.state.healthy)),
      ...this.#admin.entries().map((o) => adminMessage(o.serviceId, o.name, o.admin)),
    ];
  }

  close(): void {
    this.#scheduler.close();
    this.#members.clear();
  }

  /** Answers the identities of this service that were tracked before (kept). */
  #put(batch: ReturnType<Members['begin']>, serviceId: string, backends: readonly BackendDefinition[]): string[] {
    const kept = this.#members.put(batch, serviceId, backends);
    const names = new Set(this.#members.service(serviceId).map((b) => b.name));
    const dropped = this.#admin.retainService(serviceId, names);
    for (const d of dropped) this.emit('message', adminMessage(d.serviceId, d.name, 'auto'));
    if (dropped.length > 0) this.emit('dropped', dropped);
    return kept;
  }

  /** Stops what the batch orphaned, announces and schedules what it started. */
  #finish(batch: ReturnType<Members['begin']>): { started: string[]; stopped: string[] } {
    const { started, stopped, attached } = this.#members.end(batch);
    for (const id of stopped) this.#scheduler.remove(id);
    for (const { tracked, member } of attached) {
      this.#metrics?.setHealthy({ service: member.serviceId, backend: member.name, pop: this.pop }, this.#healthyOf(tracked, member));
    }
    const at = new Date(batch.now).toISOString();
    const fresh = started.map((id) => this.#members.get(id) as Tracked);
    for (const t of fresh) {
      t.owned = t.backend.probe !== null && (this.#ownership?.owns(t.keyHash) ?? true);
      this.emit('message', healthMessage(t.identity, t.state.healthy));
      this.#emit(t, 'start', this.#following(t), t.state.healthy, at);
    }
    // Scheduled last, so that the spread of first probes begins when the rest of the work
    // (gauges, events: ~100 ms for 10,000 backends) is done; scheduled first, the probes due
    // meanwhile would all start in one burst when it returns.
    const probed = fresh.filter((t) => t.owned);
    probed.forEach((t, i) => {
      const interval = (t.backend.probe as NonNullable<BackendDefinition['probe']>).intervalMs;
      // A revived identity keeps its cadence: its next probe is due when it would have been.
      const firstDelay = t.lastProbeAt !== null
        ? Math.min(interval, Math.max(0, t.lastProbeAt + interval - batch.now))
        : this.#spread ? Math.floor((i * interval) / probed.length) : 0;
      this.#scheduler.addTask(t.identity, interval, this.#runner(t), firstDelay);
    });
    return { started, stopped };
  }

  /** One task's run, built once per identity: every probe of it reuses these functions. */
  #runner(tracked: Tracked): TaskRun {
    const probe = this.#probe;
    if (probe !== undefined) {
      return (done) => {
        probe(tracked.backend, tracked.probeOpts).then((result) => {
          try {
            this.#record(tracked, result);
          } finally {
            done();
          }
        }, done);
      };
    }
    let finished = noop;
    const onResult = (result: ProbeResult): void => {
      // A listener that throws must not stop this identity's probes.
      try {
        this.#record(tracked, result);
      } finally {
        finished();
      }
    };
    return (done) => {
      finished = done;
      startProbe(tracked.backend, tracked.probeOpts, onResult);
    };
  }

  #record(tracked: Tracked, result: ProbeResult): void {
    // Stopped or handed over while the probe ran (Varnish vbp_task: running < 0 → delete): drop the result.
    if (this.#members.get(tracked.identity) !== tracked || !tracked.owned) return;
    this.#metrics?.observe(result);
    tracked.lastProbeAt = this.#now();
    this.#apply(tracked, recordProbe(tracked.state, result, tracked.lastProbeAt));
    this.emit('probe', tracked.identity, result);
  }

  #apply(tracked: Tracked, t: Transition): void {
    tracked.state = t.state;
    // A probe that changes nothing logs at debug; with debug off, skip the per-member loop.
    if (t.changed || this.#logger.isLevelEnabled('debug')) {
      for (const m of tracked.members.values()) {
        logProbe(this.#logger, { service: m.serviceId, backend: m.name, pop: this.pop, identity: tracked.identity }, t.state, t.changed);
      }
    }
    if (t.changed && this.listenerCount('flip') > 0) this.emit('flip', summarize(tracked.key, t.state, this.#now()));
    if (t.flipped) this.#flipped(tracked);
  }

  /** A followed identity's state, as its owner wrote or announced it. */
  #follow(tracked: Tracked, state: HealthState): void {
    const flipped = state.healthy !== tracked.state.healthy;
    tracked.state = state;
    if (flipped) this.#flipped(tracked);
  }

  #flipped(tracked: Tracked): void {
    this.emit('message', healthMessage(tracked.identity, tracked.state.healthy));
    const following = this.#following(tracked);
    for (const m of following) this.#metrics?.setHealthy({ service: m.serviceId, backend: m.name, pop: this.pop }, tracked.state.healthy);
    this.#emit(tracked, 'probe', following, tracked.state.healthy);
  }

  /** The members whose health is the probe's verdict (no override). */
  #following(t: Tracked): BackendKey[] {
    return [...t.members.values()].filter((m) => this.#admin.admin(m.serviceId, m.name) === 'auto');
  }

  #healthyOf(t: Tracked, m: BackendKey): boolean {
    return effectiveHealth(this.#admin.admin(m.serviceId, m.name), t.state.sick);
  }

  #emit(t: Tracked, cause: HealthEvent['cause'], backends: readonly BackendKey[], healthy: boolean, at?: string): void {
    if (backends.length === 0) return;
    const subscribers = this.#subscribers.get(t.identity);
    // A sync that starts 10,000 identities need not build 10,000 events nobody receives.
    if (subscribers === undefined && this.listenerCount('health') === 0) return;
    const event: HealthEvent = {
      type: 'health', identity: t.identity, healthy, cause, pop: this.pop, at: at ?? new Date(this.#now()).toISOString(),
      backends: backends.map((m) => ({ service_id: m.serviceId, name: m.name })),
    };
    for (const listener of subscribers ?? []) listener(event);
    this.emit('health', event);
  }

  #entry(m: BackendKey, t: Tracked): HealthEntry {
    return entryOf(m, t, this.pop, this.#admin.admin(m.serviceId, m.name), this.#admin.since(m.serviceId, m.name));
  }
}
