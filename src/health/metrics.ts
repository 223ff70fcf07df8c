// Prometheus metrics of issue 4 §4, registered in the Registry the caller owns (the control
// API exposes it). One gauge series per backend name per service per POP; probe counts and
// durations are per probe, so a shared probe counts once however many services use it.

import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { ProbeResult } from './state.ts';

export interface BackendLabels {
  readonly service: string;
  readonly backend: string;
  readonly pop: string;
}

export class HealthMetrics {
  readonly healthy: Gauge<'service' | 'backend' | 'pop'>;
  readonly probes: Counter<'result'>;
  readonly duration: Histogram<'result'>;
  readonly #byOutcome = new Map<string, { probes: { inc(): void }; duration: { observe(v: number): void } }>();

  constructor(registry: Registry) {
    this.healthy = new Gauge({
      name: 'lacquer_backend_healthy',
      help: '1 when the backend is healthy in this POP (probe verdict or admin override), else 0',
      labelNames: ['service', 'backend', 'pop'] as const,
      registers: [registry],
    });
    this.probes = new Counter({
      name: 'lacquer_probes_total',
      help: 'Health probes run, by result',
      labelNames: ['result'] as const,
      registers: [registry],
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
    // Labelled children are looked up once per outcome: this runs for every probe of the POP.
    let child = this.#byOutcome.get(result.outcome);
    if (child === undefined) {
      child = { probes: this.probes.labels(result.outcome), duration: this.duration.labels(result.outcome) };
      this.#byOutcome.set(result.outcome, child);
    }
    child.probes.inc();
    child.duration.observe(result.durationMs / 1000);
  }
}
