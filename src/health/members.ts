// Which backends follow which probe identity, changed one service at a time. Who owns what:
// this index owns the Tracked record of every identity of the POP's active configurations,
// the members (service, VCL name) of each, and the identities stopped a moment ago (cooling);
// the registry (registry.ts) owns what a Tracked's state becomes and when it is probed.
// Every change happens in a batch: members are attached and detached, and only at the end
// are identities left without members stopped, so one that moves between services (or
// between the deactivation and the activation of one commit) keeps its state.

import { probeIdentity } from '../model/backend.ts';
import type { BackendDefinition } from '../model/backend.ts';
import { backendKey } from './admin.ts';
import type { BackendKey } from './admin.ts';
import type { HealthMetrics } from './metrics.ts';
import type { ProbeOptions } from './probe.ts';
import { createHealthState } from './state.ts';
import type { HealthState } from './state.ts';
import { hash32 } from './ownership.ts';
import type { PopOwnership } from './ownership.ts';
import { identityKey } from './summary.ts';

export interface Tracked {
  readonly identity: string;
  /** summary.ts identityKey: the identity's name in rows and events. */
  readonly key: string;
  /** ownership.ts hash32 of the key. */
  readonly keyHash: number;
  readonly backend: BackendDefinition;
  state: HealthState;
  /** backendKey(service, VCL name) → the member. */
  readonly members: Map<string, BackendKey>;
  /** What the probe is given, built once per identity rather than once per probe. */
  readonly probeOpts: ProbeOptions;
  /** Wall clock (epoch ms) when this node last recorded a probe result; null before the first. */
  lastProbeAt: number | null;
  /** This node probes it (it owns it in its POP). */
  owned: boolean;
  /** The state last summarised (null: never, or since this node took it over). */
  reported: HealthState | null;
  reportedAt: number;
  /** The owner's time (epoch ms) of the latest row or flip this node followed; 0 before any. */
  heardAt: number;
}

export interface Batch {
  readonly now: number;
  readonly started: Tracked[];
  readonly startedSet: Set<Tracked>;
  readonly orphans: Set<Tracked>;
  /** Members attached to an identity they did not follow before. */
  readonly attached: Array<{ readonly tracked: Tracked; readonly member: BackendKey }>;
}

export class Members {
  readonly #pop: string;
  readonly #metrics: HealthMetrics | undefined;
  readonly #probeOpts: ProbeOptions;
  #tracked = new Map<string, Tracked>();
  #byKey = new Map<string, Tracked>();
  /** serviceId → its backends in declaration order. */
  #services = new Map<string, Array<{ readonly name: string; readonly identity: string }>>();
  #byMember = new Map<string, string>();
  /**
   * Identities stopped a moment ago, kept for one probe interval: one that comes back within
   * it resumes its state and history, which no probe would have changed meanwhile.
   */
  #cooling = new Map<string, { readonly tracked: Tracked; readonly until: number }>();

  constructor(pop: string, metrics: HealthMetrics | undefined, probeOpts: ProbeOptions) {
    this.#pop = pop;
    this.#metrics = metrics;
    this.#probeOpts = probeOpts;
  }

  begin(now: number): Batch {
    return { now, started: [], startedSet: new Set(), orphans: new Set(), attached: [] };
  }

  /** Makes `serviceId`'s members exactly `backends` (the first of a name wins); answers the kept identities. */
  put(batch: Batch, serviceId: string, backends: readonly BackendDefinition[]): string[] {
    const old = this.#services.get(serviceId) ?? [];
    const list: Array<{ name: string; identity: string }> = [];
    const names = new Set<string>();
    const kept = new Set<string>();
    for (const backend of backends) {
      if (names.has(backend.name)) continue;
      names.add(backend.name);
      const identity = probeIdentity(backend);
      list.push({ name: backend.name, identity });
      const key = backendKey(serviceId, backend.name);
      const previous = this.#byMember.get(key);
      if (previous === identity) {
        kept.add(identity);
        continue;
      }
      if (previous !== undefined) this.#detach(batch, previous, key);
      let t = this.#tracked.get(identity);
      if (t === undefined) {
        t = this.#revive(identity, batch.now) ?? this.#create(backend, identity, batch.now);
        this.#tracked.set(identity, t);
        this.#byKey.set(t.key, t);
        batch.started.push(t);
        batch.startedSet.add(t);
      } else if (!batch.startedSet.has(t)) {
        kept.add(identity);
      }
      const member = { serviceId, name: backend.name };
      t.members.set(key, member);
      this.#byMember.set(key, identity);
      batch.orphans.delete(t);
      batch.attached.push({ tracked: t, member });
    }
    for (const { name, identity } of old) {
      if (names.has(name)) continue;
      this.#leave(batch, serviceId, name, identity);
    }
    this.#services.set(serviceId, list);
    return [...kept];
  }

