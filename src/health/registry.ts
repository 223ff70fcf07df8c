// The POP's health: one HealthState per probe identity (share_key + normalised definition,
// model/backend.ts probeIdentity), shared by every backend in any service that has that
// identity (DESIGN.md §4.5). Who owns what: the registry owns the states and the set of
// members (service, VCL name) of each identity; the scheduler owns when probes run; the probe
// owns its socket. Only this file replaces a state, and only with what state.ts returns.

import { EventEmitter, on } from 'node:events';
import pino from 'pino';
import type { Logger } from 'pino';
import { probeIdentity } from '../model/backend.ts';
import type { BackendDefinition } from '../model/backend.ts';
import { bitStrings, createHealthState, recordProbe, setAdmin } from './state.ts';
import type { AdminState, BitLetter, HealthState, ProbeResult, Transition } from './state.ts';
import { startProbe, wallClock } from './probe.ts';
import type { LookupFn, ProbeOptions } from './probe.ts';
import { ProbeScheduler } from './scheduler.ts';
import type { SchedulerOptions, TaskRun } from './scheduler.ts';
import { logProbe } from './log.ts';
import type { HealthMetrics } from './metrics.ts';
import { healthMessage } from './ipc.ts';
import type { HealthMessage } from './ipc.ts';

export interface HealthTarget {
  readonly serviceId: string;
  readonly backend: BackendDefinition;
}

/** One entry of `GET /service/{sid}/health` (issue 4 §4). */
export interface HealthEntry {
  name: string;
  pop: string;
  identity: string;
  admin: AdminState;
  healthy: boolean;
  good: number;
  threshold: number;
  window: number;
  bits: Record<BitLetter, string>;
  last_change: string;
  last_response: string;
  avg_rtt_ms: number;
}

export interface HealthSnapshot {
  service_id: string;
  backends: HealthEntry[];
}

/** A change of effective health (`probe`, `admin`), or a newly tracked identity (`start`). */
export interface HealthEvent {
  readonly type: 'health';
  readonly identity: string;
  readonly healthy: boolean;
  readonly cause: 'start' | 'probe' | 'admin';
  readonly pop: string;
  readonly at: string;
  readonly backends: ReadonlyArray<{ readonly service_id: string; readonly name: string }>;
}

export interface SyncResult {
  readonly started: string[];
  readonly kept: string[];
  readonly stopped: string[];
}

export type ProbeFn = (backend: BackendDefinition, opts: ProbeOptions) => Promise<ProbeResult>;

export interface HealthRegistryOptions {
  readonly pop: string;
  readonly logger?: Logger;
  readonly metrics?: HealthMetrics;
  /** Replaces the wire probe (tests, benches). */
  readonly probe?: ProbeFn;
  readonly lookup?: LookupFn;
  /** Wall clock in epoch ms. */
  readonly now?: () => number;
  readonly scheduler?: SchedulerOptions;
  /** Spread the first probes of new identities over their first interval (default true). */
  readonly spread?: boolean;
}

export type BackendRef = string | { readonly serviceId: string; readonly name: string };

interface Member {
  readonly serviceId: string;
  readonly name: string;
}

interface Tracked {
  readonly identity: string;
  readonly backend: BackendDefinition;
  state: HealthState;
  members: Member[];
  /** What the probe is given, built once per identity rather than once per probe. */
  readonly probeOpts: ProbeOptions;
}

// VCL names never contain NUL (they are VCL identifiers), so the last NUL splits the key
// unambiguously; cheaper than JSON for the 10,000 members of a large sync.
const memberKey = (serviceId: string, name: string): string => `${serviceId}\u0000${name}`;

const noop = (): void => {};

const splitMemberKey = (key: string): [string, string] => {
  const at = key.lastIndexOf('\u0000');
  return [key.slice(0, at), key.slice(at + 1)];
};

/**
 * Events: `health` for each HealthEvent; `probe` (identity, result) after every probe, for
 * passive health that waits for a good probe (cheap when nobody listens).
 */
