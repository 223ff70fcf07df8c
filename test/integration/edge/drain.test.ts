// SIGTERM drain of a real `lacquer serve` process tree with two edge workers (DESIGN.md §4.1):
// stop accepting, finish what is in flight, close, exit 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { httpOrigin } from '../../edge/helpers.ts';
import { request, TOKEN, waitFor, type EdgeReply } from '../harness.ts';

const BIN = fileURLToPath(new URL('../../../bin/lacquer.ts', import.meta.url));
const HOST = 'drain.example';

test('SIGTERM lets a slow request finish with 200, refuses new connections and exits 0', { timeout: 60_000 }, async (t) => {
  let release = (): void => {};
  let slowArrived = false;
  const { port: originPort } = await httpOrigin(t, (req, res) => {
    if (req.url !== '/slow') return void res.end('fast');
    slowArrived = true;
    release = () => res.end('slow done');
  });
  t.after(() => release());

  const dir = mkdtempSync(path.join(os.tmpdir(), 'lacquer-drain-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const child = spawn(process.execPath, [
    BIN, 'serve', '--workers', '2', '--edge', '127.0.0.1:0', '--tls', '127.0.0.1:0', '--api', '127.0.0.1:0',
    '--db', `sqlite:${path.join(dir, 'lacquer.db')}`, '--token', TOKEN, '--pop', 'drain',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });

  let apiUrl = '';
  let edgePort = 0;
  for await (const line of createInterface({ input: child.stdout })) {
    const api = /^control API on (http:\/\/\S+)$/.exec(line);
    const edge = /^edge on http:\/\/127\.0\.0\.1:(\d+)$/.exec(line);
    if (api !== null) apiUrl = api[1];
    if (edge !== null) edgePort = Number(edge[1]);
    if (apiUrl !== '' && edgePort !== 0) break;
  }
  assert.ok(apiUrl !== '' && edgePort > 0, `lacquer serve printed its addresses (stderr: ${stderr})`);
  child.stdout.resume();

  const api = async (method: string, urlPath: string, body?: unknown): Promise<{ id?: string }> => {
    const res = await fetch(`${apiUrl}${urlPath}`, {
      method, headers: { 'fastly-key': TOKEN, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    assert.ok(res.ok, `${method} ${urlPath} → ${res.status}`);
    return await res.json() as { id?: string };
  };
  const { id: sid } = await api('POST', '/service', { name: 'drain' });
  await api('POST', `/service/${sid}/version/1/domain`, { name: HOST });
  await api('POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: '127.0.0.1', port: originPort });
  await api('PUT', `/service/${sid}/version/1/activate`);
  // Both workers have the service once several requests in a row (spread by the primary) pass.
  let inARow = 0;
  await waitFor(async () => {
    const r = await request(edgePort, HOST, { path: '/fast' });
    inARow = r.status === 200 ? inARow + 1 : 0;
    return inARow >= 6;
  }, 10_000, 'every worker routes the new service');

  // A dashboard watching health must not hold the shutdown up.
  const events = http.get(`${apiUrl}/health/events`, { headers: { 'fastly-key': TOKEN } });
  events.on('error', () => {});
  await new Promise((resolve) => events.once('response', resolve));

  const slow = request(edgePort, HOST, { path: '/slow', timeoutMs: 30_000 });
  await waitFor(() => slowArrived, 5000, 'the slow request reached the origin');
  child.kill('SIGTERM');

  await waitFor(async () => {
    try {
      await request(edgePort, HOST, { path: '/fast', timeoutMs: 1000 });
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ECONNREFUSED';
    }
  }, 10_000, 'new connections are refused');
  assert.equal(child.exitCode, null, 'the process waits for the request in flight');

  release();
  const reply: EdgeReply = await slow;
  assert.equal(reply.statusLine, 'HTTP/1.1 200 OK');
  assert.equal(reply.body, 'slow done');
  assert.equal(reply.complete, true);
  assert.equal(await exited, 0, `exit code (stderr: ${stderr})`);
});
