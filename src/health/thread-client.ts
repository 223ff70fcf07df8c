// The probe thread as the thread that serves the API sees it (DESIGN.md §1 health/). Probes,
// states and the scheduler live on a node:worker_threads thread of their own (thread-host.ts);
// this side keeps what routing and the API need at once, without a round trip:
// - which backends follow which identity (a Members index like the thread's), so an override
//   of an unknown backend is refused on the spot and `isHealthy`/`messages` answer at once;
// - every verdict and override, as the thread last announced it. A new identity's verdict is
//   its initial state (state.ts createHealthState), announced here before the thread probes,
//   so the edge never routes a new backend by a verdict it has not been given.
// The rest (a snapshot's registers and history, metrics) is asked for. A thread that dies is
// started again and given everything again; until then routing keeps the last verdicts.

import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import pino from 'pino';
import type { Logger } from 'pino';
import type { BackendDefinition } from '../model/backend.ts';
import { AdminOverrides } from './admin.ts';
import type { BackendKey } from './admin.ts';
import { adminMessage, healthMessage } from './ipc.ts';
import type { HealthMessage } from './ipc.ts';
import { Members } from './members.ts';
import type { HealthEvent, HealthSnapshot, NodeSummary } from './registry-types.ts';
import type { AdminState } from './state.ts';
import { withVerdict } from './summary.ts';
import type { IdentitySummary } from './summary.ts';
import type { FromProbeThread, ProbeStats, ProbeThreadData, Reply, Request, ToProbeThread } from './thread-protocol.ts';

export interface ProbeThreadOptions {
  readonly pop: string;
  /** The thread's entry module, which calls hostProbeThread (src/process/health-thread.ts). */
  readonly entry: URL;
  readonly spread?: boolean;
  readonly summaryMs?: number;
  readonly refreshMs?: number;
  /** More for the entry module (its log settings), as `workerData.extra`. */
  readonly extra?: Readonly<Record<string, unknown>>;
  readonly logger?: Logger;
}

