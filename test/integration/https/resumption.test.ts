// TLS session resumption across the workers of a node (DESIGN.md §4.4 HTTPS): the primary
// shares the session ticket keys with every worker, so a client resumes whichever worker
// takes its reconnection; and the protocol policy (src/edge/tls/policy.ts) as a client sees it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { test, type TestContext } from 'node:test';
import pino from 'pino';
import { resolveServeOptions } from '../../../src/process/options.ts';
import { startLacquer, type Running } from '../../../src/process/primary.ts';
import { httpOrigin } from '../../edge/helpers.ts';
import { makeCa, material, type TestCa } from '../../support/certificates.ts';
import { TOKEN, waitFor } from '../harness.ts';
import { sClient } from './clients.ts';

const HOST = 'resume.example.test';

async function start(t: TestContext, workers: number): Promise<{ running: Running; ca: TestCa }> {
  const ca = makeCa(t);
  const leaf = ca.leaf([HOST]);
  const origin = await httpOrigin(t, (_req, res) => res.end('ok'));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lacquer-resume-'));
  const options = resolveServeOptions({
    edge: '127.0.0.1:0', tls: '127.0.0.1:0', api: '127.0.0.1:0', db: `sqlite:${path.join(dir, 'lacquer.db')}`, workers: String(workers),
    token: TOKEN, pop: 'resume', logLevel: 'silent',
  }, {});
  const running = await startLacquer(options, pino({ level: 'silent' }), { tlsMaterial: async () => material(1, [[HOST, leaf]]) });
  t.after(async () => {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const api = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${running.apiUrl}${p}`, { method, headers: { 'fastly-key': TOKEN, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    assert.ok(res.ok, `${method} ${p} → ${res.status}`);
    return await res.json() as { id: string };
  };
  const sid = (await api('POST', '/service', { name: 'resume' })).id;
  await api('POST', `/service/${sid}/version/1/domain`, { name: HOST });
  await api('POST', `/service/${sid}/version/1/backend`, { name: 'o', address: '127.0.0.1', port: origin.port });
  await api('POST', `/service/${sid}/version/1/vcl`, {
    name: 'main.vcl', main: true,
    content: 'sub vcl_recv {\n  #FASTLY recv\n  return(pass);\n}\nsub vcl_deliver {\n  #FASTLY deliver\n  set resp.http.X-Worker = server.identity;\n  return(deliver);\n}\n',
  });
  await api('PUT', `/service/${sid}/version/1/activate`);
  await waitFor(() => running.published(sid) === 1, 5_000, 'the service reaches the edge');
  return { running, ca };
}

interface Visit {
  readonly worker: string;
  readonly reused: boolean;
  readonly session: Buffer | null;
}

/** One HTTPS request on a new connection, offering `session` for resumption. */
function visit(port: number, ca: string, session: Buffer | null, maxVersion: tls.SecureVersion): Promise<Visit> {
  return new Promise((resolve, reject) => {
    let ticket: Buffer | null = null;
    let text = '';
    let reused = false;
    const socket = tls.connect({ host: '127.0.0.1', port, servername: HOST, ca, maxVersion, ALPNProtocols: ['http/1.1'], ...(session === null ? {} : { session }) });
    socket.on('session', (s: Buffer) => { ticket = s; });
    socket.on('secureConnect', () => {
      reused = socket.isSessionReused();
      socket.write(`GET / HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n\r\n`);
    });
    socket.on('data', (c: Buffer) => { text += String(c); });
    socket.on('error', reject);
    socket.on('close', () => {
      const worker = /\r\nx-worker: (.*)\r\n/i.exec(text)?.[1] ?? '';
      resolve({ worker, reused, session: ticket });
    });
  });
}

for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
  test(`a ${version} session made with one worker resumes on another worker of the node`, async (t) => {
    const { running, ca } = await start(t, 2);
    const port = running.tlsPort as number;
    const first = await visit(port, ca.caPem, null, version);
    assert.notEqual(first.worker, '');
    assert.equal(first.reused, false);
    assert.notEqual(first.session, null, 'the edge issued a session ticket');
    // node:cluster hands connections to workers in turn: within a few reconnections another takes one.
    let other: Visit | null = null;
    for (let i = 0; i < 12 && other === null; i++) {
      const v = await visit(port, ca.caPem, first.session, version);
      if (v.worker !== first.worker) other = v;
    }
    assert.notEqual(other, null, 'another worker took a reconnection');
    assert.equal(other?.reused, true, 'and resumed the session another worker made');
  });
}

test('TLS 1.0 and 1.1, suites outside the policy and client renegotiation are refused', async (t) => {
  const { running, ca } = await start(t, 0);
  const port = running.tlsPort as number;
  for (const flag of ['-tls1', '-tls1_1']) {
    const r = await sClient(port, HOST, [flag, '-cipher', 'DEFAULT@SECLEVEL=0']);
    assert.notEqual(r.code, 0, flag);
    assert.match(r.stderr, /alert protocol version|no protocols available|unsupported protocol/, `${flag}: ${r.stderr}`);
  }
  // A TLS 1.2 suite without forward secrecy (RSA key exchange, CBC) is not offered by the edge.
  const weak = await sClient(port, HOST, ['-tls1_2', '-cipher', 'AES128-SHA']);
  assert.notEqual(weak.code, 0);
  assert.match(weak.stderr, /handshake failure|no shared cipher/, weak.stderr);
  const good = await sClient(port, HOST, ['-tls1_2', '-cipher', 'ECDHE-ECDSA-CHACHA20-POLY1305', '-CAfile', ca.caFile, '-verify_return_error']);
  assert.equal(good.code, 0, good.stderr);
  assert.match(good.stdout, /Cipher is ECDHE-ECDSA-CHACHA20-POLY1305/);

  const refused = await new Promise<Error | null>((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: HOST, ca: ca.caPem, maxVersion: 'TLSv1.2' }, () => {
      socket.renegotiate({}, (err) => {
        resolve(err);
        socket.destroy();
      });
    });
    socket.on('error', (err) => resolve(err));
    setTimeout(() => reject(new Error('no answer to the renegotiation within 5 s')), 5_000).unref();
  });
  assert.notEqual(refused, null, 'the renegotiation failed');
  assert.match(String(refused?.message), /no renegotiation|alert/i);
});
