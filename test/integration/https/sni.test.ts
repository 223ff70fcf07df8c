// The HTTPS listener's certificates (DESIGN.md §4.4 HTTPS): SNI picks among the active
// certificates, an unknown name or none is refused with `unrecognized_name` (RFC 6066 §3), and a
// change swaps in without dropping a connection. Real clients: curl and `openssl s_client`.
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import https from 'node:https';
import tls from 'node:tls';
import { test } from 'node:test';
import type { TlsMaterial } from '../../../src/model/tls.ts';
import type { Store } from '../../../src/store/index.ts';
import { httpOrigin } from '../../edge/helpers.ts';
import { makeCa, material } from '../../support/certificates.ts';
import { startEdgeStack, waitFor } from '../harness.ts';
import { curl, sClient } from './clients.ts';

test('curl over HTTP/1.1 and HTTP/2 is served the certificate its SNI names: the exact one, else a one-label wildcard', async (t) => {
  const ca = makeCa(t);
  const exact = ca.leaf(['www.example.test']);
  const wildcard = ca.leaf(['*.example.test']);
  const origin = await httpOrigin(t, (req, res) => res.end(`page for ${req.headers.host ?? ''}\n`));
  const lq = await startEdgeStack(t, { tlsMaterial: async () => material(1, [['www.example.test', exact], ['*.example.test', wildcard]]) });
  await lq.createService({ domains: ['www.example.test', 'img.example.test'], backends: [{ name: 'o', address: '127.0.0.1', port: origin.port }] });

  const www = await curl(lq.tlsPort, 'www.example.test', ca.caFile, '/', ['-v', '--http1.1']);
  assert.equal(www.code, 0, www.stderr);
  assert.match(www.stderr, /subject: CN=www\.example\.test\n/);
  assert.match(www.stdout, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(www.stdout, /\r\n\r\npage for www\.example\.test:\d+\n$/);

  const img = await curl(lq.tlsPort, 'img.example.test', ca.caFile, '/', ['-v', '--http2']);
  assert.equal(img.code, 0, img.stderr);
  assert.match(img.stderr, /subject: CN=\*\.example\.test\n/);
  assert.match(img.stderr, /ALPN: server accepted h2\n/);
  assert.match(img.stdout, /^HTTP\/2 200 \r\n/);
  assert.match(img.stdout, /\r\n\r\npage for img\.example\.test:\d+\n$/);
});

test('a handshake without SNI, or for a name with no certificate, is refused with unrecognized_name and no certificate', async (t) => {
  const ca = makeCa(t);
  const leaf = ca.leaf(['www.example.test']);
  const wildcard = ca.leaf(['*.cdn.example.test']);
  const origin = await httpOrigin(t, (_req, res) => res.end('x'));
  const lq = await startEdgeStack(t, { tlsMaterial: async () => material(1, [['www.example.test', leaf], ['*.cdn.example.test', wildcard]]) });
  // A configured domain without a certificate is refused too: a service is not a certificate.
  await lq.createService({ domains: ['www.example.test', 'plain.example.test'], backends: [{ name: 'o', address: '127.0.0.1', port: origin.port }] });

  for (const name of [null, 'plain.example.test', 'unknown.example.test', 'cdn.example.test', 'a.b.cdn.example.test']) {
    const r = await sClient(lq.tlsPort, name);
    assert.notEqual(r.code, 0, `${String(name)}: the handshake fails`);
    assert.match(r.stderr, /tlsv1 unrecognized name.*SSL alert number 112/, `${String(name)}: ${r.stderr}`);
    assert.match(r.stdout, /no peer certificate available/, `${String(name)}: no certificate was sent`);
  }
  const ok = await sClient(lq.tlsPort, 'x.cdn.example.test', ['-verify_return_error', '-CAfile', ca.caFile, '-verify_hostname', 'x.cdn.example.test']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /Verify return code: 0 \(ok\)/);
});

test('a tls event swaps the certificates in: new handshakes see the change, open HTTP/1.1 and HTTP/2 connections keep serving', async (t) => {
  const ca = makeCa(t);
  const www = ca.leaf(['www.example.test']);
  const next = ca.leaf(['new.example.test']);
  const origin = await httpOrigin(t, (_req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.end('ok');
  });
  let current: TlsMaterial = material(1, [['www.example.test', www]]);
  let store: Store | null = null;
  const lq = await startEdgeStack(t, { tlsMaterial: async (s) => { store = s; return current; } });
  await lq.createService({ domains: ['www.example.test', 'new.example.test'], backends: [{ name: 'o', address: '127.0.0.1', port: origin.port }] });

  // One HTTP/1.1 keep-alive connection and one HTTP/2 session to www, open across the change.
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  const sockets = new Set<unknown>();
  const h1 = () => new Promise<string>((resolve, reject) => {
    https.get({ host: '127.0.0.1', port: lq.tlsPort, servername: 'www.example.test', ca: ca.caPem, agent, headers: { host: 'www.example.test' } }, (res) => {
      sockets.add(res.socket);
      let body = '';
      res.on('data', (c: Buffer) => { body += String(c); });
      res.on('end', () => resolve(`${res.statusCode ?? 0} ${body}`));
    }).on('error', reject);
  });
  const session = http2.connect('https://www.example.test', {
    createConnection: () => tls.connect({ host: '127.0.0.1', port: lq.tlsPort, servername: 'www.example.test', ca: ca.caPem, ALPNProtocols: ['h2'] }),
  });
  t.after(() => session.destroy());
  const h2 = () => new Promise<string>((resolve, reject) => {
    const s = session.request({ ':path': '/' });
    let status = 0;
    let body = '';
    s.on('response', (f) => { status = Number(f[':status']); });
    s.on('data', (c: Buffer) => { body += String(c); });
    s.on('end', () => resolve(`${status} ${body}`));
    s.on('error', reject);
    s.end();
  });
  assert.equal(await h1(), '200 ok');
  assert.equal(await h2(), '200 ok');
  assert.match((await sClient(lq.tlsPort, 'new.example.test')).stderr, /unrecognized name/);

  current = material(2, [['new.example.test', next]]);
  assert.notEqual(store, null);
  await (store as unknown as Store).transaction(async (tx) => tx.publish({ type: 'tls' }));
  await waitFor(async () => (await sClient(lq.tlsPort, 'new.example.test')).code === 0, 5_000, 'new.example.test has its certificate');
  assert.match((await sClient(lq.tlsPort, 'www.example.test')).stderr, /unrecognized name/, 'www.example.test is no longer served');

  assert.equal(await h1(), '200 ok');
  assert.equal(await h2(), '200 ok');
  assert.equal(sockets.size, 1, 'the HTTP/1.1 requests shared one connection');
  assert.equal(session.closed || session.destroyed, false, 'the HTTP/2 session is still open');
});
