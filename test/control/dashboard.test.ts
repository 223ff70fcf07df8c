// Dashboard sessions, CSRF and read-only tokens over plain HTTP (docs/dashboard.md).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Browserless, newService, signedIn } from './dashboard-helpers.ts';
import { ADMIN, startApi } from './helpers.ts';

test('signing in sets an HttpOnly, SameSite=Strict, expiring cookie holding an opaque id, not the token', async (t) => {
  const api = await startApi(t);
  const browser = new Browserless(api.base);
  const res = await browser.signIn(ADMIN);
  assert.equal(res.status, 303);
  assert.equal(res.location, '/dashboard/services');
  const session = res.setCookies.find((c) => c.startsWith('lacquer_session='));
  assert.ok(session !== undefined);
  const attrs = session.split('; ');
  assert.deepEqual(attrs.slice(1, 5), ['Path=/dashboard', 'HttpOnly', 'SameSite=Strict', 'Max-Age=28800']);
  assert.match(attrs[5], /^Expires=/);
  const id = attrs[0].slice('lacquer_session='.length);
  assert.match(id, /^[A-Za-z0-9_-]{43}$/);
  for (const c of res.setCookies) assert.ok(!c.includes(ADMIN), 'no cookie carries the token');
  assert.equal((await browser.get('/dashboard/services')).status, 200);
});

test('a wrong token is refused on the sign-in page and makes no session', async (t) => {
  const api = await startApi(t);
  const browser = new Browserless(api.base);
  const res = await browser.signIn('not-a-token');
  assert.equal(res.status, 401);
  assert.match(res.text, /This token was not accepted: it is unknown or was revoked\./);
  assert.equal(browser.cookies.has('lacquer_session'), false);
});

test('the sign-in form is refused without its double-submit cookie (login CSRF)', async (t) => {
  const api = await startApi(t);
  const browser = new Browserless(api.base);
  const form = await browser.get('/dashboard/signin');
  const nonce = /name="_signin" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
  browser.cookies.clear();
  const res = await browser.request('POST', '/dashboard/signin', { _signin: nonce, token: ADMIN });
  assert.equal(res.status, 403);
  assert.equal(browser.cookies.has('lacquer_session'), false);
});

test('without a session pages redirect to sign-in and POSTs are refused', async (t) => {
  const api = await startApi(t);
  const browser = new Browserless(api.base);
  const page = await browser.get('/dashboard/services');
  assert.equal(page.status, 303);
  assert.equal(page.location, '/dashboard/signin?next=%2Fdashboard%2Fservices');
  const post = await browser.request('POST', '/dashboard/services', { name: 'x' });
  assert.equal(post.status, 401);
  assert.deepEqual((await api.call('GET', '/service')).body, []);
});

test('a POST without the session\'s CSRF token is refused and changes nothing', async (t) => {
  const { api, browser } = await signedIn(t);
  for (const csrf of [undefined, 'forged']) {
    const res = await browser.request('POST', '/dashboard/services', { name: 'evil', ...(csrf === undefined ? {} : { _csrf: csrf }) });
    assert.equal(res.status, 403);
    assert.match(res.text, /CSRF token is missing or wrong/);
  }
  assert.deepEqual((await api.call('GET', '/service')).body, []);
  const ok = await browser.submit('/dashboard/services', '/dashboard/services', { name: 'www' });
  assert.equal(ok.status, 303);
  assert.equal(((await api.call('GET', '/service')).body as unknown[]).length, 1);
});

test('a read-only token sees everything, is offered no changes, and its POSTs are refused', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api, 'www');
  await api.call('POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: '192.0.2.1' });
  const made = await api.call('POST', '/tokens', { scope: 'global:read' });
  const browser = new Browserless(api.base);
  assert.equal((await browser.signIn((made.body as { access_token: string }).access_token)).status, 303);
  const page = await browser.get(`/dashboard/services/${sid}/backends`);
  assert.equal(page.status, 200);
  assert.match(page.text, /Read-only token/);
  assert.match(page.text, /<th scope="row"><a href="[^"]+">origin<\/a>/);
  assert.doesNotMatch(page.text, /Add backend|Delete<span|Edit<span/);
  assert.doesNotMatch((await browser.get('/dashboard/services')).text, /Create service/);
  const del = await browser.submit(`/dashboard/services/${sid}/backends`, `/dashboard/services/${sid}/backends/origin/delete`, { confirm: 'yes' });
  assert.equal(del.status, 403);
  assert.match(del.text, /read-only token/);
  assert.equal(((await api.call('GET', `/service/${sid}/version/1/backend`)).body as unknown[]).length, 1);
});

