// What a version runs: its VCL is built from API values through the syntax tree (DESIGN.md §1,
// one quoting rule), stored at activation, and from then on what GET …/generated_vcl answers
// and what the edge loads, whatever generation would make of the same objects later.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serviceSource } from '../../src/control/sources.ts';
import type * as A from '../../src/vcl/index.ts';
import { parse } from '../../src/vcl/index.ts';
import { startApi, type Api } from './helpers.ts';

const BREAKOUT = 'x"}; } sub inj { } backend F_zz { .host_header = {"y';

async function newService(api: Api, domain = 'www.one.example'): Promise<string> {
  const sid = ((await api.call('POST', '/service', { name: 'one' })).body as { id: string }).id;
  await api.call('POST', `/service/${sid}/version/1/domain`, { name: domain });
  return sid;
}

async function generated(api: Api, sid: string, version: number): Promise<string> {
  const r = await api.call('GET', `/service/${sid}/version/${version}/generated_vcl`);
  assert.equal(r.status, 200, r.text);
  return (r.body as { content: string }).content;
}

function stringValue(e: A.Expression | A.ObjectValue | undefined): string[] {
  if (e?.kind === 'String') return [e.value];
  if (e?.kind === 'Concat') return e.parts.map((p) => (p.kind === 'String' ? p.value : ''));
  return assert.fail(`not a string: ${e?.kind}`);
}

test('an override_host that closes a long string is one value: no subroutine or backend comes out of it', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api);
  const r = await api.call('POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: 'origin.example', override_host: BREAKOUT });
  assert.equal(r.status, 200, r.text);
  const { ast } = parse(await generated(api, sid, 1));
  assert.deepEqual(ast.declarations.filter((d) => d.kind === 'Backend').map((d) => d.name.name), ['F_origin']);
  assert.deepEqual(ast.declarations.filter((d) => d.kind === 'Sub').map((d) => d.name.name),
    ['vcl_recv', 'vcl_hash', 'vcl_hit', 'vcl_miss', 'vcl_pass', 'vcl_fetch', 'vcl_error', 'vcl_deliver', 'vcl_log']);
});

test('API values that close a VCL string stay values: no new subroutine or backend, and activation runs them', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api);
  const hc = await api.call('POST', `/service/${sid}/version/1/healthcheck`, {
    name: 'hc', host: BREAKOUT, path: '/x"};sub_inj{}', headers: [`X-Inj: ${BREAKOUT}`],
  });
  assert.equal(hc.status, 200, hc.text);
  const fields = { override_host: BREAKOUT, ssl_cert_hostname: BREAKOUT, ssl_sni_hostname: BREAKOUT, ssl_ciphers: BREAKOUT, ssl_ca_cert: `${BREAKOUT}\n"}\n` };
  const created = await api.call('POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: 'origin.example', use_ssl: true, healthcheck: 'hc', ...fields });
  assert.equal(created.status, 200, created.text);

  const shown = await generated(api, sid, 1);
  const { ast, diagnostics } = parse(shown);
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(ast.declarations.map((d) => (d.kind === 'Backend' || d.kind === 'Sub' ? d.name.name : d.kind)),
    ['F_origin', 'vcl_recv', 'vcl_hash', 'vcl_hit', 'vcl_miss', 'vcl_pass', 'vcl_fetch', 'vcl_error', 'vcl_deliver', 'vcl_log']);
  const props = new Map((ast.declarations[0] as A.BackendDeclaration).properties.map((p) => [p.name.name, p.value]));
  assert.deepEqual(stringValue(props.get('host_header')), [BREAKOUT]);
  assert.deepEqual(stringValue(props.get('ssl_cert_hostname')), [BREAKOUT]);
  assert.deepEqual(stringValue(props.get('ssl_sni_hostname')), [BREAKOUT]);
  assert.deepEqual(stringValue(props.get('ssl_ciphers')), [BREAKOUT]);
  assert.deepEqual(stringValue(props.get('ssl_ca_cert')), [`${BREAKOUT}\n"}\n`]);
  const probe = props.get('probe');
  assert.equal(probe?.kind, 'Object');
  assert.deepEqual(stringValue(probe?.kind === 'Object' ? probe.properties[0].value : undefined),
    ['HEAD /x"};sub_inj{} HTTP/1.1', `Host: ${BREAKOUT}`, `X-Inj: ${BREAKOUT}`, 'Connection: close', 'User-Agent: lacquer (healthcheck)']);

  const act = await api.call('PUT', `/service/${sid}/version/1/activate`);
  assert.equal(act.status, 200, act.text);
  const source = await api.store.transaction((tx) => serviceSource(tx, sid, 1));
  assert.equal(source.files[0].content, shown);
});

