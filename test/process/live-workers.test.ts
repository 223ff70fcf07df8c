// Versionless data inside one node whose edge runs in node:cluster workers: a dictionary item
// changed through the API reaches every worker (over IPC, applied in place).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { resolveServeOptions } from '../../src/process/options.ts';
import { startLacquer } from '../../src/process/primary.ts';
import { httpOrigin } from '../edge/helpers.ts';
import { TOKEN, waitFor } from '../integration/harness.ts';

const HOST = 'workers.live.example';

test('a dictionary item changed live reaches every cluster worker', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lacquer-live-workers-'));
  const running = await startLacquer(resolveServeOptions({
    edge: '127.0.0.1:0', api: '127.0.0.1:0', db: `sqlite:${path.join(dir, 'lacquer.db')}`, workers: '2', token: TOKEN, pop: 'w', logLevel: 'silent',
  }, {}), pino({ level: 'silent' }));
  t.after(async () => {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const origin = await httpOrigin(t, (_req, res) => res.writeHead(200, { 'cache-control': 'no-store' }).end('origin'));
  const ok = async (method: string, urlPath: string, body?: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${running.apiUrl}${urlPath}`, {
      method, headers: { 'fastly-key': TOKEN, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed = await res.json() as Record<string, unknown>;
    assert.equal(res.status, 200, `${method} ${urlPath} → ${JSON.stringify(parsed)}`);
    return parsed;
  };
  const sid = String((await ok('POST', '/service', { name: 'workers' })).id);
  const base = `/service/${sid}/version/1`;
  await ok('POST', `${base}/domain`, { name: HOST });
  await ok('POST', `${base}/backend`, { name: 'origin', address: '127.0.0.1', port: origin.port });
  const dictionary = String((await ok('POST', `${base}/dictionary`, { name: 'flags' })).id);
  await ok('POST', `${base}/snippet`, { name: 'flag', type: 'deliver', content: 'set resp.http.X-Flag = table.lookup(flags, "f", "unset");' });
  await ok('PUT', `${base}/activate`);

  // Fresh connections land on either worker; 20 answers in a row from both kinds of worker.
  const flags = async (): Promise<Set<string>> => {
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      seen.add(await new Promise<string>((resolve) => {
        const req = http.get({ host: '127.0.0.1', port: running.edgePort as number, path: '/', agent: false, headers: { host: HOST } }, (res) => {
          res.resume();
          res.on('end', () => resolve(String(res.headers['x-flag'] ?? res.statusCode)));
        });
        req.on('error', (err) => resolve(err.message));
      }));
    }
    return seen;
  };
  await waitFor(async () => { const s = await flags(); return s.size === 1 && s.has('unset'); }, 10_000, 'both workers serve the service');
  await ok('PUT', `/service/${sid}/dictionary/${dictionary}/item/f`, { item_value: 'on' });
  await waitFor(async () => { const s = await flags(); return s.size === 1 && s.has('on'); }, 2_000, 'every worker reads the new item');
  assert.equal(running.published(sid), 1);
});
