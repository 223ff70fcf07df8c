// The Fastly CLI (v16, npm @fastly/cli), unchanged, on whoami, dictionaries and their entries,
// ACLs and their entries, and dynamic snippets (DESIGN.md §4.2). Its API endpoint is the local
// server; any other host it tries (update checks) goes to a proxy that refuses everything.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ADMIN, startApi } from '../helpers.ts';

const FASTLY = join(import.meta.dirname, '../../../node_modules/@fastly/cli-linux-x64/fastly');

async function cli(t: TestContext, base: string): Promise<{ run: (...args: string[]) => Promise<string>; home: string }> {
  const proxy = createServer((_req, res) => res.writeHead(502).end());
  proxy.on('connect', (_req, socket) => {
    socket.on('error', () => undefined);
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => proxy.close(() => resolve())));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const home = mkdtempSync(join(tmpdir(), 'lacquer-fastly-cli-live-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const env = {
    PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: join(home, '.config'),
    FASTLY_API_ENDPOINT: base, FASTLY_ACCOUNT_ENDPOINT: base, FASTLY_API_TOKEN: ADMIN,
    HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, NO_PROXY: '127.0.0.1',
  };
  const run = (...args: string[]): Promise<string> => new Promise((resolve, reject) => {
    execFile(FASTLY, [...args, '--non-interactive'], { env, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`fastly ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
  return { run, home };
}

test('the Fastly CLI v16: whoami, dictionary entries, ACL entries and a dynamic snippet', async (t) => {
  const api = await startApi(t);
  const { run: fastly, home } = await cli(t, api.base);
  assert.equal(await fastly('whoami'), 'lacquer administrator <admin>\n');

  const { id: sid } = (await api.call('POST', '/service', 'name=cli-live')).body as { id: string };
  const v = ['--service-id', sid, '--version', '1'];
  await fastly('dictionary', 'create', ...v, '--name', 'flags');
  const dicts = JSON.parse(await fastly('dictionary', 'list', ...v, '--json')) as Array<{ DictionaryID: string; Name: string }>;
  const did = dicts[0].DictionaryID;
  assert.equal(dicts[0].Name, 'flags');
  await fastly('dictionary-entry', 'create', '--service-id', sid, '--dictionary-id', did, '--key', 'a', '--value', '1');
  await fastly('dictionary-entry', 'update', '--service-id', sid, '--dictionary-id', did, '--key', 'a', '--value', '2');
  const batch = join(home, 'batch.json');
  writeFileSync(batch, JSON.stringify({ items: [{ op: 'upsert', item_key: 'b', item_value: '3' }] }));
  await fastly('dictionary-entry', 'update', '--service-id', sid, '--dictionary-id', did, '--file', batch);
  const entries = JSON.parse(await fastly('dictionary-entry', 'list', '--service-id', sid, '--dictionary-id', did, '--json')) as Array<{ ItemKey: string; ItemValue: string }>;
  assert.deepEqual(entries.map((e) => [e.ItemKey, e.ItemValue]), [['a', '2'], ['b', '3']]);
  await fastly('dictionary-entry', 'delete', '--service-id', sid, '--dictionary-id', did, '--key', 'a');

  await fastly('acl', 'create', ...v, '--name', 'office');
  const acls = JSON.parse(await fastly('acl', 'list', ...v, '--json')) as Array<{ ACLID: string }>;
  const aclId = acls[0].ACLID;
  await fastly('service', 'acl-entry', 'create', '--service-id', sid, '--acl-id', aclId, '--ip', '192.0.2.0', '--subnet', '24', '--negated');
  const aclEntries = JSON.parse(await fastly('service', 'acl-entry', 'list', '--service-id', sid, '--acl-id', aclId, '--json')) as Array<{ EntryID: string; IP: string; Subnet: number; Negated: boolean }>;
  assert.deepEqual(aclEntries.map((e) => [e.IP, e.Subnet, e.Negated]), [['192.0.2.0', 24, true]]);
  await fastly('service', 'acl-entry', 'delete', '--service-id', sid, '--acl-id', aclId, '--id', aclEntries[0].EntryID);

  await fastly('vcl', 'snippet', 'create', ...v, '--name', 'dyn', '--type', 'recv', '--dynamic', '--content', 'set req.http.X = "1";');
  const snippet = JSON.parse(await fastly('vcl', 'snippet', 'describe', ...v, '--name', 'dyn', '--json')) as { SnippetID: string; Dynamic: number };
  assert.equal(snippet.Dynamic, 1);
  await fastly('vcl', 'snippet', 'update', ...v, '--dynamic', '--snippet-id', snippet.SnippetID, '--content', 'set req.http.X = "2";');
  assert.match(await fastly('vcl', 'snippet', 'describe', ...v, '--dynamic', '--snippet-id', snippet.SnippetID), /set req\.http\.X = "2";/);
});
