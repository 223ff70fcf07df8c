import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoreEvent } from '../../src/store/index.ts';
import { startApi, type Api } from './helpers.ts';

async function serviceWithBackend(api: Api, name: string, domain: string): Promise<string> {
  const sid = ((await api.call('POST', '/service', { name })).body as { id: string }).id;
  await api.call('POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: 'origin.example' });
  await api.call('POST', `/service/${sid}/version/1/domain`, { name: domain });
  return sid;
}

function versions(api: Api, sid: string): Promise<Array<[number, boolean, boolean]>> {
  return api.call('GET', `/service/${sid}/version`).then((r) => (r.body as Array<{ number: number; active: boolean; locked: boolean }>).map((v) => [v.number, v.active, v.locked]));
}

test('activation locks the version, publishes an event and leaves one active version', async (t) => {
  const api = await startApi(t);
  const events: StoreEvent[] = [];
  api.store.events.on('event', (e) => events.push(e));
  const sid = await serviceWithBackend(api, 'one', 'www.one.example');
  const act = await api.call('PUT', `/service/${sid}/version/1/activate`);
  assert.equal(act.status, 200, act.text);
  assert.deepEqual([(act.body as { active: boolean }).active, (act.body as { locked: boolean }).locked], [true, true]);
  const clone = await api.call('PUT', `/service/${sid}/version/1/clone`);
  assert.deepEqual([(clone.body as { number: number }).number, (clone.body as { locked: boolean }).locked], [2, false]);
  assert.deepEqual(((await api.call('GET', `/service/${sid}/version/2/backend`)).body as Array<{ name: string }>).map((b) => b.name), ['origin']);
  await api.call('PUT', `/service/${sid}/version/2/activate`);
  assert.deepEqual(await versions(api, sid), [[1, false, true], [2, true, true]]);
  assert.deepEqual(events, [
    { type: 'activated', serviceId: sid, version: 1 },
    { type: 'activated', serviceId: sid, version: 2 },
  ]);
  const deact = await api.call('PUT', `/service/${sid}/version/2/deactivate`);
  assert.equal((deact.body as { active: boolean }).active, false);
  assert.deepEqual(events.at(-1), { type: 'deactivated', serviceId: sid, version: 2 });
});

test('an active version answers 422 Version locked to edits', async (t) => {
  const api = await startApi(t);
  const sid = await serviceWithBackend(api, 'one', 'www.one.example');
  await api.call('PUT', `/service/${sid}/version/1/activate`);
  const r = await api.call('PUT', `/service/${sid}/version/1/backend/origin`, { port: 8080 });
  assert.deepEqual([r.status, r.body], [422, { msg: 'Version locked', detail: `version 1 of service '${sid}' is active and cannot be edited; clone it` }]);
});

test('activation is refused with the diagnostics when the VCL has errors, and nothing changes', async (t) => {
  const api = await startApi(t);
  const events: StoreEvent[] = [];
  api.store.events.on('event', (e) => events.push(e));
  const sid = await serviceWithBackend(api, 'one', 'www.one.example');
  await api.call('POST', `/service/${sid}/version/1/vcl`, { name: 'main', main: true, content: 'sub vcl_recv {\n#FASTLY recv\n  set req.backend = F_nowhere;\n}\n' });
  const validate = await api.call('GET', `/service/${sid}/version/1/validate`);
  assert.deepEqual((validate.body as { errors: string[] }).errors, ['main:3:21 error ref/unknown-backend: F_nowhere is not a declared backend or director']);
  assert.deepEqual([(validate.body as { status: string }).status, (validate.body as { msg: string }).msg], ['error', '1 error in the generated VCL']);
  const act = await api.call('PUT', `/service/${sid}/version/1/activate`);
  assert.equal(act.status, 400);
  assert.equal((act.body as { msg: string }).msg, 'Version failed to activate');
  assert.equal((act.body as { detail: string }).detail, 'main:3:21 error ref/unknown-backend: F_nowhere is not a declared backend or director');
  assert.deepEqual(await versions(api, sid), [[1, false, false]]);
  assert.deepEqual(events, []);
});

test('activation errors are at the line and column of the uploaded VCL, past every #FASTLY expansion', async (t) => {
  // lacquer puts its declarations before the upload and its code in place of each #FASTLY line;
  // a user reads the position in the file they wrote.
  const api = await startApi(t);
  const sid = await serviceWithBackend(api, 'one', 'www.one.example');
  const content = 'sub vcl_recv {\n#FASTLY recv\n  return(lookup);\n}\n\nsub vcl_deliver {\n  #FASTLY deliver\n  set resp.http.X = nosuch.var;\n}\n';
  await api.call('POST', `/service/${sid}/version/1/vcl`, { name: 'main', main: true, content });
  const act = await api.call('PUT', `/service/${sid}/version/1/activate`);
  assert.equal((act.body as { detail: string }).detail, 'main:8:21 error var/unknown: nosuch.var: Fastly has no variable of that name');
});

test('validate answers ok for a clean version', async (t) => {
  const api = await startApi(t);
  const sid = await serviceWithBackend(api, 'one', 'www.one.example');
  const r = await api.call('GET', `/service/${sid}/version/1/validate`);
  assert.deepEqual(r.body, { status: 'ok', msg: null, errors: [], warnings: [], messages: [], default_backend: 'origin', backend_order: ['origin'] });
});

test('a domain active in one service cannot be activated in another, naming both', async (t) => {
  const api = await startApi(t);
  const a = await serviceWithBackend(api, 'a', 'shared.example');
  const b = await serviceWithBackend(api, 'b', 'shared.example');
  assert.equal((await api.call('PUT', `/service/${a}/version/1/activate`)).status, 200);
  const r = await api.call('PUT', `/service/${b}/version/1/activate`);
  assert.deepEqual([r.status, r.body], [409, { msg: 'Domain conflict', detail: `domain 'shared.example' is active in service '${a}'; it cannot also be activated in service '${b}'` }]);
  await api.call('PUT', `/service/${a}/version/1/deactivate`);
  assert.equal((await api.call('PUT', `/service/${b}/version/1/activate`)).status, 200);
});

test('generated_vcl returns the main file that activation compiles', async (t) => {
  const api = await startApi(t);
  const sid = await serviceWithBackend(api, 'one', 'www.one.example');
  const r = await api.call('GET', `/service/${sid}/version/1/generated_vcl`);
  const body = r.body as { name: string; main: boolean; content: string; version: number };
  assert.deepEqual([body.name, body.main, body.version], ['generated.vcl', true, 1]);
  assert.match(body.content, /^backend F_origin \{\n {2}\.dynamic = true;\n {2}\.share_key = "[0-9A-Za-z]{22}";\n {2}\.host = "origin\.example";/m);
});

test('details shows the latest version and the active one', async (t) => {
  const api = await startApi(t);
  const sid = await serviceWithBackend(api, 'one', 'www.one.example');
  await api.call('PUT', `/service/${sid}/version/1/activate`);
  await api.call('PUT', `/service/${sid}/version/1/clone`);
  const r = (await api.call('GET', `/service/${sid}/details`)).body as { version: { number: number; backends: unknown[] }; active_version: { number: number } };
  assert.deepEqual([r.version.number, r.version.backends.length, r.active_version.number], [2, 1, 1]);
});

test('a service with an active version cannot be deleted', async (t) => {
  const api = await startApi(t);
  const sid = await serviceWithBackend(api, 'one', 'www.one.example');
  await api.call('PUT', `/service/${sid}/version/1/activate`);
  assert.equal((await api.call('DELETE', `/service/${sid}`)).status, 422);
  await api.call('PUT', `/service/${sid}/version/1/deactivate`);
  assert.deepEqual((await api.call('DELETE', `/service/${sid}`)).body, { status: 'ok' });
  assert.equal((await api.call('GET', `/service/${sid}`)).status, 404);
});
