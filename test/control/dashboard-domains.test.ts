// Domains in the dashboard over plain HTTP: listed from the working version, added to and
// deleted from the draft, the API's validation messages next to the field, and a delete
// confirmation that says what happens to the domain's requests.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Browserless, newService, signedIn, textOf } from './dashboard-helpers.ts';
import { startApi } from './helpers.ts';

const names = (body: unknown): string[] => (body as Array<{ name: string }>).map((d) => d.name);

test('a domain added in the dashboard lands in the draft and is listed as not active yet', async (t) => {
  const { api, browser } = await signedIn(t);
  const sid = await newService(api, 'www');
  const list = `/dashboard/services/${sid}/domains`;
  const empty = await browser.get(list);
  assert.equal(empty.status, 200);
  assert.match(empty.text, /<h3>No domain yet<\/h3>/);
  const res = await browser.submit(list, list, { name: 'WWW.Example.com', comment: 'the site' });
  assert.equal(res.status, 303);
  assert.equal(res.location, list);
  const got = (await api.call('GET', `/service/${sid}/version/1/domain/www.example.com`)).body as Record<string, unknown>;
  assert.deepEqual([got.name, got.comment], ['www.example.com', 'the site']);
  const page = await browser.get(list);
  assert.match(page.text, /Added domain WWW\.Example\.com to draft version 1\. Activate to make it run\./);
  assert.match(page.text, /<th scope="row" class="mono">www\.example\.com<\/th>\s*<td data-label="Comment">the site<\/td>\s*<td data-label="Status"><span class="badge badge-none">Not active yet<\/span><\/td>/);
});

test('an invalid domain name is shown next to the field and nothing is saved', async (t) => {
  const { api, browser } = await signedIn(t);
  const sid = await newService(api, 'www');
  const list = `/dashboard/services/${sid}/domains`;
  const res = await browser.submit(list, list, { name: 'not a host', comment: '' });
  assert.equal(res.status, 400);
  assert.equal(textOf(res.text, 'd-name-error'), '✖ must be a hostname, optionally starting with one "*." wildcard label');
  assert.match(res.text, /id="d-name" name="name" value="not a host" spellcheck="false" aria-describedby="d-name-help d-name-error" aria-invalid="true"/);
  assert.deepEqual((await api.call('GET', `/service/${sid}/version/1/domain`)).body, []);
});

test('a domain the draft already has is refused next to the field', async (t) => {
  const { api, browser } = await signedIn(t);
  const sid = await newService(api, 'www');
  await api.call('POST', `/service/${sid}/version/1/domain`, { name: 'www.example.com' });
  const list = `/dashboard/services/${sid}/domains`;
  const res = await browser.submit(list, list, { name: 'www.example.com' });
  assert.equal(res.status, 409);
  assert.equal(textOf(res.text, 'd-name-error'), "✖ domain 'www.example.com' already exists in version 1");
  assert.equal(names((await api.call('GET', `/service/${sid}/version/1/domain`)).body).length, 1);
});

test('adding a domain to an active service clones it into a draft; the active version keeps its domains', async (t) => {
  const { api, browser } = await signedIn(t);
  const sid = await newService(api, 'www');
  await api.call('POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: '192.0.2.1' });
  await api.call('POST', `/service/${sid}/version/1/domain`, { name: 'a.example.com' });
  assert.equal((await api.call('PUT', `/service/${sid}/version/1/activate`)).status, 200);
  const list = `/dashboard/services/${sid}/domains`;
  assert.equal((await browser.submit(list, list, { name: 'b.example.com' })).status, 303);
  assert.deepEqual(names((await api.call('GET', `/service/${sid}/version/2/domain`)).body), ['a.example.com', 'b.example.com']);
  assert.deepEqual(names((await api.call('GET', `/service/${sid}/version/1/domain`)).body), ['a.example.com']);
  const page = await browser.get(list);
  assert.match(page.text, /a\.example\.com<\/th>[\s\S]*?<span class="badge badge-ok"><span aria-hidden="true">●<\/span> Active<\/span>/);
  assert.match(page.text, /b\.example\.com<\/th>[\s\S]*?<span class="badge badge-none">Not active yet<\/span>/);
});

test('deleting an active domain asks first, saying its requests stop reaching the service', async (t) => {
  const { api, browser } = await signedIn(t);
  const sid = await newService(api, 'www');
  await api.call('POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: '192.0.2.1' });
  await api.call('POST', `/service/${sid}/version/1/domain`, { name: 'example.com' });
  assert.equal((await api.call('PUT', `/service/${sid}/version/1/activate`)).status, 200);
  const list = `/dashboard/services/${sid}/domains`;
  const page = await browser.get(list);
  assert.match(page.text, /data-confirm="Delete domain example\.com from the draft\?\nRequests for example\.com stop reaching this service once this draft is activated: the edge answers them &quot;404 Domain Not Found&quot; unless another service adds the domain\.\nIt is the draft&#39;s only domain: once the draft is activated, no request reaches this service\."/);
  const ask = await browser.submit(list, `${list}/example.com/delete`, {});
  assert.equal(ask.status, 200);
  assert.match(ask.text, /<h2 id="confirm-title">Delete domain example\.com\?<\/h2>\s*<p>Requests for example\.com stop reaching this service once this draft is activated/);
  assert.deepEqual(((await api.call('GET', `/service/${sid}`)).body as { versions: unknown[] }).versions.length, 1, 'asking changes nothing');
  const done = await browser.submit(list, `${list}/example.com/delete`, { confirm: 'yes' });
  assert.equal(done.status, 303);
  assert.deepEqual((await api.call('GET', `/service/${sid}/version/2/domain`)).body, []);
  assert.deepEqual(names((await api.call('GET', `/service/${sid}/version/1/domain`)).body), ['example.com']);
});

test('the Backends page points a service without a domain to the Domains page', async (t) => {
  const { api, browser } = await signedIn(t);
  const sid = await newService(api, 'www');
  const page = await browser.get(`/dashboard/services/${sid}/backends`);
  assert.equal(textOf(page.text, 'no-domain'), 'This service has no domain yet, so no request reaches it. Add a domain.');
  await api.call('POST', `/service/${sid}/version/1/domain`, { name: 'www.example.com' });
  assert.doesNotMatch((await browser.get(`/dashboard/services/${sid}/backends`)).text, /id="no-domain"/);
});

test('a read-only token sees the domains but no add form and no delete buttons', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api, 'www');
  await api.call('POST', `/service/${sid}/version/1/domain`, { name: 'www.example.com' });
  const made = await api.call('POST', '/tokens', { scope: 'global:read' });
  const browser = new Browserless(api.base);
  assert.equal((await browser.signIn((made.body as { access_token: string }).access_token)).status, 303);
  const page = await browser.get(`/dashboard/services/${sid}/domains`);
  assert.equal(page.status, 200);
  assert.match(page.text, /www\.example\.com<\/th>/);
  assert.doesNotMatch(page.text, /Add a domain|Delete<span/);
});
