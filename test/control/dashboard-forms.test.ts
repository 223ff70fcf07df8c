// The dashboard's writes over plain HTTP: API validation errors land next to their fields and
// nothing is saved; "used by" writes one shared definition into several services' drafts;
// a refused activation shows the VCL diagnostics.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newService, signedIn, textOf } from './dashboard-helpers.ts';

const VALID = { name: 'origin', address: '192.0.2.10', port: '8080', hc_path: '/health', hc_expected_response: '200', ssl_check_cert: '1' };

test('port 70000 and a bad address are shown next to their fields, and nothing is saved', async (t) => {
  const { api, browser } = await signedIn(t);
  const sid = await newService(api, 'www');
  const page = `/dashboard/services/${sid}/backends/new`;
  const res = await browser.submit(page, `/dashboard/services/${sid}/backends`, { ...VALID, port: '70000', address: 'not an address' });
  assert.equal(res.status, 400);
  assert.equal(textOf(res.text, 'f-port-error'), '✖ must be an integer from 1 to 65535');
  assert.equal(textOf(res.text, 'f-address-error'), '✖ must be a valid IPv4 address, IPv6 address or hostname');
  assert.match(res.text, /Nothing was saved: 2 fields need fixing/);
  assert.match(res.text, /id="f-port" name="port" value="70000"/);
  assert.deepEqual((await api.call('GET', `/service/${sid}/version/1/backend`)).body, []);
  assert.deepEqual((await api.call('GET', `/service/${sid}/version/1/healthcheck`)).body, []);
});

test('a healthcheck error undoes the backend already written: nothing is saved', async (t) => {
  const { api, browser } = await signedIn(t);
  const sid = await newService(api, 'www');
  const res = await browser.submit(`/dashboard/services/${sid}/backends/new`, `/dashboard/services/${sid}/backends`, { ...VALID, hc_expected_response: '99' });
  assert.equal(res.status, 400);
  assert.equal(textOf(res.text, 'f-hc_expected_response-error'), '✖ must be an integer from 100 to 599');
  assert.deepEqual((await api.call('GET', `/service/${sid}/version/1/backend`)).body, []);
  assert.deepEqual((await api.call('GET', `/service/${sid}/version/1/healthcheck`)).body, []);
});

