// What a token scoped to one service can see and do, route by route. Every route of the table
// (as /openapi.json lists them) must appear here: a route with `{service_id}` answers 403 for
// another service; a route without one has a decision below, checked against the server. A new
// route without a decision fails the first test.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import { test, type TestContext } from 'node:test';
import pino from 'pino';
import { buildControlApi } from '../../src/control/index.ts';
import type { HealthEvent, HealthSnapshot } from '../../src/health/index.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { vclValidator } from '../../src/vcl/index.ts';
import { Browserless } from './dashboard-helpers.ts';
import { ADMIN } from './helpers.ts';

interface Reply { status: number; body: unknown; text: string }

interface World {
  readonly base: string;
  /** The scoped token's service and another one. */
  readonly mine: string;
  readonly other: string;
  /** Scoped to `mine`, may write it. */
  readonly scoped: string;
  /** Every service, read-only (`global:read`). */
  readonly readAll: string;
  readonly health: EventEmitter<{ health: [HealthEvent] }>;
  call(method: string, path: string, token: string | null, body?: unknown): Promise<Reply>;
}

async function world(t: TestContext): Promise<World> {
  const store = openSqliteStore(':memory:');
  const health = new EventEmitter<{ health: [HealthEvent] }>();
  const snapshot = (sid: string): HealthSnapshot => ({ service_id: sid, backends: [] });
  let services: string[] = [];
  const app = buildControlApi({
    store, validator: vclValidator, pop: 'test', egress: ['192.0.2.0/24'], logger: pino({ level: 'silent' }), adminToken: ADMIN,
    health: { snapshot, setAdmin: () => false, on: (e, l) => health.on(e, l), off: (e, l) => health.off(e, l) },
    stats: async () => ({ minute: zero(), hour: zero() }),
    // What the POP's Prometheus text holds: every service's series.
    metrics: async () => ({ contentType: 'text/plain; version=0.0.4', text: services.map((s) => `lacquer_backend_healthy{service="${s}",backend="F_origin",pop="test"} 1\n`).join('') }),
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  const call = async (method: string, path: string, token: string | null, body?: unknown): Promise<Reply> => {
    const headers: Record<string, string> = token === null ? {} : { 'fastly-key': token };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed, text };
  };
  const ok = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const r = await call(method, path, ADMIN, body);
    assert.equal(r.status, 200, `${method} ${path}: ${r.text}`);
    return r.body as Record<string, unknown>;
  };
  const mine = String((await ok('POST', '/service', { name: 'mine' })).id);
  const other = String((await ok('POST', '/service', { name: 'other' })).id);
  services = [mine, other];
  for (const [sid, domain] of [[mine, 'mine.example'], [other, 'other.example']]) {
    await ok('POST', `/service/${sid}/version/1/domain`, { name: domain });
    await ok('POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: '192.0.2.1' });
    await ok('PUT', `/service/${sid}/version/1/activate`);
  }
  const scoped = String((await ok('POST', '/tokens', { service_id: mine })).access_token);
  const readAll = String((await ok('POST', '/tokens', { scope: 'global:read' })).access_token);
  return { base, mine, other, scoped, readAll, health, call };
}

function zero() {
  return { requests: 0, hits: 0, misses: 0, passes: 0, stale: 0, origin_requests: {} };
}

const SCOPED_OUT = (sid: string) => ({ msg: 'Forbidden', detail: `this token is scoped to service ${sid}` });
const NEEDS_GLOBAL = (sid: string) => ({ msg: 'Forbidden', detail: `this token is scoped to service ${sid}; this needs a token for every service` });

/** The decision for each route without `{service_id}`: no token needed, or what a scoped token gets, checked. */
const DECISIONS: Record<string, 'public' | ((w: World) => Promise<void>)> = {
  'GET /ready': 'public', 'GET /public-ip-list': 'public', 'GET /v2/companies/ipranges': 'public',
  'GET /realms/fastly/.well-known/openid-configuration': 'public', 'GET /openapi.json': 'public',
  // Needs a token for every service.
  'POST /service': async (w) => {
    const r = await w.call('POST', '/service', w.scoped, { name: 'sneaky' });
    assert.deepEqual([r.status, r.body], [403, NEEDS_GLOBAL(w.mine)]);
  },
  'POST /tokens': async (w) => {
    const r = await w.call('POST', '/tokens', w.scoped, { service_id: w.other });
    assert.deepEqual([r.status, r.body], [403, { msg: 'Forbidden', detail: 'this needs an admin token (not scoped to a service, not read-only)' }]);
  },
  'GET /metrics': async (w) => {
    const r = await w.call('GET', '/metrics', w.scoped);
    assert.deepEqual([r.status, r.body], [403, NEEDS_GLOBAL(w.mine)]);
    const all = await w.call('GET', '/metrics', w.readAll);
    assert.equal(all.status, 200);
    assert.ok(all.text.includes(w.other), 'a token for every service reads every series');
  },
  // Answers the token's own service only.
  'GET /service': async (w) => {
    const r = await w.call('GET', '/service', w.scoped);
    assert.deepEqual([r.status, (r.body as Array<{ id: string }>).map((s) => s.id)], [200, [w.mine]]);
  },
  'GET /service/search': async (w) => {
    assert.equal((await w.call('GET', '/service/search?name=mine', w.scoped)).status, 200);
    const r = await w.call('GET', '/service/search?name=other', w.scoped);
    assert.deepEqual([r.status, r.body], [404, { msg: 'Record not found', detail: 'Couldn\'t find a service named \'other\'' }]);
  },
  'GET /health/events': healthEvents,
  // Nothing of any service but the token's own.
  'GET /tokens/self': async (w) => {
    const r = await w.call('GET', '/tokens/self', w.scoped);
    assert.deepEqual([r.status, (r.body as { services: string[] }).services], [200, [w.mine]]);
  },
  // The fleet's POPs: nothing of any service.
  'GET /datacenters': async (w) => {
    const r = await w.call('GET', '/datacenters', w.scoped);
    assert.deepEqual([r.status, r.body], [200, []]);
  },
  // Account plumbing (src/control/api/tokens.ts, verify.ts) and linting a text alone.
  'GET /tokens': async (w) => {
    const r = await w.call('GET', '/tokens', w.scoped);
    assert.deepEqual([r.status, r.body], [403, { msg: 'Forbidden', detail: 'this needs an admin token (not scoped to a service, not read-only)' }]);
  },
  'DELETE /tokens/{token_id}': async (w) => {
    const r = await w.call('DELETE', '/tokens/anything', w.scoped);
    assert.deepEqual([r.status, r.body], [403, { msg: 'Forbidden', detail: 'this needs an admin token (not scoped to a service, not read-only)' }]);
  },
  'DELETE /tokens/self': async (w) => {
    const own = ((await w.call('POST', '/tokens', ADMIN, { service_id: w.mine })).body as { access_token: string }).access_token;
    assert.equal((await w.call('DELETE', '/tokens/self', own)).status, 204);
    assert.equal((await w.call('GET', '/tokens/self', own)).status, 401);
  },
  'GET /verify': async (w) => {
    const r = await w.call('GET', '/verify', w.scoped);
    assert.deepEqual([r.status, Object.keys((r.body as { services: Record<string, string> }).services)], [200, [w.mine]]);
  },
  'POST /vcl_lint': async (w) => {
    const r = await w.call('POST', '/vcl_lint', w.scoped, { vcl: 'sub vcl_recv { }' });
    assert.equal(r.status, 200);
    assert.ok(!r.text.includes(w.other));
  },
  'GET /current_user': async (w) => {
    const r = await w.call('GET', '/current_user', w.scoped);
    assert.equal(r.status, 200);
    assert.ok(!r.text.includes(w.other));
  },
  // TLS keys, certificates and activations belong to the account: a token for every service only.
  ...Object.fromEntries([
    'GET /tls/private_keys', 'POST /tls/private_keys', 'GET /tls/private_keys/{id}', 'DELETE /tls/private_keys/{id}',
    'GET /tls/certificates', 'POST /tls/certificates', 'GET /tls/certificates/{id}', 'PATCH /tls/certificates/{id}', 'DELETE /tls/certificates/{id}',
    'GET /tls/activations', 'POST /tls/activations', 'GET /tls/activations/{id}', 'PATCH /tls/activations/{id}', 'DELETE /tls/activations/{id}',
    'GET /tls/domains', 'GET /tls/configurations', 'GET /tls/configurations/{id}',
  ].map((route) => [route, (w: World) => accountLevel(w, route)])),
  // The service is the one whose active version has the URL's host.
  'POST /purge/{cached_url}': async (w) => {
    const r = await w.call('POST', '/purge/other.example/a.css', w.scoped);
    assert.deepEqual([r.status, r.body], [403, SCOPED_OUT(w.mine)]);
    assert.equal((await w.call('POST', '/purge/mine.example/a.css', w.scoped)).status, 200);
  },
};

test('every route has a tenancy decision, and a scoped token gets 403 on another service\'s routes', async (t) => {
  const w = await world(t);
  const doc = (await w.call('GET', '/openapi.json', null)).body as { paths: Record<string, Record<string, unknown>> };
  const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => ({ method: m.toUpperCase(), path })));
  assert.ok(routes.length > 50, `${routes.length} routes`);
  const undecided = routes.filter((r) => !r.path.includes('{service_id}') && DECISIONS[`${r.method} ${r.path}`] === undefined);
  assert.deepEqual(undecided, [], 'routes without {service_id} and without a decision in this test');
  const stale = Object.keys(DECISIONS).filter((k) => !routes.some((r) => `${r.method} ${r.path}` === k));
  assert.deepEqual(stale, [], 'decisions for routes that no longer exist');

  const fill: Record<string, string> = { service_id: w.other, version_id: '1', name: 'origin', backend: 'origin', director: 'd', surrogate_key: 'k' };
  for (const r of routes.filter((x) => x.path.includes('{service_id}'))) {
    const path = r.path.replace(/\{(\w+)\}/g, (_m, p: string) => fill[p] ?? 'x');
    const reply = await w.call(r.method, path, w.scoped, r.method === 'GET' || r.method === 'DELETE' ? undefined : {});
    assert.deepEqual([reply.status, reply.body], [403, SCOPED_OUT(w.mine)], `${r.method} ${r.path}`);
  }
  // Nothing above changed the other service.
  assert.equal((await w.call('GET', `/service/${w.other}/version/1/backend/origin`, ADMIN)).status, 200);

  for (const r of routes.filter((x) => !x.path.includes('{service_id}'))) {
    const check = DECISIONS[`${r.method} ${r.path}`];
    if (check === 'public') assert.equal((await w.call(r.method, r.path, null)).status, 200, `${r.method} ${r.path} needs no token`);
    else await check(w);
  }
});