  remove(batch: Batch, serviceId: string): void {
    for (const { name, identity } of this.#services.get(serviceId) ?? []) this.#leave(batch, serviceId, name, identity);
    this.#services.delete(serviceId);
  }

  /** Stops the identities the batch left without members. */
  end(batch: Batch): { started: string[]; stopped: string[]; attached: Batch['attached'] } {
    for (const [id, c] of this.#cooling) if (c.until <= batch.now) this.#cooling.delete(id);
    const stopped: string[] = [];
    for (const t of batch.orphans) {
      if (t.members.size > 0) continue;
      this.#tracked.delete(t.identity);
      this.#byKey.delete(t.key);
      if (!batch.startedSet.has(t)) stopped.push(t.identity);
      if (t.backend.probe !== null) this.#cooling.set(t.identity, { tracked: t, until: batch.now + t.backend.probe.intervalMs });
    }
    const started = batch.started.filter((t) => this.#tracked.get(t.identity) === t).map((t) => t.identity);
    return { started, stopped, attached: batch.attached.filter((a) => this.#tracked.get(a.tracked.identity) === a.tracked) };
  }

  get(identity: string): Tracked | undefined {
    return this.#tracked.get(identity);
  }

  byKey(key: string): Tracked | undefined {
    return this.#byKey.get(key);
  }

  identityOf(serviceId: string, name: string): string | undefined {
    return this.#byMember.get(backendKey(serviceId, name));
  }

  service(serviceId: string): ReadonlyArray<{ readonly name: string; readonly identity: string }> {
    return this.#services.get(serviceId) ?? [];
  }

  serviceIds(): string[] {
    return [...this.#services.keys()];
  }

  identities(): IterableIterator<string> {
    return this.#tracked.keys();
  }

  tracked(): IterableIterator<Tracked> {
    return this.#tracked.values();
  }

  /**
   * Who probes what after the POP's live nodes changed: marks each probed identity owned or
   * not, and answers those this node takes over (to probe, from the state it followed) and
   * those it hands over (to stop probing).
   */
  reassign(ownership: PopOwnership): { taken: Tracked[]; released: Tracked[] } {
    const taken: Tracked[] = [];
    const released: Tracked[] = [];
    for (const t of this.#tracked.values()) {
      if (t.backend.probe === null) continue;
      const owns = ownership.owns(t.keyHash);
      if (owns === t.owned) continue;
      t.owned = owns;
      if (owns) {
        // Written again at the next summary, now as this node's row.
        t.reported = null;
        taken.push(t);
      } else {
        released.push(t);
      }
    }
    return { taken, released };
  }

  clear(): void {
    this.#tracked = new Map();
    this.#byKey = new Map();
    this.#cooling = new Map();
  }

  #create(backend: BackendDefinition, identity: string, now: number): Tracked {
    const key = identityKey(identity);
    return {
      identity, key, keyHash: hash32(key), backend, state: createHealthState(backend.probe, now), members: new Map(),
      probeOpts: this.#probeOpts, lastProbeAt: null, owned: false, reported: null, reportedAt: 0, heardAt: 0,
    };
  }

  #revive(identity: string, now: number): Tracked | undefined {
    const cooled = this.#cooling.get(identity);
    this.#cooling.delete(identity);
    return cooled !== undefined && cooled.until > now ? cooled.tracked : undefined;
  }

  #leave(batch: Batch, serviceId: string, name: string, identity: string): void {
    const key = backendKey(serviceId, name);
    this.#detach(batch, identity, key);
    this.#byMember.delete(key);
    this.#metrics?.forget({ service: serviceId, backend: name, pop: this.#pop });
  }

  #detach(batch: Batch, identity: string, key: string): void {
    const t = this.#tracked.get(identity);
    if (t === undefined) return;
    t.members.delete(key);
    if (t.members.size === 0) batch.orphans.add(t);
  }
}
