// Which backend serves is visible and stable: the first backend added (Fastly's backend
// reference: "the first backend added to a service configuration will be used for all
// requests"), whatever the names, across clones and renames; and a version that will serve
// nothing says so when it is validated or activated.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startApi, type Api } from './helpers.ts';

async function newService(api: Api, domain: string | null = 'www.one.example'): Promise<string> {
  const sid = ((await api.call('POST', '/service', { name: 'one' })).body as { id: string }).id;
  if (domain !== null) await api.call('POST', `/service/${sid}/version/1/domain`, { name: domain });
  return sid;
}

async function defaultOf(api: Api, sid: string, v: number): Promise<[string | null, string]> {
  const validate = (await api.call('GET', `/service/${sid}/version/${v}/validate`)).body as { default_backend: string | null };
  const content = ((await api.call('GET', `/service/${sid}/version/${v}/generated_vcl`)).body as { content: string }).content;
  return [validate.default_backend, /set req\.backend = (\w+);/.exec(content)?.[1] ?? ''];
}

test('the first backend added serves by default, not the alphabetically first, across clones and renames', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api);
  const v1 = `/service/${sid}/version/1`;
  await api.call('POST', `${v1}/backend`, { name: 'zeta', address: 'zeta.example' });
  await api.call('POST', `${v1}/backend`, { name: 'alpha', address: 'alpha.example' });
  assert.deepEqual(await defaultOf(api, sid, 1), ['zeta', 'F_zeta']);
  // Lists stay in name order (Fastly's); only the default follows the order of adding.
  assert.deepEqual(((await api.call('GET', `${v1}/backend`)).body as Array<{ name: string }>).map((b) => b.name), ['alpha', 'zeta']);
  const content = ((await api.call('GET', `${v1}/generated_vcl`)).body as { content: string }).content;
  assert.ok(content.indexOf('backend F_zeta {') < content.indexOf('backend F_alpha {'), 'declared in the order they were added');

  // A clone made in the same second as its source keeps the order.
  await api.call('PUT', `${v1}/clone`);
  await api.call('PUT', `${v1}/clone`);
  assert.deepEqual(await defaultOf(api, sid, 3), ['zeta', 'F_zeta']);
  await api.call('PUT', `/service/${sid}/version/3/backend/zeta`, { name: 'omega' });
  assert.deepEqual(await defaultOf(api, sid, 3), ['omega', 'F_omega']);
  await api.call('POST', `/service/${sid}/version/3/backend`, { name: 'aardvark', address: 'a.example' });
  assert.deepEqual(await defaultOf(api, sid, 3), ['omega', 'F_omega']);
  await api.call('DELETE', `/service/${sid}/version/3/backend/omega`);
  assert.deepEqual(await defaultOf(api, sid, 3), ['alpha', 'F_alpha']);
  assert.equal((await api.call('PUT', `/service/${sid}/version/3/activate`)).status, 200);
  assert.deepEqual(await defaultOf(api, sid, 3), ['alpha', 'F_alpha']);
});

test('a version without a domain is valid, with a warning that validate and activate both give', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api, null);
  await api.call('POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: 'origin.example' });
  const warning = 'no-domain: version 1 has no domain: once active it receives no traffic';
  const validate = await api.call('GET', `/service/${sid}/version/1/validate`);
  assert.deepEqual(validate.body, { status: 'ok', msg: null, errors: [], warnings: [warning], messages: [warning], default_backend: 'origin', backend_order: ['origin'] });
  const act = await api.call('PUT', `/service/${sid}/version/1/activate`);
  assert.equal(act.status, 200, act.text);
  assert.deepEqual([(act.body as { active: boolean }).active, (act.body as { warnings: string[] }).warnings], [true, [warning]]);
});

test('activation with a domain answers no warnings', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api);
  await api.call('POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: 'origin.example' });
  const act = await api.call('PUT', `/service/${sid}/version/1/activate`);
  assert.deepEqual((act.body as { warnings: string[] }).warnings, []);
});
