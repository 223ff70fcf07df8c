// Names (DESIGN.md §4.2): a name is shown everywhere its object is, so it holds no control or
// bidirectional control character.
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
