// PUT /service/{sid}/health/{backend} takes the backend by VCL name or by API name
// (DESIGN.md §4.2: the VCL name is `F_` + the API name, non-alphanumerics as `_`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { buildControlApi } from '../../src/control/index.ts';
import { resolveBackendName } from '../../src/control/api/health.ts';
import { ApiError } from '../../src/control/errors.ts';
import { HealthRegistry } from '../../src/health/index.ts';
import { openSqliteStore } from '../../src/store/index.ts';
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
