// The VCL examples of docs/vcl.md's "Compression at the edge" and "Edge Side Includes"
// sections, run as written against a scripted origin: they do what the sections say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { httpOrigin } from '../../edge/helpers.ts';
import { startEdgeStack } from '../harness.ts';
import { get, gunzip, unbrotli } from './client.ts';

const doc = readFileSync(join(import.meta.dirname, '../../../docs/vcl.md'), 'utf8');

function example(heading: string): string {
  const at = doc.indexOf(`\n## ${heading}\n`);
  assert.ok(at >= 0, `docs/vcl.md has a "${heading}" section`);
  const m = /```vcl\n([\s\S]*?)```/.exec(doc.slice(at));
  assert.ok(m !== null);
  return m[1];
}

test('the compression example compresses text for clients that accept br or gzip and varies on Accept-Encoding', async (t) => {
  const body = 'text '.repeat(1000);
  const { port } = await httpOrigin(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=60' });
    res.end(body);
  });
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: ['docs.example'], backends: [{ name: 'origin', address: '127.0.0.1', port }], vcl: example('Compression at the edge') });
  const br = await get(lq.edgePort, 'docs.example', '/', { 'accept-encoding': 'gzip, br' });
  assert.deepEqual([br.headers['content-encoding'], br.headers.vary, unbrotli(br.body)], ['br', 'Accept-Encoding', body]);
  const gz = await get(lq.edgePort, 'docs.example', '/', { 'accept-encoding': 'gzip' });
  assert.deepEqual([gz.headers['content-encoding'], gunzip(gz.body)], ['gzip', body]);
  const plain = await get(lq.edgePort, 'docs.example', '/');
  assert.deepEqual([plain.headers['content-encoding'], plain.headers.vary, plain.body.toString()], [undefined, 'Accept-Encoding', body]);
});

test('the ESI example assembles an HTML page, and its include reaches vcl_recv with req.esi_level 1', async (t) => {
  const fragmentHeaders: Array<string | undefined> = [];
  const { port } = await httpOrigin(t, (req, res) => {
    res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'max-age=60' });
    if (req.url === '/') res.end('<body><esi:include src="/nav"/></body>');
    else {
      fragmentHeaders.push(req.headers['x-fragment'] as string | undefined);
      res.end('<nav/>');
    }
  });
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: ['docs.example'], backends: [{ name: 'origin', address: '127.0.0.1', port }], vcl: example('Edge Side Includes') });
  const page = await get(lq.edgePort, 'docs.example', '/');
  assert.equal(page.body.toString(), '<body><nav/></body>');
  assert.deepEqual(fragmentHeaders, ['1']);
});
