// Two control nodes on one PostgreSQL database racing (DESIGN.md §4.6): each is a real control
// API over its own PostgresStore, as two `lacquer serve --role control` would be.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import pino from 'pino';
import { buildControlApi } from '../../src/control/index.ts';
import { openPostgresStore, parsePostgresUrl } from '../../src/store/index.ts';
import { vclValidator } from '../../src/vcl/validate.ts';
import { freshDatabase } from '../support/postgres.ts';

const ADMIN = 'race-admin-token';

interface Node {
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
}

async function controlNode(t: TestContext, url: string): Promise<Node> {
  const store = await openPostgresStore(parsePostgresUrl(url), { logger: pino({ level: 'silent' }) });
  const app = buildControlApi({ store, validator: vclValidator, pop: 'p', egress: [], logger: pino({ level: 'silent' }), adminToken: ADMIN });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  return {
    async call(method, path, body) {
      const res = await fetch(`${base}${path}`, {
        method, headers: { 'fastly-key': ADMIN, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() as Record<string, unknown> };
    },
  };
}

async function ok(node: Node, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const r = await node.call(method, path, body);
  assert.ok(r.status < 300, `${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function service(node: Node, domain: string): Promise<string> {
  const { id } = await ok(node, 'POST', '/service', { name: domain }) as { id: string };
  await ok(node, 'POST', `/service/${id}/version/1/domain`, { name: domain });
  await ok(node, 'POST', `/service/${id}/version/1/backend`, { name: 'origin', address: '127.0.0.1', port: 9 });
  return id;
}

test('two control nodes activating different versions of one service at once: every round ends with exactly one active version', async (t) => {
  const url = await freshDatabase();
  const [a, b] = [await controlNode(t, url), await controlNode(t, url)];
  const sid = await service(a, 'race.example');
  await ok(a, 'PUT', `/service/${sid}/version/1/activate`);
  for (let round = 0; round < 8; round++) {
    const x = (await ok(a, 'PUT', `/service/${sid}/version/1/clone`)).number as number;
    const y = (await ok(b, 'PUT', `/service/${sid}/version/1/clone`)).number as number;
    const answers = await Promise.all([a.call('PUT', `/service/${sid}/version/${x}/activate`), b.call('PUT', `/service/${sid}/version/${y}/activate`)]);
    for (const r of answers) {
      assert.ok(r.status === 200 || (r.status === 409 && r.body.msg === 'Conflict'), `round ${round}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    assert.ok(answers.some((r) => r.status === 200), `round ${round}: one of them succeeds`);
    for (const node of [a, b]) {
      const versions = await ok(node, 'GET', `/service/${sid}/version`) as unknown as Array<{ number: number; active: boolean }>;
      const active = versions.filter((v) => v.active).map((v) => v.number);
      assert.equal(active.length, 1, `round ${round}: active versions ${JSON.stringify(active)}`);
      assert.ok(active[0] === x || active[0] === y, `round ${round}: active ${active[0]}, raced ${x} and ${y}`);
    }
  }
});

test('two control nodes activating one domain in two services at once: one succeeds, the other is 409 Domain conflict', async (t) => {
  const url = await freshDatabase();
  const [a, b] = [await controlNode(t, url), await controlNode(t, url)];
  for (let round = 0; round < 5; round++) {
    const domain = `shared${round}.example`;
    const [x, y] = [await service(a, domain), await service(b, domain)];
    const answers = await Promise.all([a.call('PUT', `/service/${x}/version/1/activate`), b.call('PUT', `/service/${y}/version/1/activate`)]);
    assert.deepEqual(answers.map((r) => r.status).sort(), [200, 409], JSON.stringify(answers));
    assert.equal(answers.find((r) => r.status === 409)?.body.msg, 'Domain conflict');
    const active = await Promise.all([x, y].map(async (sid) => (await ok(a, 'GET', `/service/${sid}/details`)).active_version !== null));
    assert.deepEqual(active.filter(Boolean), [true], `round ${round}: exactly one service has the domain active`);
  }
});
