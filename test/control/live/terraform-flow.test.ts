// The requests the Fastly Terraform provider makes for snippets, dynamic snippets,
// dictionaries and ACLs (fastly_service_vcl's `snippet`, `dynamicsnippet`, `dictionary` and
// `acl` blocks; fastly_service_dictionary_items, fastly_service_acl_entries and
// fastly_service_dynamic_snippet_content), in the order it makes them: form bodies for the
// versioned objects, JSON for the batches, a clone to change what an active version holds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startApi } from '../helpers.ts';

interface Snippet { id: string; name: string; type: string; priority: string; dynamic: string; content: string }

test('a Terraform-shaped apply, read-back, clone-and-change and live updates of snippets, dictionaries and ACLs', async (t) => {
  const api = await startApi(t);
  const ok = async (method: string, path: string, body?: Record<string, unknown> | string): Promise<unknown> => {
    const r = await api.call(method, path, body);
    assert.equal(r.status, 200, `${method} ${path}: ${r.text}`);
    return r.body;
  };
  const { id: sid } = await ok('POST', '/service', 'name=tf&type=vcl') as { id: string };
  const v1 = `/service/${sid}/version/1`;
  await ok('POST', `${v1}/domain`, 'name=tf.example');
  await ok('POST', `${v1}/backend`, 'name=origin&address=127.0.0.1&port=8080');
  await ok('POST', `${v1}/snippet`, `name=late&type=recv&priority=200&dynamic=0&content=${encodeURIComponent('set req.http.X-Order = req.http.X-Order "late";')}`);
  await ok('POST', `${v1}/snippet`, `name=early&type=recv&priority=10&dynamic=0&content=${encodeURIComponent('set req.http.X-Order = "early,";')}`);
  await ok('POST', `${v1}/snippet`, `name=helpers&type=init&priority=100&dynamic=0&content=${encodeURIComponent('sub add_flag { set req.http.X-Flag = table.lookup(flags, "f", "none"); }')}`);
  await ok('POST', `${v1}/snippet`, `name=call&type=recv&priority=100&dynamic=0&content=${encodeURIComponent('call add_flag;')}`);
  const dyn = await ok('POST', `${v1}/snippet`, 'name=dyn&type=deliver&priority=100&dynamic=1') as Snippet;
  assert.deepEqual([dyn.priority, dyn.dynamic], ['100', '1']);
  const dict = await ok('POST', `${v1}/dictionary`, 'name=flags&write_only=false') as { id: string };
  const acl = await ok('POST', `${v1}/acl`, 'name=office') as { id: string };
  assert.equal(((await ok('GET', `${v1}/validate`)) as { status: string }).status, 'ok');
  await ok('PUT', `${v1}/activate`);

  // Read-back: the provider lists each kind and compares with its state.
  const snippets = await ok('GET', `${v1}/snippet`) as Snippet[];
  assert.deepEqual(snippets.map((s) => [s.name, s.type, s.priority, s.dynamic]),
    [['call', 'recv', '100', '0'], ['dyn', 'deliver', '100', '1'], ['early', 'recv', '10', '0'], ['helpers', 'init', '100', '0'], ['late', 'recv', '200', '0']]);
  const details = await ok('GET', `/service/${sid}/details`) as { active_version: { snippets: Snippet[]; dictionaries: { id: string }[]; acls: { id: string }[] } };
  assert.deepEqual([details.active_version.snippets.length, details.active_version.dictionaries[0].id, details.active_version.acls[0].id], [5, dict.id, acl.id]);

  // Snippets sit where Fastly puts them: init at the top level, the rest at the end of their macro, lower priority first.
  const vcl = ((await ok('GET', `${v1}/generated_vcl`)) as { content: string }).content;
  assert.match(vcl, /\ntable flags \{\n\}\n\nacl office \{\n\}\n\n# Snippet helpers : 100\nsub add_flag \{/);
  assert.match(vcl, /# Snippet early : 10\n.*\n# Snippet call : 100\ncall add_flag;\n# Snippet late : 200\n.*\n {2}#--FASTLY RECV END/);

  // fastly_service_dictionary_items and fastly_service_acl_entries: batches, then paginated reads.
  await ok('PATCH', `/service/${sid}/dictionary/${dict.id}/items`, { items: [{ op: 'upsert', item_key: 'f', item_value: 'on' }] });
  await ok('PATCH', `/service/${sid}/acl/${acl.id}/entries`, { entries: [{ op: 'create', ip: '192.0.2.0', subnet: 24, negated: 0, comment: 'office' }] });
  const entries = await ok('GET', `/service/${sid}/acl/${acl.id}/entries?page=1&per_page=100`) as { id: string; ip: string; subnet: number; negated: number; comment: string }[];
  assert.deepEqual(entries.map((e) => [e.ip, e.subnet, e.negated, e.comment]), [['192.0.2.0', 24, 0, 'office']]);
  await ok('PATCH', `/service/${sid}/acl/${acl.id}/entries`, { entries: [{ op: 'update', id: entries[0].id, subnet: 25 }] });
  assert.equal(((await ok('GET', `/service/${sid}/acl/${acl.id}/entry/${entries[0].id}`)) as { subnet: number }).subnet, 25);

  // fastly_service_dynamic_snippet_content.
  await ok('PUT', `/service/${sid}/snippet/${dyn.id}`, `content=${encodeURIComponent('set resp.http.X-Dyn = "1";')}`);
  assert.equal(((await ok('GET', `/service/${sid}/snippet/${dyn.id}`)) as Snippet).content, 'set resp.http.X-Dyn = "1";');

  // A change to a versioned snippet: clone, update, activate; ids survive the clone.
  const { number: v2 } = await ok('PUT', `${v1}/clone`) as { number: number };
  const changed = await ok('PUT', `/service/${sid}/version/${v2}/snippet/late`, 'priority=5') as Snippet;
  assert.equal(changed.priority, '5');
  const flip = await api.call('PUT', `/service/${sid}/version/${v2}/snippet/dyn`, 'dynamic=0');
  assert.deepEqual([flip.status, (flip.body as { detail: string }).detail], [400, 'dynamic: cannot change once the snippet exists; delete it and create it again']);
  assert.equal(((await ok('GET', `/service/${sid}/version/${v2}/snippet/dyn`)) as Snippet).id, dyn.id);
  await ok('PUT', `/service/${sid}/version/${v2}/activate`);
  // The dynamic content follows the id into the new version.
  const v2vcl = ((await ok('GET', `/service/${sid}/version/${v2}/generated_vcl`)) as { content: string }).content;
  assert.match(v2vcl, /# Snippet dyn : 100\nset resp\.http\.X-Dyn = "1";/);
});

test('bad snippet and ACL entry input answers 400 naming the field, and nothing is stored', async (t) => {
  const api = await startApi(t);
  const { id: sid } = (await api.call('POST', '/service', 'name=bad')).body as { id: string };
  const v1 = `/service/${sid}/version/1`;
  const badType = await api.call('POST', `${v1}/snippet`, 'name=x&type=everywhere&content=x');
  assert.deepEqual([badType.status, (badType.body as { detail: string }).detail],
    [400, 'type: must be one of init, recv, hash, hit, miss, pass, fetch, error, deliver, log, none']);
  const badPriority = await api.call('POST', `${v1}/snippet`, 'name=x&type=recv&priority=high');
  assert.deepEqual([badPriority.status, (badPriority.body as { detail: string }).detail], [400, 'priority: must be an integer from 0 to 2147483647']);
  assert.deepEqual((await api.call('GET', `${v1}/snippet`)).body, []);

  const { id: aclId } = (await api.call('POST', `${v1}/acl`, 'name=a')).body as { id: string };
  const cases: [Record<string, unknown>, string][] = [
    [{ ip: 'not-an-ip' }, 'ip: must be an IPv4 or IPv6 address, got "not-an-ip"'],
    [{ ip: '10.0.0.0', subnet: 33 }, 'subnet: must be a prefix length from 0 to 32 for 10.0.0.0'],
    [{ ip: '10.0.0.0', negated: 'maybe' }, 'negated: must be a boolean (true, false, 1 or 0)'],
    [{ subnet: 8 }, 'ip: is required'],
  ];
  for (const [body, detail] of cases) {
    const r = await api.call('POST', `/service/${sid}/acl/${aclId}/entry`, body);
    assert.deepEqual([r.status, (r.body as { detail: string }).detail], [400, detail]);
  }
  const batch = await api.call('PATCH', `/service/${sid}/acl/${aclId}/entries`, {
    entries: [{ op: 'create', ip: '10.0.0.1' }, { op: 'delete' }],
  });
  assert.deepEqual([batch.status, (batch.body as { detail: string }).detail], [400, 'entries[1].id: is required to delete an entry']);
  assert.deepEqual((await api.call('GET', `/service/${sid}/acl/${aclId}/entries`)).body, []);
  const v6 = await api.call('POST', `/service/${sid}/acl/${aclId}/entry`, { ip: '2001:db8::', subnet: 32, negated: true });
  assert.deepEqual([v6.status, (v6.body as { negated: number }).negated], [200, 1]);

  const notDynamic = (await api.call('POST', `${v1}/snippet`, 'name=plain&type=recv&content=')).body as { id: string };
  const put = await api.call('PUT', `/service/${sid}/snippet/${notDynamic.id}`, 'content=x');
  assert.equal(put.status, 400);
  assert.match((put.body as { detail: string }).detail, /^snippet 'plain' is not dynamic \(dynamic=0\)/);
});

test('a dynamic snippet that no #FASTLY line places still has its syntax checked', async (t) => {
  const api = await startApi(t);
  const { id: sid } = (await api.call('POST', '/service', 'name=custom')).body as { id: string };
  const v1 = `/service/${sid}/version/1`;
  await api.call('POST', `${v1}/vcl`, { name: 'main', main: true, content: 'sub vcl_recv {\n#FASTLY recv\n}\n' });
  const { id } = (await api.call('POST', `${v1}/snippet`, 'name=d&type=deliver&dynamic=1')).body as { id: string };
  const bad = await api.call('PUT', `/service/${sid}/snippet/${id}`, 'content=set resp.http.X = ;');
  assert.equal(bad.status, 400);
  assert.match((bad.body as { detail: string }).detail, /^content: snippet:1:\d+ error parse\//);
  assert.equal((await api.call('PUT', `/service/${sid}/snippet/${id}`, 'content=set resp.http.X = "1";')).status, 200);
});

test('a none snippet runs only where custom VCL includes it as snippet::NAME', async (t) => {
  const api = await startApi(t);
  const { id: sid } = (await api.call('POST', '/service', 'name=none')).body as { id: string };
  const v1 = `/service/${sid}/version/1`;
  await api.call('POST', `${v1}/backend`, 'name=origin&address=127.0.0.1');
  await api.call('POST', `${v1}/snippet`, { name: 'helpers', type: 'none', content: 'sub mark { set req.http.X-Mark = "1"; }' });
  await api.call('POST', `${v1}/vcl`, { name: 'main', main: true, content: 'include "snippet::helpers";\nsub vcl_recv {\n#FASTLY recv\n  call mark;\n}\n' });
  const ok = await api.call('GET', `${v1}/validate`);
  assert.deepEqual([(ok.body as { status: string }).status, (ok.body as { errors: string[] }).errors], ['ok', []]);
  await api.call('PUT', `${v1}/vcl/main`, { content: 'sub vcl_recv {\n#FASTLY recv\n  call mark;\n}\n' });
  const missing = await api.call('GET', `${v1}/validate`);
  assert.equal((missing.body as { status: string }).status, 'error');
});
