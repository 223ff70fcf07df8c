// PUT /service/{sid}/health/{backend} takes the backend by VCL name or by API name
// (DESIGN.md §4.2: the VCL name is `F_` + the API name, non-alphanumerics as `_`).
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import pino from 'pino';
import { buildControlApi } from '../../src/control/index.ts';
import { resolveBackendName } from '../../src/control/api/health.ts';
import { ApiError } from '../../src/control/errors.ts';
import { HealthRegistry, identityKey } from '../../src/health/index.ts';
import { openSqliteStore, type HealthStateRow, type StoreEvent } from '../../src/store/index.ts';
import { vclValidator } from '../../src/vcl/index.ts';
import { backendDef } from '../health/fixtures.ts';
import { ADMIN } from './helpers.ts';

function refusal(fn: () => unknown): { status: number; detail: string | null } {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return { status: err.status, detail: err.detail };
    throw err;
  }
  assert.fail('expected an ApiError');
}

test('a backend is found by its VCL name or its API name; a name that reads both ways is refused', () => {
  const active = ['F_origin', 'F_my_origin', 'F_F_origin', 'legacy'];
  assert.equal(resolveBackendName(active, 'F_my_origin', undefined, 'S'), 'F_my_origin');
  assert.equal(resolveBackendName(active, 'my-origin', undefined, 'S'), 'F_my_origin');
  assert.equal(resolveBackendName(active, 'my origin', undefined, 'S'), 'F_my_origin');
  assert.equal(resolveBackendName(active, 'legacy', undefined, 'S'), 'legacy', 'a backend declared in custom VCL');
  assert.equal(resolveBackendName(active, 'origin', undefined, 'S'), 'F_origin');
  assert.deepEqual(refusal(() => resolveBackendName(active, 'F_origin', undefined, 'S')), {
    status: 400,
    detail: 'backend: "F_origin" is ambiguous in service \'S\': it is the VCL name of backend F_origin and the API name of backend F_F_origin; add ?name_type=vcl or ?name_type=api',
  });
  assert.equal(resolveBackendName(active, 'F_origin', 'vcl', 'S'), 'F_origin');
  assert.equal(resolveBackendName(active, 'F_origin', 'api', 'S'), 'F_F_origin');
  assert.deepEqual(refusal(() => resolveBackendName(active, 'nope', undefined, 'S')), {
    status: 404, detail: 'backend \'nope\' is not in the active version of service \'S\' as a VCL name or as an API name (VCL name F_nope)',
  });
  assert.deepEqual(refusal(() => resolveBackendName(active, 'legacy', 'api', 'S')), {
    status: 404, detail: 'backend \'legacy\' is not in the active version of service \'S\' as an API name (VCL name F_legacy)',
  });
  assert.deepEqual(refusal(() => resolveBackendName(active, 'origin', 'both', 'S')), { status: 400, detail: 'name_type: must be vcl or api, got "both"' });
});

test('PUT /service/{sid}/health/origin sets F_origin', async (t) => {
  const store = openSqliteStore(':memory:');
  const health = new HealthRegistry({ pop: 'test', probe: () => new Promise(() => {}) });
  const app = buildControlApi({ store, validator: vclValidator, pop: 'test', egress: ['192.0.2.0/24'], logger: pino({ level: 'silent' }), adminToken: ADMIN, health });
  t.after(async () => {
    health.close();
    await app.close();
    await store.close();
  });
  await app.ready();
  const sid = (JSON.parse((await app.inject({ method: 'POST', url: '/service', headers: { 'fastly-key': ADMIN }, payload: { name: 's' } })).body) as { id: string }).id;
  health.sync([{ serviceId: sid, backend: backendDef({ name: 'F_origin', probe: null }) }]);
  const put = (path: string) => app.inject({ method: 'PUT', url: `/service/${sid}/health/${path}`, headers: { 'fastly-key': ADMIN }, payload: { state: 'sick' } });
  const byApiName = await put('origin');
  assert.equal(byApiName.statusCode, 200);
  assert.deepEqual((({ name, admin, healthy }) => ({ name, admin, healthy }))(JSON.parse(byApiName.body) as { name: string; admin: string; healthy: boolean }),
    { name: 'F_origin', admin: 'sick', healthy: false });
  assert.equal((await put('F_origin')).statusCode, 200);
  const missing = await put('elsewhere');
  assert.deepEqual([missing.statusCode, JSON.parse(missing.body)], [404, {
    msg: 'Record not found', detail: `backend 'elsewhere' is not in the active version of service '${sid}' as a VCL name or as an API name (VCL name F_elsewhere)`,
  }]);
});

