// The dashboard's TLS page (docs/dashboard.md, TLS): upload a key and a certificate, activate a
// domain, see the certificates with their domains, expiry and what they serve, a warning for one
// within 30 days of expiry, the API's refusals next to the form, and deactivation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tlsMaterial } from '../../src/control/tls/material.ts';
import { leaf, newKey, testCa } from '../support/certs.ts';
import { Browserless, signedIn } from './dashboard-helpers.ts';

const DAY = 86_400_000;

test('the TLS page uploads, activates, lists certificates with domains, expiry and what they serve, warns within 30 days, and deactivates', async (t) => {
  const { api, browser } = await signedIn(t);
  const ca = await testCa();
  const key = await newKey('ec');
  const soon = await leaf(['shop.example.com', '*.shop.example.com'], { issuer: ca, key, notAfter: new Date(Date.now() + 20 * DAY + 3_600_000) });

  const empty = await browser.get('/dashboard/tls');
  assert.equal(empty.status, 200);
  assert.match(empty.text, /No certificate yet/);
  assert.match(empty.text, /<a href="\/dashboard\/tls">TLS<\/a>/, 'the main navigation links the page');

  const refused = await browser.submit('/dashboard/tls', '/dashboard/tls/certificates', { cert_blob: soon.pem, cert_name: '' });
  assert.equal(refused.status, 400);
  assert.match(refused.text, /role="alert">data\.attributes\.cert_blob: the private key of this certificate was never uploaded; POST it to \/tls\/private_keys first</);

  const uploadedKey = await browser.submit('/dashboard/tls', '/dashboard/tls/keys', { key: key.pem, key_name: 'shop key' });
  assert.deepEqual([uploadedKey.status, uploadedKey.location], [303, '/dashboard/tls']);
  const badKey = await browser.submit('/dashboard/tls', '/dashboard/tls/keys', { key: key.pem.replace(/\n[A-Za-z0-9+/]{8}/, '\n!!!!!!!!'), key_name: 'x' });
  assert.equal(badKey.status, 400);
  assert.ok(!badKey.text.includes(key.pem.split('\n')[2]), 'a refused key is not echoed into the page');
  assert.equal((await browser.submit('/dashboard/tls', '/dashboard/tls/certificates', { cert_blob: `${soon.pem}${ca.pem}`, cert_name: 'shop' })).status, 303);

  const wrong = await browser.submit('/dashboard/tls', '/dashboard/tls/activations', { certificate: (await certIds(api))[0], domain: 'www.shop.example.com' });
  assert.equal(wrong.status, 400);
  assert.match(wrong.text, /www\.shop\.example\.com is covered by the certificate&#39;s wildcard; a wildcard certificate is activated for its wildcard name, \*\.shop\.example\.com/);
  const activated = await browser.submit('/dashboard/tls', '/dashboard/tls/activations', { certificate: (await certIds(api))[0], domain: '*.shop.example.com' });
  assert.equal(activated.status, 303);
  assert.deepEqual((await tlsMaterial(api.store)).activations.map((a) => a.domain), ['*.shop.example.com']);

  const listed = await browser.get('/dashboard/tls');
  assert.match(listed.text, /Activated \*\.shop\.example\.com: every edge node serves it over HTTPS\./);
  const certificates = /<table class="table stack" id="certificates">([\s\S]*?)<\/table>/.exec(listed.text)?.[1] ?? '';
  assert.match(certificates, /<td data-label="Domains" class="mono">shop\.example\.com, \*\.shop\.example\.com<\/td>/);
  assert.match(certificates, /data-expiry="warning"><span aria-hidden="true">⚠<\/span> expires in 20 days, on /);
  assert.match(certificates, /<td data-label="Serves" class="mono">\*\.shop\.example\.com<\/td>/);
  assert.match(listed.text, /<div class="warning-box" role="note" id="expiring"><h3>Certificates to renew<\/h3>/);
  assert.ok(!listed.text.includes(key.pem.split('\n')[2]), 'the page never shows the key');

  const activationId = /action="\/dashboard\/tls\/activations\/([0-9A-Za-z]{22})\/delete"/.exec(listed.text)?.[1] as string;
  const off = await browser.submit('/dashboard/tls', `/dashboard/tls/activations/${activationId}/delete`, {});
  assert.equal(off.status, 303);
  assert.deepEqual((await tlsMaterial(api.store)).activations, []);
});

async function certIds(api: { call: (m: string, p: string) => Promise<{ body: unknown }> }): Promise<string[]> {
  return ((await api.call('GET', '/tls/certificates')).body as { data: Array<{ id: string }> }).data.map((c) => c.id);
}

test('the TLS page is for tokens of the whole account: a service\'s token gets 403 and no TLS link, a read-only one sees no forms', async (t) => {
  const { api } = await signedIn(t);
  const sid = ((await api.call('POST', '/service', { name: 's' })).body as { id: string }).id;
  const scoped = String(((await api.call('POST', '/tokens', { service_id: sid })).body as { access_token: string }).access_token);
  const reader = String(((await api.call('POST', '/tokens', { scope: 'global:read' })).body as { access_token: string }).access_token);
  const other = new Browserless(api.base);
  assert.equal((await other.signIn(scoped)).status, 303);
  const refused = await other.get('/dashboard/tls');
  assert.equal(refused.status, 403);
  assert.ok(!(await other.get('/dashboard/services')).text.includes('href="/dashboard/tls"'));
  const readOnly = new Browserless(api.base);
  assert.equal((await readOnly.signIn(reader)).status, 303);
  const page = await readOnly.get('/dashboard/tls');
  assert.equal(page.status, 200);
  assert.ok(!page.text.includes('action="/dashboard/tls/keys"'), 'no upload form');
});
