import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { EdgeServer } from '../../src/edge/server.ts';

function get(port: number, path: string, agent: http.Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

test('drain lets a request in flight finish, then stops accepting', async (t) => {
  let release = (): void => {};
  let slowStarted = (): void => {};
  const started = new Promise<void>((resolve) => { slowStarted = resolve; });
  const server = new EdgeServer({
    host: '127.0.0.1', port: 0,
    handler: (req, res) => {
      if (req.url !== '/slow') return void res.end('fast');
      release = () => res.end('slow done');
      slowStarted();
    },
  });
  const { port } = await server.listen();
  const agent = new http.Agent({ keepAlive: true });
  t.after(() => agent.destroy());

  assert.deepEqual(await get(port, '/fast', agent), { status: 200, body: 'fast' });
  const slow = get(port, '/slow', agent);
  await started;
  const drained = server.drain();
  assert.equal(server.inFlight, 1);
  release();
  assert.deepEqual(await slow, { status: 200, body: 'slow done' });
  await drained;
  await assert.rejects(get(port, '/fast', new http.Agent()), /ECONNREFUSED/);
});

test('drain closes connections still busy when the deadline passes', async (t) => {
  const server = new EdgeServer({ host: '127.0.0.1', port: 0, drainTimeoutMs: 50, handler: () => { /* never answers */ } });
  const { port } = await server.listen();
  const agent = new http.Agent();
  t.after(() => agent.destroy());
  const pending = get(port, '/hang', agent);
  await new Promise((r) => setTimeout(r, 20));
  await server.drain();
  await assert.rejects(pending, /socket hang up|ECONNRESET/);
});
