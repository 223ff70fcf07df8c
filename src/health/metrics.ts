// The health checker's Prometheus metrics, registered in the Registry the caller owns (the control
// API exposes it). One gauge series per backend name per service per POP; probe counts and
// durations are per probe, so a shared probe counts once however many services use it.

import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { ProbeOutcome, ProbeResult } from './state.ts';

export interface BackendLabels {
  readonly service: string;
  readonly backend: string;
  readonly pop: string;
}

export class HealthMetrics {
  readonly healthy: Gauge<'service' | 'backend' | 'pop'>;
  readonly probes: Counter<'result'>;
  readonly duration: Histogram<'result'>;
  readonly #counts = new Map<ProbeOutcome, number>();
  readonly #durations = new Map<ProbeOutcome, { observe(v: number): void }>();

  constructor(registry: Registry) {
    this.healthy = new Gauge({
      name: 'lacquer_backend_healthy',
      help: '1 when the backend is healthy in this POP (probe verdict or admin override), else 0',
      labelNames: ['service', 'backend', 'pop'] as const,
      registers: [registry],
    });
    // Counted in plain numbers and handed to prom-client when Prometheus scrapes: a labelled
    // inc() hashes its labels, and this runs for every probe of the POP.
    const counts = this.#counts;
    this.probes = new Counter({
      name: 'lacquer_probes_total',
      help: 'Health probes run, by result',
      labelNames: ['result'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [result, n] of counts) this.inc({ result }, n);
      },
    });
    this.duration = new Histogram({
      name: 'lacquer_probe_duration_seconds',
      help: 'Time from the start of a health probe to its verdict',
      labelNames: ['result'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  setHealthy(labels: BackendLabels, healthy: boolean): void {
    this.healthy.labels(labels.service, labels.backend, labels.pop).set(healthy ? 1 : 0);
  }

  forget(labels: BackendLabels): void {
    this.healthy.remove(labels.service, labels.backend, labels.pop);
  }

  observe(result: ProbeResult): void {
    const outcome = result.outcome;
    this.#counts.set(outcome, (this.#counts.get(outcome) ?? 0) + 1);
    // The labelled child is looked up once per outcome.
    let duration = this.#durations.get(outcome);
    if (duration === undefined) this.#durations.set(outcome, (duration = this.duration.labels(outcome)));
    duration.observe(result.durationMs / 1000);
  }
}
