// Dictionaries and their versionless items through the API, as the Terraform provider drives
// them (fastly_service_vcl `dictionary` block, then fastly_service_dictionary_items: batch
// PATCH …/items and paginated GET …/items), and the rules on bad input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startApi, type Api } from '../helpers.ts';

async function service(api: Api): Promise<string> {
  const created = await api.call('POST', '/service', 'name=dicts');
  return (created.body as { id: string }).id;
}

async function dictionaryIn(api: Api, sid: string, v: number, body: string): Promise<{ id: string; name: string; write_only: boolean }> {
  const r = await api.call('POST', `/service/${sid}/version/${v}/dictionary`, body);
  assert.equal(r.status, 200, r.text);
  return r.body as { id: string; name: string; write_only: boolean };
}

test('a dictionary gets an id that its clone keeps, and its items belong to that id', async (t) => {
  const api = await startApi(t);
  const sid = await service(api);
  const d = await dictionaryIn(api, sid, 1, 'name=my_dict');
  assert.match(d.id, /^[0-9A-Za-z]{22}$/);
  assert.equal(d.write_only, false);
  const batch = await api.call('PATCH', `/service/${sid}/dictionary/${d.id}/items`, {
    items: [{ op: 'create', item_key: 'a', item_value: '1' }, { op: 'upsert', item_key: 'b', item_value: '2' }],
  });
  assert.deepEqual([batch.status, batch.body], [200, { status: 'ok' }]);
  await api.call('PUT', `/service/${sid}/version/1/clone`);
  const cloned = await api.call('GET', `/service/${sid}/version/2/dictionary/my_dict`);
  assert.equal((cloned.body as { id: string }).id, d.id);
  const items = await api.call('GET', `/service/${sid}/dictionary/${d.id}/items`);
  assert.deepEqual((items.body as { item_key: string; item_value: string; dictionary_id: string }[]).map((i) => [i.item_key, i.item_value, i.dictionary_id]),
    [['a', '1', d.id], ['b', '2', d.id]]);
  const details = await api.call('GET', `/service/${sid}/details`);
  assert.deepEqual((details.body as { version: { dictionaries: { id: string }[] } }).version.dictionaries.map((x) => x.id), [d.id]);
});

test('single item routes create, read, upsert, update and delete', async (t) => {
  const api = await startApi(t);
  const sid = await service(api);
  const { id } = await dictionaryIn(api, sid, 1, 'name=d');
  const base = `/service/${sid}/dictionary/${id}`;
  assert.equal((await api.call('POST', `${base}/item`, 'item_key=k&item_value=v1')).status, 200);
  assert.equal((await api.call('POST', `${base}/item`, 'item_key=k&item_value=v1')).status, 409);
  assert.equal(((await api.call('GET', `${base}/item/k`)).body as { item_value: string }).item_value, 'v1');
  assert.equal(((await api.call('PATCH', `${base}/item/k`, 'item_value=v2')).body as { item_value: string }).item_value, 'v2');
  assert.equal((await api.call('PATCH', `${base}/item/missing`, 'item_value=x')).status, 404);
  assert.equal(((await api.call('PUT', `${base}/item/new`, 'item_value=n')).body as { item_key: string }).item_key, 'new');
  assert.deepEqual((await api.call('DELETE', `${base}/item/k`)).body, { status: 'ok' });
  assert.equal((await api.call('GET', `${base}/item/k`)).status, 404);
  assert.deepEqual(((await api.call('GET', `${base}/items`)).body as { item_key: string }[]).map((i) => i.item_key), ['new']);
});

test('a batch with one bad operation is refused whole with 400 naming it, and nothing is stored', async (t) => {
  const api = await startApi(t);
  const sid = await service(api);
  const { id } = await dictionaryIn(api, sid, 1, 'name=d');
  const bad = [
    [{ op: 'create', item_key: 'ok', item_value: '1' }, { op: 'frob', item_key: 'x', item_value: '1' }, 'items[1].op: must be one of create, update, upsert, delete'],
    [{ op: 'create', item_key: 'ok', item_value: '1' }, { op: 'create', item_key: 'k'.repeat(257), item_value: '1' }, 'items[1].item_key: must be at most 256 characters'],
    [{ op: 'create', item_key: 'ok', item_value: '1' }, { op: 'create', item_key: 'v', item_value: 'x'.repeat(8001) }, 'items[1].item_value: must be at most 8000 characters'],
  ] as const;
  for (const [first, second, detail] of bad) {
    const r = await api.call('PATCH', `/service/${sid}/dictionary/${id}/items`, { items: [first, second] });
    assert.equal(r.status, 400, r.text);
    assert.equal((r.body as { detail: string }).detail, detail);
  }
  const missing = await api.call('PATCH', `/service/${sid}/dictionary/${id}/items`, {
    items: [{ op: 'create', item_key: 'ok', item_value: '1' }, { op: 'update', item_key: 'absent', item_value: '1' }],
  });
  assert.equal(missing.status, 404);
  assert.equal((missing.body as { detail: string }).detail, `items[1]: no item 'absent' in dictionary '${id}'`);
  assert.deepEqual((await api.call('GET', `/service/${sid}/dictionary/${id}/items`)).body, []);
});

