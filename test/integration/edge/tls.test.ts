// TLS to the origin through API backends: certificate checks always vs never, the name checked,
// the SNI the origin sees, and a handshake that cannot happen.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { httpOrigin, selfSignedCert } from '../../edge/helpers.ts';
import { startEdgeStack, type Fields } from '../harness.ts';

const HOST = 'tls.example';

/** An HTTPS origin with a fresh self-signed certificate for origin.test; answers with the SNI it saw. */
async function tlsOrigin(t: TestContext): Promise<{ port: number; cert: string }> {
  const { key, cert } = await selfSignedCert(['origin.test']);
  const server = https.createServer({ key, cert }, (req, res) => {
    res.end(`sni=${String((req.socket as TLSSocket).servername)} host=${req.headers.host ?? ''}`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { port: (server.address() as AddressInfo).port, cert };
}

async function tlsService(t: TestContext, backend: Fields) {
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: [HOST], backends: [{ name: 'secure', address: '127.0.0.1', use_ssl: true, ...backend }] });
  return lq;
}

test('a self-signed origin certificate with ssl_check_cert on: 503 Certificate verification failed', async (t) => {
  const origin = await tlsOrigin(t);
  const lq = await tlsService(t, { port: origin.port, ssl_cert_hostname: 'origin.test', ssl_check_cert: true });
  const r = await lq.edge(HOST);
  assert.equal(r.statusLine, 'HTTP/1.1 503 Certificate verification failed');
});

test('the same origin with ssl_check_cert off is used; the SNI is ssl_sni_hostname', async (t) => {
  const origin = await tlsOrigin(t);
  const lq = await tlsService(t, { port: origin.port, ssl_sni_hostname: 'sni.origin.test', ssl_check_cert: false });
  const r = await lq.edge(HOST);
  assert.equal(r.statusLine, 'HTTP/1.1 200 OK');
  assert.equal(r.body, `sni=sni.origin.test host=${HOST}`);
});

test('a trusted certificate (ssl_ca_cert) for another name than ssl_cert_hostname: 503 Certificate verification failed', async (t) => {
  const origin = await tlsOrigin(t);
  const lq = await tlsService(t, { port: origin.port, ssl_ca_cert: origin.cert, ssl_cert_hostname: 'wrong.test' });
  const r = await lq.edge(HOST);
  assert.equal(r.statusLine, 'HTTP/1.1 503 Certificate verification failed');
});

test('a trusted certificate for ssl_cert_hostname is accepted and that name is the SNI', async (t) => {
  const origin = await tlsOrigin(t);
  const lq = await tlsService(t, { port: origin.port, ssl_ca_cert: origin.cert, ssl_cert_hostname: 'origin.test' });
  const r = await lq.edge(HOST);
  assert.equal(r.statusLine, 'HTTP/1.1 200 OK');
  assert.equal(r.body, `sni=origin.test host=${HOST}`);
});

test('a TLS backend whose origin speaks plain HTTP: 503 SSL handshake error', async (t) => {
  const { port } = await httpOrigin(t, (_req, res) => res.end('plain'));
  const lq = await tlsService(t, { port, ssl_check_cert: false });
  const r = await lq.edge(HOST);
  assert.equal(r.statusLine, 'HTTP/1.1 503 SSL handshake error');
});