/** A control API that runs no probes, on a store where POPs a and b wrote health rows. */
async function controlNode(t: TestContext) {
  const store = openSqliteStore(':memory:');
  const app = buildControlApi({ store, validator: vclValidator, pop: 'control', egress: [], logger: pino({ level: 'silent' }), adminToken: ADMIN });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  await app.ready();
  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, token = ADMIN) => {
    const r = await app.inject({ method, url, headers: { 'fastly-key': token }, ...(payload === undefined ? {} : { payload }) });
    return { status: r.statusCode, body: JSON.parse(r.body) as Record<string, unknown> };
  };
  const service = async (name: string, shareKey: string) => {
    const sid = String((await call('POST', '/service', { name })).body.id);
    await call('POST', `/service/${sid}/version/1/healthcheck`, { name: 'hc', path: '/health', check_interval: 5000 });
    await call('POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: '192.0.2.1', port: 80, healthcheck: 'hc', share_key: shareKey });
    assert.equal((await call('PUT', `/service/${sid}/version/1/activate`)).status, 200);
    return sid;
  };
  return { store, app, call, service };
}

function row(pop: string, key: string, healthy: boolean): HealthStateRow {
  return {
    pop, key, nodeId: `${pop}-1`, healthy, good: healthy ? 5 : 0, window: 5, threshold: 3, intervalMs: 5000, registers: `${'0'.repeat(112)}${healthy ? '000000000000001f' : '0000000000000000'}`,
    avgRttMs: 1.5, rate: 4, lastResponse: healthy ? 'HTTP/1.1 200 OK' : 'HTTP/1.1 503 Service Unavailable', lastChange: '2026-11-21T21:38:31.000Z',
  };
}

test('a node that runs no probes shows every POP from the Store: a POP\'s rows, and stale entries where it wrote none', async (t) => {
  const { store, call, service } = await controlNode(t);
  const sid = await service('s', 'shared');
  assert.deepEqual((await call('GET', `/service/${sid}/health`)).body, { service_id: sid, backends: [] }, 'no POP has written anything yet');
  await store.transaction(async (tx) => {
    await tx.upsertHealthSummary({ pop: 'a', nodeId: 'a-1', probing: 1, sick: 0 });
    await tx.upsertHealthSummary({ pop: 'b', nodeId: 'b-1', probing: 1, sick: 1 });
    await tx.upsertHealthSummary({ pop: 'c', nodeId: 'c-1', probing: 0, sick: 0 });
  });
  const backends = ((await call('GET', `/service/${sid}/health`)).body.backends as Array<Record<string, unknown>>);
  const id = String(backends[0].identity);
  await store.transaction((tx) => tx.upsertHealthStates([row('a', identityKey(id), true), row('b', identityKey(id), false)]));
  const entries = ((await call('GET', `/service/${sid}/health`)).body.backends as Array<Record<string, unknown>>);
  assert.deepEqual(entries.map((e) => [e.name, e.pop, e.admin, e.healthy, e.stale, e.good, e.last_response]), [
    ['F_origin', 'a', 'auto', true, false, 5, 'HTTP/1.1 200 OK'],
    ['F_origin', 'b', 'auto', false, false, 0, 'HTTP/1.1 503 Service Unavailable'],
    ['F_origin', 'c', 'auto', false, true, 0, ''],
  ]);
  assert.equal((entries[0].bits as Record<string, string>).H, `${'-'.repeat(59)}HHHHH`);
});

