// `lacquer tls …` (docs/api.md, TLS) as an operator runs it: upload a key and certificates from
// files, enable, list with the 30-day expiry warning, replace, move, disable, delete; refusals
// print the API's detail and exit 1.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tlsMaterial } from '../../src/control/tls/material.ts';
import { leaf, newKey, testCa } from '../support/certs.ts';
import { startCli } from './helpers.ts';

const DAY = 86_400_000;

test('lacquer tls uploads, enables, lists with a warning for a certificate within 30 days of expiry, updates, disables and deletes', async (t) => {
  const cli = await startCli(t);
  const ca = await testCa();
  const key = await newKey('ec');
  const soon = await leaf(['shop.example.com', '*.shop.example.com'], { issuer: ca, key, notAfter: new Date(Date.now() + 12 * DAY + 3_600_000) });
  const later = await leaf(['shop.example.com', '*.shop.example.com'], { issuer: ca, key, notAfter: new Date(Date.now() + 300 * DAY) });
  const files = { key: join(cli.home, 'key.pem'), soon: join(cli.home, 'soon.pem'), later: join(cli.home, 'later.pem') };
  writeFileSync(files.key, key.pem);
  writeFileSync(files.soon, `${soon.pem}${ca.pem}`);
  writeFileSync(files.later, later.pem);

  assert.match(await cli.ok('tls', 'private-key', 'create', '--key-path', files.key, '--name', 'shop'), /^Created TLS private key [0-9A-Za-z]{22} \(ECDSA 256\)\n$/);
  const created = await cli.run(['tls', 'certificate', 'create', '--cert-path', files.soon]);
  assert.equal(created.code, 0, created.stderr);
  const certId = /certificate ([0-9A-Za-z]{22})/.exec(created.stdout)?.[1] as string;
  assert.match(created.stderr, new RegExp(`^warning: certificate ${certId} \\(shop\\.example\\.com\\) expires in 12 days, on `));

  const enabled = await cli.ok('tls', 'activation', 'enable', '--cert-id', certId, '--tls-domain', '*.shop.example.com');
  assert.match(enabled, new RegExp(`\\*\\.shop\\.example\\.com is served with certificate ${certId}`));
  const refused = await cli.run(['tls', 'activation', 'enable', '--cert-id', certId, '--tls-domain', 'www.shop.example.com']);
  assert.deepEqual([refused.code, refused.stderr], [1,
    'error: Bad request (HTTP 400)\n  data.relationships.tls_domain: www.shop.example.com is covered by the certificate\'s wildcard; a wildcard certificate is activated for its wildcard name, *.shop.example.com\n']);

  const list = await cli.run(['tls', 'certificate', 'list']);
  const [header, row] = list.stdout.split('\n');
  assert.deepEqual(header.split(/\s{2,}/), ['ID', 'NAME', 'DOMAINS', 'NOT AFTER', 'EXPIRY']);
  assert.match(row, new RegExp(`^${certId}\\s+shop\\.example\\.com\\s+shop\\.example\\.com, \\*\\.shop\\.example\\.com\\s+\\S+\\s+expires in 12 days, on `));
  assert.match(list.stderr, /^warning: certificate \S+ \(shop\.example\.com\) expires in 12 days/);
  const activations = await cli.ok('tls', 'activation', 'list');
  assert.match(activations.split('\n')[1], new RegExp(`^[0-9A-Za-z]{22}\\s+\\*\\.shop\\.example\\.com\\s+${certId}\\s`));

  const updated = await cli.run(['tls', 'certificate', 'update', '--id', certId, '--cert-path', files.later]);
  assert.equal(updated.code, 0, updated.stderr);
  assert.equal((await cli.run(['tls', 'certificate', 'list'])).stderr, '', 'no warning once renewed');
  assert.equal((await tlsMaterial(cli.api.store)).activations[0].certPem, later.pem);

  const [activation] = await cli.json<{ data: Array<{ id: string }> }>('tls', 'activation', 'list').then((d) => d.data);
  assert.match(await cli.ok('tls', 'activation', 'disable', '--id', activation.id), /^Disabled TLS activation/);
  await cli.ok('tls', 'certificate', 'delete', '--id', certId);
  const keyId = (await cli.json<{ data: Array<{ id: string }> }>('tls', 'private-key', 'list')).data[0].id;
  await cli.ok('tls', 'private-key', 'delete', '--id', keyId);
  assert.equal(await cli.ok('tls', 'domain', 'list'), 'DOMAIN  CERTIFICATES  ACTIVATIONS\n');
});
