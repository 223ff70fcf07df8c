// The dashboard in a real browser (docs/dashboard.md, Tests): Debian's Chromium through
// playwright-core, against lacquer started in-process with a scripted origin on loopback. Every
// step leaves a screenshot under test-results/dashboard/.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { api, launchBrowser, shot, signIn, startOrigin, startServer } from './helpers.ts';

const HEALTH_WAIT = { timeout: 20_000 };

function healthBadge(page: Page, backend: string, text: string) {
  return page.locator(`tr[data-backend="${backend}"] .health-col .badge`, { hasText: text });
}

test('dashboard flow: sign in, domain, refused port, add, activate, healthy, sick live, edit, delete, sign out', { timeout: 180_000 }, async (t) => {
  const server = await startServer(t);
  const base = server.apiUrl;
  const origin = await startOrigin(t);
  const browser = await launchBrowser(t);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  let sid = '';

  await t.test('sign in with the admin token', async () => {
    await page.goto(`${base}/dashboard/services`);
    assert.match(page.url(), /\/dashboard\/signin\?next=/);
    await shot(page, '01-sign-in');
    await signIn(page, base);
    assert.equal(await page.locator('.token-kind').textContent(), 'Admin token');
    await page.getByLabel('Service name').fill('www');
    await page.getByRole('button', { name: 'Create service' }).click();
    await page.waitForURL(/\/backends$/);
    sid = decodeURIComponent(/services\/([^/]+)\/backends$/.exec(page.url())?.[1] ?? '');
    assert.equal((await api(base, 'GET', `/service/${sid}`)).status, 200);
    await shot(page, '02-service-created');
  });

  await t.test('a new service is told it has no domain; a bad name is refused next to the field, a good one lands in the draft', async () => {
    assert.match(await page.locator('#no-domain').textContent() ?? '', /This service has no domain yet, so no request reaches it\./);
    await page.locator('#no-domain').getByRole('link', { name: 'Add a domain' }).click();
    await page.waitForURL(/\/domains$/);
    await page.getByLabel('Domain name').fill('not a host');
    await page.getByRole('button', { name: 'Add domain' }).click();
    assert.equal(await page.locator('#d-name-error').textContent(), '✖ must be a hostname, optionally starting with one "*." wildcard label');
    assert.equal(await page.getByLabel('Domain name').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.evaluate('document.activeElement && document.activeElement.id'), 'error-summary');
    await shot(page, '03a-domain-refused');
    assert.deepEqual((await api(base, 'GET', `/service/${sid}/version/1/domain`)).body, []);
    await page.getByLabel('Domain name').fill('www.example.com');
    await page.getByRole('button', { name: 'Add domain' }).click();
    await page.waitForURL(/\/domains$/);
    assert.equal(await page.locator('tbody th').textContent(), 'www.example.com');
    assert.equal(((await api(base, 'GET', `/service/${sid}/version/1/domain`)).body as Array<{ name: string }>)[0].name, 'www.example.com');
    await shot(page, '03b-domain-added');
    await page.getByRole('link', { name: 'Provisioning · Backends' }).click();
  });

  await t.test('port 70000 is refused next to Port and nothing is saved', async () => {
    await page.getByRole('link', { name: 'Add backend' }).click();
    await page.getByLabel('Name', { exact: true }).fill('origin');
    await page.getByLabel('IP or DNS name').fill('127.0.0.1');
    await page.getByLabel('Port').fill('70000');
    await page.getByLabel('Health-check URL').fill('/health');
    await page.getByLabel('Expected status').fill('200');
    await page.getByRole('button', { name: 'Add backend' }).click();
    assert.equal(await page.locator('#f-port-error').textContent(), '✖ must be an integer from 1 to 65535');
    assert.equal(await page.getByLabel('Port').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('Port').getAttribute('aria-describedby'), 'f-port-help f-port-error');
    assert.equal(await page.locator('.field-error').count(), 1);
    await shot(page, '03-port-70000-refused');
    assert.deepEqual((await api(base, 'GET', `/service/${sid}/version/1/backend`)).body, []);
    assert.deepEqual((await api(base, 'GET', `/service/${sid}/version/1/healthcheck`)).body, []);
  });

  await t.test('a valid backend with a health check against the local origin', async () => {
    await page.getByLabel('Port').fill(String(origin.port));
    await page.getByText('Advanced:').click();
    await page.getByLabel('Check interval (ms)').fill('1000');
    await page.getByLabel('Health-check timeout (ms)').fill('300');
    await shot(page, '04-valid-backend-form');
    await page.getByRole('button', { name: 'Add backend' }).click();
    await page.waitForURL(/\/backends$/);
    assert.match(await page.locator('.flash-ok').textContent() ?? '', /Saved backend origin to www draft v1/);
    assert.equal(await healthBadge(page, 'F_origin', 'Not active yet').count(), 1);
    const hc = (await api(base, 'GET', `/service/${sid}/version/1/healthcheck/origin`)).body as Record<string, unknown>;
    assert.equal(hc.path, '/health');
    assert.equal(hc.check_interval, 1000);
    await shot(page, '05-backend-added');
  });

  await t.test('activate shows the added domain, backend and health check and the default backend, then it turns healthy', async () => {
    await page.getByRole('link', { name: 'Activate', exact: true }).click();
    const added = (kind: string) => page.locator(`section[aria-labelledby="review-${kind}"] .diff-added strong`).allTextContents();
    assert.deepEqual(await added('domain'), ['www.example.com']);
    assert.deepEqual(await added('backend'), ['origin']);
    assert.deepEqual(await added('healthcheck'), ['origin']);
    assert.match(await page.locator('#default-backend').textContent() ?? '', /^origin is the default backend: it serves every request that nothing routes elsewhere/);
    assert.equal(await page.locator('#no-domain').count(), 0);
    await shot(page, '06-activate-diff');
    await page.getByRole('button', { name: 'Activate version 1' }).click();
    await page.waitForURL(/\/backends$/);
    await healthBadge(page, 'F_origin', 'Healthy').waitFor(HEALTH_WAIT);
    assert.ok(origin.probes() >= 1);
    await shot(page, '07-healthy');
  });

  await t.test('the origin stops and the badge turns sick without a reload', async () => {
    await page.evaluate('window.__sameDocument = true');
    await origin.stop();
    await healthBadge(page, 'F_origin', 'Sick').waitFor(HEALTH_WAIT);
    assert.equal(await page.evaluate('window.__sameDocument === true'), true);
    // The live region is written only by the server-sent event handler.
    await page.locator('#live-status', { hasText: 'origin is now sick in local' }).waitFor(HEALTH_WAIT);
    await shot(page, '08-sick-live');
  });

  await t.test('edit clones the active version into a draft and shows the change before activation', async () => {
    await page.getByRole('link', { name: 'Edit origin' }).click();
    assert.equal(await page.getByLabel('Port').inputValue(), String(origin.port));
    await page.getByLabel('Health-check URL').fill('/status');
    await shot(page, '09-edit-form');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(/\/backends$/);
    assert.match(await page.locator('.flash-ok').textContent() ?? '', /draft v2 \(new\)/);
    assert.match(await page.locator('.banner-draft').textContent() ?? '', /Draft version 2/);
    await page.getByRole('link', { name: 'Activate', exact: true }).click();
    assert.equal(await page.locator('.diff-changed strong').textContent(), 'origin');
    assert.equal(await page.locator('section[aria-labelledby="review-healthcheck"] .diff-changed tbody th').textContent(), 'path');
    await shot(page, '10-edit-diff');
  });

  await t.test('delete asks first, saying in words what happens to the requests origin serves', async () => {
    await page.getByRole('link', { name: 'Provisioning · Backends' }).click();
    await page.getByRole('button', { name: 'Delete origin' }).click();
    const dialog = page.locator('dialog.confirm');
    await dialog.waitFor();
    assert.equal(await page.evaluate('document.activeElement && document.activeElement.textContent'), 'Cancel');
    assert.equal(await dialog.getByRole('heading').textContent(), 'Delete backend "origin" from the draft?');
    assert.deepEqual(await dialog.locator('p').allTextContents(), [
      'In this draft origin is the default backend: it serves every request that nothing routes elsewhere (no director or custom VCL sends it to another backend).',
      'It is the only backend: once this draft is activated, every request that is not answered from the cache gets "503 All backends failed or unhealthy".',
      'Its health check stops once the draft is activated.',
    ]);
    assert.equal(await page.getByRole('dialog', { name: 'Delete backend "origin" from the draft?' }).count(), 1);
    await shot(page, '11-delete-confirm');
    await dialog.getByRole('button', { name: 'Delete origin' }).click();
    await page.waitForURL(/\/backends$/);
    assert.equal(await page.locator('tr[data-backend="F_origin"]').count(), 0);
    assert.deepEqual((await api(base, 'GET', `/service/${sid}/version/2/backend`)).body, []);
    await shot(page, '12-deleted');
  });

  await t.test('deleting the active domain says its requests stop reaching the service; Escape keeps it', async () => {
    await page.getByRole('link', { name: 'Provisioning · Domains' }).click();
    await page.getByRole('button', { name: 'Delete www.example.com' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete domain www.example.com from the draft?' });
    await dialog.waitFor();
    assert.deepEqual(await dialog.locator('p').allTextContents(), [
      'Requests for www.example.com stop reaching this service once this draft is activated: the edge answers them "404 Domain Not Found" unless another service adds the domain.',
      'It is the draft\'s only domain: once the draft is activated, no request reaches this service.',
    ]);
    await shot(page, '12a-domain-delete-confirm');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.deepEqual(((await api(base, 'GET', `/service/${sid}/version/2/domain`)).body as Array<{ name: string }>).map((d) => d.name), ['www.example.com']);
  });

  await t.test('versions list and the generated VCL, highlighted', async () => {
    await page.getByRole('link', { name: 'Versions' }).click();
    await shot(page, '13-versions');
    await page.getByRole('link', { name: 'View VCL of version 1' }).click();
    assert.ok(await page.locator('pre.vcl .tok-backend', { hasText: 'F_origin' }).count() >= 2);
    await shot(page, '14-version-vcl');
  });

  await t.test('sign out ends the session', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/dashboard\/signin$/);
    await page.goto(`${base}/dashboard/services`);
    assert.match(page.url(), /\/dashboard\/signin/);
    await shot(page, '15-signed-out');
  });

  assert.deepEqual(pageErrors, []);
});

