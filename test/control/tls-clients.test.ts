// The official clients, unchanged, against lacquer's TLS API (DESIGN.md §4.2): the `fastly` JS
// client v13 (TlsPrivateKeysApi, TlsCertificatesApi, TlsActivationsApi, TlsDomainsApi,
// TlsConfigurationsApi) and the Fastly CLI's `tls-custom` commands (go-fastly underneath, the
// library the Terraform provider uses too).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { tlsMaterial } from '../../src/control/tls/material.ts';
import { fastlyCli } from '../support/fastly-cli.ts';
import { leaf, newKey, testCa } from '../support/certs.ts';
import { ADMIN, startApi } from './helpers.ts';

interface Item { id: string; attributes: Record<string, unknown> }
interface Reply { data: unknown; meta?: Record<string, number> }
type Call = (options: Record<string, unknown>) => Promise<Reply>;
const one = (r: Reply): Item => r.data as Item;
const ids = (r: Reply): string[] => (r.data as Item[]).map((x) => x.id);
type ApiClass = new () => Record<string, Call>;
interface FastlyModule {
  ApiClient: { instance: { plugins: Array<(req: { url: string }) => unknown> | null; authenticate(token: string): void } };
  TlsPrivateKeysApi: ApiClass;
  TlsCertificatesApi: ApiClass;
  TlsActivationsApi: ApiClass;
  TlsDomainsApi: ApiClass;
  TlsConfigurationsApi: ApiClass;
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

test('the fastly JS client v13 uploads a key and a certificate, activates, lists and deletes', async (t) => {
  const api = await startApi(t);
  useLocalApi(t, api.base);
  const keys = new Fastly.TlsPrivateKeysApi();
  const certs = new Fastly.TlsCertificatesApi();
  const activations = new Fastly.TlsActivationsApi();
  const ca = await testCa();
  const key = await newKey('ec');
  const cert = await leaf(['js.example.com', '*.js.example.com'], { issuer: ca, key });

  const k = one(await keys.createTlsKey({ tls_private_key: { data: { type: 'tls_private_key', attributes: { key: key.pem, name: 'js key' } } } }));
  assert.deepEqual([k.attributes.name, k.attributes.key_type, k.attributes.key_length], ['js key', 'ECDSA', 256]);
  assert.ok(!JSON.stringify(k).includes('PRIVATE KEY'));
  const certId = one(await certs.createTlsCert({ tls_certificate: { data: { type: 'tls_certificate', attributes: { cert_blob: `${cert.pem}${ca.pem}`, name: 'js cert' } } } })).id;
  const got = one(await certs.getTlsCert({ tls_certificate_id: certId }));
  assert.equal(got.attributes.issued_to, 'js.example.com');
  assert.ok(got.attributes.not_after instanceof Date, 'the client reads not_after as a date');

  const a = one(await activations.createTlsActivation({ tls_activation: { data: { type: 'tls_activation', relationships: {
    tls_certificate: { data: { type: 'tls_certificate', id: certId } }, tls_domain: { data: { type: 'tls_domain', id: '*.js.example.com' } },
  } } } }));
  const listed = await activations.listTlsActivations({ filter_tls_domain_id: '*.js.example.com', include: 'tls_certificate' });
  assert.deepEqual(ids(listed), [a.id]);
  assert.equal(listed.meta?.record_count, 1);
  const domains = await new Fastly.TlsDomainsApi().listTlsDomains({ filter_in_use: 'true' });
  assert.deepEqual(ids(domains), ['*.js.example.com']);
  const configs = await new Fastly.TlsConfigurationsApi().listTlsConfigs({});
  assert.deepEqual(ids(configs), ['default']);
  assert.deepEqual((await tlsMaterial(api.store)).activations.map((m) => [m.domain, m.certificateId]), [['*.js.example.com', certId]]);

  await activations.deleteTlsActivation({ tls_activation_id: a.id });
  await certs.deleteTlsCert({ tls_certificate_id: certId });
  await keys.deleteTlsKey({ tls_private_key_id: k.id });
  assert.deepEqual((await keys.listTlsKeys({})).data, []);
  await assert.rejects(certs.getTlsCert({ tls_certificate_id: certId }), (err: { status?: number }) => err.status === 404);
});

test('the Fastly CLI v16 tls-custom commands upload, enable, describe, update, disable and delete', async (t) => {
  const api = await startApi(t);
  const cli = await fastlyCli(t, api.base, ADMIN);
  const ca = await testCa();
  const key = await newKey('rsa');
  const first = await leaf(['cli.example.com'], { issuer: ca, key });
  const second = await leaf(['cli.example.com', 'www.cli.example.com'], { issuer: ca, key });
  const files = { key: join(cli.home, 'key.pem'), first: join(cli.home, 'first.pem'), second: join(cli.home, 'second.pem') };
  writeFileSync(files.key, key.pem);
  writeFileSync(files.first, `${first.pem}${ca.pem}`);
  writeFileSync(files.second, second.pem);

  const listIds = async (noun: string): Promise<string[]> =>
    (JSON.parse(await cli.run('tls-custom', noun, 'list', '--json')) as Array<{ ID: string }>).map((x) => x.ID);
  assert.match(await cli.run('tls-custom', 'private-key', 'create', '--key-path', files.key, '--name', 'cli key'), /Created TLS Private Key 'cli key'/);
  const [keyId] = await listIds('private-key');
  assert.match(await cli.run('tls-custom', 'certificate', 'create', '--cert-path', files.first, '--name', 'cli cert'), /Created TLS Certificate/);
  const [certId] = await listIds('certificate');
  assert.match(await cli.run('tls-custom', 'activation', 'enable', '--cert-id', certId, '--tls-config-id', 'default', '--tls-domain', 'cli.example.com'),
    /Enabled TLS Activation/);
  const [activationId] = await listIds('activation');
  assert.ok(activationId);

  const described = await cli.run('tls-custom', 'certificate', 'describe', '--id', certId);
  assert.match(described, /Issued to: cli\.example\.com/);
  assert.match(await cli.run('tls-custom', 'certificate', 'update', '--id', certId, '--cert-path', files.second), new RegExp(certId));
  assert.deepEqual((await tlsMaterial(api.store)).activations.map((m) => m.certPem), [second.pem]);
  assert.deepEqual(await listIds('domain'), ['cli.example.com', 'www.cli.example.com']);

  await cli.run('tls-custom', 'activation', 'disable', '--id', activationId);
  await cli.run('tls-custom', 'certificate', 'delete', '--id', certId);
  await cli.run('tls-custom', 'private-key', 'delete', '--id', keyId);
  assert.deepEqual(await listIds('private-key'), []);

  // A refusal reaches the CLI's user with lacquer's detail.
  await assert.rejects(cli.run('tls-custom', 'certificate', 'create', '--cert-path', files.first),
    /the private key of this certificate was never uploaded/);
});
