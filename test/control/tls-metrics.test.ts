// The certificate expiry gauge on /metrics (src/control/tls/metrics.ts): one series per uploaded
// certificate, its notAfter in seconds since the epoch, gone with the certificate.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { Registry } from 'prom-client';
import { buildControlApi } from '../../src/control/index.ts';
import { registerTlsExpiryGauge } from '../../src/control/tls/metrics.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { vclValidator } from '../../src/vcl/index.ts';
import { leaf, testCa } from '../support/certs.ts';
import { ADMIN, type Api } from './helpers.ts';
import { certBody, jsonapi, keyBody } from './tls-helpers.ts';

test('/metrics has each certificate\'s notAfter in seconds, labelled by certificate id, and drops a deleted one', async (t) => {
  const store = openSqliteStore(':memory:');
  const registry = new Registry();
  registerTlsExpiryGauge(registry, store);
  const app = buildControlApi({
    store, validator: vclValidator, pop: 'test', egress: ['192.0.2.0/24'], logger: pino({ level: 'silent' }), adminToken: ADMIN,
    metrics: async () => ({ contentType: registry.contentType, text: await registry.metrics() }),
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  const api: Api = { base, store, call: async () => ({ status: 0, body: null, text: '' }) };
  const scrape = async (): Promise<string[]> => (await (await fetch(`${base}/metrics`, { headers: { 'fastly-key': ADMIN } })).text())
    .split('\n').filter((l) => l.startsWith('lacquer_tls_certificate_not_after_seconds{'));

  const ca = await testCa();
  const notAfter = new Date('2030-06-01T12:00:00.000Z');
  const cert = await leaf(['metrics.example.com'], { issuer: ca, notAfter });
  await jsonapi(api, 'POST', '/tls/private_keys', keyBody(cert.key.pem, 'k'));
  const id = ((await jsonapi(api, 'POST', '/tls/certificates', certBody(cert.pem))).body.data as { id: string }).id;
  assert.deepEqual(await scrape(), [`lacquer_tls_certificate_not_after_seconds{certificate_id="${id}"} ${notAfter.getTime() / 1000}`]);
  assert.equal((await jsonapi(api, 'DELETE', `/tls/certificates/${id}`)).status, 204);
  assert.deepEqual(await scrape(), []);
});
