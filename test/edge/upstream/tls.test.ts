// TLS backends against an HTTPS origin on 127.0.0.1 with a certificate made at test time.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type ServerOptions } from 'node:https';
import { before, test, type TestContext } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { EdgeError } from '../../../src/edge/errors.ts';
import { UpstreamPools } from '../../../src/edge/upstream/index.ts';
import type { BackendDefinition } from '../../../src/model/backend.ts';
import { backend, httpOrigin, portOf, readAll, selfSignedCert } from '../helpers.ts';

let pem: { key: string; cert: string };
before(async () => {
  pem = await selfSignedCert(['origin.test', 'alt.origin.test']);
});

/** An HTTPS origin that records the SNI name each connection asked for. */
async function httpsOrigin(t: TestContext, extra: ServerOptions = {}): Promise<{ port: number; sni: Array<string | false | null> }> {
  const sni: Array<string | false | null> = [];
  const server = createServer({ ...pem, ...extra }, (_req, res) => res.end('secure'));
  server.on('secureConnection', (s: TLSSocket) => sni.push(s.servername));
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { port: portOf(server), sni };
}

function tlsBackend(port: number, fields: Partial<BackendDefinition> = {}): BackendDefinition {
  return backend({ port, ssl: true, sslCertHostname: 'origin.test', ...fields });
}

async function get(t: TestContext, b: BackendDefinition): Promise<string> {
  const p = new UpstreamPools({ cdnId: 'lacquer-test' });
  t.after(() => p.destroy());
  const res = await p.fetch(b, { method: 'GET', path: '/', headers: { host: 'www.example' } }, { clientIp: '192.0.2.1' });
  return readAll(res.body);
}

async function reasonOf(t: TestContext, b: BackendDefinition): Promise<string> {
  try {
    await get(t, b);
  } catch (err) {
    assert.ok(err instanceof EdgeError, String(err));
    return err.reason;
  }
  return 'no error';
}

test('ssl_check_cert always: an untrusted self-signed certificate fails with Certificate verification failed', async (t) => {
  const { port } = await httpsOrigin(t);
  assert.equal(await reasonOf(t, tlsBackend(port)), 'Certificate verification failed');
});

test('ssl_check_cert never: the same origin is used', async (t) => {
  const { port } = await httpsOrigin(t);
  assert.equal(await get(t, tlsBackend(port, { sslCheckCert: false })), 'secure');
});

test('ssl_ca_cert trusts the certificate, which is checked against ssl_cert_hostname', async (t) => {
  const { port } = await httpsOrigin(t);
  assert.equal(await get(t, tlsBackend(port, { sslCaCert: pem.cert })), 'secure');
});

test('a certificate that does not name ssl_cert_hostname fails with Certificate verification failed', async (t) => {
  const { port } = await httpsOrigin(t);
  assert.equal(await reasonOf(t, tlsBackend(port, { sslCaCert: pem.cert, sslCertHostname: 'wrong.test' })), 'Certificate verification failed');
});

test('SNI is ssl_sni_hostname, else ssl_cert_hostname; the certificate is still checked against ssl_cert_hostname', async (t) => {
  const { port, sni } = await httpsOrigin(t);
  assert.equal(await get(t, tlsBackend(port, { sslCaCert: pem.cert, sslSniHostname: 'sni.example' })), 'secure');
  assert.equal(await get(t, tlsBackend(port, { sslCaCert: pem.cert, sslCertHostname: 'alt.origin.test' })), 'secure');
  // An IP host with no TLS names sends no SNI at all (RFC 6066 §3).
  assert.equal(await get(t, backend({ port, ssl: true, sslCheckCert: false })), 'secure');
  assert.deepEqual(sni, ['sni.example', 'alt.origin.test', false]);
});

test('min_tls_version above what the origin speaks fails with SSL handshake error', async (t) => {
  const { port } = await httpsOrigin(t, { maxVersion: 'TLSv1.2' });
  assert.equal(await reasonOf(t, tlsBackend(port, { sslCheckCert: false, minTlsVersion: '1.3' })), 'SSL handshake error');
  assert.equal(await get(t, tlsBackend(port, { sslCheckCert: false, maxTlsVersion: '1.2' })), 'secure');
});

test('ssl_ciphers that the origin does not offer fail with SSL handshake error', async (t) => {
  const { port } = await httpsOrigin(t, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' });
  assert.equal(await reasonOf(t, tlsBackend(port, { sslCheckCert: false, sslCiphers: 'ECDHE-ECDSA-AES256-GCM-SHA384' })), 'SSL handshake error');
  assert.equal(await get(t, tlsBackend(port, { sslCheckCert: false, sslCiphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' })), 'secure');
});

test('a plain HTTP origin behind an ssl backend fails with SSL handshake error', async (t) => {
  const { port } = await httpOrigin(t, (_req, res) => res.end('plain'));
  assert.equal(await reasonOf(t, tlsBackend(port, { sslCheckCert: false })), 'SSL handshake error');
});

test('one TLS connection serves requests with different Host headers', async (t) => {
  const { port, sni } = await httpsOrigin(t);
  const p = new UpstreamPools({ cdnId: 'lacquer-test' });
  t.after(() => p.destroy());
  const b = tlsBackend(port, { sslCaCert: pem.cert });
  for (const host of ['a.example', 'b.example', 'c.example']) {
    const res = await p.fetch(b, { method: 'GET', path: '/', headers: { host } }, { clientIp: '192.0.2.1' });
    assert.equal(await readAll(res.body), 'secure');
    await new Promise((r) => setImmediate(r)); // undici reuses a socket one loop turn after a response
  }
  assert.deepEqual(sni, ['origin.test']);
});
