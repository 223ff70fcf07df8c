// The official `fastly` JS client (v13), unchanged, on snippets, dynamic snippets, dictionaries
// with their items and ACLs with their entries (DESIGN.md §4.2). Its base URL is hard-wired to
// api.fastly.com; a superagent plugin rewrites each request to the local server.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { ADMIN, startApi } from '../helpers.ts';

type Call = (options: Record<string, unknown>) => Promise<Record<string, unknown> & Array<Record<string, unknown>>>;
type ApiClass = new () => Record<string, Call>;
interface FastlyModule {
  ApiClient: { instance: { plugins: Array<(req: { url: string }) => unknown> | null; authenticate(token: string): void } };
  SnippetApi: ApiClass;
  DictionaryApi: ApiClass;
  DictionaryItemApi: ApiClass;
  AclApi: ApiClass;
  AclEntryApi: ApiClass;
}

const Fastly = createRequire(import.meta.url)('fastly') as FastlyModule;

test('the fastly JS client manages snippets, dictionaries with items and ACLs with entries', async (t) => {
  const api = await startApi(t);
  const client = Fastly.ApiClient.instance;
  client.authenticate(ADMIN);
  client.plugins = [(req) => {
    req.url = req.url.replace(/^https:\/\/api\.fastly\.com/, api.base);
    return req;
  }];
  t.after(() => {
    client.plugins = null;
  });
  const { id: sid } = (await api.call('POST', '/service', 'name=js')).body as { id: string };
  const at = { service_id: sid, version_id: 1 };

  const snippets = new Fastly.SnippetApi();
  const made = await snippets.createSnippet({ ...at, name: 'dyn', type: 'recv', dynamic: '1', priority: '50', content: 'set req.http.X = "1";' });
  assert.deepEqual([made.name, made.dynamic, made.priority], ['dyn', '1', '50']);
  const dynamic = await snippets.updateSnippetDynamic({ service_id: sid, id: made.id, content: 'set req.http.X = "2";' });
  assert.equal(dynamic.content, 'set req.http.X = "2";');
  assert.equal((await snippets.getSnippetDynamic({ service_id: sid, id: made.id })).content, 'set req.http.X = "2";');
  assert.deepEqual((await snippets.listSnippets(at)).map((s) => s.name), ['dyn']);

  const dictionaries = new Fastly.DictionaryApi();
  const dict = await dictionaries.createDictionary({ ...at, name: 'flags', write_only: false });
  assert.equal(dict.write_only, false);
  const items = new Fastly.DictionaryItemApi();
  await items.createDictionaryItem({ service_id: sid, dictionary_id: dict.id, item_key: 'a', item_value: '1' });
  await items.upsertDictionaryItem({ service_id: sid, dictionary_id: dict.id, dictionary_item_key: 'b', item_value: '2' });
  await items.updateDictionaryItem({ service_id: sid, dictionary_id: dict.id, dictionary_item_key: 'a', item_value: '3' });
  await items.bulkUpdateDictionaryItem({
    service_id: sid, dictionary_id: dict.id,
    bulk_update_dictionary_list_request: { items: [{ op: 'create', item_key: 'c', item_value: '4' }, { op: 'delete', item_key: 'b' }] },
  });
  const listed = await items.listDictionaryItems({ service_id: sid, dictionary_id: dict.id, per_page: 10 });
  assert.deepEqual(listed.map((i) => [i.item_key, i.item_value]), [['a', '3'], ['c', '4']]);
  assert.equal((await items.getDictionaryItem({ service_id: sid, dictionary_id: dict.id, dictionary_item_key: 'c' })).item_value, '4');
  await items.deleteDictionaryItem({ service_id: sid, dictionary_id: dict.id, dictionary_item_key: 'c' });

  const acls = new Fastly.AclApi();
  const acl = await acls.createAcl({ ...at, name: 'office' });
  const entries = new Fastly.AclEntryApi();
  const entry = await entries.createAclEntry({ service_id: sid, acl_id: acl.id, acl_entry: { ip: '192.0.2.0', subnet: 24, negated: 0, comment: 'hq' } });
  assert.deepEqual([entry.ip, entry.subnet, entry.negated], ['192.0.2.0', 24, 0]);
  await entries.updateAclEntry({ service_id: sid, acl_id: acl.id, acl_entry_id: entry.id, acl_entry: { negated: 1 } });
  await entries.bulkUpdateAclEntries({
    service_id: sid, acl_id: acl.id, bulk_update_acl_entries_request: { entries: [{ op: 'create', ip: '2001:db8::1' }] },
  });
  const all = await entries.listAclEntries({ service_id: sid, acl_id: acl.id });
  assert.deepEqual(all.map((e) => [e.ip, e.negated]).sort(), [['192.0.2.0', 1], ['2001:db8::1', 0]]);
  await entries.deleteAclEntry({ service_id: sid, acl_id: acl.id, acl_entry_id: entry.id });
  assert.equal((await entries.listAclEntries({ service_id: sid, acl_id: acl.id })).length, 1);
  assert.deepEqual((await acls.listAcls(at)).map((a) => a.id), [acl.id]);
});