test('a draft that cannot compile: the Activate page shows why and its button is off, keyboard included', { timeout: 120_000 }, async (t) => {
  const server = await startServer(t);
  const base = server.apiUrl;
  const sid = ((await api(base, 'POST', '/service', { name: 'broken' })).body as { id: string }).id;
  await api(base, 'POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: '192.0.2.1' });
  await api(base, 'POST', `/service/${sid}/version/1/vcl`, { name: 'main', main: true, content: 'sub vcl_recv {\n#FASTLY recv\n  set req.backend = F_gone;\n}\n' });
  const browser = await launchBrowser(t);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(page, base);
  await page.goto(`${base}/dashboard/services/${sid}/activate`);
  const button = page.getByRole('button', { name: 'Activate version 1' });
  assert.equal(await button.isDisabled(), true);
  assert.match(await page.locator('#activate-errors').textContent() ?? '', /Version 1 cannot be activated: 1 error[\s\S]*F_gone is not a declared backend or director/);
  assert.match(await page.locator('#no-domain').textContent() ?? '', /This version has no domain/);
  const focusable: string[] = [];
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    focusable.push(String(await page.evaluate('document.activeElement ? document.activeElement.textContent.trim() : ""')));
  }
  assert.ok(focusable.includes('View its VCL'), 'the keyboard reaches the controls after the button');
  assert.ok(!focusable.includes('Activate version 1'), 'the disabled button takes no focus');
  await shot(page, '16-activate-blocked');
  assert.equal(((await api(base, 'GET', `/service/${sid}`)).body as { version: number | null }).version, null);
});

