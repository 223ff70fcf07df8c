// The VCL service objects through the API as the Terraform provider drives it (go-fastly's
// form bodies: every field sent, unset ones empty), their validation (400 naming the field,
// nothing stored), their place in …/details and in a clone, and the VCL generated for them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startApi, type Api } from './helpers.ts';

const form = (fields: Record<string, string | number>): string =>
  new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)])).toString();

async function newService(api: Api): Promise<string> {
  return ((await api.call('POST', '/service', { name: 'objects' })).body as { id: string }).id;
}

async function ok(api: Api, method: string, path: string, body?: Record<string, unknown> | string): Promise<Record<string, unknown>> {
  const r = await api.call(method, path, body);
  assert.equal(r.status, 200, `${method} ${path} → ${r.status} ${r.text}`);
  return r.body as Record<string, unknown>;
}

test('a Terraform-shaped apply (clone, create every object as go-fastly sends it, activate) runs and shows in details', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api);
  await ok(api, 'POST', `/service/${sid}/version/1/domain`, { name: 'tf.example' });
  await ok(api, 'POST', `/service/${sid}/version/1/backend`, { name: 'web', address: '127.0.0.1' });
  await ok(api, 'PUT', `/service/${sid}/version/1/activate`);
  const v = (await ok(api, 'PUT', `/service/${sid}/version/1/clone`)).number as number;
  assert.equal(v, 2);
  const base = `/service/${sid}/version/${v}`;
  await ok(api, 'POST', `${base}/condition`, form({ name: 'is_api', statement: 'req.url ~ "^/api/"', type: 'REQUEST', priority: 5 }));
  await ok(api, 'POST', `${base}/condition`, form({ name: 'is_404', statement: 'resp.status == 404', type: 'RESPONSE', priority: 10 }));
  await ok(api, 'POST', `${base}/condition`, form({ name: 'is_static', statement: 'req.url ~ "\\.css$" || req.url ~ "^/static/"', type: 'CACHE', priority: 20 }));
  await ok(api, 'POST', `${base}/backend`, form({
    name: 'api', address: '127.0.0.2', port: 80, request_condition: 'is_api', healthcheck: '', shield: '', ssl_client_cert: '', override_host: '',
    auto_loadbalance: 0, use_ssl: 0, weight: 100,
  }));
  const header = await ok(api, 'POST', `${base}/header`, form({
    name: 'cors', action: 'set', ignore_if_set: 0, type: 'response', dst: 'http.Access-Control-Allow-Origin', src: '"*"', regex: '',
    substitution: '', priority: 100, request_condition: '', cache_condition: '', response_condition: 'is_404',
  }));
  assert.deepEqual([header.priority, header.ignore_if_set, header.regex, header.request_condition], [100, false, null, null]);
  await ok(api, 'POST', `${base}/response_object`, form({
    name: 'teapot', status: 418, response: "I'm a teapot", content: 'short and stout', content_type: 'text/plain', request_condition: 'is_api', cache_condition: '',
  }));
  const rs = await ok(api, 'POST', `${base}/request_settings`, form({
    name: 'api-pass', max_stale_age: 0, force_miss: 0, force_ssl: 0, bypass_busy_wait: 0, hash_keys: '', timer_support: 0, geo_headers: 0,
    default_host: '', request_condition: 'is_api', action: 'pass', xff: 'append',
  }));
  assert.deepEqual([rs.action, rs.force_miss, rs.xff, rs.max_stale_age, rs.default_host], ['pass', false, 'append', 0, null]);
  await ok(api, 'POST', `${base}/cache_settings`, form({ name: 'static', action: '', ttl: 86400, stale_ttl: 3600, cache_condition: 'is_static' }));

  const activated = await api.call('PUT', `${base}/activate`);
  assert.equal(activated.status, 200, activated.text);

  const vcl = ((await ok(api, 'GET', `${base}/generated_vcl`)).content as string);
  for (const line of [
    '  if (req.url ~ "^/api/") {\n    set req.backend = F_api;\n  }',
    '  if (req.url ~ "^/api/") {\n    error 900 "Fastly Internal";\n  }',
    '  if (req.url ~ "^/api/") {\n    return(pass);\n  }',
    '  if (obj.status == 900) {\n    set obj.http.Content-Type = "text/plain";\n    synthetic "short and stout";\n    set obj.status = 418;\n    set obj.response = "I\'m a teapot";\n    return(deliver);\n  }',
    '  if (req.url ~ "\\.css$" || req.url ~ "^/static/") {\n    set beresp.ttl = 1d;\n    set beresp.stale_if_error = 1h;\n  }',
    '  if (resp.status == 404) {\n    set resp.http.Access-Control-Allow-Origin = "*";\n  }',
    '  set req.backend = F_web;',
  ]) assert.ok(vcl.includes(line), `generated VCL has:\n${line}\n---\n${vcl}`);
  // The conditioned backend comes after the default one, which it overrides when it matches.
  assert.ok(vcl.indexOf('set req.backend = F_web;') < vcl.indexOf('set req.backend = F_api;'));

  const details = await ok(api, 'GET', `/service/${sid}/details`);
  const active = details.active_version as Record<string, Array<Record<string, unknown>>>;
  assert.deepEqual(active.conditions.map((c) => c.name), ['is_404', 'is_api', 'is_static']);
  assert.deepEqual(active.headers.map((h) => h.name), ['cors']);
  assert.deepEqual(active.response_objects.map((r) => r.status), [418]);
  assert.deepEqual(active.request_settings.map((r) => r.name), ['api-pass']);
  assert.deepEqual(active.cache_settings.map((c) => [c.ttl, c.stale_ttl, c.action]), [[86400, 3600, null]]);
  assert.deepEqual(active.gzips, []);

  const v3 = (await ok(api, 'PUT', `${base}/clone`)).number as number;
  const cloned = await ok(api, 'GET', `/service/${sid}/version/${v3}/condition/is_api`);
  assert.equal(cloned.statement, 'req.url ~ "^/api/"');
  assert.equal(((await ok(api, 'GET', `/service/${sid}/version/${v3}/backend/api`)).request_condition), 'is_api');
});

