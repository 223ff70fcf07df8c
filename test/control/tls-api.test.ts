// Fastly's TLS API (DESIGN.md §4.2) driven as the Terraform provider drives it through go-fastly
// (fastly_tls_private_key, fastly_tls_certificate, fastly_tls_activation: create then read,
// update then read, delete), the refusals, pagination and filters, and what reaches the edge.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { buildControlApi } from '../../src/control/index.ts';
import { tlsMaterial } from '../../src/control/tls/material.ts';
import { openSqliteStore, type StoreEvent } from '../../src/store/index.ts';
import { vclValidator } from '../../src/vcl/index.ts';
import { leaf, newKey, testCa } from '../support/certs.ts';
import { ADMIN, startApi } from './helpers.ts';
import { activationBody, certBody, jsonapi, JSONAPI, keyBody, refusal, type JsonApiReply } from './tls-helpers.ts';

type Data = { id: string; type: string; attributes: Record<string, unknown>; relationships: Record<string, { data: unknown }> };

test('the Terraform provider\'s sequence: key, certificate, activation, certificate replaced, activation moved, all destroyed', async (t) => {
  const api = await startApi(t);
  const events: StoreEvent[] = [];
  api.store.events.on('event', (e) => events.push(e));
  const ca = await testCa();
  const key = await newKey('rsa');
  const first = await leaf(['www.example.com', 'example.com'], { issuer: ca, key, serial: '83' });

  // fastly_tls_private_key: CreatePrivateKey, then GetPrivateKey.
  const createdKey = await jsonapi(api, 'POST', '/tls/private_keys', keyBody(key.pem, 'my key'));
  assert.deepEqual([createdKey.status, createdKey.contentType], [201, JSONAPI]);
  const keyId = (createdKey.body.data as Data).id;
  assert.match(keyId, /^[0-9A-Za-z]{22}$/);
  const readKey = (await jsonapi(api, 'GET', `/tls/private_keys/${keyId}`)).body.data as Data;
  assert.deepEqual(Object.keys(readKey.attributes).sort(), ['created_at', 'key_length', 'key_type', 'name', 'public_key_sha1', 'replace']);
  assert.deepEqual([readKey.type, readKey.attributes.name, readKey.attributes.key_type, readKey.attributes.key_length, readKey.attributes.replace], ['tls_private_key', 'my key', 'RSA', 2048, false]);

  // fastly_tls_certificate: CreateCustomTLSCertificate (PEM with the chain), then Get.
  const createdCert = await jsonapi(api, 'POST', '/tls/certificates', certBody(`${first.pem}${ca.pem}`, 'my cert'));
  assert.equal(createdCert.status, 201, createdCert.text);
  const certId = (createdCert.body.data as Data).id;
  const readCert = (await jsonapi(api, 'GET', `/tls/certificates/${certId}`)).body.data as Data;
  assert.deepEqual(
    [readCert.attributes.name, readCert.attributes.issued_to, readCert.attributes.issuer, readCert.attributes.serial_number, readCert.attributes.signature_algorithm, readCert.attributes.replace],
    ['my cert', 'www.example.com', 'Lacquer Test CA', '131', 'ECDSA-SHA256', false]);
  assert.deepEqual(readCert.relationships.tls_domains.data, [{ id: 'www.example.com', type: 'tls_domain' }, { id: 'example.com', type: 'tls_domain' }]);

  // fastly_tls_activation: CreateTLSActivation (with `included`), then GetTLSActivation.
  const activated = await jsonapi(api, 'POST', '/tls/activations', activationBody(certId, 'www.example.com'));
  assert.equal(activated.status, 200, activated.text);
  const activationId = (activated.body.data as Data).id;
  const readActivation = (await jsonapi(api, 'GET', `/tls/activations/${activationId}`)).body.data as Data;
  assert.deepEqual(readActivation.relationships, {
    tls_certificate: { data: { id: certId, type: 'tls_certificate' } },
    tls_configuration: { data: { id: 'default', type: 'tls_configuration' } },
    tls_domain: { data: { id: 'www.example.com', type: 'tls_domain' } },
  });
  let material = await tlsMaterial(api.store);
  assert.deepEqual(material.activations.map((a) => [a.domain, a.certificateId, a.keyPem === key.pem, a.certPem.match(/BEGIN CERTIFICATE/g)?.length]),
    [['www.example.com', certId, true, 2]]);

  // Certificate renewed: the same key, a superset of the domains (UpdateCustomTLSCertificate).
  const renewed = await leaf(['www.example.com', 'example.com', 'api.example.com'], { issuer: ca, key, serial: '84' });
  const patched = await jsonapi(api, 'PATCH', `/tls/certificates/${certId}`, certBody(renewed.pem, 'my cert', certId));
  assert.equal(patched.status, 200, patched.text);
  assert.equal((patched.body.data as Data).attributes.serial_number, '132');
  material = await tlsMaterial(api.store);
  assert.equal(material.activations[0].certPem, renewed.pem, 'the activation serves the renewed certificate');

  // The domain moves to another certificate (UpdateTLSActivation, mutual_authentication null).
  const other = await leaf(['www.example.com'], { issuer: ca });
  assert.equal((await jsonapi(api, 'POST', '/tls/private_keys', keyBody(other.key.pem, 'other key'))).status, 201);
  const otherId = ((await jsonapi(api, 'POST', '/tls/certificates', certBody(other.pem))).body.data as Data).id;
  const moved = await jsonapi(api, 'PATCH', `/tls/activations/${activationId}`, {
    data: { type: 'tls_activation', id: activationId, relationships: { tls_certificate: { data: { type: 'tls_certificate', id: otherId } }, mutual_authentication: { data: null } } },
  });
  assert.equal(moved.status, 200, moved.text);
  material = await tlsMaterial(api.store);
  assert.deepEqual(material.activations.map((a) => [a.certificateId, a.keyPem === other.key.pem]), [[otherId, true]]);

  // Destroy, activation first (Terraform's order by dependency).
  for (const path of [`/tls/activations/${activationId}`, `/tls/certificates/${otherId}`, `/tls/certificates/${certId}`, `/tls/private_keys/${keyId}`]) {
    const r = await jsonapi(api, 'DELETE', path);
    assert.equal(r.status, 204, `${path}: ${r.text}`);
  }
  assert.equal((await jsonapi(api, 'GET', `/tls/activations/${activationId}`)).status, 404);
  const end = await tlsMaterial(api.store);
  assert.deepEqual(end.activations, []);
  assert.ok(end.generation > material.generation);
  assert.ok(events.filter((e) => e.type === 'tls').length >= 10, 'a tls event for every change');
});

