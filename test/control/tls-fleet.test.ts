// A TLS change made through one control node reaches every other node of a fleet on one
// PostgreSQL database (DESIGN.md §4.6): the `tls` event arrives there, and tlsMaterial read
// there holds the new activation, with a higher generation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { buildControlApi } from '../../src/control/index.ts';
import { tlsMaterial } from '../../src/control/tls/material.ts';
import { openPostgresStore, parsePostgresUrl, type Store, type StoreEvent } from '../../src/store/index.ts';
import { vclValidator } from '../../src/vcl/index.ts';
import { freshDatabase } from '../support/postgres.ts';
import { leaf, testCa } from '../support/certs.ts';
import { ADMIN, type Api } from './helpers.ts';
import { activationBody, certBody, jsonapi, keyBody } from './tls-helpers.ts';

const silent = pino({ level: 'silent' });

test('an activation through one control node reaches another node of the fleet as a tls event, and its material holds it', async (t) => {
  const url = await freshDatabase();
  const [a, b] = await Promise.all([1, 2].map(() => openPostgresStore(parsePostgresUrl(url), { logger: silent, pollMs: 200 }))) as [Store, Store];
  const app = buildControlApi({ store: a, validator: vclValidator, pop: 'one', egress: ['192.0.2.0/24'], logger: silent, adminToken: ADMIN });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  t.after(async () => {
    await app.close();
    await Promise.all([a.close(), b.close()]);
  });
  const api: Api = { base, store: a, call: async () => ({ status: 0, body: null, text: '' }) };
  const before = await tlsMaterial(b);
  const heard: StoreEvent[] = [];
  b.events.on('event', (e) => heard.push(e));

  const cert = await leaf(['fleet.example.com'], { issuer: await testCa() });
  assert.equal((await jsonapi(api, 'POST', '/tls/private_keys', keyBody(cert.key.pem, 'k'))).status, 201);
  const id = ((await jsonapi(api, 'POST', '/tls/certificates', certBody(cert.pem))).body.data as { id: string }).id;
  assert.equal((await jsonapi(api, 'POST', '/tls/activations', activationBody(id, 'fleet.example.com'))).status, 200);

  const deadline = Date.now() + 5_000;
  while (heard.filter((e) => e.type === 'tls').length < 3) {
    assert.ok(Date.now() < deadline, `node b heard ${JSON.stringify(heard)} within 5 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const after = await tlsMaterial(b);
  assert.deepEqual(after.activations.map((m) => [m.domain, m.certificateId, m.keyPem]), [['fleet.example.com', id, cert.key.pem]]);
  assert.ok(after.generation > before.generation);
});
