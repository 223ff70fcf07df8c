// The Fastly CLI (v16), unchanged, managing logging endpoints against lacquer: it is a Go client
// on go-fastly, the library the Terraform provider uses, so its decoding of lacquer's answers
// (format_version, port, use_tls) is the provider's. Every other host is refused, as in
// ./fastly-cli.test.ts.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ADMIN, startApi } from './helpers.ts';

const FASTLY = join(import.meta.dirname, '../../node_modules/@fastly/cli-linux-x64/fastly');

async function fastlyCli(t: TestContext, base: string): Promise<(...args: string[]) => Promise<string>> {
  const proxy = createServer((_req, res) => res.writeHead(502).end());
  proxy.on('connect', (_req, socket) => { socket.on('error', () => undefined); socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'); });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => proxy.close(() => resolve())));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const home = mkdtempSync(join(tmpdir(), 'lacquer-fastly-cli-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const env = {
    PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: join(home, '.config'),
    FASTLY_API_ENDPOINT: base, FASTLY_ACCOUNT_ENDPOINT: base, FASTLY_API_TOKEN: ADMIN, HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, NO_PROXY: '127.0.0.1',
  };
  return (...args) => new Promise((resolve, reject) => {
    execFile(FASTLY, [...args, '--non-interactive'], { env, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`fastly ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

test('the Fastly CLI v16 creates, lists, describes, updates and deletes syslog and datadog endpoints', async (t) => {
  const api = await startApi(t);
  const fastly = await fastlyCli(t, api.base);
  const sid = ((await api.call('POST', '/service', { name: 'cli-logs' })).body as { id: string }).id;
  const at = ['--service-id', sid, '--version', '1'];
  assert.match(await fastly('logging', 'syslog', 'create', ...at, '--name', 'central', '--address', '192.0.2.10', '--port', '6514', '--use-tls', '--message-type', 'loggly'),
    /Created Syslog logging endpoint central/);
  const listed = JSON.parse(await fastly('logging', 'syslog', 'list', ...at, '--json')) as Array<Record<string, unknown>>;
  assert.deepEqual(listed.map((e) => [e.Name, e.Address, e.Port, e.UseTLS, e.MessageType, e.FormatVersion]), [['central', '192.0.2.10', 6514, true, 'loggly', 2]]);
  assert.match(await fastly('logging', 'syslog', 'update', ...at, '--name', 'central', '--format', '%h %>s'), /Updated Syslog logging endpoint central/);
  assert.match(await fastly('logging', 'syslog', 'describe', ...at, '--name', 'central'), /Format: %h %>s/);
  assert.match(await fastly('logging', 'datadog', 'create', ...at, '--name', 'dd', '--auth-token', 'dd-key', '--region', 'EU'), /Created Datadog logging endpoint dd/);
  const dd = (await api.call('GET', `/service/${sid}/version/1/logging/datadog/dd`)).body as Record<string, unknown>;
  assert.deepEqual([dd.token, dd.region, dd.format_version], ['dd-key', 'EU', 2]);
  assert.match(await fastly('logging', 'syslog', 'delete', ...at, '--name', 'central'), /Deleted Syslog logging endpoint central/);
  assert.deepEqual((await api.call('GET', `/service/${sid}/version/1/logging/syslog`)).body, []);
});
