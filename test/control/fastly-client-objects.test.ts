// The official `fastly` JS client (v13), unchanged, creating, reading, updating and deleting
// the VCL objects: conditions, headers and cache settings. (In v13 its createRequestSettings
// sends no fields and createResponseObject an empty JSON body, so those two are left out.)
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test, type TestContext } from 'node:test';
import { ADMIN, startApi } from './helpers.ts';

type Call = (options: Record<string, unknown>) => Promise<Record<string, unknown> & Array<Record<string, unknown>>>;
type ApiClass = new () => Record<string, Call>;
interface FastlyModule {
  ApiClient: { instance: { plugins: Array<(req: { url: string }) => unknown> | null; authenticate(token: string): void } };
  ServiceApi: ApiClass;
  ConditionApi: ApiClass;
  HeaderApi: ApiClass;
  CacheSettingsApi: ApiClass;
}

const Fastly = createRequire(import.meta.url)('fastly') as FastlyModule;

function useLocalApi(t: TestContext, base: string): void {
  const client = Fastly.ApiClient.instance;
  client.authenticate(ADMIN);
  client.plugins = [(req) => {
    req.url = req.url.replace(/^https:\/\/api\.fastly\.com/, base);
    return req;
  }];
  t.after(() => {
    client.plugins = null;
  });
}

test('the fastly JS client v13 manages conditions, headers and cache settings', async (t) => {
  const api = await startApi(t);
  useLocalApi(t, api.base);
  const sid = (await new Fastly.ServiceApi().createService({ name: 'js-objects' })).id as string;
  const v = { service_id: sid, version_id: 1 };
  const conditions = new Fastly.ConditionApi();
  const c = await conditions.createCondition({ ...v, name: 'is_api', statement: 'req.url ~ "^/api/"', type: 'REQUEST', priority: '5' });
  assert.deepEqual([c.name, c.statement, c.type, c.priority], ['is_api', 'req.url ~ "^/api/"', 'REQUEST', '5']);
  await conditions.createCondition({ ...v, name: 'is_500', statement: 'beresp.status >= 500', type: 'CACHE' });

  const headers = new Fastly.HeaderApi();
  const h = await headers.createHeaderObject({ ...v, name: 'api', action: 'set', type: 'request', dst: 'http.X-Api', src: '"1"', request_condition: 'is_api', priority: '10' });
  assert.deepEqual([h.dst, h.src, h.request_condition, h.priority, h.ignore_if_set], ['http.X-Api', '"1"', 'is_api', '10', 'false']);
  const updated = await headers.updateHeaderObject({ ...v, header_name: 'api', src: 'client.ip' });
  assert.equal(updated.src, 'client.ip');

  const cache = new Fastly.CacheSettingsApi();
  const s = await cache.createCacheSettings({ ...v, name: 'errors', action: 'pass', ttl: 0, stale_ttl: 0, cache_condition: 'is_500' });
  assert.deepEqual([s.action, s.ttl, s.cache_condition], ['pass', '0', 'is_500']);

  assert.deepEqual((await conditions.listConditions(v)).map((x) => x.name), ['is_500', 'is_api']);
  assert.equal((await headers.getHeaderObject({ ...v, header_name: 'api' })).type, 'request');
  await cache.deleteCacheSettings({ ...v, cache_settings_name: 'errors' });
  await headers.deleteHeaderObject({ ...v, header_name: 'api' });
  await conditions.deleteCondition({ ...v, condition_name: 'is_api' });
  assert.deepEqual((await conditions.listConditions(v)).map((x) => x.name), ['is_500']);
  await assert.rejects(conditions.createCondition({ ...v, name: 'bad', statement: 'req.url ~', type: 'REQUEST' }), (err: { status?: number }) => err.status === 400);
});