test('each object refuses bad input with 400 naming the field, and stores nothing', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api);
  const base = `/service/${sid}/version/1`;
  await ok(api, 'POST', `${base}/condition`, { name: 'req', statement: 'req.url ~ "^/a"', type: 'REQUEST' });
  await ok(api, 'POST', `${base}/condition`, { name: 'cache', statement: 'beresp.status == 200', type: 'CACHE' });
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['condition', { name: 'c', statement: 'req.url ~ "^/a"', type: 'SOMETIMES' }, 'type: must be one of REQUEST, CACHE, RESPONSE, PREFETCH'],
    ['condition', { name: 'c', statement: 'req.url ~ "^/a"', type: 'REQUEST', priority: 'high' }, 'priority: must be an integer from 0 to 1000000'],
    ['condition', { name: 'c', type: 'REQUEST' }, 'statement: is required'],
    ['condition', { name: 'c', statement: 'req.url ~', type: 'REQUEST' }, 'statement: must be one VCL expression (1:10 expected an expression, found end of file)'],
    ['condition', { name: 'c', statement: 'true) { set req.backend = F_x; } if (true', type: 'REQUEST' }, 'statement: must be one VCL expression (1:5 expected the end of the expression, found ")")'],
    ['condition', { name: 'c', statement: 'req.nope == "1"', type: 'REQUEST' }, 'statement: req.nope: Fastly has no variable of that name'],
    ['condition', { name: 'c', statement: 'beresp.status == 200', type: 'REQUEST' }, 'statement: beresp.status cannot be read in vcl_recv'],
    ['condition', { name: 'c', statement: 'req.url ~ "("', type: 'REQUEST' }, 'statement: regular expression "(" cannot run: Invalid regular expression: /(/: Unterminated group'],
    ['header', { name: 'h', action: 'upsert', type: 'request', dst: 'http.X', src: '"1"' }, 'action: must be one of set, append, delete, regex, regex_repeat'],
    ['header', { name: 'h', action: 'set', type: 'request', dst: 'http.X' }, 'src: is required for the set action'],
    ['header', { name: 'h', action: 'set', type: 'request', dst: 'http.X; unset req.url', src: '"1"' }, 'dst: must name a variable without its object, such as http.X-Header or url'],
    ['header', { name: 'h', action: 'set', type: 'response', dst: 'url', src: '"1"' }, 'dst: resp.url: Fastly has no variable of that name'],
    ['header', { name: 'h', action: 'set', type: 'request', dst: 'http.X', src: '"1";' }, 'src: must be one VCL expression (1:4 expected the end of the expression, found ";")'],
    ['header', { name: 'h', action: 'regex', type: 'request', dst: 'url', src: 'req.url' }, 'regex: is required for the regex action'],
    ['header', { name: 'h', action: 'set', type: 'request', dst: 'http.X', src: '"1"', request_condition: 'missing' }, "request_condition: no condition named 'missing' in version 1"],
    ['header', { name: 'h', action: 'set', type: 'request', dst: 'http.X', src: '"1"', cache_condition: 'cache' },
      'cache_condition: a request header runs where a cache condition cannot be evaluated; use request_condition'],
    ['header', { name: 'h', action: 'set', type: 'cache', dst: 'http.X', src: '"1"', cache_condition: 'req' }, "cache_condition: condition 'req' is of type REQUEST; cache_condition takes a condition of type CACHE here"],
    ['response_object', { name: 'r', status: 99 }, 'status: must be an integer from 100 to 599'],
    ['response_object', { name: 'r', response: 'OK\r\nX: 1' }, 'response: must not contain CR, LF or NUL and be at most 1024 characters'],
    ['response_object', { name: 'r', cache_condition: 'req' }, "cache_condition: condition 'req' is of type REQUEST; cache_condition takes a condition of type CACHE here"],
    ['request_settings', { name: 's', action: 'deliver' }, 'action: must be one of lookup, pass'],
    ['request_settings', { name: 's', force_ssl: 'maybe' }, 'force_ssl: must be a boolean (true, false, 1 or 0)'],
    ['request_settings', { name: 's', xff: 'overwrite' }, "xff: overwrite is not supported: lacquer's edge always appends the client address to X-Forwarded-For; use append"],
    ['request_settings', { name: 's', hash_keys: 'req.url, req.nope' }, 'hash_keys: req.nope: Fastly has no variable of that name'],
    ['cache_settings', { name: 'c', action: 'keep' }, 'action: must be one of cache, pass, restart'],
    ['cache_settings', { name: 'c', ttl: -1 }, 'ttl: must be an integer from 0 to 2147483647'],
    ['cache_settings', { name: 'c', cache_condition: 'missing' }, "cache_condition: no condition named 'missing' in version 1"],
  ];
  for (const [kind, body, detail] of cases) {
    const r = await api.call('POST', `${base}/${kind}`, body);
    assert.deepEqual([r.status, r.body], [400, { msg: 'Bad request', detail }], `${kind} ${JSON.stringify(body)}`);
  }
  for (const kind of ['header', 'response_object', 'request_settings', 'cache_settings', 'gzip']) {
    assert.deepEqual((await api.call('GET', `${base}/${kind}`)).body, [], kind);
  }
  assert.deepEqual(((await api.call('GET', `${base}/condition`)).body as Array<{ name: string }>).map((c) => c.name), ['cache', 'req']);
  // An update is checked the same way, and leaves the object as it was.
  const bad = await api.call('PUT', `${base}/condition/req`, { statement: 'req.url ==' });
  assert.equal(bad.status, 400);
  assert.equal((await ok(api, 'GET', `${base}/condition/req`)).statement, 'req.url ~ "^/a"');
});