/** A scoped token gets 403; a read-only token for every service may read, not change. */
async function accountLevel(w: World, route: string): Promise<void> {
  const [method, template] = route.split(' ');
  const path = template.replace('{id}', 'default');
  const body = method === 'GET' || method === 'DELETE' ? undefined : { data: {} };
  const scoped = await w.call(method, path, w.scoped, body);
  assert.deepEqual([scoped.status, scoped.body], [403, NEEDS_GLOBAL(w.mine)], route);
  const readOnly = await w.call(method, path, w.readAll, body);
  if (method === 'GET') assert.ok(readOnly.status !== 403, `${route}: a read-only token may read (${readOnly.status})`);
  else assert.deepEqual([readOnly.status, readOnly.body], [403, { msg: 'Forbidden', detail: 'this token is read-only' }], route);
}

async function healthEvents(w: World): Promise<void> {
  // Another service's flip, one shared with another service, and the token's own.
  const shared: HealthEvent = {
    type: 'health', identity: '["k","192.0.2.1",80]', healthy: false, cause: 'probe', pop: 'test', at: '2026-01-01T00:00:00.000Z',
    backends: [{ service_id: w.other, name: 'F_origin' }, { service_id: w.mine, name: 'F_origin' }],
  };
  const othersOnly: HealthEvent = { ...shared, backends: [{ service_id: w.other, name: 'F_secret' }] };
  const own: HealthEvent = { ...shared, healthy: true, backends: [{ service_id: w.mine, name: 'F_origin' }] };

  const seen = await stream(w, '/health/events', w.scoped, 2, () => {
    w.health.emit('health', othersOnly);
    w.health.emit('health', shared);
    w.health.emit('health', own);
  });
  assert.deepEqual(seen, [{ ...shared, backends: [{ service_id: w.mine, name: 'F_origin' }] }, own]);
  assert.ok(!JSON.stringify(seen).includes(w.other));

  const refused = await w.call('GET', `/health/events?service_id=${w.other}`, w.scoped);
  assert.deepEqual([refused.status, refused.body], [403, SCOPED_OUT(w.mine)]);
  // A token for every service may narrow the stream to one service, with that service's backends only.
  const narrowed = await stream(w, `/health/events?service_id=${w.other}`, w.readAll, 2, () => {
    w.health.emit('health', own);
    w.health.emit('health', shared);
    w.health.emit('health', othersOnly);
  });
  assert.deepEqual(narrowed, [{ ...shared, backends: [{ service_id: w.other, name: 'F_origin' }] }, othersOnly]);
}

