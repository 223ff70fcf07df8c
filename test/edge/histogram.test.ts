import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AggregatorRegistry, Histogram, Registry } from 'prom-client';
import { FastHistogram } from '../../src/edge/histogram.ts';

const BUCKETS = [0.001, 0.01, 0.1, 1];
const OBSERVED: Array<[string, string, number]> = [
  ['s1', 'F_a', 0.0005], ['s1', 'F_a', 0.001], ['s1', 'F_a', 0.05], ['s1', 'F_b', 2.5], ['s2', 'F_a', 0.3],
];

test('the exposition is exactly what prom-client\'s Histogram writes for the same observations', async () => {
  const theirs = new Registry();
  const ours = new Registry();
  const h = new Histogram({ name: 'x_seconds', help: 'h', labelNames: ['service', 'backend'], buckets: BUCKETS, registers: [theirs] });
  const f = new FastHistogram({ name: 'x_seconds', help: 'h', labelNames: ['service', 'backend'], buckets: BUCKETS, registers: [ours] });
  for (const [service, backend, v] of OBSERVED) {
    h.observe({ service, backend }, v);
    f.observe(service, backend, v);
  }
  assert.equal(await ours.metrics(), await theirs.metrics());
});

test('cluster aggregation sums the workers\' buckets, sums and counts', async () => {
  const worker = async (values: number[]) => {
    const r = new Registry();
    const f = new FastHistogram({ name: 'y_seconds', help: 'h', labelNames: ['service', 'backend'], buckets: BUCKETS, registers: [r] });
    for (const v of values) f.observe('s1', 'F_a', v);
    return r.getMetricsAsJSON();
  };
  const merged = AggregatorRegistry.aggregate([await worker([0.005, 0.5]), await worker([0.005])]);
  const text = await merged.metrics();
  assert.match(text, /^y_seconds_bucket\{le="0.01",service="s1",backend="F_a"\} 2$/m);
  assert.match(text, /^y_seconds_bucket\{le="\+Inf",service="s1",backend="F_a"\} 3$/m);
  assert.match(text, /^y_seconds_count\{service="s1",backend="F_a"\} 3$/m);
  assert.match(text, /^y_seconds_sum\{service="s1",backend="F_a"\} 0.51$/m);
});

test('reset forgets every series; buckets must increase', () => {
  const r = new Registry();
  const f = new FastHistogram({ name: 'z_seconds', help: 'h', labelNames: ['service', 'backend'], buckets: BUCKETS, registers: [r] });
  f.observe('s', 'a', 1);
  r.resetMetrics();
  assert.deepEqual(f.get().values, []);
  assert.throws(() => new FastHistogram({ name: 'bad', help: 'h', labelNames: ['a', 'b'], buckets: [1, 1], registers: [] }), /increasing/);
});
