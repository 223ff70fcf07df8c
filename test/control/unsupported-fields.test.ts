// DESIGN.md §4.2: "a field or object it does not yet honour is refused with 400 naming it, never
// stored and ignored". Unset (empty string or null) stays accepted: the Terraform provider and
// the Fastly CLI send empty strings for fields they leave alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startApi, type Api } from './helpers.ts';

async function newService(api: Api): Promise<string> {
  return ((await api.call('POST', '/service', { name: 'fields' })).body as { id: string }).id;
}

const NO_CONDITION = "no condition named 'is_system' in version 1";
const NO_SHIELD = 'is not supported: shielding through another POP is not available yet; leave it empty';
const NO_CLIENT_CERTS = 'is not supported: lacquer does not present TLS client certificates to backends yet; leave it empty';
const TCP = 'is not supported: lacquer does not set TCP keepalive per backend yet; leave it empty';

test('backend fields lacquer does not honour are refused with 400 naming them, and nothing is stored', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api);
  const base = { name: 'origin', address: 'origin.example' };
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ request_condition: 'is_system' }, `request_condition: ${NO_CONDITION}`],
    // Shielding is honoured (DESIGN.md §4.4): a name that is no POP of the fleet is refused.
    [{ shield: 'iad-va-us' }, 'shield: must name a POP of this fleet (GET /datacenters); "iad-va-us" is not one (the fleet has no edge node)'],
    [{ shield: 'iad va' }, 'shield: must be a POP name (1–63 letters, digits, "-" or "_")'],
    [{ ssl_client_cert: '-----BEGIN CERTIFICATE-----\n' }, `ssl_client_cert: ${NO_CLIENT_CERTS}`],
    [{ ssl_client_key: '-----BEGIN PRIVATE KEY-----\n' }, `ssl_client_key: ${NO_CLIENT_CERTS}`],
    [{ client_cert: 'x' }, `client_cert: ${NO_CLIENT_CERTS}`],
    [{ tcp_keepalive_enable: true }, `tcp_keepalive_enable: ${TCP}`],
    [{ tcp_keepalive_enable: false }, `tcp_keepalive_enable: ${TCP}`],
    [{ tcp_keepalive_interval: 10 }, `tcp_keepalive_interval: ${TCP}`],
    [{ tcp_keepalive_probes: 3 }, `tcp_keepalive_probes: ${TCP}`],
    [{ tcp_keepalive_time: 300 }, `tcp_keepalive_time: ${TCP}`],
    [{ hostname: 'other.example' }, 'hostname: must equal address (origin.example) when both are given'],
    [{ ipv4: '192.0.2.1' }, 'ipv4: must equal address (origin.example) when both are given'],
  ];
  for (const [extra, detail] of cases) {
    const r = await api.call('POST', `/service/${sid}/version/1/backend`, { ...base, ...extra });
    assert.deepEqual([r.status, r.body], [400, { msg: 'Bad request', detail }], JSON.stringify(extra));
  }
  assert.deepEqual((await api.call('GET', `/service/${sid}/version/1/backend`)).body, []);
  assert.equal((await api.call('POST', `/service/${sid}/version/1/backend`, base)).status, 200);
  const update = await api.call('PUT', `/service/${sid}/version/1/backend/origin`, 'request_condition=is_system');
  assert.deepEqual([update.status, update.body], [400, { msg: 'Bad request', detail: `request_condition: ${NO_CONDITION}` }]);
});

test('a backend as the Terraform provider creates it (every field sent, unset ones empty) is accepted', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api);
  // terraform-provider-fastly buildCreateBackendInput: go-fastly form-encodes its fields, booleans as 1/0.
  const current = 'address=origin.example&between_bytes_timeout=10000&connect_timeout=1000&error_threshold=0&first_byte_timeout=15000'
    + '&healthcheck=&max_conn=200&name=tf&port=80&prefer_ipv6=0&ssl_check_cert=1&shield=&use_ssl=0&weight=100&auto_loadbalance=0&request_condition=';
  // Older provider releases also sent every TLS field, empty.
  const older = 'address=origin.example&auto_loadbalance=0&between_bytes_timeout=10000&connect_timeout=1000&error_threshold=0&first_byte_timeout=15000'
    + '&healthcheck=&max_conn=200&max_tls_version=&min_tls_version=&name=tf-old&port=80&ssl_ca_cert=&ssl_cert_hostname=&ssl_check_cert=1'
    + '&ssl_ciphers=&ssl_client_cert=&ssl_client_key=&ssl_sni_hostname=&shield=&use_ssl=0&weight=100&request_condition=';
  for (const body of [current, older]) {
    const r = await api.call('POST', `/service/${sid}/version/1/backend`, body);
    assert.equal(r.status, 200, r.text);
    const b = r.body as Record<string, unknown>;
    assert.deepEqual([b.shield, b.request_condition, b.ssl_client_cert, b.healthcheck, b.port], [null, null, null, null, 80]);
  }
  const director = await api.call('POST', `/service/${sid}/version/1/director`, 'name=pool&comment=&shield=&quorum=75&retries=5&type=1');
  assert.equal(director.status, 200, director.text);
  const settings = await api.call('PUT', `/service/${sid}/version/1/settings`, 'general.default_host=&general.default_ttl=3600&general.stale_if_error_ttl=43200');
  assert.equal(settings.status, 200, settings.text);
});

test('director shield, settings default_host and a foreign customer_id are refused, naming the field', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api);
  const shield = await api.call('POST', `/service/${sid}/version/1/director`, { name: 'pool', shield: 'iad-va-us' });
  assert.deepEqual([shield.status, shield.body], [400, { msg: 'Bad request', detail: `shield: ${NO_SHIELD}` }]);
  const host = await api.call('PUT', `/service/${sid}/version/1/settings`, { 'general.default_host': 'www.example.com' });
  assert.deepEqual([host.status, host.body], [400, {
    msg: 'Bad request', detail: 'general.default_host: is not supported: a default Host for the version is not applied yet (use a backend\'s override_host); leave it empty',
  }]);
  const customer = await api.call('POST', '/service', { name: 's', customer_id: 'x4xCwxxJxGCx123Rx5xTx' });
  assert.deepEqual([customer.status, customer.body], [400, { msg: 'Bad request', detail: 'customer_id: must be lacquer, this installation\'s one customer, or empty' }]);
  assert.equal((await api.call('POST', '/service', { name: 's', customer_id: 'lacquer' })).status, 200);
});

test('an unset field with a default goes back to it instead of becoming null', async (t) => {
  const api = await startApi(t);
  const sid = await newService(api);
  await api.call('POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: 'origin.example', port: 8080, first_byte_timeout: 2000 });
  const r = await api.call('PUT', `/service/${sid}/version/1/backend/origin`, 'port=&first_byte_timeout=');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([(r.body as { port: number }).port, (r.body as { first_byte_timeout: number }).first_byte_timeout], [80, 15000]);
  const validate = await api.call('GET', `/service/${sid}/version/1/validate`);
  assert.deepEqual((validate.body as { errors: string[] }).errors, []);
});
