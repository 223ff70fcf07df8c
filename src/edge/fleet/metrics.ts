// Counters of the fleet hops (DESIGN.md §4.4): cluster hops by outcome, and shield hops by
// outcome — `fallback` is a request for a shielded backend fetched from the origin directly
// because its shield POP was sick or unreachable.
import { Counter, type Registry } from 'prom-client';

export type HopOutcome = 'ok' | 'fallback';

export class FleetMetrics {
  readonly #cluster: Counter<'outcome'>;
  readonly #shield: Counter<'pop' | 'outcome'>;

  constructor(registry: Registry) {
    this.#cluster = new Counter({
      name: 'lacquer_cluster_hops_total', help: 'Misses sent to the owner member of the POP, by outcome (fallback: the owner failed, fetched here).',
      labelNames: ['outcome'], registers: [registry],
    });
    this.#shield = new Counter({
      name: 'lacquer_shield_hops_total', help: 'Fetches for shielded backends, by shield POP and outcome (fallback: origin fetched directly).',
      labelNames: ['pop', 'outcome'], registers: [registry],
    });
  }

  cluster(outcome: HopOutcome): void {
    this.#cluster.inc({ outcome });
  }

  shield(pop: string, outcome: HopOutcome): void {
    this.#shield.inc({ pop, outcome });
  }
}