/** Changes a stored backend behind the API's back: what a later release might generate differently from the same objects. */
async function changeBehindTheApi(api: Api, sid: string, version: number, address: string): Promise<void> {
  await api.store.transaction(async (tx) => {
    const row = await tx.getObject(sid, version, 'backend', 'origin');
    assert.ok(row);
    await tx.replaceObject('origin', { ...row, data: { ...row.data, address } });
  });
}

test('an active version keeps running the VCL stored at activation, whatever generation makes later', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api);
  await api.call('POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: 'first.example' });
  assert.equal((await api.call('PUT', `/service/${sid}/version/1/activate`)).status, 200);
  const atActivation = await generated(api, sid, 1);
  assert.match(atActivation, /\.host = "first\.example";/);

  await changeBehindTheApi(api, sid, 1, 'later.example');
  assert.equal(await generated(api, sid, 1), atActivation);
  const source = await api.store.transaction((tx) => serviceSource(tx, sid, 1));
  assert.deepEqual(source.files.map((f) => f.content), [atActivation]);
  const stored = await api.store.transaction((tx) => tx.getVersionVcl(sid, 1));
  assert.deepEqual(stored?.files.map((f) => [f.name, f.main, f.content]), [['generated.vcl', true, atActivation]]);
});

test('re-activating an older version runs the VCL it was first activated with', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api);
  await api.call('POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: 'first.example' });
  await api.call('PUT', `/service/${sid}/version/1/activate`);
  const v1 = await generated(api, sid, 1);
  await api.call('PUT', `/service/${sid}/version/1/clone`);
  await api.call('PUT', `/service/${sid}/version/2/backend/origin`, { address: 'second.example' });
  assert.equal((await api.call('PUT', `/service/${sid}/version/2/activate`)).status, 200);
  await changeBehindTheApi(api, sid, 1, 'later.example');

  assert.equal((await api.call('PUT', `/service/${sid}/version/1/activate`)).status, 200);
  const source = await api.store.transaction((tx) => serviceSource(tx, sid, 1));
  assert.deepEqual(source.files.map((f) => f.content), [v1]);
});

test('a version activated before VCL was stored gets it generated and stored the first time it is loaded', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api);
  await api.call('POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: 'first.example' });
  // What an older release left behind: an active version and no stored VCL.
  await api.store.transaction((tx) => tx.updateVersion(sid, 1, { active: true, locked: true }));
  assert.equal(await api.store.transaction((tx) => tx.getVersionVcl(sid, 1)), null);

  const loaded = await api.store.transaction((tx) => serviceSource(tx, sid, 1));
  assert.match(loaded.files[0].content, /\.host = "first\.example";/);
  const stored = await api.store.transaction((tx) => tx.getVersionVcl(sid, 1));
  assert.deepEqual(stored?.files.map((f) => f.content), [loaded.files[0].content]);

  await changeBehindTheApi(api, sid, 1, 'later.example');
  assert.equal(await generated(api, sid, 1), loaded.files[0].content);
  assert.deepEqual((await api.store.transaction((tx) => serviceSource(tx, sid, 1))).files, loaded.files);
});

test('an editable version shows what generation makes of its objects now', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api);
  await api.call('POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: 'first.example' });
  assert.match(await generated(api, sid, 1), /\.host = "first\.example";/);
  await api.call('PUT', `/service/${sid}/version/1/backend/origin`, { address: 'second.example' });
  assert.match(await generated(api, sid, 1), /\.host = "second\.example";/);
  assert.equal(await api.store.transaction((tx) => tx.getVersionVcl(sid, 1)), null);
});
