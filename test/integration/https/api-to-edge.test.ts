// From the TLS API to the HTTPS listener (DESIGN.md §4.2 TLS paths, §4.4 HTTPS), with nothing
// given to lacquer but API calls: a key, a certificate and an activation uploaded as the
// Terraform provider sends them make the edge serve that certificate for the domain; deleting
// the activation makes the name unrecognized again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { httpOrigin } from '../../edge/helpers.ts';
import { makeCa } from '../../support/certificates.ts';
import { startEdgeStack, waitFor } from '../harness.ts';
import { curl, sClient } from './clients.ts';

test('a key, a certificate and an activation made through the TLS API are served by the HTTPS listener, and deactivation takes the name away', async (t) => {
  const ca = makeCa(t);
  const cert = ca.leaf(['shop.example.test']);
  const origin = await httpOrigin(t, (_req, res) => res.end('shop\n'));
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: ['shop.example.test'], backends: [{ name: 'o', address: '127.0.0.1', port: origin.port }] });

  await lq.apiOk('POST', '/tls/private_keys', { data: { type: 'tls_private_key', attributes: { key: cert.keyPem, name: 'shop key' } } });
  const created = await lq.apiOk('POST', '/tls/certificates', { data: { type: 'tls_certificate', attributes: { cert_blob: cert.certPem, name: 'shop cert' } } }) as { data: { id: string } };
  const activation = await lq.apiOk('POST', '/tls/activations', {
    data: {
      type: 'tls_activation',
      relationships: {
        tls_certificate: { data: { type: 'tls_certificate', id: created.data.id } },
        tls_domain: { data: { type: 'tls_domain', id: 'shop.example.test' } },
      },
    },
  }) as { data: { id: string } };

  let served = await curl(lq.tlsPort, 'shop.example.test', ca.caFile, '/', ['-v', '--http2']);
  await waitFor(async () => {
    served = await curl(lq.tlsPort, 'shop.example.test', ca.caFile, '/', ['-v', '--http2']);
    return served.code === 0;
  }, 10_000, 'the activation reaches the HTTPS listener');
  assert.match(served.stderr, /subject: CN=shop\.example\.test\n/);
  assert.match(served.stdout, /^HTTP\/2 200 \r\n/);
  assert.match(served.stdout, /\r\n\r\nshop\n$/);

  await lq.apiOk('DELETE', `/tls/activations/${activation.data.id}`);
  await waitFor(async () => /unrecognized name/.test((await sClient(lq.tlsPort, 'shop.example.test')).stderr), 10_000, 'the deactivation reaches the HTTPS listener');
});