test('a duplicate name is shown next to Name', async (t) => {
  const { api, browser } = await signedIn(t);
  const sid = await newService(api, 'www');
  await api.call('POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: '192.0.2.1' });
  const res = await browser.submit(`/dashboard/services/${sid}/backends/new`, `/dashboard/services/${sid}/backends`, { ...VALID });
  assert.equal(res.status, 400);
  assert.equal(textOf(res.text, 'f-name-error'), "✖ backend 'origin' already exists in version 1");
  assert.equal(((await api.call('GET', `/service/${sid}/version/1/backend`)).body as unknown[]).length, 1);
});

test('a valid form writes the backend and its healthcheck into the draft', async (t) => {
  const { api, browser } = await signedIn(t);
  const sid = await newService(api, 'www');
  const res = await browser.submit(`/dashboard/services/${sid}/backends/new`, `/dashboard/services/${sid}/backends`, { ...VALID, hc_check_interval: '1000' });
  assert.equal(res.status, 303);
  const b = (await api.call('GET', `/service/${sid}/version/1/backend/origin`)).body as Record<string, unknown>;
  assert.deepEqual([b.address, b.port, b.use_ssl, b.healthcheck, b.share_key], ['192.0.2.10', 8080, false, 'origin', null]);
  const hc = (await api.call('GET', `/service/${sid}/version/1/healthcheck/origin`)).body as Record<string, unknown>;
  assert.deepEqual([hc.path, hc.expected_response, hc.check_interval, hc.method], ['/health', 200, 1000, 'HEAD']);
  const list = await browser.get(`/dashboard/services/${sid}/backends`);
  assert.match(list.text, /Saved backend origin to www draft v1\. Activate to make it run\./);
});

test('editing an active version clones it into a draft; the active one is untouched', async (t) => {
  const { api, browser } = await signedIn(t);
  const sid = await newService(api, 'www');
  await api.call('POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: '192.0.2.1' });
  assert.equal((await api.call('PUT', `/service/${sid}/version/1/activate`)).status, 200);
  const edit = `/dashboard/services/${sid}/backends/origin/edit`;
  const res = await browser.submit(edit, edit, { ...VALID, hc_path: '', hc_expected_response: '', port: '8081' });
  assert.equal(res.status, 303);
  assert.equal(((await api.call('GET', `/service/${sid}/version/2/backend/origin`)).body as { port: number }).port, 8081);
  assert.equal(((await api.call('GET', `/service/${sid}/version/1/backend/origin`)).body as { port: number }).port, 80);
  const activate = await browser.get(`/dashboard/services/${sid}/activate`);
  assert.match(activate.text, /<th scope="row" class="mono">port<\/th><td class="mono"><del>80<\/del><\/td><td class="mono"><ins>8081<\/ins><\/td>/);
});

test('"used by" writes one definition with one share key into each chosen service\'s draft, and edits reach all of them', async (t) => {
  const { api, browser } = await signedIn(t);
  const a = await newService(api, 'alpha');
  const b = await newService(api, 'beta');
  const res = await browser.submit(`/dashboard/services/${a}/backends/new`, `/dashboard/services/${a}/backends`, { ...VALID, used_by: [a, b] });
  assert.equal(res.status, 303);
  const inA = (await api.call('GET', `/service/${a}/version/1/backend/origin`)).body as Record<string, unknown>;
  const inB = (await api.call('GET', `/service/${b}/version/1/backend/origin`)).body as Record<string, unknown>;
  assert.match(String(inA.share_key), /^shared[0-9a-f]{16}$/);
  assert.equal(inB.share_key, inA.share_key);
  assert.deepEqual([inB.address, inB.port, inB.healthcheck], [inA.address, inA.port, inA.healthcheck]);
  const edit = `/dashboard/services/${a}/backends/origin/edit`;
  const form = await browser.get(edit);
  assert.match(form.text, /This backend is shared: saving changes it in alpha, beta/);
  assert.match(form.text, new RegExp(`id="used-${b}" name="used_by" value="${b}" checked`));
  const saved = await browser.submit(edit, edit, { ...VALID, share_key: String(inA.share_key), port: '9090', used_by: [a, b] });
  assert.equal(saved.status, 303);
  assert.equal(((await api.call('GET', `/service/${b}/version/1/backend/origin`)).body as { port: number }).port, 9090);
});

test('deleting the only backend asks first, saying what happens to its requests and which VCL names it', async (t) => {
  const { api, browser } = await signedIn(t);
  const sid = await newService(api, 'www');
  await api.call('POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: '192.0.2.1' });
  const list = `/dashboard/services/${sid}/backends`;
  const ask = await browser.submit(list, `${list}/origin/delete`, {});
  assert.equal(ask.status, 200);
  assert.match(ask.text, /<p>In this draft origin is the default backend: it serves every request that nothing routes elsewhere \(no director or custom VCL sends it to another backend\)\.<\/p><p>It is the only backend: once this draft is activated, every request that is not answered from the cache gets &quot;503 All backends failed or unhealthy&quot;\.<\/p>/);
  assert.match(ask.text, /<h3>VCL lines that name F_origin<\/h3>[\s\S]*<li><code>generated\.vcl line \d+: set req\.backend = F_origin;<\/code><\/li>/);
  assert.equal(((await api.call('GET', `/service/${sid}/version/1/backend`)).body as unknown[]).length, 1);
  const done = await browser.submit(list, `${list}/origin/delete`, { confirm: 'yes' });
  assert.equal(done.status, 303);
  assert.deepEqual((await api.call('GET', `/service/${sid}/version/1/backend`)).body, []);
});

test('the Backends page marks the default backend, and deleting it names the backend that takes over', async (t) => {
  const { api, browser } = await signedIn(t);
  const sid = await newService(api, 'www');
  for (const name of ['alpha', 'beta']) await api.call('POST', `/service/${sid}/version/1/backend`, { name, address: '192.0.2.1' });
  await api.call('POST', `/service/${sid}/version/1/director`, { name: 'pool' });
  await api.call('POST', `/service/${sid}/version/1/director/pool/backend/beta`);
  const validation = (await api.call('GET', `/service/${sid}/version/1/validate`)).body as { default_backend: string };
  assert.equal(validation.default_backend, 'alpha');
  const page = await browser.get(`/dashboard/services/${sid}/backends`);
  assert.equal(textOf(page.text, 'default-backend'), 'alpha is the default backend: it serves every request that nothing routes elsewhere (no director or custom VCL sends it to another backend).');
  assert.match(page.text, /">alpha<\/a> <span class="chip chip-default" title="Serves every request that nothing routes elsewhere">Default<span class="sr-only"> backend<\/span><\/span><\/th>/);
  assert.match(page.text, /">beta<\/a><\/th>/);
  assert.match(page.text, /data-confirm="Delete backend &quot;alpha&quot; from the draft\?\nIn this draft alpha is the default backend: it serves every request that nothing routes elsewhere \(no director or custom VCL sends it to another backend\)\.\nOnce this draft is activated, those requests go to beta instead\."/);
  assert.match(page.text, /data-confirm="Delete backend &quot;beta&quot; from the draft\?\nbeta is not the default backend: only requests that a director or custom VCL sends to it reach it\.\nDirector pool is left with no backend, so activation is refused until it has one\."/);
});

test('deleting the default backend names the next one added, not the next by name', async (t) => {
  const { api, browser } = await signedIn(t);
  const sid = await newService(api, 'www');
  for (const name of ['mid', 'zulu', 'alpha']) await api.call('POST', `/service/${sid}/version/1/backend`, { name, address: '192.0.2.1' });
  const validation = (await api.call('GET', `/service/${sid}/version/1/validate`)).body as { default_backend: string; backend_order: string[] };
  assert.deepEqual([validation.default_backend, validation.backend_order], ['mid', ['mid', 'zulu', 'alpha']]);
  const page = await browser.get(`/dashboard/services/${sid}/backends`);
  assert.match(page.text, /data-confirm="Delete backend &quot;mid&quot; from the draft\?\nIn this draft mid is the default backend: [^"]*\nOnce this draft is activated, those requests go to zulu instead\."/);
});

test('a refused activation shows the VCL diagnostics and leaves the active version', async (t) => {
  const { api, browser } = await signedIn(t);
  const sid = await newService(api, 'www');
  await api.call('POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: '192.0.2.1' });
  await api.call('POST', `/service/${sid}/version/1/vcl`, { name: 'main', main: true, content: 'sub vcl_recv {\n  set req.backend = F_gone;\n}\n' });
  const res = await browser.submit(`/dashboard/services/${sid}/activate`, `/dashboard/services/${sid}/activate`, { version: '1' });
  assert.equal(res.status, 400);
  assert.match(res.text, /Activation refused: Version failed to activate/);
  assert.match(res.text, /<li><code>main:\d+:21 error ref\/unknown-backend: F_gone is not a declared backend or director<\/code><\/li>/);
  assert.match(res.text, /Nothing changed: no version is active\./);
  assert.equal(((await api.call('GET', `/service/${sid}`)).body as { version: number | null }).version, null);
});

test('names from the API are escaped in pages', async (t) => {
  const { api, browser } = await signedIn(t);
  const sid = await newService(api, '<script>alert(1)</script>');
  await api.call('POST', `/service/${sid}/version/1/backend`, { name: '<img src=x onerror=alert(2)>', address: '192.0.2.1' });
  const list = await browser.get(`/dashboard/services/${sid}/backends`);
  assert.equal(list.status, 200);
  assert.doesNotMatch(list.text, /<script>alert|<img src=x/);
  assert.match(list.text, /&lt;img src=x onerror=alert\(2\)&gt;/);
  assert.match((await browser.get('/dashboard/services')).text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
});