test('bad input gets a JSON:API error naming the field: a key never uploaded, expiry, a wrong chain, uncovered domains, a domain taken', async (t) => {
  const api = await startApi(t);
  const ca = await testCa();
  const stranger = await testCa('Stranger CA');
  const key = await newKey('ec');
  const cert = await leaf(['www.example.com', '*.example.com'], { issuer: ca, key });

  // A mismatched key: one is uploaded, but not this certificate's.
  assert.equal((await jsonapi(api, 'POST', '/tls/private_keys', keyBody((await newKey('ec')).pem, 'unrelated'))).status, 201);
  const noKey = await jsonapi(api, 'POST', '/tls/certificates', certBody(cert.pem));
  assert.deepEqual([...refusal(noKey), noKey.contentType, noKey.body.errors?.[0]?.title],
    [400, 'data.attributes.cert_blob: the private key of this certificate was never uploaded; POST it to /tls/private_keys first', JSONAPI, 'Bad request']);
  assert.equal((await jsonapi(api, 'POST', '/tls/private_keys', keyBody(key.pem, 'k'))).status, 201);
  assert.deepEqual(refusal(await jsonapi(api, 'POST', '/tls/private_keys', keyBody(key.pem, 'again'))).map((v) => typeof v === 'string' ? v.replace(/[0-9A-Za-z]{22}$/, 'ID') : v),
    [409, 'data.attributes.key: this key was already uploaded as private key ID']);
  assert.deepEqual(refusal(await jsonapi(api, 'POST', '/tls/private_keys', keyBody('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', 'k'))),
    [400, 'data.attributes.key: is not a valid PEM private key']);
  assert.deepEqual(refusal(await jsonapi(api, 'POST', '/tls/private_keys', { data: { type: '', attributes: { name: 'k' } } })),
    [400, 'data.attributes.key: required, a PEM private key']);

  const expired = await leaf(['old.example.com'], { issuer: ca, key, notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') });
  assert.deepEqual(refusal(await jsonapi(api, 'POST', '/tls/certificates', certBody(expired.pem))),
    [400, 'data.attributes.cert_blob: the certificate has expired (not after 2021-01-01T00:00:00.000Z)']);
  assert.deepEqual(refusal(await jsonapi(api, 'POST', '/tls/certificates', certBody(`${cert.pem}${stranger.pem}`))),
    [400, 'data.attributes.cert_blob: intermediate certificate 2 (CN=Stranger CA) did not sign certificate 1 (CN=www.example.com)']);
  assert.deepEqual(refusal(await jsonapi(api, 'POST', '/tls/certificates', certBody('-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n'))),
    [400, 'data.attributes.cert_blob: certificate 1 is not a valid PEM certificate']);
  assert.deepEqual(refusal(await jsonapi(api, 'POST', '/tls/certificates', { data: { type: 'tls_certificate', attributes: { cert_blob: cert.pem, tags: 'x' } } })),
    [400, 'data.attributes.tags: not an attribute of tls_certificate that lacquer supports (cert_blob, name, allow_untrusted_root)']);
  assert.deepEqual(refusal(await jsonapi(api, 'POST', '/tls/certificates', { data: { type: 'tls_private_key', attributes: { cert_blob: cert.pem } } })),
    [400, 'data.type: must be "tls_certificate", got "tls_private_key"']);
  assert.deepEqual(refusal(await jsonapi(api, 'POST', '/tls/certificates', { cert_blob: cert.pem })),
    [400, 'data: required, a JSON:API document {"data": {"type": "tls_certificate", …}}']);

  const created = await jsonapi(api, 'POST', '/tls/certificates', certBody(cert.pem));
  assert.equal(created.status, 201, created.text);
  const certId = (created.body.data as Data).id;
  assert.deepEqual(refusal(await jsonapi(api, 'POST', '/tls/activations', activationBody(certId, 'shop.example.com'))),
    [400, 'data.relationships.tls_domain: shop.example.com is covered by the certificate\'s wildcard; a wildcard certificate is activated for its wildcard name, *.example.com']);
  assert.deepEqual(refusal(await jsonapi(api, 'POST', '/tls/activations', activationBody(certId, 'www.other.com'))),
    [400, `data.relationships.tls_domain: www.other.com is not among certificate ${certId}'s domains (www.example.com, *.example.com)`]);
  assert.deepEqual(refusal(await jsonapi(api, 'POST', '/tls/activations', activationBody('nope', 'www.example.com'))),
    [400, 'data.relationships.tls_certificate: no TLS certificate with id nope']);
  assert.deepEqual(refusal(await jsonapi(api, 'POST', '/tls/activations', activationBody(certId, 'www.example.com', 'other'))),
    [400, 'data.relationships.tls_configuration: no TLS configuration with id other (lacquer has one: default)']);
  const wildcard = await jsonapi(api, 'POST', '/tls/activations', activationBody(certId, '*.example.com', 'default'));
  assert.equal(wildcard.status, 200, wildcard.text);
  const www = await jsonapi(api, 'POST', '/tls/activations', activationBody(certId, 'WWW.example.com'));
  assert.equal((www.body.data as Data).relationships.tls_domain.data && ((www.body.data as Data).relationships.tls_domain.data as { id: string }).id, 'www.example.com');
  assert.deepEqual(refusal(await jsonapi(api, 'POST', '/tls/activations', activationBody(certId, 'www.example.com'))),
    [409, `data.relationships.tls_domain: www.example.com is already activated (activation ${(www.body.data as Data).id})`]);
  assert.deepEqual(refusal(await jsonapi(api, 'PATCH', `/tls/activations/${(www.body.data as Data).id}`, {
    data: { type: 'tls_activation', relationships: { tls_certificate: { data: { type: 'tls_certificate', id: certId } }, mutual_authentication: { data: { type: 'mutual_authentication', id: 'm' } } } },
  })), [400, 'data.relationships.mutual_authentication: mutual TLS is not supported by lacquer']);

  // Replacing the certificate must keep its domains; deleting what is in use is refused.
  const narrower = await leaf(['www.example.com'], { issuer: ca, key });
  assert.deepEqual(refusal(await jsonapi(api, 'PATCH', `/tls/certificates/${certId}`, certBody(narrower.pem))),
    [400, 'data.attributes.cert_blob: the new certificate must keep every domain of the current one; it lacks *.example.com']);
  assert.deepEqual(refusal(await jsonapi(api, 'DELETE', `/tls/certificates/${certId}`)),
    [409, `certificate ${certId} serves *.example.com, www.example.com; delete or move those activations first`]);
  const keyId = ((await jsonapi(api, 'GET', '/tls/private_keys?filter[in_use]=true')).body.data as Data[])[0].id;
  assert.deepEqual(refusal(await jsonapi(api, 'DELETE', `/tls/private_keys/${keyId}`)),
    [409, `private key ${keyId} is the key of certificate ${certId}; delete the certificate first`]);
  assert.deepEqual(refusal(await jsonapi(api, 'GET', '/tls/private_keys/nope')), [404, 'no TLS private key with id nope']);
  assert.deepEqual(refusal(await jsonapi(api, 'GET', '/tls/certificates?page[size]=1000')), [400, 'page[size]: must be an integer from 1 to 100']);
  assert.deepEqual(refusal(await jsonapi(api, 'GET', '/tls/certificates?filter[issuer]=x')),
    [400, 'filter[issuer]: not a query parameter lacquer supports here (filter[in_use], filter[not_after], filter[not_after][lte], filter[tls_domains.id], filter[tls_domains.id][match], include, sort, page[number], page[size])']);
});

test('lists page with Fastly\'s links and meta, a page past the end is empty, and filters and include work as the clients send them', async (t) => {
  const api = await startApi(t);
  const ca = await testCa();
  const ids: string[] = [];
  for (const name of ['a', 'b', 'c']) {
    const c = await leaf([`${name}.example.com`], { issuer: ca, notAfter: new Date(Date.now() + (name === 'a' ? 10 : 200) * 86_400_000) });
    await jsonapi(api, 'POST', '/tls/private_keys', keyBody(c.key.pem, name));
    ids.push(((await jsonapi(api, 'POST', '/tls/certificates', certBody(c.pem))).body.data as Data).id);
    await new Promise((r) => setTimeout(r, 3)); // created_at orders them
  }
  const activation = ((await jsonapi(api, 'POST', '/tls/activations', activationBody(ids[1], 'b.example.com'))).body.data as Data).id;

  const page1 = await jsonapi(api, 'GET', '/tls/certificates?page[number]=1&page[size]=2');
  assert.deepEqual((page1.body.data as Data[]).map((d) => d.id), ids.slice(0, 2));
  assert.deepEqual(page1.body.meta, { per_page: 2, current_page: 1, record_count: 3, total_pages: 2 });
  assert.deepEqual(page1.body.links, {
    self: '/tls/certificates?page%5Bnumber%5D=1&page%5Bsize%5D=2', first: '/tls/certificates?page%5Bnumber%5D=1&page%5Bsize%5D=2', prev: null,
    next: '/tls/certificates?page%5Bnumber%5D=2&page%5Bsize%5D=2', last: '/tls/certificates?page%5Bnumber%5D=2&page%5Bsize%5D=2',
  });
  assert.deepEqual((await jsonapi(api, 'GET', '/tls/certificates?page[number]=3&page[size]=2')).body.data, []);

  const ofData = async (path: string): Promise<string[]> => ((await jsonapi(api, 'GET', path)).body.data as Data[]).map((d) => d.id);
  assert.deepEqual(await ofData('/tls/certificates?filter[in_use]=true'), [ids[1]]);
  assert.deepEqual(await ofData('/tls/certificates?filter[in_use]=false'), [ids[0], ids[2]]);
  assert.deepEqual(await ofData('/tls/certificates?filter[tls_domains.id]=c.example.com'), [ids[2]]);
  assert.deepEqual(await ofData(`/tls/certificates?filter[not_after]=${new Date(Date.now() + 30 * 86_400_000).toISOString()}`), [ids[0]]);
  assert.deepEqual(await ofData('/tls/certificates?sort=-created_at'), [...ids].reverse());
  assert.deepEqual(await ofData('/tls/private_keys?filter[in_use]=false'), []);
  assert.deepEqual(await ofData(`/tls/activations?filter[tls_certificate.id]=${ids[1]}`), [activation]);
  assert.deepEqual(await ofData('/tls/activations?filter[tls_domain.id]=a.example.com'), []);
  assert.deepEqual(await ofData('/tls/domains'), ['a.example.com', 'b.example.com', 'c.example.com']);
  assert.deepEqual(await ofData('/tls/domains?filter[in_use]=true'), ['b.example.com']);
  assert.deepEqual(await ofData(`/tls/domains?filter[tls_certificates.id]=${ids[0]}`), ['a.example.com']);
  assert.deepEqual(await ofData('/tls/configurations'), ['default']);

  const withCert = await jsonapi(api, 'GET', `/tls/activations/${activation}?include=tls_certificate,tls_domain`);
  assert.deepEqual((withCert.body.included as Data[]).map((d) => [d.type, d.id]), [['tls_certificate', ids[1]], ['tls_domain', 'b.example.com']]);
  const domains = (await jsonapi(api, 'GET', '/tls/domains?filter[in_use]=true')).body.data as Data[];
  assert.deepEqual(domains[0].relationships, {
    tls_activations: { data: [{ id: activation, type: 'tls_activation' }] },
    tls_certificates: { data: [{ id: ids[1], type: 'tls_certificate' }] },
    tls_subscriptions: { data: [] },
  });
});

test('a private key is never in any answer nor any log line, even at trace level and when a request is refused', async (t) => {
  const lines: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => { lines.push(line); } });
  const store = openSqliteStore(':memory:');
  const app = buildControlApi({ store, validator: vclValidator, pop: 'test', egress: ['192.0.2.0/24'], logger, adminToken: ADMIN });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  const api = { base, store, call: async () => ({ status: 0, body: null, text: '' }) };
  const key = await newKey('ec');
  const cert = await leaf(['secret.example.com'], { key });
  const answers: string[] = [];
  const keep = async (...args: Parameters<typeof jsonapi>): Promise<JsonApiReply> => {
    const r = await jsonapi(...args);
    answers.push(r.text);
    return r;
  };
  const keyId = ((await keep(api, 'POST', '/tls/private_keys', keyBody(key.pem, 'k'))).body.data as Data).id;
  await keep(api, 'POST', '/tls/private_keys', keyBody(key.pem, 'again'));
  await keep(api, 'POST', '/tls/private_keys', keyBody(key.pem.replace('PRIVATE KEY-----\n', 'PRIVATE KEY-----\n!'), 'broken'));
  await keep(api, 'POST', '/tls/certificates', certBody(`${cert.pem}${key.pem}`));
  const certId = ((await keep(api, 'POST', '/tls/certificates', certBody(cert.pem))).body.data as Data).id;
  await keep(api, 'POST', '/tls/activations', activationBody(certId, 'secret.example.com'));
  for (const path of ['/tls/private_keys', `/tls/private_keys/${keyId}`, '/tls/certificates?include=tls_activations', '/tls/activations?include=tls_certificate,tls_domain', '/tls/domains?include=tls_certificates']) {
    await keep(api, 'GET', path);
  }
  await keep(api, 'DELETE', `/tls/private_keys/${keyId}`);
  const openapi = await fetch(`${base}/openapi.json`);
  answers.push(await openapi.text());

  const secret = key.pem.split('\n')[2];
  assert.ok(secret.length > 20);
  assert.ok(lines.length >= 10, `the request log wrote ${lines.length} lines`);
  assert.deepEqual(answers.filter((a) => a.includes(secret) || a.includes('PRIVATE KEY-----')), []);
  assert.deepEqual(lines.filter((l) => l.includes(secret)), []);
  assert.equal((await tlsMaterial(store)).activations[0].keyPem, key.pem, 'the edge\'s material alone holds it');
});
