import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startApi, type Api } from './helpers.ts';

async function newService(api: Api, name = 'demo'): Promise<string> {
  const r = await api.call('POST', '/service', `name=${name}`);
  assert.equal(r.status, 200, r.text);
  return (r.body as { id: string }).id;
}

test('creating a service creates an editable version 1', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api);
  assert.match(sid, /^[0-9A-Za-z]{22}$/);
  const v = await api.call('GET', `/service/${sid}/version/1`);
  assert.deepEqual(
    (({ number, active, locked, deployed, service_id }) => ({ number, active, locked, deployed, service_id }))(v.body as Record<string, unknown>),
    { number: 1, active: false, locked: false, deployed: false, service_id: sid });
});

test('form-urlencoded and JSON bodies create the same backend, with real booleans and null for unset', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api);
  const form = await api.call('POST', `/service/${sid}/version/1/backend`, 'name=a&address=example.com&port=443&ssl_cert_hostname=&ssl_check_cert=0&override_host=www.example.com');
  const json = await api.call('POST', `/service/${sid}/version/1/backend`, { name: 'b', address: 'example.com', port: '443', ssl_cert_hostname: '', ssl_check_cert: false, override_host: 'www.example.com' });
  assert.equal(form.status, 200, form.text);
  assert.equal(json.status, 200, json.text);
  const strip = (b: unknown): Record<string, unknown> => {
    const { name: _n, created_at: _c, updated_at: _u, ...rest } = b as Record<string, unknown>;
    return rest;
  };
  assert.deepEqual(strip(form.body), strip(json.body));
  const body = form.body as Record<string, unknown>;
  assert.deepEqual([body.use_ssl, body.ssl_check_cert, body.ssl_cert_hostname, body.port, body.locked, body.deleted_at, body.version],
    [true, false, null, 443, false, null, 1]);
});

test('percent-encoded names in paths address the object by its decoded name', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api);
  for (const name of ['my origin', 'a/b']) {
    const created = await api.call('POST', `/service/${sid}/version/1/backend`, { name, address: 'example.com' });
    assert.equal(created.status, 200, created.text);
    const got = await api.call('GET', `/service/${sid}/version/1/backend/${encodeURIComponent(name)}`);
    assert.equal(got.status, 200, got.text);
    assert.equal((got.body as { name: string }).name, name);
    const del = await api.call('DELETE', `/service/${sid}/version/1/backend/${encodeURIComponent(name)}`);
    assert.deepEqual([del.status, del.body], [200, { status: 'ok' }]);
  }
});

test('errors are {msg, detail} with 400, 404, 409 and 422', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api);
  const bad = await api.call('POST', `/service/${sid}/version/1/backend`, 'name=a&address=example.com&port=70000');
  assert.deepEqual([bad.status, bad.body], [400, { msg: 'Bad request', detail: 'port: must be an integer from 1 to 65535' }]);
  const missing = await api.call('GET', `/service/${sid}/version/1/backend/nope`);
  assert.deepEqual([missing.status, missing.body], [404, { msg: 'Record not found', detail: `Couldn't find backend 'nope' in version 1 of service '${sid}'` }]);
  await api.call('POST', `/service/${sid}/version/1/domain`, 'name=www.example.com');
  const dup = await api.call('POST', `/service/${sid}/version/1/domain`, 'name=WWW.example.com');
  assert.deepEqual([dup.status, dup.body], [409, { msg: 'Duplicate record', detail: "domain 'www.example.com' already exists in version 1" }]);
  await api.call('PUT', `/service/${sid}/version/1/lock`);
  const locked = await api.call('POST', `/service/${sid}/version/1/domain`, 'name=other.example.com');
  assert.deepEqual([locked.status, locked.body], [422, { msg: 'Version locked', detail: `version 1 of service '${sid}' is locked and cannot be edited; clone it` }]);
  const noService = await api.call('GET', '/service/nope/version/1/backend');
  assert.equal(noService.status, 404);
});

test('a failed call leaves nothing half-written', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api);
  await api.call('POST', `/service/${sid}/version/1/backend`, { name: 'a', address: 'a.example' });
  await api.call('POST', `/service/${sid}/version/1/backend`, { name: 'b', address: 'b.example' });
  // Renaming a onto b collides after nothing was written; b and a are unchanged.
  const r = await api.call('PUT', `/service/${sid}/version/1/backend/a`, { name: 'b', port: 8080 });
  assert.equal(r.status, 409);
  const list = await api.call('GET', `/service/${sid}/version/1/backend`);
  assert.deepEqual((list.body as Array<{ name: string; port: number }>).map((b) => [b.name, b.port]), [['a', 80], ['b', 80]]);
});