test('request settings fields are taken when lacquer runs their VCL; geo_headers and xff other than append are refused, naming the field', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api);
  const base = `/service/${sid}/version/1`;
  const refused: Array<[string, Record<string, unknown>, string]> = [
    ['request_settings', { name: 's', geo_headers: true }, "geo_headers: is not supported: Fastly deprecated it and ignores it; use client.geo.* in a header's src"],
  ];
  for (const [kind, body, detail] of refused) {
    const r = await api.call('POST', `${base}/${kind}`, body);
    assert.deepEqual([r.status, r.body], [400, { msg: 'Bad request', detail }], `${kind} ${JSON.stringify(body)}`);
  }
  const xff = await api.call('POST', `${base}/request_settings`, { name: 'x', xff: 'clear' });
  assert.equal(xff.status, 400, xff.text);
  assert.match(String((xff.body as { detail: string }).detail), /^xff: /);
  // Each runs now: req.hash_always_miss, req.hash_ignore_busy, req.max_stale_*, time.start.*.
  const taken = await api.call('POST', `${base}/request_settings`, form({ name: 's', force_miss: 1, bypass_busy_wait: 1, max_stale_age: 60, timer_support: 1 }));
  assert.equal(taken.status, 200, taken.text);
  const off = await api.call('POST', `${base}/request_settings`, form({ name: 'off', force_miss: 0, bypass_busy_wait: 0, max_stale_age: 0, geo_headers: 0, timer_support: 0 }));
  assert.equal(off.status, 200, off.text);
});

test('renaming a condition renames it in every object that names it', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api);
  const base = `/service/${sid}/version/1`;
  await ok(api, 'POST', `${base}/condition`, { name: 'old', statement: 'req.url ~ "^/a"', type: 'REQUEST' });
  await ok(api, 'POST', `${base}/backend`, { name: 'b', address: '127.0.0.1', request_condition: 'old' });
  await ok(api, 'POST', `${base}/header`, { name: 'h', action: 'delete', type: 'request', dst: 'http.Cookie', request_condition: 'old' });
  await ok(api, 'PUT', `${base}/condition/old`, { name: 'new' });
  assert.equal((await ok(api, 'GET', `${base}/backend/b`)).request_condition, 'new');
  assert.equal((await ok(api, 'GET', `${base}/header/h`)).request_condition, 'new');
  // A deleted condition still named by an object keeps the version from activating, naming both.
  await ok(api, 'DELETE', `${base}/condition/new`);
  const v = await ok(api, 'GET', `${base}/validate`);
  assert.deepEqual(v.errors, [
    'unknown-condition: backend "b" uses request_condition "new", which does not exist in this version',
    'unknown-condition: header "h" uses request_condition "new", which does not exist in this version',
  ]);
});