/** Opens an event stream, runs `emit` once it is listening, and answers the first `count` events. */
function stream(w: World, path: string, token: string, count: number, emit: () => void): Promise<HealthEvent[]> {
  return new Promise((resolve, reject) => {
    const events: HealthEvent[] = [];
    const req = http.get(`${w.base}${path}`, { headers: { 'fastly-key': token } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`${path}: ${res.statusCode}`));
      res.setEncoding('utf8');
      let buffered = '';
      let started = false;
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let end: number;
        while ((end = buffered.indexOf('\n\n')) !== -1) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (data !== undefined) events.push(JSON.parse(data.slice(6)) as HealthEvent);
        }
        // The opening comment arrives once the route listens for events.
        if (!started) {
          started = true;
          emit();
        }
        if (events.length >= count) {
          req.destroy();
          resolve(events);
        }
      });
    });
    req.on('error', (err) => { if (events.length < count) reject(err); });
    setTimeout(() => {
      req.destroy();
      reject(new Error(`${path}: ${events.length} of ${count} events within 5 s`));
    }, 5000).unref();
  });
}

test('the dashboard signed in with a scoped token shows its own service only', async (t) => {
  const w = await world(t);
  const browser = new Browserless(w.base);
  const signin = await browser.signIn(w.scoped);
  assert.equal(signin.status, 303);
  const list = await browser.get('/dashboard/services');
  assert.equal(list.status, 200);
  assert.ok(list.text.includes(w.mine));
  assert.ok(!list.text.includes(w.other) && !list.text.includes('other.example'), 'the other service is not listed');
  for (const page of ['backends', 'health', 'versions', 'versions/1', 'backends/new', 'backends/origin/edit', 'activate'].map((p) => `/dashboard/services/${w.other}/${p}`)) {
    const r = await browser.get(page);
    assert.equal(r.status, 403, page);
    assert.ok(!r.text.includes('192.0.2.1') && !r.text.includes('other.example'), `${page} shows nothing of the other service`);
  }
  const events = await fetch(`${w.base}/dashboard/events?service_id=${w.other}`, { headers: { cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
  assert.equal(events.status, 403, 'the relay refuses another service before it asks the API');
  await events.body?.cancel();
  assert.equal((await browser.get(`/dashboard/services/${w.mine}/backends`)).status, 200);
});