export class ProbeThread extends EventEmitter<{
  message: [HealthMessage]; health: [HealthEvent]; flips: [readonly IdentitySummary[]]; summary: [number, NodeSummary];
  dropped: [readonly BackendKey[]];
}> {
  readonly pop: string;
  readonly #o: ProbeThreadOptions;
  readonly #logger: Logger;
  readonly #members: Members;
  readonly #admin = new AdminOverrides();
  /** Each service's backends as last put, to give a restarted thread. */
  readonly #backends = new Map<string, readonly BackendDefinition[]>();
  readonly #pending = new Map<number, (value: Reply) => void>();
  #nodes: { readonly self: string; readonly live: readonly string[] } | null = null;
  #worker: Worker;
  #nextId = 1;
  #closed = false;
  /** The worker has exited and no other runs yet: requests get no answer, so none is sent. */
  #exited = false;

  constructor(options: ProbeThreadOptions) {
    super();
    this.pop = options.pop;
    this.#o = options;
    this.#logger = options.logger ?? pino({ level: 'silent' });
    this.#members = new Members(options.pop, undefined, {});
    this.#worker = this.#start();
    // The API's `GET /health/events` listens here: the thread builds events only while someone does.
    const untyped = this as EventEmitter;
    untyped.on('newListener', (event: string | symbol) => {
      if (event === 'health' && this.listenerCount('health') === 0) this.#post({ type: 'events', on: true });
    });
    untyped.on('removeListener', (event: string | symbol) => {
      if (event === 'health' && this.listenerCount('health') === 0) this.#post({ type: 'events', on: false });
    });
  }

  putService(serviceId: string, backends: readonly BackendDefinition[]): void {
    this.#backends.set(serviceId, backends);
    const batch = this.#members.begin(Date.now());
    this.#members.put(batch, serviceId, backends);
    this.#announce(this.#members.end(batch).started);
    this.#post({ type: 'put', serviceId, backends });
  }

  removeService(serviceId: string): void {
    this.#backends.delete(serviceId);
    const batch = this.#members.begin(Date.now());
    this.#members.remove(batch, serviceId);
    this.#members.end(batch);
    this.#post({ type: 'remove', serviceId });
  }

  /** As HealthRegistry.setAdmin: false when the service's active configuration has no such backend. */
  setAdmin(ref: BackendKey, admin: AdminState, at: number = Date.now()): boolean {
    if (this.#members.identityOf(ref.serviceId, ref.name) === undefined) return false;
    if (this.#admin.set(ref.serviceId, ref.name, admin, at)) this.emit('message', adminMessage(ref.serviceId, ref.name, admin));
    this.#post({ type: 'admin', serviceId: ref.serviceId, name: ref.name, admin, at });
    return true;
  }

  /** The live nodes of this POP (ownership.ts); before the first call the node probes everything. */
  setPopNodes(self: string, live: readonly string[]): void {
    this.#nodes = { self, live };
    this.#post({ type: 'nodes', self, live });
  }

  applySummaries(rows: readonly IdentitySummary[]): void {
    if (rows.length > 0) this.#post({ type: 'summaries', rows });
  }

  applyVerdict(key: string, healthy: boolean, at: number): void {
    this.#post({ type: 'verdict', key, healthy, at });
  }

  isHealthy(identity: string): boolean {
    return this.#members.get(identity)?.state.healthy ?? true;
  }

  identityOf(serviceId: string, name: string): string | undefined {
    return this.#members.identityOf(serviceId, name);
  }

  /** Everything an edge worker that just started must learn: every verdict and every override. */
  messages(): HealthMessage[] {
    return [
      ...[...this.#members.tracked()].map((t) => healthMessage(t.identity, t.state.healthy)),
      ...this.#admin.entries().map((o) => adminMessage(o.serviceId, o.name, o.admin)),
    ];
  }

  async snapshot(serviceId: string): Promise<HealthSnapshot> {
    const value = await this.#request({ type: 'snapshot', serviceId });
    return value !== null && typeof value === 'object' && 'backends' in value ? value : { service_id: serviceId, backends: [] };
  }

  /** The thread's Prometheus text (probe counts and durations, the healthy gauge). */
  async metrics(): Promise<string> {
    const value = await this.#request({ type: 'metrics' });
    return typeof value === 'string' ? value : '';
  }

  async stats(): Promise<ProbeStats | null> {
    const value = await this.#request({ type: 'stats' });
    return value !== null && typeof value === 'object' && 'starts' in value ? value : null;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#request({ type: 'close' });
    this.#closed = true;
    if (!this.#exited) await this.#worker.terminate();
  }

  #start(): Worker {
    const data: ProbeThreadData & { extra: Readonly<Record<string, unknown>> } = {
      pop: this.pop, spread: this.#o.spread ?? true, summaryMs: this.#o.summaryMs ?? 1_000, refreshMs: this.#o.refreshMs ?? 300_000,
      extra: this.#o.extra ?? {},
    };
    const worker = new Worker(this.#o.entry, { workerData: data });
    this.#exited = false;
    // Probing alone must not keep a process alive; the server's listeners do that.
    worker.unref();
    worker.on('message', (m: FromProbeThread) => this.#receive(m));
    worker.on('error', (err) => this.#logger.error({ err }, 'the probe thread failed'));
    worker.on('exit', (code) => {
      this.#exited = true;
      for (const resolve of this.#pending.values()) resolve(null);
      this.#pending.clear();
      if (this.#closed) return;
      this.#logger.error({ code }, 'the probe thread exited; starting it again');
      this.#worker = this.#start();
      this.#replay();
    });
    return worker;
  }

  /** A new thread learns everything the last one had been told. */
  #replay(): void {
    for (const [serviceId, backends] of this.#backends) this.#post({ type: 'put', serviceId, backends });
    for (const o of this.#admin.entries()) this.#post({ type: 'admin', serviceId: o.serviceId, name: o.name, admin: o.admin, at: Date.now() });
    if (this.#nodes !== null) this.#post({ type: 'nodes', ...this.#nodes });
    if (this.listenerCount('health') > 0) this.#post({ type: 'events', on: true });
  }

  #announce(started: readonly string[]): void {
    for (const identity of started) {
      const t = this.#members.get(identity);
      if (t !== undefined) this.emit('message', healthMessage(identity, t.state.healthy));
    }
  }

  #receive(m: FromProbeThread): void {
    switch (m.type) {
      case 'batch':
        for (const message of m.messages) {
          if ('identity' in message) {
            const t = this.#members.get(message.identity);
            if (t !== undefined && t.state.healthy !== message.healthy) t.state = withVerdict(t.state, message.healthy, Date.now());
          } else {
            this.#admin.set(message.serviceId, message.backend, message.admin, Date.now());
          }
          this.emit('message', message);
        }
        for (const e of m.events) this.emit('health', e);
        if (m.flips.length > 0) this.emit('flips', m.flips);
        if (m.dropped.length > 0) this.emit('dropped', m.dropped);
        return;
      case 'summary':
        this.emit('summary', m.at, m.summary);
        return;
      case 'reply':
        this.#pending.get(m.id)?.(m.value);
        this.#pending.delete(m.id);
        return;
    }
  }

  #request(request: Request): Promise<Reply> {
    if (this.#closed || this.#exited) return Promise.resolve(null);
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#post({ type: 'request', id, request });
    });
  }

  #post(m: ToProbeThread): void {
    if (!this.#closed) this.#worker.postMessage(m);
  }
}
