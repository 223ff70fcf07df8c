// Replacing a service's active version under load (DESIGN.md §4.4: "a request sees the old
// version or the new one, never neither"), with the edge in the primary (`--workers 0`) and in
// node:cluster workers. Each version names itself: its backend sends `Host: vN`, which the
// origin echoes, so an answer says which version served it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import pino from 'pino';
import { resolveServeOptions } from '../../src/process/options.ts';
import { startLacquer, type Running } from '../../src/process/primary.ts';
import { httpOrigin } from '../edge/helpers.ts';
import { TOKEN, waitFor } from '../integration/harness.ts';

const HOST = 'swap.example';
const ACTIVATIONS = 200;
const CLIENTS = 4;

interface Stack {
  readonly running: Running;
  api(method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  get(host: string, urlPath: string): Promise<string>;
}

async function start(t: TestContext, workers: number): Promise<Stack> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lacquer-replace-'));
  const options = resolveServeOptions({
    edge: '127.0.0.1:0', tls: '127.0.0.1:0', api: '127.0.0.1:0', db: `sqlite:${path.join(dir, 'lacquer.db')}`, workers: String(workers),
    token: TOKEN, pop: 'swap', logLevel: 'silent',
  }, {});
  const running = await startLacquer(options, pino({ level: 'silent' }));
  t.after(async () => {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS + 2 });
  t.after(() => agent.destroy());
  return {
    running,
    async api(method, urlPath, body) {
      const res = await fetch(`${running.apiUrl}${urlPath}`, {
        method, headers: { 'fastly-key': TOKEN, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() as Record<string, unknown> };
    },
    get: (host, urlPath) => new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: running.edgePort as number, path: urlPath, agent, headers: { host } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => { body += c; });
        res.on('end', () => resolve(`${res.statusCode ?? 0} ${res.statusMessage ?? ''} ${body}`));
      });
      req.on('error', (err) => resolve(`client error ${err.message}`));
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    }),
  };
}

/** A service whose version 1 is active and sends `Host: v1` to an origin that echoes it (never cached). */
async function echoService(t: TestContext, lq: Stack, name: string, domains: readonly string[]): Promise<string> {
  const { port } = await httpOrigin(t, (req, res) => {
    res.writeHead(200, { 'cache-control': 'no-store' });
    res.end(req.headers.host);
  });
  const ok = async (method: string, urlPath: string, body?: unknown) => {
    const r = await lq.api(method, urlPath, body);
    assert.ok(r.status === 200, `${method} ${urlPath} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const sid = String((await ok('POST', '/service', { name })).id);
  for (const domain of domains) await ok('POST', `/service/${sid}/version/1/domain`, { name: domain });
  await ok('POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: '127.0.0.1', port, override_host: 'v1' });
  await ok('PUT', `/service/${sid}/version/1/activate`);
  return sid;
}

async function replaceUnderLoad(t: TestContext, workers: number): Promise<void> {
  const lq = await start(t, workers);
  const sid = await echoService(t, lq, 'swap', [HOST]);
  await waitFor(async () => (await lq.get(HOST, '/ready')) === '200 OK v1', 10_000, 'version 1 is served');

  const answers = new Map<string, number>();
  let stop = false;
  const client = async (): Promise<void> => {
    for (let i = 0; !stop; i++) {
      const a = await lq.get(HOST, `/load/${i}`);
      // Only the status line and whether a version answered: "200 OK v17" counts as "200 OK v*".
      const key = a.replace(/ v\d+$/, ' v*');
      answers.set(key, (answers.get(key) ?? 0) + 1);
    }
  };
  const load = Promise.all(Array.from({ length: CLIENTS }, client));

  // Each activation replaces the previous one at once: no waiting for the edge in between.
  for (let v = 2; v <= ACTIVATIONS + 1; v++) {
    const clone = await lq.api('PUT', `/service/${sid}/version/${v - 1}/clone`);
    assert.equal(clone.body.number, v);
    assert.equal((await lq.api('PUT', `/service/${sid}/version/${v}/backend/origin`, { override_host: `v${v}` })).status, 200);
    assert.equal((await lq.api('PUT', `/service/${sid}/version/${v}/activate`)).status, 200);
  }
  const last = `200 OK v${ACTIVATIONS + 1}`;
  await waitFor(async () => (await lq.get(HOST, '/last')) === last, 10_000, `the edge serves version ${ACTIVATIONS + 1}`);
  stop = true;
  await load;

  assert.deepEqual([...answers.keys()], ['200 OK v*'], `every answer during the activations: ${JSON.stringify([...answers])}`);
  assert.ok((answers.get('200 OK v*') ?? 0) >= ACTIVATIONS, `the clients kept requesting throughout: ${answers.get('200 OK v*')}`);
  assert.equal(lq.running.published(sid), ACTIVATIONS + 1);
  // Still the last one a moment later: no older load lands after it.
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(await lq.get(HOST, '/after'), last);
}

test(`${ACTIVATIONS} replacements under load with the edge in the primary: every request is answered 200 and the last version serves`, { timeout: 180_000 }, async (t) => {
  await replaceUnderLoad(t, 0);
});

test(`${ACTIVATIONS} replacements under load with two cluster workers: every request is answered 200 and the last version serves`, { timeout: 180_000 }, async (t) => {
  await replaceUnderLoad(t, 2);
});

test('a domain moved from one service to another by two activations is unrouted between them, then routes to its new service', { timeout: 30_000 }, async (t) => {
  const lq = await start(t, 0);
  const a = await echoService(t, lq, 'a', ['moving.example', 'a.example']);
  const b = await echoService(t, lq, 'b', ['b.example']);
  await waitFor(async () => (await lq.get('moving.example', '/')) === '200 OK v1', 5_000, 'service a serves moving.example');
  // The Store refuses b's activation while a's active version still lists the domain.
  await lq.api('PUT', `/service/${b}/version/1/clone`);
  await lq.api('POST', `/service/${b}/version/2/domain`, { name: 'moving.example' });
  await lq.api('PUT', `/service/${b}/version/2/backend/origin`, { override_host: 'b-v2' });
  assert.equal((await lq.api('PUT', `/service/${b}/version/2/activate`)).status, 409);

  await lq.api('PUT', `/service/${a}/version/1/clone`);
  assert.equal((await lq.api('DELETE', `/service/${a}/version/2/domain/moving.example`)).status, 200);
  assert.equal((await lq.api('PUT', `/service/${a}/version/2/activate`)).status, 200);
  await waitFor(() => lq.running.published(a) === 2, 5_000, 'a version 2 is published');
  assert.equal(await lq.get('moving.example', '/'), '404 Domain Not Found 404 Domain Not Found: no service has the domain "moving.example"\n', 'between the two activations');
  assert.equal(await lq.get('a.example', '/'), '200 OK v1', 'a keeps its other domain');

  assert.equal((await lq.api('PUT', `/service/${b}/version/2/activate`)).status, 200);
  await waitFor(() => lq.running.published(b) === 2, 5_000, 'b version 2 is published');
  assert.equal(await lq.get('moving.example', '/'), '200 OK b-v2');
  assert.equal(await lq.get('b.example', '/'), '200 OK b-v2');
});
