// One probe against scripted origins on 127.0.0.1: what goes on the wire, what comes back,
// which bits are set and which text Varnish 7.1 would show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import { generate } from 'selfsigned';
import { runProbe } from '../../src/health/probe.ts';
import { createHealthState, latestBits, recordProbe } from '../../src/health/state.ts';
import type { ProbeResult } from '../../src/health/state.ts';
import type { BackendDefinition } from '../../src/model/backend.ts';
import { answer, backendDef, closedPort, probeDef, scriptedOrigin } from './fixtures.ts';
import type { OriginStep } from './fixtures.ts';

const TIMEOUT = 150;
const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';

function backend(port: number, over: Partial<BackendDefinition> = {}, probe = {}): BackendDefinition {
  return backendDef({ port, probe: probeDef({ timeoutMs: TIMEOUT, ...probe }), ...over });
}

/** The register letters this probe set, in the Backend_health order. */
function bits(r: ProbeResult): string {
  return latestBits(recordProbe(createHealthState(probeDef()), r).state);
}

test('a refused connection is an open error with no bits', async () => {
  const r = await runProbe(backend(await closedPort()));
  assert.deepEqual([r.outcome, r.response, bits(r), r.rttMs], ['open_error', 'Open error 111 (Connection refused)', '--------', 0]);
});

test('a 200 answered and closed is happy, with the status line kept and rtt measured', async (t) => {
  const origin = await scriptedOrigin(answer(OK));
  t.after(() => origin.close());
  const r = await runProbe(backend(origin.port));
  assert.deepEqual([r.outcome, r.response, bits(r)], ['happy', 'HTTP/1.1 200 OK', '4---X-RH']);
  assert.ok(r.rttMs > 0 && r.rttMs < TIMEOUT, `rtt ${r.rttMs}`);
  assert.equal(origin.requests[0], 'GET / HTTP/1.1\r\nHost: origin.test\r\nConnection: close\r\n\r\n');
});

test('the request is each .request line ended by CRLF, then a final CRLF', async (t) => {
  const origin = await scriptedOrigin(answer(OK));
  t.after(() => origin.close());
  await runProbe(backend(origin.port, {}, { request: ['HEAD /health HTTP/1.1', 'Host: example.com', 'X-Probe: 1', 'Connection: close'] }));
  assert.equal(origin.requests[0], 'HEAD /health HTTP/1.1\r\nHost: example.com\r\nX-Probe: 1\r\nConnection: close\r\n\r\n');
});

test('a wrong status is a good receive but not happy', async (t) => {
  const origin = await scriptedOrigin(answer('HTTP/1.1 503 Service Unavailable\r\n\r\n'));
  t.after(() => origin.close());
  const r = await runProbe(backend(origin.port));
  assert.deepEqual([r.outcome, r.response, bits(r)], ['bad_status', 'HTTP/1.1 503 Service Unavailable', '4---X-R-']);
});

test('an origin that closes without a byte gives "Empty response" and no receive bit', async (t) => {
  const origin = await scriptedOrigin((socket) => socket.end());
  t.after(() => origin.close());
  const r = await runProbe(backend(origin.port));
  assert.deepEqual([r.outcome, r.response, bits(r)], ['empty', 'Empty response', '4---X---']);
});

test('an origin that accepts and never answers fails at the deadline with a receive error', async (t) => {
  const origin = await scriptedOrigin(() => {});
  t.after(() => origin.close());
  const r = await runProbe(backend(origin.port));
  assert.deepEqual([r.outcome, r.response, bits(r)], ['recv_timeout', 'Poll error 110 (Connection timed out)', '4---Xr--']);
  assert.ok(r.durationMs >= TIMEOUT - 1, `duration ${r.durationMs}`);
});

test('an origin that answers 200 but keeps the connection open fails at the deadline', async (t) => {
  const origin = await scriptedOrigin((socket) => socket.write(OK));
  t.after(() => origin.close());
  const r = await runProbe(backend(origin.port));
  assert.deepEqual([r.outcome, r.response, bits(r)], ['recv_timeout', 'Poll error 110 (Connection timed out)', '4---Xr--']);
});

test('an origin that drips bytes past the deadline fails with a receive error', async (t) => {
  const drip: OriginStep = (socket) => {
    const timer = setInterval(() => socket.write('H'), 20);
    socket.on('close', () => clearInterval(timer));
  };
  const origin = await scriptedOrigin(drip);
  t.after(() => origin.close());
  const r = await runProbe(backend(origin.port));
  assert.equal(r.outcome, 'recv_timeout');
  assert.equal(bits(r), '4---Xr--');
  // Which of vbp_poke's two texts depends on whether a byte landed in the last half millisecond.
  // vbp_poke rounds the time left to whole ms, so a read woken within half a millisecond before
  // the deadline also counts as timed out and prints t_now - t_end: "-0.000", as Varnish does.
  assert.match(r.response, /^(Poll error 110 \(Connection timed out\)|Poll timeout 0\.150s exceeded by (?:-0\.000|0\.\d{3})s)$/);
});