test('signing out ends the session on the server, whatever the browser keeps', async (t) => {
  const { browser } = await signedIn(t);
  const kept = browser.cookies.get('lacquer_session') as string;
  const out = await browser.submit('/dashboard/services', '/dashboard/signout', {});
  assert.equal(out.status, 303);
  assert.equal(out.location, '/dashboard/signin');
  browser.cookies.set('lacquer_session', kept);
  assert.equal((await browser.get('/dashboard/services')).status, 303);
});

test('pages carry a same-origin content security policy and are not cached', async (t) => {
  const { browser } = await signedIn(t);
  const res = await fetch(`${browser.base}/dashboard/services`, { headers: { cookie: `lacquer_session=${browser.cookies.get('lacquer_session')}` } });
  assert.equal(res.headers.get('content-security-policy'), "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const css = await fetch(`${browser.base}/dashboard/assets/dashboard.css`);
  assert.equal(css.status, 200);
  assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
});

test('an unknown dashboard path gets the dashboard\'s own 404 page with a way back, not API JSON', async (t) => {
  const { browser } = await signedIn(t);
  for (const path of ['/dashboard/nope', '/dashboard/services/x/backends/y/edit/more', '/dashboard/assets/missing.css']) {
    const res = await fetch(`${browser.base}${path}`, { headers: { cookie: `lacquer_session=${browser.cookies.get('lacquer_session')}` } });
    assert.equal(res.status, 404, path);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(res.headers.get('content-security-policy'), "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
    const text = await res.text();
    assert.match(text, /<h1 id="not-found-title">Page not found<\/h1>/);
    assert.match(text, /<li><a href="\/dashboard\/services">All services<\/a><\/li>/);
    assert.match(text, /<form method="post" action="\/dashboard\/signout">/, 'the header keeps its navigation');
  }
  const post = await browser.request('POST', '/dashboard/nope', { a: 'b' });
  assert.equal(post.status, 404);
  assert.match(post.text, /Page not found/);
  const signedOut = await fetch(`${browser.base}/dashboard/nope`);
  assert.equal(signedOut.status, 404);
  assert.match(await signedOut.text(), /<li><a href="\/dashboard\/signin">Sign in<\/a><\/li>/);
  const api = await fetch(`${browser.base}/nope`);
  assert.deepEqual(await api.json(), { msg: 'Record not found', detail: 'no route for GET /nope' }, 'the API keeps its JSON 404');
});

test('a token scoped to one service sees only that service in the dashboard', async (t) => {
  const api = await startApi(t);
  const mine = await newService(api, 'mine');
  const theirs = await newService(api, 'theirs');
  await api.call('POST', `/service/${theirs}/version/1/backend`, { name: 'secret-origin', address: '192.0.2.77' });
  await api.call('POST', `/service/${theirs}/version/1/domain`, { name: 'theirs.example.com' });
  await api.call('POST', `/service/${mine}/version/1/backend`, { name: 'origin', address: '192.0.2.1' });
  const made = await api.call('POST', '/tokens', { service_id: mine });
  const browser = new Browserless(api.base);
  assert.equal((await browser.signIn((made.body as { access_token: string }).access_token)).status, 303);
  const services = await browser.get('/dashboard/services');
  assert.match(services.text, /<span class="token-kind">Service token<\/span>/);
  assert.match(services.text, />mine<\/a>/);
  for (const leak of ['theirs', theirs, 'secret-origin', '192.0.2.77']) assert.ok(!services.text.includes(leak), `services page shows ${leak}`);
  assert.doesNotMatch(services.text, /Create service/);
  for (const page of ['backends', 'domains', 'versions', 'activate', 'backends/secret-origin/edit', 'backends/secret-origin/delete', 'domains/theirs.example.com/delete']) {
    const res = await browser.get(`/dashboard/services/${theirs}/${page}`);
    assert.equal(res.status, 403, page);
    assert.match(res.text, /<h1>Forbidden<\/h1><p class="error-text">this token is scoped to service /);
    for (const leak of ['secret-origin', '192.0.2.77', 'theirs.example.com']) assert.ok(!res.text.includes(`>${leak}<`), `${page} shows ${leak}`);
  }
  const form = await browser.get(`/dashboard/services/${mine}/backends/new`);
  assert.doesNotMatch(form.text, /Used by/, 'no other service to share a backend with');
  const add = await browser.submit(`/dashboard/services/${mine}/domains`, `/dashboard/services/${theirs}/domains`, { name: 'evil.example.com' });
  assert.equal(add.status, 403);
  assert.deepEqual(((await api.call('GET', `/service/${theirs}/version/1/domain`)).body as Array<{ name: string }>).map((d) => d.name), ['theirs.example.com']);
});
