// The CLI's HTTP client against a recording server on 127.0.0.1:0.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { ApiClient, apiPath, CliError } from '../../src/cli/api-client.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

async function recorder(t: TestContext, answer: (s: Seen) => [number, string, string?]): Promise<{ base: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(s);
      const [status, text, type = 'application/json'] = answer(s);
      res.writeHead(status, { 'content-type': type }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

test('apiPath percent-encodes each segment', () => {
  assert.equal(apiPath('service', 'S1', 'version', 2, 'backend', 'a/b c'), '/service/S1/version/2/backend/a%2Fb%20c');
});

test('requests carry Fastly-Key and send form or JSON bodies', async (t) => {
  const { base, seen } = await recorder(t, () => [200, '{"ok":true}']);
  const client = new ApiClient({ baseUrl: `${base}/`, token: 'tok' });
  assert.deepEqual(await client.post('/service', { form: { name: 'a b', headers: '["X: 1"]' } }), { ok: true });
  await client.put('/x', { json: { port: 443 } });
  await client.get('/y');
  assert.deepEqual(seen.map((s) => [s.method, s.url, s.headers['fastly-key'], s.headers['content-type'], s.body]), [
    ['POST', '/service', 'tok', 'application/x-www-form-urlencoded', 'name=a+b&headers=%5B%22X%3A+1%22%5D'],
    ['PUT', '/x', 'tok', 'application/json', '{"port":443}'],
    ['GET', '/y', 'tok', undefined, ''],
  ]);
});

test('without a token no Fastly-Key header is sent', async (t) => {
  const { base, seen } = await recorder(t, () => [200, '[]']);
  await new ApiClient({ baseUrl: base, token: null }).get('/service');
  assert.equal(seen[0].headers['fastly-key'], undefined);
});

test('{msg, detail, errors} answers become a CliError with the status', async (t) => {
  const { base } = await recorder(t, (s) => (s.url === '/bad'
    ? [400, '{"msg":"Version failed to activate","detail":"a\\nb","errors":["main:1:1 error x: y"]}']
    : [502, '<html>gateway</html>', 'text/html']));
  const client = new ApiClient({ baseUrl: base, token: 't' });
  await assert.rejects(client.get('/bad'), (e: unknown) => {
    assert.ok(e instanceof CliError);
    assert.deepEqual([e.status, e.msg, e.detail, e.errors], [400, 'Version failed to activate', 'a\nb', ['main:1:1 error x: y']]);
    return true;
  });
  await assert.rejects(client.get('/other'), (e: unknown) => {
    assert.ok(e instanceof CliError);
    assert.deepEqual([e.status, e.msg, e.detail], [502, 'HTTP 502', '<html>gateway</html>']);
    return true;
  });
});
