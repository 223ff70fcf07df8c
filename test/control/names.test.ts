// Names (DESIGN.md §4.2, §4.3): a name is shown everywhere its object is, so it holds no control
// or bidirectional control character; and backends and directors share VCL's one namespace, so
// a name whose VCL name is taken is refused, naming the object that has it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startApi, type Api } from './helpers.ts';

const RULE = 'must be 1 to 255 characters with no control or bidirectional control characters';

async function newService(api: Api): Promise<string> {
  return ((await api.call('POST', '/service', { name: 'names' })).body as { id: string }).id;
}

test('names with control or bidi control characters are refused for every resource, naming the field and rule', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api);
  const v = `/service/${sid}/version/1`;
  const bad = ['a\x1b[31mb', 'admin\u202Etxt.exe', 'a\u2066b\u2069', 'a\u200Eb', 'a\u200Fb', 'a\u061Cb', 'a\x7fb', 'a\x85b', 'a\tb', 'a\x00b'];
  for (const name of bad) {
    for (const [path, body] of [
      [`${v}/backend`, { name, address: 'origin.example' }],
      [`${v}/healthcheck`, { name }],
      [`${v}/director`, { name }],
      [`${v}/vcl`, { name, content: '# x\n' }],
      ['/service', { name }],
    ] as const) {
      const r = await api.call('POST', path, body);
      assert.deepEqual([r.status, r.body], [400, { msg: 'Bad request', detail: `name: ${RULE}` }], `${path} ${JSON.stringify(name)}`);
    }
  }
  const renamed = await api.call('POST', `${v}/backend`, { name: 'ok', address: 'origin.example' });
  assert.equal(renamed.status, 200);
  const r = await api.call('PUT', `${v}/backend/ok`, { name: 'o\u202Ek' });
  assert.deepEqual([r.status, r.body], [400, { msg: 'Bad request', detail: `name: ${RULE}` }]);
  assert.deepEqual(((await api.call('GET', `${v}/backend`)).body as Array<{ name: string }>).map((b) => b.name), ['ok']);
  // Unicode letters, spaces and punctuation stay allowed.
  assert.equal((await api.call('POST', `${v}/backend`, { name: 'Origine été / 2', address: 'origin.example' })).status, 200);
});

test('a backend whose VCL name another backend has is refused with 409, naming the first', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api);
  const v = `/service/${sid}/version/1`;
  assert.equal((await api.call('POST', `${v}/backend`, { name: 'a-b', address: 'one.example' })).status, 200);
  for (const name of ['a_b', 'a.b', 'a b']) {
    const r = await api.call('POST', `${v}/backend`, { name, address: 'two.example' });
    assert.deepEqual([r.status, r.body], [409, {
      msg: 'Duplicate record', detail: `backend '${name}' would have the VCL name F_a_b, which backend "a-b" already has in version 1`,
    }]);
  }
  await api.call('POST', `${v}/backend`, { name: 'c', address: 'three.example' });
  const rename = await api.call('PUT', `${v}/backend/c`, { name: 'a_b' });
  assert.deepEqual([rename.status, (rename.body as { detail: string }).detail],
    [409, 'backend \'a_b\' would have the VCL name F_a_b, which backend "a-b" already has in version 1']);
  // Renaming a backend to a name of the same VCL name is its own name: allowed.
  assert.equal((await api.call('PUT', `${v}/backend/a-b`, { name: 'a_b' })).status, 200);
  assert.deepEqual(((await api.call('GET', `${v}/backend`)).body as Array<{ name: string }>).map((b) => b.name), ['a_b', 'c']);
  const validate = await api.call('GET', `${v}/validate`);
  assert.deepEqual((validate.body as { errors: string[] }).errors, []);
});

test('directors clash with directors, with backends and with the automatic director', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api);
  const v = `/service/${sid}/version/1`;
  await api.call('POST', `${v}/backend`, { name: 'a-b', address: 'one.example' });
  const asBackend = await api.call('POST', `${v}/director`, { name: 'F_a_b' });
  assert.deepEqual([asBackend.status, (asBackend.body as { detail: string }).detail],
    [409, 'director \'F_a_b\' would have the VCL name F_a_b, which backend "a-b" already has in version 1']);
  assert.equal((await api.call('POST', `${v}/director`, { name: 'pool-1' })).status, 200);
  const twin = await api.call('POST', `${v}/director`, { name: 'pool.1' });
  assert.deepEqual([twin.status, (twin.body as { detail: string }).detail],
    [409, 'director \'pool.1\' would have the VCL name pool_1, which director "pool-1" already has in version 1']);
  const auto = await api.call('POST', `${v}/director`, { name: 'autodirector_' });
  assert.deepEqual([auto.status, (auto.body as { detail: string }).detail],
    [409, 'director \'autodirector_\' would have the VCL name autodirector_, which the automatic load-balancing director (auto_loadbalance backends) already has in version 1']);
  // A director that took a backend's VCL name first keeps it: the backend is refused.
  const backendAfterDirector = await api.call('POST', `${v}/director`, { name: 'F_c' });
  assert.equal(backendAfterDirector.status, 200);
  const c = await api.call('POST', `${v}/backend`, { name: 'c', address: 'c.example' });
  assert.deepEqual([c.status, (c.body as { detail: string }).detail],
    [409, 'backend \'c\' would have the VCL name F_c, which director "F_c" already has in version 1']);
});
