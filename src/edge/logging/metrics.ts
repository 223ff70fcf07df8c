// Delivery counts per service and endpoint, in the worker's Prometheus registry (aggregated over
// the workers by the API's /metrics, src/edge/metrics.ts):
//   lacquer_log_lines_total, lacquer_log_bytes_total   lines and bytes delivered
//   lacquer_log_batches_total                         batches (requests, datagram runs, files) delivered
//   lacquer_log_retries_total                         failed batch attempts, retried after a backoff
//   lacquer_log_dropped_lines_total{reason}           overflow: oldest lines dropped at the buffer bound;
//                                                      refused: a batch the receiver refused for good
import { Counter, type Registry } from 'prom-client';
import type { QueueCounters } from './queue.ts';

type Labels = 'service' | 'endpoint';

export class LogMetrics {
  readonly #lines: Counter<Labels>;
  readonly #bytes: Counter<Labels>;
  readonly #batches: Counter<Labels>;
  readonly #retries: Counter<Labels>;
  readonly #dropped: Counter<Labels | 'reason'>;

  constructor(registry: Registry) {
    const registers = [registry];
    const labelNames = ['service', 'endpoint'] as const;
    this.#lines = new Counter({ name: 'lacquer_log_lines_total', help: 'Log lines delivered to a logging endpoint.', labelNames, registers });
    this.#bytes = new Counter({ name: 'lacquer_log_bytes_total', help: 'Bytes of log lines delivered to a logging endpoint (before compression).', labelNames, registers });
    this.#batches = new Counter({ name: 'lacquer_log_batches_total', help: 'Batches delivered to a logging endpoint.', labelNames, registers });
    this.#retries = new Counter({ name: 'lacquer_log_retries_total', help: 'Failed deliveries of a batch, retried after a backoff.', labelNames, registers });
    this.#dropped = new Counter({
      name: 'lacquer_log_dropped_lines_total', help: 'Log lines dropped: overflow (the oldest, at the buffer bound) or refused (by the receiver).',
      labelNames: ['service', 'endpoint', 'reason'], registers,
    });
  }

  for(service: string, endpoint: string, onDrop: (lines: number, why: string) => void): QueueCounters {
    const labels = { service, endpoint };
    return {
      shipped: (lines, bytes) => {
        this.#lines.inc(labels, lines);
        this.#bytes.inc(labels, bytes);
        this.#batches.inc(labels);
      },
      retried: () => this.#retries.inc(labels),
      dropped: (lines, why) => {
        this.#dropped.inc({ ...labels, reason: why }, lines);
        onDrop(lines, why);
      },
    };
  }
}
