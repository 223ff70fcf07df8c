// A Prometheus histogram for the request path, kept as plain numbers per label set and turned
// into prom-client's metric shape only when the registry is read. prom-client's own Histogram
// hashes the label object on every observe(), even through a labels() child — about 1 µs of
// a proxied request. Registered on a prom-client Registry, it is exposed, reset and
// aggregated across cluster workers (AggregatorRegistry, `aggregator: 'sum'`) like any metric.
import type { Metric, Registry } from 'prom-client';

/** What prom-client's registry reads from a metric (its `get()`), in the shape its own metrics give. */
export interface HistogramSnapshot {
  readonly name: string;
  readonly help: string;
  readonly type: 'histogram';
  readonly aggregator: 'sum';
  readonly values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }>;
}

interface Series {
  readonly labels: Readonly<Record<string, string>>;
  /** Observations per bucket, not cumulative; the last slot is +Inf. */
  readonly counts: number[];
  sum: number;
  count: number;
}

/** A histogram over exactly two labels (all the edge needs), e.g. service and backend. */
export class FastHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  readonly #buckets: readonly number[];
  readonly #labelNames: readonly [string, string];
  /** First label value → second label value → series: keyed by the strings themselves, whose hashes are cached. */
  readonly #series = new Map<string, Map<string, Series>>();

  constructor(opts: { name: string; help: string; labelNames: readonly [string, string]; buckets: readonly number[]; registers: readonly Registry[] }) {
    if (opts.buckets.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= opts.buckets[i - 1]))) {
      throw new TypeError(`${opts.name}: buckets must be finite and increasing`);
    }
    this.name = opts.name;
    this.help = opts.help;
    this.#buckets = opts.buckets;
    this.#labelNames = opts.labelNames;
    for (const r of opts.registers) r.registerMetric(this as unknown as Metric);
  }

  observe(first: string, second: string, value: number): void {
    let inner = this.#series.get(first);
    if (inner === undefined) this.#series.set(first, inner = new Map());
    let s = inner.get(second);
    if (s === undefined) {
      const [a, b] = this.#labelNames;
      s = { labels: { [a]: first, [b]: second }, counts: new Array<number>(this.#buckets.length + 1).fill(0), sum: 0, count: 0 };
      inner.set(second, s);
    }
    const b = this.#buckets;
    let i = 0;
    while (i < b.length && value > b[i]) i++;
    s.counts[i]++;
    s.sum += value;
    s.count++;
  }

  reset(): void {
    this.#series.clear();
  }

  get(): HistogramSnapshot {
    const values: HistogramSnapshot['values'] = [];
    for (const s of [...this.#series.values()].flatMap((inner) => [...inner.values()])) {
      let cumulative = 0;
      for (let i = 0; i <= this.#buckets.length; i++) {
        cumulative += s.counts[i];
        const le = i < this.#buckets.length ? this.#buckets[i] : '+Inf';
        values.push({ metricName: `${this.name}_bucket`, labels: { le, ...s.labels }, value: cumulative });
      }
      values.push({ metricName: `${this.name}_sum`, labels: s.labels, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels: s.labels, value: s.count });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}
