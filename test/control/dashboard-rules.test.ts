// Conditions and headers in the dashboard: saved in the draft, the API's validation next to the
// field, changed by saving the same name, and reviewed on the Activate page before they run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newService, signedIn, textOf } from './dashboard-helpers.ts';

test('a condition and a header saved in the dashboard land in the draft and show in the activation review', async (t) => {
  const { api, browser } = await signedIn(t);
  const sid = await newService(api, 'rules');
  const conditions = `/dashboard/services/${sid}/conditions`;
  const headers = `/dashboard/services/${sid}/headers`;
  const saved = await browser.submit(conditions, conditions, { name: 'is_api', type: 'REQUEST', statement: 'req.url ~ "^/api/"', priority: '' });
  assert.equal(saved.status, 303);
  const header = await browser.submit(headers, headers, {
    name: 'tag', type: 'response', action: 'set', dst: 'http.X-Api', src: '"1"', regex: '', substitution: '', priority: '',
    request_condition: 'is_api', cache_condition: '', response_condition: '',
  });
  assert.equal(header.status, 303);
  const got = (await api.call('GET', `/service/${sid}/version/1/header/tag`)).body as Record<string, unknown>;
  assert.deepEqual([got.dst, got.src, got.request_condition, got.priority], ['http.X-Api', '"1"', 'is_api', 100]);

  const changed = await browser.submit(conditions, conditions, { name: 'is_api', type: 'REQUEST', statement: 'req.url ~ "^/v2/"', priority: '5' });
  assert.equal(changed.status, 303);
  const c = (await api.call('GET', `/service/${sid}/version/1/condition/is_api`)).body as Record<string, unknown>;
  assert.deepEqual([c.statement, c.priority], ['req.url ~ "^/v2/"', 5]);
  assert.match((await browser.get(conditions)).text, /Changed condition is_api in draft version 1\./);

  const review = await browser.get(`/dashboard/services/${sid}/activate`);
  assert.match(review.text, /<h4 id="review-condition">Conditions<\/h4>/);
  assert.match(review.text, /<strong>is_api<\/strong> <span class="muted">— REQUEST, priority 5: req\.url ~ &quot;\^\/v2\/&quot;<\/span>/);
  assert.match(review.text, /<strong>tag<\/strong> <span class="muted">— set response http\.X-Api from &quot;1&quot;, when is_api<\/span>/);
});

test('a statement that does not compile is shown next to its field and nothing is saved', async (t) => {
  const { api, browser } = await signedIn(t);
  const sid = await newService(api, 'rules');
  const conditions = `/dashboard/services/${sid}/conditions`;
  const res = await browser.submit(conditions, conditions, { name: 'bad', type: 'CACHE', statement: 'resp.status == 404', priority: '' });
  assert.equal(res.status, 400);
  assert.equal(textOf(res.text, 'r-statement-error'), '✖ resp.status cannot be read in vcl_fetch');
  assert.deepEqual((await api.call('GET', `/service/${sid}/version/1/condition`)).body, []);
});
