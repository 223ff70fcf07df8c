// The mapping from undici / Node errors to the catalogue, fed with errors that real failures
// on 127.0.0.1 produce (no hand-made error objects), plus the catalogue's own promises.

import assert from 'node:assert/strict';
import { promises as dnsPromises } from 'node:dns';
import { once } from 'node:events';
import { connect as netConnect } from 'node:net';
import { before, test, type TestContext } from 'node:test';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { createServer as createHttpsServer } from 'node:https';
import { Client } from 'undici';
import { EDGE_ERRORS, EdgeError, toEdgeError, type EdgeErrorCode, type ErrorContext } from '../../src/edge/errors.ts';
import { closedPort, dnsServer, fullBacklogPort, httpOrigin, portOf, selfSignedCert, tcpOrigin } from './helpers.ts';

let pem: { key: string; cert: string };
before(async () => {
  pem = await selfSignedCert(['origin.test']);
});

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  assert.fail('expected a failure');
}

async function socketError(socket: NodeJS.EventEmitter & { destroy(): void }): Promise<unknown> {
  const [err] = await once(socket, 'error');
  socket.destroy();
  return err;
}

async function undiciGet(t: TestContext, port: number, opts: ConstructorParameters<typeof Client>[1] = {}, readBody = false): Promise<unknown> {
  const c = new Client(`http://127.0.0.1:${port}`, opts);
  t.after(() => c.destroy());
  return rejection((async () => {
    const res = await c.request({ method: 'GET', path: '/' });
    if (readBody) await res.body.text();
  })());
}

async function httpsPort(t: TestContext): Promise<number> {
  const server = createHttpsServer(pem, (_q, s) => s.end());
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => { server.closeAllConnections(); server.close(); });
  return portOf(server);
}

function tlsError(port: number, options: ConnectionOptions): Promise<unknown> {
  return socketError(tlsConnect({ host: '127.0.0.1', port, ...options }));
}

interface Case {
  readonly name: string;
  readonly produce: (t: TestContext) => Promise<unknown>;
  /** The `code` the real failure carries, checked so the test notices when Node or undici change it. */
  readonly rawCode: string | RegExp;
  readonly expect: EdgeErrorCode;
  readonly ctx?: ErrorContext;
}

const cases: Case[] = [
  { name: 'ECONNREFUSED from a closed port', rawCode: 'ECONNREFUSED', expect: 'CONNECTION_REFUSED',
    produce: async () => socketError(netConnect(await closedPort(), '127.0.0.1')) },
  { name: 'undici connect timeout against a full accept queue', rawCode: 'UND_ERR_CONNECT_TIMEOUT', expect: 'CONNECT_TIMEOUT',
    produce: async (t) => undiciGet(t, await fullBacklogPort(t), { connectTimeout: 200 }) },
  { name: 'undici headers timeout from a silent origin', rawCode: 'UND_ERR_HEADERS_TIMEOUT', expect: 'FIRST_BYTE_TIMEOUT',
    produce: async (t) => undiciGet(t, await tcpOrigin(t, () => {}), { headersTimeout: 100 }) },
  { name: 'undici body timeout from a stalled body', rawCode: 'UND_ERR_BODY_TIMEOUT', expect: 'BACKEND_READ_ERROR',
    produce: async (t) => {
      const { port } = await httpOrigin(t, (_q, s) => { s.writeHead(200, { 'content-length': '10' }); s.write('x'); });
      return undiciGet(t, port, { bodyTimeout: 100 }, true);
    } },
  { name: 'ECONNRESET from an origin that resets', rawCode: 'ECONNRESET', expect: 'BACKEND_READ_ERROR',
    produce: async (t) => {
      const port = await tcpOrigin(t, (s) => s.once('data', () => s.resetAndDestroy()));
      const sock = netConnect(port, '127.0.0.1', () => sock.write('GET / HTTP/1.1\r\n\r\n'));
      return socketError(sock);
    } },
  { name: 'undici socket error when the origin closes mid-headers', rawCode: 'UND_ERR_SOCKET', expect: 'BACKEND_READ_ERROR',
    produce: async (t) => undiciGet(t, await tcpOrigin(t, (s) => s.once('data', () => s.end('HTTP/1.1 200 OK\r\nx-partial: 1\r\n')))) },
  { name: 'llhttp parse error on garbage', rawCode: /^(HPE_\w+|HTTPParserError)$/, expect: 'BACKEND_READ_ERROR',
    produce: async (t) => undiciGet(t, await tcpOrigin(t, (s) => s.once('data', () => s.end('garbage\r\n\r\n')))) },
  { name: 'a self-signed certificate', rawCode: 'DEPTH_ZERO_SELF_SIGNED_CERT', expect: 'CERT_VERIFICATION',
    produce: async (t) => tlsError(await httpsPort(t), { servername: 'origin.test' }) },
  { name: 'a certificate for another name', rawCode: 'ERR_TLS_CERT_ALTNAME_INVALID', expect: 'CERT_VERIFICATION',
    produce: async (t) => tlsError(await httpsPort(t), { servername: 'wrong.test', ca: pem.cert }) },
  { name: 'TLS spoken to a plain HTTP origin', rawCode: /^ERR_SSL_/, expect: 'SSL_HANDSHAKE',
    produce: async (t) => tlsError((await httpOrigin(t, (_q, s) => s.end())).port, { rejectUnauthorized: false }) },
  { name: 'a TLS version the origin refuses', rawCode: /^ERR_SSL_/, expect: 'SSL_HANDSHAKE',
    produce: async (t) => {
      const server = createHttpsServer({ ...pem, maxVersion: 'TLSv1.2' });
      server.on('tlsClientError', () => {});
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      t.after(() => server.close());
      return tlsError(portOf(server), { minVersion: 'TLSv1.3', rejectUnauthorized: false });
    } },
  { name: 'a reset during the TLS handshake', rawCode: 'ECONNRESET', expect: 'SSL_HANDSHAKE', ctx: { phase: 'connect', tls: true },
    produce: async (t) => tlsError(await tcpOrigin(t, (s) => s.once('data', () => s.resetAndDestroy())), { rejectUnauthorized: false }) },
  { name: 'NXDOMAIN from a DNS server', rawCode: 'ENOTFOUND', expect: 'DNS_LOOKUP_FAILED',
    produce: async (t) => {
      const dns = await dnsServer(t, new Map());
      const r = new dnsPromises.Resolver({ timeout: 500, tries: 1 });
      r.setServers([`127.0.0.1:${dns.port}`]);
      return rejection(r.resolve4('nowhere.test'));
    } },
  { name: 'an aborted undici request', rawCode: /^(UND_ERR_ABORTED|ABORT_ERR|)$/, expect: 'CLIENT_ABORTED',
    produce: async (t) => {
      const port = await tcpOrigin(t, () => {});
      const c = new Client(`http://127.0.0.1:${port}`);
      t.after(() => c.destroy());
      const ac = new AbortController();
      const p = c.request({ method: 'GET', path: '/', signal: ac.signal });
      setTimeout(() => ac.abort(), 20);
      return rejection(p);
    } },
];