test('healthcheck headers accept a JSON array string and come back sorted', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api);
  const r = await api.call('POST', `/service/${sid}/version/1/healthcheck`, `name=hc&headers=${encodeURIComponent('["X-B: 2","X-A: 1"]')}`);
  assert.deepEqual((r.body as { headers: string[] }).headers, ['X-A: 1', 'X-B: 2']);
  const csv = await api.call('PUT', `/service/${sid}/version/1/healthcheck/hc`, 'headers=Foo: Bar,Accept: */*');
  assert.deepEqual((csv.body as { headers: string[] }).headers, ['Accept: */*', 'Foo: Bar']);
});

test('renaming a backend follows into director membership; deleting it leaves the director', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api);
  await api.call('POST', `/service/${sid}/version/1/backend`, { name: 'a', address: 'a.example' });
  await api.call('POST', `/service/${sid}/version/1/director`, { name: 'd', type: 1 });
  const add = await api.call('POST', `/service/${sid}/version/1/director/d/backend/a`);
  assert.deepEqual([add.status, (add.body as { backend: string }).backend], [200, 'a']);
  assert.equal((await api.call('POST', `/service/${sid}/version/1/director/d/backend/a`)).status, 409);
  await api.call('PUT', `/service/${sid}/version/1/backend/a`, { name: 'z' });
  assert.deepEqual(((await api.call('GET', `/service/${sid}/version/1/director/d`)).body as { backends: string[] }).backends, ['z']);
  await api.call('DELETE', `/service/${sid}/version/1/backend/z`);
  assert.deepEqual(((await api.call('GET', `/service/${sid}/version/1/director/d`)).body as { backends: string[] }).backends, []);
});

test('settings default to lacquer\'s and update per version', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api);
  const got = await api.call('GET', `/service/${sid}/version/1/settings`);
  assert.deepEqual(got.body, { 'general.default_host': null, 'general.default_ttl': 3600, 'general.stale_if_error': true, 'general.stale_if_error_ttl': 43200, service_id: sid, version: 1 });
  const put = await api.call('PUT', `/service/${sid}/version/1/settings`, 'general.default_ttl=60&general.stale_if_error=0');
  assert.deepEqual([(put.body as Record<string, unknown>)['general.default_ttl'], (put.body as Record<string, unknown>)['general.stale_if_error']], [60, false]);
});

test('/ready, IP lists and OpenID discovery need no token', async (t) => {
  const api = await startApi(t);
  const none = { 'fastly-key': '' };
  assert.deepEqual((await api.call('GET', '/ready', undefined, none)).body, { status: 'ok', pop: 'test' });
  assert.deepEqual((await api.call('GET', '/public-ip-list', undefined, none)).body, { addresses: ['192.0.2.0/24'], ipv6_addresses: ['2001:db8::/32'] });
  assert.deepEqual((await api.call('GET', '/v2/companies/ipranges', undefined, none)).body, ['192.0.2.0/24', '2001:db8::/32']);
  assert.equal((await api.call('GET', '/v2/companies/ipranges?format=txt', undefined, none)).text, '192.0.2.0/24\n2001:db8::/32\n');
  assert.deepEqual((await api.call('GET', '/realms/fastly/.well-known/openid-configuration', undefined, none)).body, {});
});

test('/openapi.json documents every route with the schemas that validate', async (t) => {
  const api = await startApi(t);
  const doc = (await api.call('GET', '/openapi.json')).body as { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, Record<string, unknown>> } }> } }>> };
  assert.equal(doc.openapi, '3.1.0');
  const post = doc.paths['/service/{service_id}/version/{version_id}/backend'].post;
  const port = post.requestBody?.content['application/x-www-form-urlencoded'].schema.properties.port;
  assert.deepEqual(port, { minimum: 1, maximum: 65535, description: 'Port number of the address', type: 'integer', 'x-rule': 'must be an integer from 1 to 65535' });
  assert.ok(doc.paths['/service/{service_id}/version/{version_id}/director/{director}/backend/{backend}'].post);
});
