// What VCL and the origin learn about a request's TLS (Fastly's client-connection variables and
// Fastly-SSL header, https://www.fastly.com/documentation/reference/http/http-headers/Fastly-SSL/).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { httpOrigin } from '../../edge/helpers.ts';
import { makeCa, material } from '../../support/certificates.ts';
import { startEdgeStack } from '../harness.ts';
import { httpsRequest } from './clients.ts';

const HOST = 'vcl.example.test';

const VCL = `
sub vcl_recv {
  #FASTLY recv
  return(pass);
}
sub vcl_deliver {
  #FASTLY deliver
  set resp.http.X-Is-SSL = if(req.is_ssl, "yes", "no");
  set resp.http.X-Is-TLS = if(fastly_info.edge.is_tls, "yes", "no");
  set resp.http.X-Is-H2 = if(fastly_info.is_h2, "yes", "no");
  set resp.http.X-Protocol = req.protocol;
  set resp.http.X-Proto = req.proto;
  set resp.http.X-TLS = "" tls.client.protocol "|" tls.client.cipher "|" tls.client.servername;
  set resp.http.X-Client = client.ip;
  return(deliver);
}
`;

test('VCL reads req.is_ssl, fastly_info.is_h2, fastly_info.edge.is_tls and tls.client.* over HTTP/1.1, HTTP/2 and plain HTTP', async (t) => {
  const ca = makeCa(t);
  const leaf = ca.leaf([HOST]);
  const origin = await httpOrigin(t, (req, res) => res.end(String(req.headers['fastly-ssl'] ?? 'absent')));
  const lq = await startEdgeStack(t, { tlsMaterial: async () => material(1, [[HOST, leaf]]) });
  await lq.createService({ domains: [HOST], backends: [{ name: 'o', address: '127.0.0.1', port: origin.port }], vcl: VCL });
  const fields = (h: Record<string, unknown>) => ['x-is-ssl', 'x-is-tls', 'x-is-h2', 'x-protocol', 'x-proto', 'x-tls', 'x-client'].map((n) => h[n]);

  const h1 = await httpsRequest({ port: lq.tlsPort, host: HOST, ca: ca.caPem });
  assert.deepEqual(fields(h1.headers), ['yes', 'yes', 'no', 'https', 'HTTP/1.1', `TLSv1.3|TLS_AES_256_GCM_SHA384|${HOST}`, '127.0.0.1']);
  const h2 = await httpsRequest({ port: lq.tlsPort, host: HOST, ca: ca.caPem, h2: true });
  assert.deepEqual(fields(h2.headers), ['yes', 'yes', 'yes', 'https', 'HTTP/2', `TLSv1.3|TLS_AES_256_GCM_SHA384|${HOST}`, '127.0.0.1']);
  const plain = await lq.edge(HOST);
  assert.deepEqual(fields(plain.headers), ['no', 'no', 'no', 'http', 'HTTP/1.1', '||', '127.0.0.1']);
});

test('TLS 1.2 shows in tls.client.protocol and the ECDHE suite in tls.client.cipher', async (t) => {
  const ca = makeCa(t);
  const leaf = ca.leaf([HOST], { key: 'rsa' });
  const origin = await httpOrigin(t, (_req, res) => res.end('x'));
  const lq = await startEdgeStack(t, { tlsMaterial: async () => material(1, [[HOST, leaf]]) });
  await lq.createService({ domains: [HOST], backends: [{ name: 'o', address: '127.0.0.1', port: origin.port }], vcl: VCL });
  const { default: https } = await import('node:https');
  const tlsField = await new Promise<string>((resolve, reject) => {
    https.get({ host: '127.0.0.1', port: lq.tlsPort, servername: HOST, ca: ca.caPem, agent: false, maxVersion: 'TLSv1.2', headers: { host: HOST } }, (res) => {
      res.resume();
      resolve(String(res.headers['x-tls']));
    }).on('error', reject);
  });
  assert.equal(tlsField, `TLSv1.2|ECDHE-RSA-AES128-GCM-SHA256|${HOST}`);
});

test("Fastly-SSL: 1 reaches the origin for a request over TLS that lacks it; a client's own value is kept; plain HTTP adds none", async (t) => {
  const ca = makeCa(t);
  const leaf = ca.leaf([HOST]);
  const origin = await httpOrigin(t, (req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.end(String(req.headers['fastly-ssl'] ?? 'absent'));
  });
  const lq = await startEdgeStack(t, { tlsMaterial: async () => material(1, [[HOST, leaf]]) });
  await lq.createService({ domains: [HOST], backends: [{ name: 'o', address: '127.0.0.1', port: origin.port }] });
  assert.equal((await httpsRequest({ port: lq.tlsPort, host: HOST, ca: ca.caPem })).body, '1');
  assert.equal((await httpsRequest({ port: lq.tlsPort, host: HOST, ca: ca.caPem, h2: true })).body, '1');
  // Fastly does not overwrite a client's value: the header is deprecated and spoofable.
  assert.equal((await httpsRequest({ port: lq.tlsPort, host: HOST, ca: ca.caPem, headers: { 'fastly-ssl': '0' } })).body, '0');
  assert.equal((await lq.edge(HOST)).body, 'absent');
});