for (const c of cases) {
  test(`maps ${c.name} to ${EDGE_ERRORS[c.expect].reason}`, async (t) => {
    const raw = await c.produce(t);
    // Node and undici errors carry a string `code`; undici's parser error may carry only its name.
    const { code, name } = raw as { code?: unknown; name?: unknown };
    const codeText = typeof code === 'string' ? code : name === 'HTTPParserError' ? name : '';
    if (typeof c.rawCode === 'string') assert.equal(codeText, c.rawCode);
    else assert.match(codeText, c.rawCode);
    const mapped = toEdgeError(raw, { backend: 'F_origin', ...c.ctx });
    assert.equal(mapped.code, c.expect);
    assert.equal(mapped.reason, EDGE_ERRORS[c.expect].reason);
    assert.equal(mapped.cause, raw);
    assert.equal(mapped.backend, 'F_origin');
  });
}

test('the catalogue carries Fastly reasons exactly, 503 for each except 508 Loop Detected', () => {
  const reasons = Object.fromEntries(Object.entries(EDGE_ERRORS).map(([k, v]) => [k, `${v.status} ${v.reason}`]));
  assert.deepEqual(reasons, {
    BACKEND_UNHEALTHY: '503 Backend is unhealthy',
    MAX_CONN: '503 Backend.max_conn reached',
    CONNECTION_REFUSED: '503 Connection refused',
    CONNECT_TIMEOUT: '503 Connection timed out',
    FIRST_BYTE_TIMEOUT: '503 first byte timeout',
    BACKEND_READ_ERROR: '503 backend read error',
    QUORUM_NOT_REACHED: '503 Quorum weight not reached',
    ALL_BACKENDS_FAILED: '503 All backends failed or unhealthy',
    SSL_HANDSHAKE: '503 SSL handshake error',
    CERT_VERIFICATION: '503 Certificate verification failed',
    DNS_LOOKUP_FAILED: '503 DNS lookup failed',
    LOOP_DETECTED: '508 Loop Detected',
    CLIENT_ABORTED: '503 Client closed request',
  });
});

test('only failures before any request byte was sent are retryable on another backend', () => {
  const retryable = Object.entries(EDGE_ERRORS).filter(([, v]) => v.retryable).map(([k]) => k).sort();
  assert.deepEqual(retryable, ['BACKEND_UNHEALTHY', 'CERT_VERIFICATION', 'CONNECTION_REFUSED', 'CONNECT_TIMEOUT', 'DNS_LOOKUP_FAILED', 'MAX_CONN', 'SSL_HANDSHAKE']);
});

test('an EdgeError passes through the mapping unchanged', () => {
  const e = new EdgeError('MAX_CONN', { backend: 'b' });
  assert.equal(toEdgeError(e), e);
  assert.equal(e.message, 'Backend.max_conn reached');
  assert.equal(e.source, 'upstream');
});
