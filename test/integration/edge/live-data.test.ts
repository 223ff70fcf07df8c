// Versionless data reaching the edge without an activation (DESIGN.md §1, §4.6): a dictionary
// item, an ACL entry and a dynamic snippet's content, each changed through the API while the
// same version stays active, change what the edge does within the propagation target (1 s).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { httpOrigin } from '../../edge/helpers.ts';
import { startEdgeStack, waitFor, type Lacquer } from '../harness.ts';

const HOST = 'live-data.example';
/** DESIGN.md §4.6: the fleet's propagation target for a live change. */
const PROPAGATION_MS = 1_000;

interface Setup { readonly lq: Lacquer; readonly sid: string; readonly dictionaryId: string; readonly aclId: string; readonly snippetId: string }

async function setup(t: Parameters<typeof startEdgeStack>[0]): Promise<Setup> {
  const origin = await httpOrigin(t, (_req, res) => res.end('origin'));
  const lq = await startEdgeStack(t);
  const { id: sid } = await lq.apiOk('POST', '/service', { name: 'live' }) as { id: string };
  await lq.fill(sid, 1, { domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port: origin.port }] });
  const base = `/service/${sid}/version/1`;
  const { id: dictionaryId } = await lq.apiOk('POST', `${base}/dictionary`, { name: 'greetings' }) as { id: string };
  const { id: aclId } = await lq.apiOk('POST', `${base}/acl`, { name: 'blocklist' }) as { id: string };
  await lq.apiOk('POST', `${base}/snippet`, {
    name: 'block', type: 'recv', content: 'if (client.ip ~ blocklist) { error 403 "Blocked"; }',
  });
  await lq.apiOk('POST', `${base}/snippet`, {
    name: 'greet', type: 'deliver', content: 'set resp.http.X-Greeting = table.lookup(greetings, "hello", "none");',
  });
  const { id: snippetId } = await lq.apiOk('POST', `${base}/snippet`, {
    name: 'dyn', type: 'deliver', dynamic: 1, priority: 200, content: 'set resp.http.X-Dyn = "one";',
  }) as { id: string };
  await lq.activate(sid, 1);
  return { lq, sid, dictionaryId, aclId, snippetId };
}

/** Polls the edge until `check` holds for a response, within the propagation target. */
async function edgeSoon(lq: Lacquer, check: (r: Awaited<ReturnType<Lacquer['edge']>>) => boolean, what: string): Promise<void> {
  await waitFor(async () => check(await lq.edge(HOST)), PROPAGATION_MS, what);
}

test('a dictionary item changed without an activation changes the edge within a second', async (t) => {
  const { lq, sid, dictionaryId } = await setup(t);
  assert.equal((await lq.edge(HOST)).headers['x-greeting'], 'none');
  await lq.apiOk('PUT', `/service/${sid}/dictionary/${dictionaryId}/item/hello`, { item_value: 'hi there' });
  await edgeSoon(lq, (r) => r.headers['x-greeting'] === 'hi there', 'the edge reads the new item');
  await lq.apiOk('PATCH', `/service/${sid}/dictionary/${dictionaryId}/items`, { items: [{ op: 'delete', item_key: 'hello' }] });
  await edgeSoon(lq, (r) => r.headers['x-greeting'] === 'none', 'the edge forgets the deleted item');
  assert.equal(lq.running.published(sid), 1);
});

test('an ACL entry added live blocks the client address, and removing it lets the client in again', async (t) => {
  const { lq, sid, aclId } = await setup(t);
  assert.equal((await lq.edge(HOST)).status, 200);
  const entry = await lq.apiOk('POST', `/service/${sid}/acl/${aclId}/entry`, { ip: '127.0.0.0', subnet: 8 }) as { id: string };
  await edgeSoon(lq, (r) => r.statusLine === 'HTTP/1.1 403 Blocked', 'the edge blocks 127.0.0.1');
  // A negated, longer prefix decides for the address it covers (longest match).
  await lq.apiOk('PATCH', `/service/${sid}/acl/${aclId}/entries`, { entries: [{ op: 'create', ip: '127.0.0.1', negated: 1 }] });
  await edgeSoon(lq, (r) => r.status === 200, 'the negated entry lets 127.0.0.1 in');
  await lq.apiOk('PATCH', `/service/${sid}/acl/${aclId}/entries`, { entries: [{ op: 'update', id: entry.id, ip: '10.0.0.0' }] });
  assert.equal((await lq.edge(HOST)).status, 200);
  assert.equal(lq.running.published(sid), 1);
});

test('a dynamic snippet\'s new content runs live; one that does not compile is refused and the edge keeps the last good one', async (t) => {
  const { lq, sid, snippetId } = await setup(t);
  assert.equal((await lq.edge(HOST)).headers['x-dyn'], 'one');
  const put = await lq.api('PUT', `/service/${sid}/snippet/${snippetId}`, { content: 'set resp.http.X-Dyn = "two";' });
  assert.equal(put.status, 200, put.text);
  assert.equal((put.body as { content: string }).content, 'set resp.http.X-Dyn = "two";');
  await edgeSoon(lq, (r) => r.headers['x-dyn'] === 'two', 'the edge runs the new content');
  const bad = await lq.api('PUT', `/service/${sid}/snippet/${snippetId}`, { content: 'set resp.http.X-Dyn = ;' });
  assert.equal(bad.status, 400);
  assert.match((bad.body as { detail: string }).detail, /^content: version 1 does not compile with it: /);
  assert.equal(((await lq.apiOk('GET', `/service/${sid}/snippet/${snippetId}`)) as { content: string }).content, 'set resp.http.X-Dyn = "two";');
  assert.equal((await lq.edge(HOST)).headers['x-dyn'], 'two');
  const generated = await lq.apiOk('GET', `/service/${sid}/version/1/generated_vcl`) as { content: string };
  assert.match(generated.content, /# Snippet dyn : 200\nset resp\.http\.X-Dyn = "two";/);
  assert.equal(lq.running.published(sid), 1);
});
