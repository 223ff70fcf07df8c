// Directors and pools together, the way the pipeline will use them: choose, fetch, and on a
// retryable failure ask the same selection for the next member.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DirectorSelection } from '../../src/edge/directors.ts';
import { EdgeError } from '../../src/edge/errors.ts';
import type { UpstreamResponse } from '../../src/edge/upstream/index.ts';
import { UpstreamPools } from '../../src/edge/upstream/index.ts';
import type { BackendDefinition } from '../../src/model/backend.ts';
import type { DirectorDefinition } from '../../src/model/director.ts';
import { backend, closedPort, httpOrigin, readAll } from './helpers.ts';

async function fetchVia(pools: UpstreamPools, sel: DirectorSelection, backends: Map<string, BackendDefinition>): Promise<UpstreamResponse | EdgeError> {
  for (;;) {
    const name = sel.next();
    if (name instanceof EdgeError) return name;
    try {
      return await pools.fetch(backends.get(name)!, { method: 'GET', path: '/', headers: { host: 'www.example' } }, { clientIp: '192.0.2.1' });
    } catch (err) {
      if (!(err instanceof EdgeError) || !err.retryable) throw err;
    }
  }
}

test('a fallback director moves to the next member when the first refuses connections', async (t) => {
  const { port } = await httpOrigin(t, (_req, res) => res.end('secondary'));
  const backends = new Map([
    ['primary', backend({ name: 'primary', port: await closedPort() })],
    ['secondary', backend({ name: 'secondary', port })],
  ]);
  const d: DirectorDefinition = { name: 'fb', type: 'fallback', quorum: 0, retries: 1, members: [{ backend: 'primary', weight: 1 }, { backend: 'secondary', weight: 1 }] };
  const pools = new UpstreamPools({ cdnId: 'lacquer-test' });
  t.after(() => pools.destroy());
  const sel = new DirectorSelection(d, { isHealthy: () => true });
  const res = await fetchVia(pools, sel, backends);
  assert.ok(!(res instanceof EdgeError));
  assert.equal(await readAll(res.body), 'secondary');
  assert.deepEqual(sel.tried, ['primary', 'secondary']);
});

test('a director whose members all refuse ends with All backends failed or unhealthy; passive health then skips them', async (t) => {
  const backends = new Map([
    ['a', backend({ name: 'a', port: await closedPort(), errorThreshold: 1 })],
    ['b', backend({ name: 'b', port: await closedPort(), errorThreshold: 1 })],
  ]);
  const d: DirectorDefinition = { name: 'r', type: 'random', quorum: 0, retries: 2, members: [{ backend: 'a', weight: 1 }, { backend: 'b', weight: 1 }] };
  const pools = new UpstreamPools({ cdnId: 'lacquer-test' });
  t.after(() => pools.destroy());
  const isHealthy = (name: string) => !pools.passive.isSick(backends.get(name)!);
  const first = await fetchVia(pools, new DirectorSelection(d, { isHealthy }), backends);
  assert.ok(first instanceof EdgeError);
  assert.equal(first.reason, 'All backends failed or unhealthy');
  // Both crossed error_threshold: the next request finds no healthy member without connecting.
  const again = new DirectorSelection(d, { isHealthy });
  const second = await fetchVia(pools, again, backends);
  assert.ok(second instanceof EdgeError);
  assert.equal(second.reason, 'All backends failed or unhealthy');
  assert.deepEqual(again.tried, []);
});
