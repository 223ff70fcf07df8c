// The official `fastly` JS client (v13), unchanged, against lacquer (DESIGN.md §4.2). Its base URL
// is hard-wired to api.fastly.com; a superagent plugin rewrites each request to the local server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { taggedSite } from '../integration/cache/tagged-site.ts';
import { startEdgeStack, TOKEN } from '../integration/harness.ts';
import { fastlyClient } from '../support/fastly-client.ts';
import { ADMIN, startApi } from './helpers.ts';

test('the fastly JS client v13 creates, validates, activates, clones, lists, updates and deletes', async (t) => {
  const api = await startApi(t);
  const fastly = fastlyClient(t, api.base, ADMIN);
  const services = fastly('ServiceApi');
  const versions = fastly('VersionApi');
  const backends = fastly('BackendApi');
  const healthchecks = fastly('HealthcheckApi');
  const domains = fastly('DomainApi');

  const service = await services.createService({ name: 'js-client', comment: 'made by the fastly client' });
  const sid = service.id as string;
  assert.equal(service.name, 'js-client');
  assert.equal((service.versions as unknown as Array<{ number: number }>)[0].number, 1);

  const hc = await healthchecks.createHealthcheck({
    service_id: sid, version_id: 1, name: 'hc', method: 'GET', path: '/health', host: 'origin.example', http_version: '1.1',
    headers: ['X-Probe: 1', 'Accept: */*'], expected_response: 204, check_interval: 10000, timeout: 2000, window: 6, threshold: 4, initial: 3,
  });
  assert.deepEqual(hc.headers, ['Accept: */*', 'X-Probe: 1']);
  assert.deepEqual([hc.check_interval, hc.expected_response, hc.window, hc.threshold, hc.initial], [10000, 204, 6, 4, 3]);

  const backend = await backends.createBackend({
    service_id: sid, version_id: 1, name: 'origin', address: 'origin.example', port: 443, use_ssl: true, ssl_check_cert: true,
    ssl_cert_hostname: 'origin.example', ssl_sni_hostname: 'origin.example', override_host: 'www.example', connect_timeout: 2000,
    first_byte_timeout: 20000, between_bytes_timeout: 5000, max_conn: 50, weight: 10, auto_loadbalance: false, healthcheck: 'hc',
    share_key: 'shared', min_tls_version: '1.2', max_tls_version: '1.3', keepalive_time: 30000, comment: 'every field',
  });
  assert.equal(backend.hostname, 'origin.example');
  assert.deepEqual([backend.port, backend.use_ssl, backend.max_conn, backend.weight, backend.share_key, backend.keepalive_time, backend.ipv4],
    [443, true, 50, 10, 'shared', 30000, null]);
  assert.ok(backend.created_at instanceof Date);

  await domains.createDomain({ service_id: sid, version_id: 1, name: 'www.example' });
  assert.equal((await versions.validateServiceVersion({ service_id: sid, version_id: 1 })).status, 'ok');
  const active = await versions.activateServiceVersion({ service_id: sid, version_id: 1 });
  assert.deepEqual([active.number, active.active, active.locked], [1, true, true]);

  const clone = await versions.cloneServiceVersion({ service_id: sid, version_id: 1 });
  assert.deepEqual([clone.number, clone.active, clone.locked], [2, false, false]);

  const list = await backends.listBackends({ service_id: sid, version_id: 2 });
  assert.deepEqual(list.map((b) => [b.name, b.version, b.healthcheck]), [['origin', 2, 'hc']]);
  const got = await backends.getBackend({ service_id: sid, version_id: 2, backend_name: 'origin' });
  assert.equal(got.first_byte_timeout, 20000);
  const updated = await backends.updateBackend({ service_id: sid, version_id: 2, backend_name: 'origin', name: 'origin-2', port: 8443 });
  assert.deepEqual([updated.name, updated.port, updated.use_ssl], ['origin-2', 8443, true]);
  assert.equal((await backends.deleteBackend({ service_id: sid, version_id: 2, backend_name: 'origin-2' })).status, 'ok');
  assert.deepEqual(await backends.listBackends({ service_id: sid, version_id: 2 }), []);
  assert.equal((await healthchecks.getHealthcheck({ service_id: sid, version_id: 2, healthcheck_name: 'hc' })).path, '/health');

  const vlist = await versions.listServiceVersions({ service_id: sid });
  assert.deepEqual(vlist.map((v) => [v.number, v.active]), [[1, true], [2, false]]);
  const all = await services.listServices({});
  assert.deepEqual(all.map((s) => [s.id, s.version]), [[sid, 1]]);
  const detail = await services.getServiceDetail({ service_id: sid });
  assert.equal((detail.version as Record<string, unknown>).number, 2);

  await assert.rejects(backends.getBackend({ service_id: sid, version_id: 2, backend_name: 'origin-2' }), (err: { status?: number }) => err.status === 404);
});

test('the fastly JS client v13 purges by one key, by many, by URL and everything', async (t) => {
  const lq = await startEdgeStack(t);
  const { sid, states } = await taggedSite(t, lq, 'js.example', { '/one': 'a', '/two': 'b', '/three': 'c', '/url?v=1': 'z', '/rest': 'z' });
  const fastly = fastlyClient(t, lq.apiUrl, TOKEN);
  const purge = fastly('PurgeApi');

  const one = await purge.purgeTag({ service_id: sid, surrogate_key: 'a' });
  assert.equal(one.status, 'ok');
  assert.deepEqual(await states(), ['MISS', 'HIT', 'HIT', 'HIT', 'HIT']);

  const byHeader = await purge.bulkPurgeTag({ service_id: sid, surrogate_key: 'b' });
  assert.deepEqual(Object.keys(byHeader), ['b']);
  const byBody = await purge.bulkPurgeTag({ service_id: sid, purge_response: { surrogate_keys: ['c'] } });
  assert.deepEqual(Object.keys(byBody), ['c']);
  assert.deepEqual(await states(), ['HIT', 'MISS', 'MISS', 'HIT', 'HIT']);

  const url = await purge.purgeSingleUrl({ cached_url: 'js.example/url?v=1' });
  assert.equal(url.status, 'ok');
  assert.deepEqual(await states(), ['HIT', 'HIT', 'HIT', 'MISS', 'HIT']);

  assert.equal((await purge.purgeAll({ service_id: sid })).status, 'ok');
  assert.deepEqual(await states(), ['MISS', 'MISS', 'MISS', 'MISS', 'MISS']);
});

test('the fastly JS client v13 lists the fleet\'s POPs from /datacenters: code, name and shield are the --pop name', async (t) => {
  const lq = await startEdgeStack(t, { pop: 'fra' });
  const fastly = fastlyClient(t, lq.apiUrl, TOKEN);
  const pops = await fastly('PopApi').listPops({});
  assert.deepEqual(pops.map((p) => [p.code, p.name, p.shield]), [['fra', 'fra', 'fra']]);
});
