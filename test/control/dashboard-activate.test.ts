// The Activate page over plain HTTP: validate's errors before the click (and the button off),
// a version without a domain, the default backend in words, and a review that covers every
// kind of change, custom VCL as a readable line diff.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newService, signedIn } from './dashboard-helpers.ts';
import type { Api } from './helpers.ts';

const MAIN_VCL = (mark: string) => `sub vcl_recv {\n#FASTLY recv\n  set req.http.X-Mark = "${mark}";\n  return(lookup);\n}\n`;

/** The text of the element with this id, tags stripped and whitespace collapsed, or null. */
function textById(page: string, id: string): string | null {
  const m = new RegExp(`<(\\w+)[^>]* id="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(page);
  if (m === null) return null;
  return m[2].replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
}

async function call(api: Api, method: string, path: string, body?: Record<string, unknown>): Promise<unknown> {
  const res = await api.call(method, path, body);
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${res.text}`);
  return res.body;
}

test('a draft that cannot compile shows validate\'s errors and warnings up front, and its Activate button is off', async (t) => {
  const { api, browser } = await signedIn(t);
  const sid = await newService(api, 'www');
  await call(api, 'POST', `/service/${sid}/version/1/healthcheck`, { name: 'h', initial: 0, threshold: 3 });
  await call(api, 'POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: '192.0.2.1', healthcheck: 'h' });
  await call(api, 'POST', `/service/${sid}/version/1/vcl`, { name: 'main', main: true, content: 'sub vcl_recv {\n#FASTLY recv\n  set req.backend = F_gone;\n}\n' });
  const page = await browser.get(`/dashboard/services/${sid}/activate`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<div class="diagnostics" role="alert" id="activate-errors"><h3>Version 1 cannot be activated: 1 error<\/h3>/);
  assert.match(page.text, /<li><code>main:\d+:21 error ref\/unknown-backend: F_gone is not a declared backend or director<\/code><\/li>/);
  assert.match(page.text, /<h3>Warnings<\/h3><ul class="warnings"><li><code>[^<]*probe\/starts-sick[^<]*<\/code><\/li><\/ul>/);
  assert.match(page.text, /<button type="submit" class="btn btn-primary" disabled aria-describedby="activate-errors">Activate version 1<\/button>/);
  assert.equal(((await api.call('GET', `/service/${sid}`)).body as { version: number | null }).version, null);
});

test('a draft that compiles has an Activate button that is on', async (t) => {
  const { api, browser } = await signedIn(t);
  const sid = await newService(api, 'www');
  await call(api, 'POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: '192.0.2.1' });
  await call(api, 'POST', `/service/${sid}/version/1/domain`, { name: 'www.example.com' });
  const page = await browser.get(`/dashboard/services/${sid}/activate`);
  assert.match(page.text, /<button type="submit" class="btn btn-primary">Activate version 1<\/button>/);
  assert.doesNotMatch(page.text, /id="activate-errors"|id="no-domain"/);
  const done = await browser.submit(`/dashboard/services/${sid}/activate`, `/dashboard/services/${sid}/activate`, { version: '1' });
  assert.equal(done.status, 303);
  assert.equal(((await api.call('GET', `/service/${sid}`)).body as { version: number | null }).version, 1);
});

test('a draft without a domain is warned about on the Activate page', async (t) => {
  const { api, browser } = await signedIn(t);
  const sid = await newService(api, 'www');
  await call(api, 'POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: '192.0.2.1' });
  const page = await browser.get(`/dashboard/services/${sid}/activate`);
  assert.equal(textById(page.text, 'no-domain'),
    'No domain This version has no domain, so no request reaches this service once it is active: the edge picks a service by the request\'s Host header and answers hosts that no active service has with "404 Domain Not Found". Add a domain');
  assert.match(page.text, new RegExp(`<a href="/dashboard/services/${sid}/domains">Add a domain</a>`));
});

test('the Activate page names the default backend in words and says when the draft changes it', async (t) => {
  const { api, browser } = await signedIn(t);
  const sid = await newService(api, 'www');
  await call(api, 'POST', `/service/${sid}/version/1/backend`, { name: 'b-origin', address: '192.0.2.1' });
  await call(api, 'POST', `/service/${sid}/version/1/domain`, { name: 'www.example.com' });
  await call(api, 'PUT', `/service/${sid}/version/1/activate`);
  await call(api, 'PUT', `/service/${sid}/version/1/clone`);
  await call(api, 'POST', `/service/${sid}/version/2/backend`, { name: 'a-origin', address: '192.0.2.2' });
  await call(api, 'DELETE', `/service/${sid}/version/2/backend/b-origin`);
  const draftDefault = ((await api.call('GET', `/service/${sid}/version/2/validate`)).body as { default_backend: string }).default_backend;
  const activeDefault = ((await api.call('GET', `/service/${sid}/version/1/validate`)).body as { default_backend: string }).default_backend;
  assert.deepEqual([draftDefault, activeDefault], ['a-origin', 'b-origin'], 'the added backend becomes the default once the first is gone');
  const page = await browser.get(`/dashboard/services/${sid}/activate`);
  assert.equal(textById(page.text, 'default-backend'),
    `${draftDefault} is the default backend: it serves every request that nothing routes elsewhere (no director or custom VCL sends it to another backend).`);
  assert.equal(textById(page.text, 'default-backend-change'),
    `This changes which backend serves those requests. In active version 1: ${activeDefault} is the default backend: it serves every request that nothing routes elsewhere (no director or custom VCL sends it to another backend).`);
});

test('the review covers domains, backends, health checks, directors, custom VCL as a line diff, and settings', async (t) => {
  const { api, browser } = await signedIn(t);
  const sid = await newService(api, 'www');
  const v1 = `/service/${sid}/version/1`;
  await call(api, 'POST', `${v1}/domain`, { name: 'old.example.com' });
  await call(api, 'POST', `${v1}/healthcheck`, { name: 'h', path: '/a' });
  await call(api, 'POST', `${v1}/backend`, { name: 'origin', address: '192.0.2.1', healthcheck: 'h' });
  await call(api, 'POST', `${v1}/director`, { name: 'pool' });
  await call(api, 'POST', `${v1}/director/pool/backend/origin`);
  await call(api, 'POST', `${v1}/vcl`, { name: 'main', main: true, content: MAIN_VCL('one') });
  await call(api, 'PUT', `${v1}/activate`);
  await call(api, 'PUT', `${v1}/clone`);
  const v2 = `/service/${sid}/version/2`;
  await call(api, 'DELETE', `${v2}/domain/old.example.com`);
  await call(api, 'POST', `${v2}/domain`, { name: 'new.example.com' });
  await call(api, 'PUT', `${v2}/healthcheck/h`, { path: '/b' });
  await call(api, 'PUT', `${v2}/backend/origin`, { port: 8080 });
  await call(api, 'POST', `${v2}/backend`, { name: 'spare', address: '192.0.2.9' });
  await call(api, 'POST', `${v2}/director/pool/backend/spare`);
  await call(api, 'PUT', `${v2}/vcl/main`, { content: MAIN_VCL('two') });
  await call(api, 'PUT', `${v2}/settings`, { 'general.default_ttl': 60 });
  const page = (await browser.get(`/dashboard/services/${sid}/activate`)).text;
  const section = (id: string): string | null => {
    const m = new RegExp(`<section class="review-kind" aria-labelledby="${id}">([\\s\\S]*?)</section>`).exec(page);
    return m === null ? null : m[1].replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/\s+/g, ' ').trim();
  };
  assert.equal(section('review-domain'), 'Domains Added new.example.com Removed old.example.com');
  assert.equal(section('review-backend'), 'Backends Added spare — 192.0.2.9 port 80, no health check Changed origin Changes to origin Field Active This version port 80 8080');
  assert.equal(section('review-healthcheck'), 'Health checks Changed h Changes to h Field Active This version path /a /b');
  assert.equal(section('review-director'), 'Directors Changed pool Changes to pool Field Active This version backends origin origin, spare');
  assert.equal(section('review-settings'), 'Settings Changed settings Changes to settings Field Active This version general.default_ttl 3600 60');
  const vcl = section('review-vcl') ?? '';
  assert.match(vcl, /^Custom VCL Changed main/);
  assert.match(page, /<span class="tline tline-removed"><span class="tno" aria-hidden="true">3<\/span><span class="tno" aria-hidden="true"><\/span><span class="tmark" aria-hidden="true">−<\/span><del><span class="sr-only">removed: <\/span> {2}set req.http.X-Mark = &quot;one&quot;;<\/del><\/span>/);
  assert.match(page, /<span class="tline tline-added"><span class="tno" aria-hidden="true"><\/span><span class="tno" aria-hidden="true">3<\/span><span class="tmark" aria-hidden="true">\+<\/span><ins><span class="sr-only">added: <\/span> {2}set req.http.X-Mark = &quot;two&quot;;<\/ins><\/span>/);
});

test('the versions list sends activation through the review', async (t) => {
  const { api, browser } = await signedIn(t);
  const sid = await newService(api, 'www');
  const page = await browser.get(`/dashboard/services/${sid}/versions`);
  assert.match(page.text, new RegExp(`<a class="btn btn-small btn-primary" href="/dashboard/services/${sid}/activate\\?version=1">Review and activate<span class="sr-only"> version 1</span></a>`));
  const review = await browser.get(`/dashboard/services/${sid}/activate?version=1`);
  assert.match(review.text, /<h2 id="activate-title">Activate version 1<\/h2>/);
});
