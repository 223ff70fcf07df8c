// The control API's own request lines: one per request, at debug (src/control/request-log.ts).
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import pino from 'pino';
import { buildControlApi } from '../../src/control/index.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { vclValidator } from '../../src/vcl/index.ts';

async function apiLogging(t: TestContext, level: string): Promise<{ base: string; lines: Array<Record<string, unknown>> }> {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  const store = openSqliteStore(':memory:');
  const app = buildControlApi({ store, validator: vclValidator, pop: 'test', egress: ['192.0.2.0/24'], logger: pino({ level }, sink), adminToken: 'log-admin' });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  lines.length = 0;
  return { base, lines };
}

async function threeCalls(base: string): Promise<void> {
  await (await fetch(`${base}/service`, { headers: { 'fastly-key': 'log-admin' } })).text();
  await (await fetch(`${base}/service`)).text();
  await (await fetch(`${base}/no/such/route`, { headers: { 'fastly-key': 'log-admin' } })).text();
}

test('at the default info level the control API logs nothing per request', async (t) => {
  const { base, lines } = await apiLogging(t, 'info');
  await threeCalls(base);
  assert.deepEqual(lines.map((l) => l.msg), []);
});

test('at debug the control API logs one line per request with method, URL and status', async (t) => {
  const { base, lines } = await apiLogging(t, 'debug');
  await threeCalls(base);
  assert.deepEqual(lines.map((l) => [l.level, l.msg, l.method, l.url, l.status]), [
    [20, 'API request', 'GET', '/service', 200],
    [20, 'API request', 'GET', '/service', 401],
    [20, 'API request', 'GET', '/no/such/route', 404],
  ]);
  assert.ok(lines.every((l) => typeof l.ms === 'number'));
});