test('a dictionary holds at most 1000 items', async (t) => {
  const api = await startApi(t);
  const sid = await service(api);
  const { id } = await dictionaryIn(api, sid, 1, 'name=d');
  const items = Array.from({ length: 1000 }, (_, i) => ({ op: 'create', item_key: `k${i}`, item_value: 'v' }));
  assert.equal((await api.call('PATCH', `/service/${sid}/dictionary/${id}/items`, { items })).status, 200);
  const over = await api.call('POST', `/service/${sid}/dictionary/${id}/item`, 'item_key=one&item_value=more');
  assert.equal(over.status, 400);
  assert.equal((over.body as { detail: string }).detail, 'items: a dictionary holds at most 1000 items; this would make 1001');
});

test('items list in pages of per_page with a Link to the next page, as go-fastly paginates', async (t) => {
  const api = await startApi(t);
  const sid = await service(api);
  const { id } = await dictionaryIn(api, sid, 1, 'name=d');
  const items = Array.from({ length: 5 }, (_, i) => ({ op: 'create', item_key: `k${i}`, item_value: 'v' }));
  await api.call('PATCH', `/service/${sid}/dictionary/${id}/items`, { items });
  const first = await fetch(`${api.base}/service/${sid}/dictionary/${id}/items?per_page=2`, { headers: { 'fastly-key': 'admin-secret-for-tests' } });
  assert.deepEqual(((await first.json()) as { item_key: string }[]).map((i) => i.item_key), ['k0', 'k1']);
  assert.equal(first.headers.get('link'), `</service/${sid}/dictionary/${id}/items?per_page=2&page=2>; rel="next"`);
  const last = await fetch(`${api.base}/service/${sid}/dictionary/${id}/items?per_page=2&page=3`, { headers: { 'fastly-key': 'admin-secret-for-tests' } });
  assert.deepEqual(((await last.json()) as { item_key: string }[]).map((i) => i.item_key), ['k4']);
  assert.equal(last.headers.get('link'), null);
});

test('a write_only dictionary never returns its items', async (t) => {
  const api = await startApi(t);
  const sid = await service(api);
  const { id, write_only } = await dictionaryIn(api, sid, 1, 'name=secrets&write_only=true');
  assert.equal(write_only, true);
  assert.equal((await api.call('PUT', `/service/${sid}/dictionary/${id}/item/api_key`, 'item_value=s3cret')).status, 200);
  assert.deepEqual((await api.call('GET', `/service/${sid}/dictionary/${id}/items`)).body, []);
  const one = await api.call('GET', `/service/${sid}/dictionary/${id}/item/api_key`);
  assert.equal(one.status, 403);
  assert.doesNotMatch(one.text, /s3cret/);
});

test('dictionary names are refused with 400 naming the rule, and one VCL name is taken once per version', async (t) => {
  const api = await startApi(t);
  const sid = await service(api);
  const bad = await api.call('POST', `/service/${sid}/version/1/dictionary`, 'name=1abc');
  assert.equal(bad.status, 400);
  assert.equal((bad.body as { detail: string }).detail, 'name: must start with a letter and contain only letters, digits, underscores and spaces (at most 255 characters)');
  await dictionaryIn(api, sid, 1, 'name=my dict');
  const clash = await api.call('POST', `/service/${sid}/version/1/dictionary`, 'name=my_dict');
  assert.equal(clash.status, 409);
  assert.equal((clash.body as { detail: string }).detail, "dictionary 'my_dict' would have the VCL name my_dict, which dictionary 'my dict' already has in version 1");
  assert.equal((await api.call('GET', `/service/${sid}/dictionary/nope/items`)).status, 404);
});

test('a dictionary or ACL that no VCL reads yet gives no warning, as Fastly declares every one', async (t) => {
  const api = await startApi(t);
  const sid = await service(api);
  await api.call('POST', `/service/${sid}/version/1/domain`, 'name=quiet.example');
  await api.call('POST', `/service/${sid}/version/1/backend`, 'name=origin&address=127.0.0.1');
  await dictionaryIn(api, sid, 1, 'name=unused dict');
  await api.call('POST', `/service/${sid}/version/1/acl`, 'name=unused_acl');
  const v = await api.call('GET', `/service/${sid}/version/1/validate`);
  assert.deepEqual([(v.body as { status: string }).status, (v.body as { warnings: string[] }).warnings], ['ok', []]);
});