test('an override set on a node that runs no probes is stored per service and backend, shown in every POP, published, and other services sharing the probe keep following it', async (t) => {
  const { store, call, service } = await controlNode(t);
  const mine = await service('mine', 'shared');
  const theirs = await service('theirs', 'shared');
  await store.transaction((tx) => tx.upsertHealthSummary({ pop: 'a', nodeId: 'a-1', probing: 1, sick: 0 }));
  const id = String(((await call('GET', `/service/${mine}/health`)).body.backends as Array<{ identity: string }>)[0].identity);
  assert.equal(String(((await call('GET', `/service/${theirs}/health`)).body.backends as Array<{ identity: string }>)[0].identity), id, 'one shared probe');
  await store.transaction((tx) => tx.upsertHealthStates([row('a', identityKey(id), true)]));
  const events: StoreEvent[] = [];
  store.events.on('event', (e) => events.push(e));
  const put = await call('PUT', `/service/${mine}/health/origin`, { state: 'sick' });
  assert.deepEqual([put.status, put.body.name, put.body.pop, put.body.admin, put.body.healthy], [200, 'F_origin', 'a', 'sick', false]);
  assert.deepEqual(events.map((e) => (e.type === 'health-admin' ? [e.serviceId, e.backend, e.admin] : e.type)), [[mine, 'F_origin', 'sick']]);
  assert.deepEqual(((await call('GET', `/service/${theirs}/health`)).body.backends as Array<Record<string, unknown>>).map((e) => [e.admin, e.healthy]), [['auto', true]]);
  const missing = await call('PUT', `/service/${mine}/health/nope`, { state: 'sick' });
  assert.equal(missing.status, 404);
});

test('on a node that runs no probes, /health/events streams one service\'s flips from every POP, and refuses an unfiltered stream', { timeout: 20_000 }, async (t) => {
  const { store, app, call, service } = await controlNode(t);
  const sid = await service('s', 'shared');
  const other = await service('other', 'own');
  await store.transaction((tx) => tx.upsertHealthSummary({ pop: 'a', nodeId: 'a-1', probing: 1, sick: 0 }));
  const id = String(((await call('GET', `/service/${sid}/health`)).body.backends as Array<{ identity: string }>)[0].identity);
  const unfiltered = await call('GET', '/health/events');
  assert.deepEqual(unfiltered, { status: 400, body: { msg: 'Bad request', detail: 'service_id: required on a node that runs no probes (--role control); ask for one service\'s flips' } });

  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const res = await fetch(`${base}/health/events?service_id=${sid}`, { headers: { 'fastly-key': ADMIN } });
  assert.equal(res.status, 200);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const flip = (key: string, healthy: boolean) => store.transaction(async (tx) => {
    tx.publish({ type: 'health', pop: 'a', nodeId: 'a-1', key, healthy, at: '2026-11-21T21:38:31.000Z' });
  });
  const otherId = String(((await call('GET', `/service/${other}/health`)).body.backends as Array<{ identity: string }>)[0].identity);
  await flip(identityKey(otherId), false);
  await flip(identityKey(id), false);
  let text = '';
  while (!text.includes('event: health')) text += new TextDecoder().decode((await reader.read()).value);
  // Closed here: closing the API waits for open streams.
  await reader.cancel();
  const data = JSON.parse(text.split('\n').find((l) => l.startsWith('data: '))?.slice(6) ?? 'null') as Record<string, unknown>;
  assert.deepEqual(data, { type: 'health', identity: id, healthy: false, cause: 'probe', pop: 'a', at: '2026-11-21T21:38:31.000Z', backends: [{ service_id: sid, name: 'F_origin' }] });
});