test('the pages fit a phone screen (390×844)', { timeout: 120_000 }, async (t) => {
  const server = await startServer(t);
  const base = server.apiUrl;
  const origin = await startOrigin(t);
  const sid = ((await api(base, 'POST', '/service', { name: 'mobile' })).body as { id: string }).id;
  await api(base, 'POST', `/service/${sid}/version/1/healthcheck`, { name: 'origin', path: '/', check_interval: 1000 });
  await api(base, 'POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: '127.0.0.1', port: origin.port, healthcheck: 'origin' });
  await api(base, 'POST', `/service/${sid}/version/1/domain`, { name: 'm.example.com' });
  assert.equal((await api(base, 'PUT', `/service/${sid}/version/1/activate`)).status, 200);
  // A draft with a change of every kind, so the review shows each of its parts.
  await api(base, 'PUT', `/service/${sid}/version/1/clone`);
  await api(base, 'PUT', `/service/${sid}/version/2/healthcheck/origin`, { path: '/status' });
  await api(base, 'POST', `/service/${sid}/version/2/domain`, { name: 'a-rather-long-name-for-a-phone.m.example.com' });
  await api(base, 'POST', `/service/${sid}/version/2/director`, { name: 'pool' });
  await api(base, 'POST', `/service/${sid}/version/2/director/pool/backend/origin`);
  await api(base, 'POST', `/service/${sid}/version/2/vcl`, { name: 'main', main: true, content: 'sub vcl_recv {\n#FASTLY recv\n  set req.http.X-A-Long-Header-Name-For-A-Narrow-Screen = "a value long enough to overflow a phone";\n  return(lookup);\n}\n' });
  await api(base, 'PUT', `/service/${sid}/version/2/settings`, { 'general.default_ttl': 60 });
  const browser = await launchBrowser(t);
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await signIn(page, base);
  const pages: Array<[string, string]> = [
    ['services', '/dashboard/services'],
    ['domains', `/dashboard/services/${sid}/domains`],
    ['backends', `/dashboard/services/${sid}/backends`],
    ['backend-form', `/dashboard/services/${sid}/backends/origin/edit`],
    ['versions', `/dashboard/services/${sid}/versions`],
    ['version-vcl', `/dashboard/services/${sid}/versions/1`],
    ['activate', `/dashboard/services/${sid}/activate`],
    ['not-found', '/dashboard/no-such-page'],
  ];
  for (const [name, path] of pages) {
    await page.goto(`${base}${path}`);
    if (name === 'backends') await healthBadge(page, 'F_origin', 'Healthy').waitFor(HEALTH_WAIT);
    const width = await page.evaluate('document.documentElement.scrollWidth');
    assert.ok(Number(width) <= 390, `${name} is ${String(width)}px wide at a 390px viewport`);
    await shot(page, `phone-${name}`);
  }
});
