// Several edge workers (docs/caching.md, Size and Clustering): the workers of a node are one
// cache — each object is fetched once, by its owner — and a purge reaches every worker (owners
// and copies) before it is answered, so right after the answer no worker serves the old object.
// Run as `lacquer serve --workers 2` in a child process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TOKEN } from '../harness.ts';
import { startChild, type ChildLacquer } from './child.ts';
import { origin } from './origin.ts';

const VCL = `
sub vcl_deliver {
  #FASTLY deliver
  set resp.http.X-Worker = server.identity;
  return(deliver);
}
`;

/** Requests `path` on fresh connections until every worker answered once; each worker's first body. */
async function firstPerWorker(lq: ChildLacquer, host: string, path: string): Promise<Map<string, string>> {
  const first = new Map<string, string>();
  for (let i = 0; first.size < lq.workers; i++) {
    assert.ok(i < 20, `only ${first.size} of ${lq.workers} workers answered in 20 requests`);
    const r = await lq.edge(host, { path });
    const worker = String(r.headers['x-worker']);
    if (!first.has(worker)) first.set(worker, r.body);
  }
  return first;
}

/** Requests until every worker has answered HIT: the object is then cached in each. */
async function warm(lq: ChildLacquer, host: string, path: string): Promise<void> {
  const hit = new Set<string>();
  for (let i = 0; hit.size < lq.workers; i++) {
    assert.ok(i < 20, `the object was not cached by every worker within 20 requests`);
    const r = await lq.edge(host, { path });
    if (r.headers['x-cache'] === 'HIT') hit.add(String(r.headers['x-worker']));
  }
}

test('with --workers 2, every purge (surrogate key, PURGE url, purge_all) reached both workers before it answered', async (t) => {
  const lq = await startChild(t, { workers: 2 });
  const o = await origin(t, (req, res, n) => {
    const body = `${req.url ?? ''} #${n}`;
    res.writeHead(200, { 'cache-control': 'max-age=3600', 'surrogate-key': 'everything', 'content-length': String(body.length) });
    res.end(body);
  });
  const sid = await lq.createService('w.example', o.port, VCL);
  const gets = (): number => o.count('/obj', 'GET');

  await warm(lq, 'w.example', '/obj');
  assert.equal(gets(), 1, 'the node fetched the object once: its workers are one cache (clustering)');

  const purges: Array<[string, () => Promise<unknown>]> = [
    ['surrogate key', () => lq.apiOk('POST', `/service/${sid}/purge/everything`)],
    ['PURGE url', async () => {
      const r = await lq.edge('w.example', { method: 'PURGE', path: '/obj', headers: { 'fastly-key': TOKEN } });
      assert.equal(r.status, 200, r.body);
      return JSON.parse(r.body) as unknown;
    }],
    ['purge_all', () => lq.apiOk('POST', `/service/${sid}/purge_all`)],
  ];
  for (const [name, purge] of purges) {
    await warm(lq, 'w.example', '/obj');
    const before = gets();
    const answer = await purge() as { status: string };
    assert.equal(answer.status, 'ok', name);
    const first = await firstPerWorker(lq, 'w.example', '/obj');
    const fresh = `/obj #${before + 1}`;
    assert.deepEqual([...first.values()], [fresh, fresh], `${name}: first answer of each worker after the purge`);
    assert.equal(gets(), before + 1, `${name}: one fetch for the node`);
  }
});

test('GET /service/{sid}/stats sums the counts of every worker', async (t) => {
  const lq = await startChild(t, { workers: 2 });
  const o = await origin(t, (req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=3600', 'content-length': '2' });
    res.end('ok');
  });
  const sid = await lq.createService('st.example', o.port, VCL);
  for (let i = 0; i < 10; i++) await lq.edge('st.example', { path: '/s' });

  const stats = await lq.apiOk('GET', `/service/${sid}/stats`) as { minute: Record<string, unknown>; pop: string };
  // createService's routing probes were OPTIONS requests: passed to the origin.
  const passes = o.count(undefined, 'OPTIONS');
  assert.equal(stats.pop, 'child');
  assert.deepEqual(stats.minute, {
    // One miss for the node (its workers are one cache); the owner's side of a cluster hop is
    // not counted as a request.
    requests: 10 + passes, hits: 9, misses: 1, passes, stale: 0, hit_ratio: 0.9,
    origin_requests: { F_o: 1 + passes },
  });
});

// Clustering (src/edge/fleet/cluster.ts): a request a worker hands to the object's owner keeps its
// Range and conditional fields, so each worker answers them as one cache would (RFC 9110 §13, §14).
test('with --workers 2, Range and If-None-Match are answered 206 and 304 by every worker, whichever owns the object', async (t) => {
  const lq = await startChild(t, { workers: 2 });
  const o = await origin(t, (_req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=3600', etag: '"v1"', 'content-length': '10' });
    res.end('0123456789');
  });
  await lq.createService('r.example', o.port, `
sub vcl_deliver {
  #FASTLY deliver
  set resp.http.X-Worker = server.identity;
  set resp.http.X-Is-Cluster = if(req.backend.is_cluster, "1", "0");
  return(deliver);
}
`);
  const whole = await lq.edge('r.example', { path: '/r' });
  assert.deepEqual([whole.status, whole.body], [200, '0123456789']);
  const seen = new Map<string, Array<[number, string, string, string]>>();
  for (let i = 0; i < 20 && seen.size < 2; i++) {
    const part = await lq.edge('r.example', { path: '/r', headers: { range: 'bytes=2-4' } });
    const same = await lq.edge('r.example', { path: '/r', headers: { 'if-none-match': '"v1"' } });
    for (const r of [part, same]) {
      const worker = String(r.headers['x-worker']);
      seen.set(worker, [...(seen.get(worker) ?? []), [r.status, r.body, String(r.headers['content-range'] ?? ''), String(r.headers['x-is-cluster'])]]);
    }
  }
  assert.equal(seen.size, 2, 'both workers answered');
  for (const answers of seen.values()) {
    for (const [status, body, range] of answers) {
      assert.deepEqual([status, body, range], status === 206 ? [206, '234', 'bytes 2-4/10'] : [304, '', ''], JSON.stringify(answers));
    }
  }
  assert.ok([...seen.values()].flat().some(([, , , cluster]) => cluster === '1'), 'one worker asked the other (req.backend.is_cluster)');
  assert.equal(o.count('/r'), 1, 'the node fetched the object once');
});
