// The dashboard's Live data tab: dictionary items and ACL entries edited on the running
// service through the versionless routes — no draft, no clone, no activation — with the API's
// refusals shown as a flash, a write-only dictionary's items never shown, and no forms for a
// read-only token.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Browserless, newService, signedIn } from '../dashboard-helpers.ts';

test('items and entries set in the dashboard change the active version\'s live data without a new version', async (t) => {
  const { api, browser } = await signedIn(t);
  const sid = await newService(api, 'live');
  const dict = (await api.call('POST', `/service/${sid}/version/1/dictionary`, 'name=flags')).body as { id: string };
  const secrets = (await api.call('POST', `/service/${sid}/version/1/dictionary`, 'name=secrets&write_only=1')).body as { id: string };
  const acl = (await api.call('POST', `/service/${sid}/version/1/acl`, 'name=office')).body as { id: string };
  await api.call('POST', `/service/${sid}/version/1/domain`, 'name=live.example');
  await api.call('POST', `/service/${sid}/version/1/backend`, 'name=origin&address=127.0.0.1');
  assert.equal((await api.call('PUT', `/service/${sid}/version/1/activate`)).status, 200);
  await api.call('PUT', `/service/${sid}/dictionary/${secrets.id}/item/token`, 'item_value=hunter2');

  const live = `/dashboard/services/${sid}/live`;
  const set = await browser.submit(live, `${live}/dictionary/${dict.id}/item`, { item_key: 'colour', item_value: 'green' });
  assert.deepEqual([set.status, set.location], [303, live]);
  assert.equal(((await api.call('GET', `/service/${sid}/dictionary/${dict.id}/item/colour`)).body as { item_value: string }).item_value, 'green');
  assert.match((await browser.get(live)).text, /Set item colour\. The edge uses it within a second; no activation needed\./);
  const added = await browser.submit(live, `${live}/acl/${acl.id}/entry`, { ip: '192.0.2.0', subnet: '24', comment: 'hq', negated: '1' });
  assert.equal(added.status, 303);
  const entries = (await api.call('GET', `/service/${sid}/acl/${acl.id}/entries`)).body as { id: string; ip: string; subnet: number; negated: number }[];
  assert.deepEqual(entries.map((e) => [e.ip, e.subnet, e.negated]), [['192.0.2.0', 24, 1]]);

  const page = await browser.get(live);
  assert.match(page.text, /Added entry 192\.0\.2\.0\. The edge uses it within a second/);
  assert.match(page.text, /<th scope="row" class="mono">colour<\/th><td class="mono" data-label="Value">green<\/td>/);
  assert.match(page.text, /<th scope="row" class="mono">!192\.0\.2\.0\/24<\/th>/);
  assert.doesNotMatch(page.text, /hunter2/);
  assert.match(page.text, /secrets<\/span> <span class="badge badge-none">write-only<\/span>/);

  const bad = await browser.submit(live, `${live}/acl/${acl.id}/entry`, { ip: 'nowhere', subnet: '' });
  assert.equal(bad.status, 303);
  assert.match((await browser.get(live)).text, /Nothing was changed: ip: must be an IPv4 or IPv6 address, got &quot;nowhere&quot;/);

  await browser.submit(live, `${live}/dictionary/${dict.id}/item/colour/delete`, {});
  await browser.submit(live, `${live}/acl/${acl.id}/entry/${entries[0].id}/delete`, {});
  assert.deepEqual((await api.call('GET', `/service/${sid}/dictionary/${dict.id}/items`)).body, []);
  assert.deepEqual((await api.call('GET', `/service/${sid}/acl/${acl.id}/entries`)).body, []);
  const versions = (await api.call('GET', `/service/${sid}/version`)).body as unknown[];
  assert.equal(versions.length, 1);
});

test('a read-only token sees the live data without any form', async (t) => {
  const { api } = await signedIn(t);
  const sid = await newService(api, 'ro');
  const dict = (await api.call('POST', `/service/${sid}/version/1/dictionary`, 'name=flags')).body as { id: string };
  await api.call('PUT', `/service/${sid}/dictionary/${dict.id}/item/a`, 'item_value=1');
  const reader = ((await api.call('POST', '/tokens', { scope: 'global:read' })).body as { access_token: string }).access_token;
  const browser = new Browserless(api.base);
  assert.equal((await browser.signIn(reader)).status, 303);
  const page = await browser.get(`/dashboard/services/${sid}/live`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<th scope="row" class="mono">a<\/th>/);
  assert.doesNotMatch(page.text, /Set item|Add entry|btn-danger/);
});
