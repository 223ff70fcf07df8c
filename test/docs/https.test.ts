// docs/https.md's examples, run as written: the --tls values and error, and the VCL example at
// the edge over HTTPS and plain HTTP.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveServeOptions } from '../../src/process/options.ts';
import { httpOrigin } from '../edge/helpers.ts';
import { httpsRequest } from '../integration/https/clients.ts';
import { startEdgeStack } from '../integration/harness.ts';
import { makeCa, material } from '../support/certificates.ts';

const DOC = readFileSync(join(import.meta.dirname, '../../docs/https.md'), 'utf8');

test('the --tls values docs/https.md shows are accepted, and its error is the one lacquer gives', () => {
  const values = [...DOC.matchAll(/^lacquer serve --tls (\S+)/gm)].map((m) => m[1]);
  assert.deepEqual(values, ['0.0.0.0:443', 'off']);
  assert.deepEqual(resolveServeOptions({ tls: values[0] }, {}).tls, { host: '0.0.0.0', port: 443 });
  assert.equal(resolveServeOptions({ tls: values[1] }, {}).tls, null);
  const quoted = /`lacquer serve: (--tls: [^`]+)`/.exec(DOC)?.[1];
  assert.throws(() => resolveServeOptions({ tls: 'on' }, {}), { message: quoted });
});

test('the VCL example of docs/https.md tells the origin https or http', async (t) => {
  const vcl = /```vcl\n([\s\S]*?)```/.exec(DOC)?.[1];
  assert.ok(vcl !== undefined);
  const host = 'docs.example.test';
  const ca = makeCa(t);
  const leaf = ca.leaf([host]);
  const origin = await httpOrigin(t, (req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.end(String(req.headers['x-forwarded-proto']));
  });
  const lq = await startEdgeStack(t, { tlsMaterial: async () => material(1, [[host, leaf]]) });
  await lq.createService({ domains: [host], backends: [{ name: 'o', address: '127.0.0.1', port: origin.port }], vcl });
  assert.equal((await httpsRequest({ port: lq.tlsPort, host, ca: ca.caPem })).body, 'https');
  assert.equal((await httpsRequest({ port: lq.tlsPort, host, ca: ca.caPem, h2: true })).body, 'https');
  assert.equal((await lq.edge(host)).body, 'http');
});
