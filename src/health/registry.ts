// The POP's health: one HealthState per probe identity (share_key + normalised definition,
// model/backend.ts probeIdentity), shared by every backend in any service that has that
// identity (DESIGN.md §1). Who owns what: the registry owns the states, the members
// (service, VCL name) of each identity and the operators' overrides (admin.ts); the scheduler
// owns when probes run; the probe owns its socket. Only this file replaces a state, and only
// with what state.ts returns. A state here is the shared probe's verdict (its own admin field
// stays `auto`): an override belongs to one service's backend and is applied on top of it, so
// one tenant's override never changes what another tenant's traffic sees.

import { EventEmitter, on } from 'node:events';
import pino from 'pino';
import type { Logger } from 'pino';
import { probeIdentity } from '../model/backend.ts';
import type { BackendDefinition } from '../model/backend.ts';
import { bitStrings, createHealthState, recordProbe, setAdmin } from './state.ts';
import type { AdminState, HealthState, ProbeResult, Transition } from './state.ts';
import { startProbe, wallClock } from './probe.ts';
import type { LookupFn, ProbeOptions } from './probe.ts';
import { ProbeScheduler } from './scheduler.ts';
import type { TaskRun } from './scheduler.ts';
import { logProbe } from './log.ts';
import type { HealthMetrics } from './metrics.ts';
import { adminMessage, healthMessage } from './ipc.ts';
import type { HealthMessage } from './ipc.ts';
import { AdminOverrides, backendKey, effectiveHealth, splitBackendKey } from './admin.ts';
import type { BackendKey } from './admin.ts';
import type { HealthEntry, HealthEvent, HealthRegistryOptions, HealthSnapshot, HealthTarget, ProbeFn, SyncResult } from './registry-types.ts';

export type { HealthEntry, HealthEvent, HealthRegistryOptions, HealthSnapshot, HealthTarget, ProbeFn, SyncResult } from './registry-types.ts';

interface Tracked {
  readonly identity: string;
  readonly backend: BackendDefinition;
  state: HealthState;
  members: BackendKey[];
  /** What the probe is given, built once per identity rather than once per probe. */
  readonly probeOpts: ProbeOptions;
  /** Wall clock (epoch ms) when the last probe result was recorded; null before the first. */
  lastProbeAt: number | null;
}

const noop = (): void => {};

/**
 * Events: `health` for each HealthEvent; `message` for each HealthMessage the edge workers
 * need (a verdict flip, an override); `probe` (identity, result) after every probe, for
 * passive health that waits for a good probe (cheap when nobody listens).
 */