export class HealthRegistry extends EventEmitter<{ health: [HealthEvent]; probe: [string, ProbeResult] }> {
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
  /** serviceId → its backends in declaration order. */
  #services = new Map<string, Array<{ name: string; identity: string }>>();
  #byMember = new Map<string, string>();
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
    const next = new Map<string, Tracked>();
    const services = new Map<string, Array<{ name: string; identity: string }>>();
    const byMember = new Map<string, string>();
    for (const { serviceId, backend } of targets) {
      const key = memberKey(serviceId, backend.name);
      if (byMember.has(key)) continue;
      const identity = probeIdentity(backend);
      byMember.set(key, identity);
      let list = services.get(serviceId);
      if (list === undefined) services.set(serviceId, (list = []));
      list.push({ name: backend.name, identity });
      let tracked = next.get(identity);
      if (tracked === undefined) {
        const old = this.#tracked.get(identity);
        tracked = old ?? {
          identity, backend, state: createHealthState(backend.probe, this.#now()), members: [],
          probeOpts: { lookup: this.#lookup, now: this.#now },
        };
        tracked.members = [];
        next.set(identity, tracked);
      }
      tracked.members.push({ serviceId, name: backend.name });
    }

    const stopped = [...this.#tracked.keys()].filter((id) => !next.has(id));
    const started = [...next.keys()].filter((id) => !this.#tracked.has(id));
    const kept = [...next.keys()].filter((id) => this.#tracked.has(id));
    for (const id of stopped) this.#scheduler.remove(id);
    for (const key of this.#byMember.keys()) {
      if (!byMember.has(key)) {
        const [service, backend] = splitMemberKey(key);
        this.#metrics?.forget({ service, backend, pop: this.pop });
      }
    }
    const previous = this.#byMember;
    this.#tracked = next;
    this.#services = services;
    this.#byMember = byMember;

    // A member that kept its identity has the right gauge value already.
    for (const t of next.values()) {
      for (const m of t.members) {
        if (previous.get(memberKey(m.serviceId, m.name)) === t.identity) continue;
        this.#metrics?.setHealthy({ service: m.serviceId, backend: m.name, pop: this.pop }, t.state.healthy);
      }
    }
    const at = new Date(this.#now()).toISOString();
    for (const id of started) this.#emit(next.get(id) as Tracked, 'start', at);
    // Scheduled last, so that the spread of first probes begins when the rest of the sync
    // (gauges, events: ~100 ms for 10,000 backends) is done; scheduled first, the probes due
    // meanwhile would all start in one burst when the sync returns.
    const probed = started.map((id) => next.get(id) as Tracked).filter((t) => t.backend.probe !== null);
    probed.forEach((t, i) => {
      const interval = (t.backend.probe as NonNullable<BackendDefinition['probe']>).intervalMs;
      const firstDelay = this.#spread ? Math.floor((i * interval) / probed.length) : 0;
      this.#scheduler.addTask(t.identity, interval, this.#runner(t), firstDelay);
    });
    return { started, kept, stopped };
  }

  /** Routing's question. An identity nobody synced counts as healthy, like a backend without probe. */
  isHealthy(identity: string): boolean {
    return this.#tracked.get(identity)?.state.healthy ?? true;
  }

  state(identity: string): HealthState | undefined {
    return this.#tracked.get(identity)?.state;
  }

  identityOf(serviceId: string, name: string): string | undefined {
    return this.#byMember.get(memberKey(serviceId, name));
  }

  /** `GET /service/{sid}/health`: one entry per backend of the service in this POP. */
  snapshot(serviceId: string): HealthSnapshot {
    const backends = (this.#services.get(serviceId) ?? []).map(({ name, identity }) =>
      this.#entry(name, this.#tracked.get(identity) as Tracked));
    return { service_id: serviceId, backends };
  }

  /**
   * `PUT /service/{sid}/health/{backend}` and `backend.set_health`. The admin state belongs to
   * the identity, so it applies to every backend sharing the probe. False when unknown.
   */
  setAdmin(ref: BackendRef, admin: AdminState): boolean {
    const identity = typeof ref === 'string' ? ref : this.identityOf(ref.serviceId, ref.name);
    const tracked = identity === undefined ? undefined : this.#tracked.get(identity);
    if (tracked === undefined) return false;
    this.#apply(tracked, setAdmin(tracked.state, admin, this.#now()), 'admin');
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

  /** The current health of every identity as IPC messages (for a worker that just started). */
  messages(): HealthMessage[] {
    return [...this.#tracked.values()].map((t) => healthMessage(t.identity, t.state.healthy));
  }

  close(): void {
    this.#scheduler.close();
    this.#tracked = new Map();
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
    this.#apply(tracked, recordProbe(tracked.state, result, this.#now()), 'probe');
    this.emit('probe', tracked.identity, result);
  }

  #apply(tracked: Tracked, t: Transition, cause: 'probe' | 'admin'): void {
    tracked.state = t.state;
    // A probe that changes nothing logs at debug; with debug off, skip the per-member loop.
    if (cause === 'probe' && (t.changed || this.#logger.isLevelEnabled('debug'))) {
      for (const m of tracked.members) {
        logProbe(this.#logger, { service: m.serviceId, backend: m.name, pop: this.pop, identity: tracked.identity }, t.state, t.changed);
      }
    }
    if (!t.flipped) return;
    this.#gauge(tracked);
    this.#emit(tracked, cause);
  }

  #gauge(t: Tracked): void {
    for (const m of t.members) this.#metrics?.setHealthy({ service: m.serviceId, backend: m.name, pop: this.pop }, t.state.healthy);
  }

  #emit(t: Tracked, cause: HealthEvent['cause'], at?: string): void {
    const subscribers = this.#subscribers.get(t.identity);
    // A sync that starts 10,000 identities need not build 10,000 events nobody receives.
    if (subscribers === undefined && this.listenerCount('health') === 0) return;
    const event: HealthEvent = {
      type: 'health', identity: t.identity, healthy: t.state.healthy, cause, pop: this.pop, at: at ?? new Date(this.#now()).toISOString(),
      backends: t.members.map((m) => ({ service_id: m.serviceId, name: m.name })),
    };
    for (const listener of subscribers ?? []) listener(event);
    this.emit('health', event);
  }

  #entry(name: string, t: Tracked): HealthEntry {
    const s = t.state;
    return {
      name, pop: this.pop, identity: t.identity, admin: s.admin, healthy: s.healthy, good: s.good,
      threshold: s.probe?.threshold ?? 0, window: s.probe?.window ?? 0, bits: bitStrings(s),
      last_change: new Date(s.lastChange).toISOString(), last_response: s.lastResponse,
      avg_rtt_ms: Math.round(s.avgRttMs * 1000) / 1000,
    };
  }
}
