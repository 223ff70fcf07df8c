// The account and VCL plumbing Fastly's clients call: /verify (the Fastly CLI's whoami),
// listing and revoking tokens, domain check_all (no longer shadowed by /domain/{name}),
// boilerplate, a custom VCL file's content and download, and the lint endpoints.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADMIN, startApi } from '../helpers.ts';

test('GET /verify names the token, the user and the services the token reaches', async (t) => {
  const api = await startApi(t);
  const mine = (await api.call('POST', '/service', 'name=mine')).body as { id: string };
  await api.call('POST', '/service', 'name=other');
  const all = await api.call('GET', '/verify');
  assert.equal(all.status, 200);
  const body = all.body as { user: { login: string }; services: Record<string, string>; token: { scope: string } };
  assert.equal(body.user.login, 'admin');
  assert.deepEqual(Object.values(body.services).sort(), ['mine', 'other']);
  assert.equal(body.token.scope, 'global');
  const scoped = (await api.call('POST', '/tokens', { service_id: mine.id, name: 'ci' })).body as { access_token: string };
  const narrow = await api.call('GET', '/verify', undefined, { 'fastly-key': scoped.access_token });
  assert.deepEqual((narrow.body as { services: Record<string, string> }).services, { [mine.id]: 'mine' });
});

test('tokens are listed without secrets, revoked by id or by themselves, and the last admin token stays', async (t) => {
  const api = await startApi(t);
  const made = (await api.call('POST', '/tokens', { name: 'deploy' })).body as { id: string; access_token: string };
  const list = await api.call('GET', '/tokens');
  assert.equal(list.status, 200);
  assert.ok((list.body as { name: string | null }[]).some((x) => x.name === 'deploy'));
  assert.doesNotMatch(list.text, new RegExp(made.access_token));
  const self = await api.call('DELETE', '/tokens/self', undefined, { 'fastly-key': made.access_token });
  assert.equal(self.status, 204);
  assert.equal((await api.call('GET', '/tokens/self', undefined, { 'fastly-key': made.access_token })).status, 401);
  const other = (await api.call('POST', '/tokens', { scope: 'global:read' })).body as { id: string; access_token: string };
  assert.equal((await api.call('DELETE', `/tokens/${other.id}`)).status, 204);
  assert.equal((await api.call('GET', '/verify', undefined, { 'fastly-key': other.access_token })).status, 401);
  assert.equal((await api.call('DELETE', '/tokens/nope')).status, 404);
  const last = await api.call('DELETE', '/tokens/self');
  assert.equal(last.status, 400);
  assert.match((last.body as { detail: string }).detail, /is the last admin token; create another admin token before revoking it$/);
  assert.equal((await api.call('GET', '/verify', undefined, { 'fastly-key': ADMIN })).status, 200);
});

test('domain check_all is its own route, and boilerplate, VCL content and download answer text', async (t) => {
  const api = await startApi(t);
  const { id } = (await api.call('POST', '/service', 'name=s')).body as { id: string };
  const v = `/service/${id}/version/1`;
  await api.call('POST', `${v}/domain`, 'name=localhost');
  await api.call('POST', `${v}/domain`, 'name=*.wild.example');
  const checks = await api.call('GET', `${v}/domain/check_all`);
  assert.equal(checks.status, 200, checks.text);
  assert.deepEqual((checks.body as [{ name: string }, string | null, boolean][]).map(([d, cname, ok]) => [d.name, cname, ok]),
    [['*.wild.example', null, false], ['localhost', null, true]]);
  const one = await api.call('GET', `${v}/domain/localhost/check`);
  assert.deepEqual((one.body as [{ name: string }, null, boolean]).slice(1), [null, true]);

  const boiler = await api.call('GET', `${v}/boilerplate`);
  assert.equal(boiler.status, 200);
  assert.match(boiler.text, /^sub vcl_recv \{\n {2}#FASTLY recv\n/);

  await api.call('POST', `${v}/vcl`, { name: 'my main', content: 'sub vcl_recv {\n#FASTLY recv\n}\n', main: true });
  const content = await fetch(`${api.base}${v}/vcl/my%20main/content`, { headers: { 'fastly-key': ADMIN } });
  assert.equal(content.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.equal(await content.text(), 'sub vcl_recv {\n#FASTLY recv\n}\n');
  const download = await fetch(`${api.base}${v}/vcl/my%20main/download`, { headers: { 'fastly-key': ADMIN } });
  assert.equal(download.headers.get('content-disposition'), 'attachment; filename="my_main.vcl"; filename*=UTF-8\'\'my%20main.vcl');
  assert.equal((await api.call('GET', `${v}/vcl/absent/content`)).status, 404);
});

test('the lint endpoints answer Fastly\'s validator shape; the service lint knows the service\'s tables', async (t) => {
  const api = await startApi(t);
  const good = await api.call('POST', '/vcl_lint', { vcl: 'sub vcl_recv { set req.http.X = "1"; }' });
  assert.equal(good.status, 200);
  assert.deepEqual((good.body as { data: { attributes: { status: string; errors: string[] } } }).data.attributes.status, 'ok');
  const bad = await api.call('POST', '/vcl_lint', { vcl: 'sub vcl_recv { set req.http.X = ; }' });
  const attrs = (bad.body as { data: { attributes: { status: string; errors: string[] } } }).data.attributes;
  assert.equal(attrs.status, 'error');
  assert.match(attrs.errors[0], /^main\.vcl:1:/);
  assert.equal((await api.call('POST', '/vcl_lint', {})).status, 400);

  const { id } = (await api.call('POST', '/service', 'name=s')).body as { id: string };
  await api.call('POST', `/service/${id}/version/1/dictionary`, 'name=flags');
  const lookup = 'sub vcl_recv {\n#FASTLY recv\n  set req.http.F = table.lookup(flags, "a", "b");\n}\n';
  const inService = await api.call('POST', `/service/${id}/lint`, { vcl: lookup });
  assert.equal((inService.body as { data: { attributes: { status: string } } }).data.attributes.status, 'ok', inService.text);
  const alone = await api.call('POST', '/vcl_lint', { vcl: lookup });
  assert.equal((alone.body as { data: { attributes: { status: string } } }).data.attributes.status, 'error');
});