export class HealthRegistry extends EventEmitter<{ health: [HealthEvent]; message: [HealthMessage]; probe: [string, ProbeResult] }> {
  readonly pop: string;
  readonly #logger: Logger;
  readonly #metrics: HealthMetrics | undefined;
  /** undefined: the wire probe, called without a promise (startProbe). */
  readonly #probe: ProbeFn | undefined;
  readonly #lookup: LookupFn | undefined;
  readonly #now: () => number;
  readonly #spread: boolean;
  readonly #scheduler: ProbeScheduler;
  #tracked = new Map<string, Tracked>();
  /**
   * Identities that the last syncs stopped, kept for one probe interval: one that comes back
   * within it resumes its state and history, which no probe would have changed meanwhile.
   * An activation is a deactivation of the old version and then an activation of the new one;
   * without this, every backend it kept restarted from `.initial`.
   */
  #cooling = new Map<string, { readonly tracked: Tracked; readonly until: number }>();
  /** serviceId → its backends in declaration order. */
  #services = new Map<string, Array<{ name: string; identity: string }>>();
  #byMember = new Map<string, string>();
  readonly #admin = new AdminOverrides();
  readonly #subscribers = new Map<string, Set<(e: HealthEvent) => void>>();

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
  }

  /**
   * Makes the tracked set exactly the identities of `targets` (every backend of every active
   * config in this POP): new identities start probing, kept ones keep their state, the rest stop.
   */
  sync(targets: readonly HealthTarget[]): SyncResult {
    const now = this.#now();
    const next = new Map<string, Tracked>();
    const services = new Map<string, Array<{ name: string; identity: string }>>();
    const byMember = new Map<string, string>();
    for (const { serviceId, backend } of targets) {
      const key = backendKey(serviceId, backend.name);
      if (byMember.has(key)) continue;
      const identity = probeIdentity(backend);
      byMember.set(key, identity);
      let list = services.get(serviceId);
      if (list === undefined) services.set(serviceId, (list = []));
      list.push({ name: backend.name, identity });
      let tracked = next.get(identity);
      if (tracked === undefined) {
        tracked = this.#tracked.get(identity) ?? this.#revive(identity, now) ?? {
          identity, backend, state: createHealthState(backend.probe, now), members: [],
          probeOpts: { lookup: this.#lookup, now: this.#now }, lastProbeAt: null,
        };
        tracked.members = [];
        next.set(identity, tracked);
      }
      tracked.members.push({ serviceId, name: backend.name });
    }

    const stopped = [...this.#tracked.keys()].filter((id) => !next.has(id));
    const started = [...next.keys()].filter((id) => !this.#tracked.has(id));
    const kept = [...next.keys()].filter((id) => this.#tracked.has(id));
    for (const [id, c] of this.#cooling) if (c.until <= now) this.#cooling.delete(id);
    for (const id of stopped) {
      this.#scheduler.remove(id);
      const t = this.#tracked.get(id) as Tracked;
      if (t.backend.probe !== null) this.#cooling.set(id, { tracked: t, until: now + t.backend.probe.intervalMs });
    }
    for (const key of this.#byMember.keys()) {
      if (!byMember.has(key)) {
        const { serviceId, name } = splitBackendKey(key);
        this.#metrics?.forget({ service: serviceId, backend: name, pop: this.pop });
      }
    }
    const previous = this.#byMember;
    this.#tracked = next;
    this.#services = services;
    this.#byMember = byMember;
    const present = new Map([...services].map(([sid, list]) => [sid, new Set(list.map((b) => b.name))]));
    for (const d of this.#admin.retain(present)) this.emit('message', adminMessage(d.serviceId, d.name, 'auto'));

    // A member that kept its identity has the right gauge value already.
    for (const t of next.values()) {
      for (const m of t.members) {
        if (previous.get(backendKey(m.serviceId, m.name)) === t.identity) continue;
        this.#metrics?.setHealthy({ service: m.serviceId, backend: m.name, pop: this.pop }, this.#healthyOf(t, m));
      }
    }
    const at = new Date(now).toISOString();
    for (const id of started) {
      const t = next.get(id) as Tracked;
      this.emit('message', healthMessage(id, t.state.healthy));
      this.#emit(t, 'start', this.#following(t), t.state.healthy, at);
    }
    // Scheduled last, so that the spread of first probes begins when the rest of the sync
    // (gauges, events: ~100 ms for 10,000 backends) is done; scheduled first, the probes due
    // meanwhile would all start in one burst when the sync returns.
    const probed = started.map((id) => next.get(id) as Tracked).filter((t) => t.backend.probe !== null);
    probed.forEach((t, i) => {
      const interval = (t.backend.probe as NonNullable<BackendDefinition['probe']>).intervalMs;
      // A revived identity keeps its cadence: its next probe is due when it would have been.
      const firstDelay = t.lastProbeAt !== null
        ? Math.min(interval, Math.max(0, t.lastProbeAt + interval - now))
        : this.#spread ? Math.floor((i * interval) / probed.length) : 0;
      this.#scheduler.addTask(t.identity, interval, this.#runner(t), firstDelay);
    });
    return { started, kept, stopped };
  }

  /** The shared probe's verdict. An identity nobody synced counts as healthy, like a backend without probe. */
  isHealthy(identity: string): boolean {
    return this.#tracked.get(identity)?.state.healthy ?? true;
  }

  state(identity: string): HealthState | undefined {
    return this.#tracked.get(identity)?.state;
  }

  identityOf(serviceId: string, name: string): string | undefined {
    return this.#byMember.get(backendKey(serviceId, name));
  }

  /** `GET /service/{sid}/health`: one entry per backend of the service in this POP. */
  snapshot(serviceId: string): HealthSnapshot {
    const backends = (this.#services.get(serviceId) ?? []).map(({ name, identity }) =>
      this.#entry({ serviceId, name }, this.#tracked.get(identity) as Tracked));
    return { service_id: serviceId, backends };
  }

  /**
   * `PUT /service/{sid}/health/{backend}` (`varnishadm backend.set_health`): overrides the
   * health of this service's backend only, whoever else shares its probe. False when the
   * service's active configuration has no backend of that VCL name.
   */
  setAdmin(ref: BackendKey, admin: AdminState): boolean {
    const identity = this.identityOf(ref.serviceId, ref.name);
    const tracked = identity === undefined ? undefined : this.#tracked.get(identity);
    if (tracked === undefined) return false;
    const before = this.#healthyOf(tracked, ref);
    if (!this.#admin.set(ref.serviceId, ref.name, admin, this.#now())) return true;
    this.emit('message', adminMessage(ref.serviceId, ref.name, admin));
    const healthy = this.#healthyOf(tracked, ref);
    if (healthy === before) return true;
    this.#metrics?.setHealthy({ service: ref.serviceId, backend: ref.name, pop: this.pop }, healthy);
    this.#emit(tracked, 'admin', [ref], healthy);
    return true;
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
      ...[...this.#tracked.values()].map((t) => healthMessage(t.identity, t.state.healthy)),
      ...this.#admin.entries().map((o) => adminMessage(o.serviceId, o.name, o.admin)),
    ];
  }

  close(): void {
    this.#scheduler.close();
    this.#tracked = new Map();
    this.#cooling = new Map();
  }

  #revive(identity: string, now: number): Tracked | undefined {
    const cooled = this.#cooling.get(identity);
    this.#cooling.delete(identity);
    return cooled !== undefined && cooled.until > now ? cooled.tracked : undefined;
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
    // Stopped while the probe ran (Varnish vbp_task: running < 0 → delete): drop the result.
    if (this.#tracked.get(tracked.identity) !== tracked) return;
    this.#metrics?.observe(result);
    tracked.lastProbeAt = this.#now();
    this.#apply(tracked, recordProbe(tracked.state, result, tracked.lastProbeAt));
    this.emit('probe', tracked.identity, result);
  }

  #apply(tracked: Tracked, t: Transition): void {
    tracked.state = t.state;
    // A probe that changes nothing logs at debug; with debug off, skip the per-member loop.
    if (t.changed || this.#logger.isLevelEnabled('debug')) {
      for (const m of tracked.members) {
        logProbe(this.#logger, { service: m.serviceId, backend: m.name, pop: this.pop, identity: tracked.identity }, t.state, t.changed);
      }
    }
    if (!t.flipped) return;
    this.emit('message', healthMessage(tracked.identity, t.state.healthy));
    const following = this.#following(tracked);
    for (const m of following) this.#metrics?.setHealthy({ service: m.serviceId, backend: m.name, pop: this.pop }, t.state.healthy);
    this.#emit(tracked, 'probe', following, t.state.healthy);
  }

  /** The members whose health is the probe's verdict (no override). */
  #following(t: Tracked): BackendKey[] {
    return t.members.filter((m) => this.#admin.admin(m.serviceId, m.name) === 'auto');
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
    const admin = this.#admin.admin(m.serviceId, m.name);
    // The member's view: its override applied to the shared state, changed when it was set.
    const s = admin === 'auto' ? t.state : setAdmin(t.state, admin, this.#admin.since(m.serviceId, m.name)).state;
    return {
      name: m.name, pop: this.pop, identity: t.identity, admin: s.admin, healthy: s.healthy, good: s.good,
      threshold: s.probe?.threshold ?? 0, window: s.probe?.window ?? 0, bits: bitStrings(s),
      last_change: new Date(s.lastChange).toISOString(), last_response: s.lastResponse,
      avg_rtt_ms: Math.round(s.avgRttMs * 1000) / 1000,
    };
  }
}