test('every status-line variant is judged as sscanf("HTTP/%*f %u ") does for expected 204', async (t) => {
  const lines: Array<[string, boolean]> = [
    ['HTTP/1.1 204', true], ['HTTP/2 204 OK', true], ['HTTP/1.0 204', true], ['HTTP/1.1 204x', true],
    ['HTTP/1.1 0204', true], ['FOO/1.1 204', false], ['http/1.1 204', false], [' HTTP/1.1 204', false],
    ['HTTP/1.1 2040', false], ['HTTP/1.1 200', false],
  ];
  const origin = await scriptedOrigin(lines.map(([line]) => answer(`${line}\r\nContent-Length: 0\r\n\r\n`)));
  t.after(() => origin.close());
  for (const [line, happy] of lines) {
    const r = await runProbe(backend(origin.port, {}, { expectedResponse: 204 }));
    assert.deepEqual([r.response, r.outcome], [line, happy ? 'happy' : 'bad_status'], line);
  }
});

test('only the first 127 bytes are kept for the status line', async (t) => {
  const long = 'HTTP/1.1 200 ' + 'x'.repeat(300);
  const origin = await scriptedOrigin(answer(`${long}\r\n\r\n`));
  t.after(() => origin.close());
  const r = await runProbe(backend(origin.port));
  assert.deepEqual([r.outcome, r.response], ['happy', long.slice(0, 127)]);
});

async function tlsOrigin(t: { after: (fn: () => Promise<void>) => void }, names: string[]) {
  const pems = await generate([{ name: 'commonName', value: names[0] }], {
    keyType: 'ec',
    extensions: [{ name: 'subjectAltName', altNames: names.map((value) => ({ type: 2 as const, value })) }],
  });
  const sni: Array<string | false | null> = [];
  const server = tls.createServer({ key: pems.private, cert: pems.cert });
  server.on('secureConnection', (s: tls.TLSSocket) => sni.push(s.servername));
  const origin = await scriptedOrigin(answer(OK), { server });
  t.after(() => origin.close());
  return { origin, cert: pems.cert, sni };
}

test('TLS: a self-signed certificate is sick with checking on and healthy with it off', async (t) => {
  const { origin } = await tlsOrigin(t, ['origin.test']);
  const checked = await runProbe(backend(origin.port, { ssl: true, sslCertHostname: 'origin.test' }));
  assert.deepEqual([checked.outcome, checked.response, bits(checked)],
    ['tls_error', 'Certificate verification failed (DEPTH_ZERO_SELF_SIGNED_CERT)', '4--x----']);
  assert.equal(origin.requests.length, 0);
  const unchecked = await runProbe(backend(origin.port, { ssl: true, sslCertHostname: 'origin.test', sslCheckCert: false }));
  assert.deepEqual([unchecked.outcome, unchecked.response, bits(unchecked)], ['happy', 'HTTP/1.1 200 OK', '4---X-RH']);
});

test('TLS: ssl_ca_cert is trusted and the certificate must name ssl_cert_hostname', async (t) => {
  const { origin, cert } = await tlsOrigin(t, ['origin.test']);
  const good = await runProbe(backend(origin.port, { ssl: true, sslCertHostname: 'origin.test', sslCaCert: cert }));
  assert.deepEqual([good.outcome, good.response], ['happy', 'HTTP/1.1 200 OK']);
  const wrong = await runProbe(backend(origin.port, { ssl: true, sslCertHostname: 'other.test', sslCaCert: cert }));
  assert.deepEqual([wrong.outcome, wrong.response], ['tls_error', 'Certificate verification failed (ERR_TLS_CERT_ALTNAME_INVALID)']);
  // With only the host (an address) to go by, the identity check fails too.
  const byHost = await runProbe(backend(origin.port, { ssl: true, sslCaCert: cert }));
  assert.deepEqual([byHost.outcome, byHost.response], ['tls_error', 'Certificate verification failed (ERR_TLS_CERT_ALTNAME_INVALID)']);
});

test('TLS: SNI is ssl_sni_hostname, else ssl_cert_hostname, else the host name, never an address', async (t) => {
  const { origin, sni } = await tlsOrigin(t, ['origin.test']);
  const lookup = async () => [{ address: '127.0.0.1', family: 4 as const }];
  const base = { ssl: true, sslCheckCert: false };
  await runProbe(backend(origin.port, { ...base, sslSniHostname: 'sni.test', sslCertHostname: 'cert.test' }));
  await runProbe(backend(origin.port, { ...base, sslCertHostname: 'cert.test' }));
  await runProbe(backend(origin.port, { ...base, host: 'host.test' }), { lookup });
  await runProbe(backend(origin.port, base));
  assert.deepEqual(sni, ['sni.test', 'cert.test', 'host.test', false]);
});
