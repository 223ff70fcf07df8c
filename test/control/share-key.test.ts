// A share_key that is another service's id joins that service's probes; only a token that may
// write that service may set one (control/share-key.ts), on the backend API and, for backends
// declared in custom VCL, at activation.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { ADMIN, startApi, type Api } from './helpers.ts';

interface Tenants {
  readonly api: Api;
  readonly mine: string;
  readonly other: string;
  /** Scoped to `mine`, may write it. */
  readonly scoped: Record<string, string>;
}

async function tenants(t: TestContext): Promise<Tenants> {
  const api = await startApi(t);
  const create = async (name: string): Promise<string> => ((await api.call('POST', '/service', { name })).body as { id: string }).id;
  const mine = await create('mine');
  const other = await create('other');
  const token = ((await api.call('POST', '/tokens', { service_id: mine })).body as { access_token: string }).access_token;
  return { api, mine, other, scoped: { 'fastly-key': token } };
}

const refused = (field: string, other: string) => ({
  msg: 'Forbidden', detail: `${field}: "${other}" is another service's id; only a token that may write service ${other} may share its probes`,
});

test('a scoped token may not create or update a backend whose share_key is another service\'s id', async (t) => {
  const { api, mine, other, scoped } = await tenants(t);
  const base = `/service/${mine}/version/1/backend`;
  const created = await api.call('POST', base, { name: 'origin', address: '192.0.2.1', share_key: other }, scoped);
  assert.deepEqual([created.status, created.body], [403, refused('share_key', other)]);
  assert.equal((await api.call('GET', `${base}/origin`)).status, 404, 'nothing was written');

  // Its own id, and a key that is no service's id, are the token's to use.
  assert.equal((await api.call('POST', base, { name: 'origin', address: '192.0.2.1', share_key: mine }, scoped)).status, 200);
  assert.equal((await api.call('POST', base, { name: 'pooled', address: '192.0.2.2', share_key: 'sharedorigins' }, scoped)).status, 200);
  const updated = await api.call('PUT', `${base}/origin`, { share_key: other }, scoped);
  assert.deepEqual([updated.status, updated.body], [403, refused('share_key', other)]);
  assert.equal(((await api.call('GET', `${base}/origin`)).body as { share_key: string }).share_key, mine, 'unchanged');

  // A token for every service may (DESIGN.md §4.2: share_key is a free field).
  const byAdmin = await api.call('PUT', `${base}/origin`, { share_key: other }, { 'fastly-key': ADMIN });
  assert.deepEqual([byAdmin.status, (byAdmin.body as { share_key: string }).share_key], [200, other]);
});

test('activation refuses a VCL backend whose .share_key is another service\'s id unless the token may write it', async (t) => {
  const { api, mine, other, scoped } = await tenants(t);
  const vcl = (key: string) => `backend legacy {
  .dynamic = true;
  .share_key = "${key}";
  .host = "192.0.2.1";
  .port = "80";
}
sub vcl_recv {
  #FASTLY recv
  set req.backend = legacy;
  return(lookup);
}
`;
  const base = `/service/${mine}/version/1`;
  assert.equal((await api.call('POST', `${base}/domain`, { name: 'mine.example' }, scoped)).status, 200);
  assert.equal((await api.call('POST', `${base}/vcl`, { name: 'main', content: vcl(other), main: true }, scoped)).status, 200);
  const activated = await api.call('PUT', `${base}/activate`, undefined, scoped);
  assert.deepEqual([activated.status, activated.body], [403, refused('backend legacy: .share_key', other)]);
  assert.equal(((await api.call('GET', `${base}`)).body as { active: boolean }).active, false);

  assert.equal((await api.call('PUT', `${base}/vcl/main`, { content: vcl(mine) }, scoped)).status, 200);
  assert.equal((await api.call('PUT', `${base}/activate`, undefined, scoped)).status, 200);

  // The same VCL, activated with a token for every service, may share the other's probes.
  await api.call('PUT', `${base}/clone`, undefined, scoped);
  assert.equal((await api.call('PUT', `/service/${mine}/version/2/vcl/main`, { content: vcl(other) }, scoped)).status, 200);
  assert.equal((await api.call('PUT', `/service/${mine}/version/2/activate`, undefined, { 'fastly-key': ADMIN })).status, 200);
});
