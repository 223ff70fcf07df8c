// The Fastly CLI (v16, npm @fastly/cli), unchanged, against lacquer (DESIGN.md §4.2). Its API and
// account endpoints point at the local server; HTTP(S)_PROXY points at a local recorder that
// refuses everything, so any attempt to reach another host (update checks) fails and is seen
// (test/support/fastly-cli.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startEdgeStack, TOKEN, waitFor } from '../integration/harness.ts';
import { httpOrigin } from '../edge/helpers.ts';
import { taggedSite } from '../integration/cache/tagged-site.ts';
import { fastlyCli } from '../support/fastly-cli.ts';
import { ADMIN, startApi } from './helpers.ts';

test('the Fastly CLI v16 creates a service, manages backends and healthchecks, clones and activates', async (t) => {
  const api = await startApi(t);
  const { run: fastly, proxySeen } = await fastlyCli(t, api.base, ADMIN);

  const created = await fastly('service', 'create', '--name', 'cli-demo');
  const sid = /Created service ([0-9A-Za-z]{22})/.exec(created)?.[1];
  assert.ok(sid, created);
  const v = ['--service-id', sid, '--version', '1'];

  await fastly('service', 'backend', 'create', ...v, '--name', 'origin', '--address', 'origin.example', '--port', '443', '--override-host', 'www.example');
  await fastly('service', 'backend', 'create', ...v, '--name', 'second', '--address', '192.0.2.7');
  const listed = JSON.parse(await fastly('service', 'backend', 'list', ...v, '--json')) as Array<Record<string, unknown>>;
  assert.deepEqual(listed.map((b) => [b.Name, b.Address, b.Port, b.UseSSL, b.OverrideHost]), [
    ['origin', 'origin.example', 443, true, 'www.example'],
    ['second', '192.0.2.7', 80, false, '192.0.2.7'], // the CLI sends override_host = address itself
  ]);
  assert.match(await fastly('service', 'backend', 'describe', ...v, '--name', 'origin'), /Address: origin\.example\nPort: 443\n/);

  await fastly('service', 'healthcheck', 'create', ...v, '--name', 'hc', '--path', '/health', '--check-interval', '10000', '--method', 'GET');
  const hcs = JSON.parse(await fastly('service', 'healthcheck', 'list', ...v, '--json')) as Array<Record<string, unknown>>;
  assert.deepEqual(hcs.map((h) => [h.Name, h.Path, h.CheckInterval, h.Method, h.Window]), [['hc', '/health', 10000, 'GET', 5]]);

  await fastly('service', 'backend', 'update', ...v, '--name', 'origin', '--healthcheck', 'hc', '--first-byte-timeout', '5000');
  await fastly('service', 'backend', 'delete', ...v, '--name', 'second');
  const after = JSON.parse(await fastly('service', 'backend', 'list', ...v, '--json')) as Array<Record<string, unknown>>;
  assert.deepEqual(after.map((b) => [b.Name, b.HealthCheck, b.FirstByteTimeout]), [['origin', 'hc', 5000]]);

  assert.match(await fastly('service', 'version', 'activate', ...v), /Activated service .* version 1/);
  assert.match(await fastly('service', 'version', 'clone', '--service-id', sid, '--version', 'active'), /Cloned service .* version 1 to version 2/);
  assert.match(await fastly('service', 'version', 'activate', '--service-id', sid, '--version', 'latest'), /Activated service .* version 2/);
  const versions = (await api.call('GET', `/service/${sid}/version`)).body as Array<{ number: number; active: boolean }>;
  assert.deepEqual(versions.map((x) => [x.number, x.active]), [[1, false], [2, true]]);
  // Whatever the CLI tried beyond the local API was refused by the proxy; none of it was needed.
  t.diagnostic(`requests refused by the proxy: ${JSON.stringify(proxySeen)}`);
  assert.ok(proxySeen.every((s) => !s.includes('127.0.0.1')));
});

test('the Fastly CLI v16 purges by key, by a file of keys, by URL (hard and soft) and everything', async (t) => {
  const lq = await startEdgeStack(t);
  const { sid, states } = await taggedSite(t, lq, 'cli.example', { '/k': 'news', '/f1': 'sport', '/f2': 'weather', '/u': 'x', '/s': 'x', '/other': 'x' });
  const { run: fastly, proxySeen } = await fastlyCli(t, lq.apiUrl, TOKEN);

  assert.match(await fastly('service', 'purge', '--service-id', sid, '--key', 'news'), /Purged key: news.*ID: scn-/);
  assert.deepEqual(await states(), ['MISS', 'HIT', 'HIT', 'HIT', 'HIT', 'HIT']);

  const dir = mkdtempSync(join(tmpdir(), 'lacquer-keys-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'keys.txt');
  writeFileSync(file, 'sport\nweather\n');
  const fromFile = await fastly('service', 'purge', '--service-id', sid, '--file', file);
  assert.match(fromFile, /sport\s+scn-/);
  assert.match(fromFile, /weather\s+scn-/);
  assert.deepEqual(await states(), ['HIT', 'MISS', 'MISS', 'HIT', 'HIT', 'HIT']);

  assert.match(await fastly('service', 'purge', '--service-id', sid, '--url', 'http://cli.example/u'), /Purged URL: http:\/\/cli\.example\/u \(soft: false\)\. Status: ok, ID: scn-/);
  assert.match(await fastly('service', 'purge', '--service-id', sid, '--url', 'http://cli.example/s', '--soft'), /\(soft: true\)\. Status: ok/);
  assert.deepEqual(await states(), ['HIT', 'HIT', 'HIT', 'MISS', 'MISS', 'HIT']);

  assert.match(await fastly('service', 'purge', '--service-id', sid, '--all'), /Purge all status: ok/);
  assert.deepEqual(await states(), ['MISS', 'MISS', 'MISS', 'MISS', 'MISS', 'MISS']);
  assert.ok(proxySeen.every((s) => !s.includes('127.0.0.1')));
});

test('the Fastly CLI v16 lists the POPs of /datacenters with `fastly pops`', async (t) => {
  const lq = await startEdgeStack(t, { pop: 'ams' });
  const { run: fastly } = await fastlyCli(t, lq.apiUrl, TOKEN);
  const out = await fastly('pops');
  t.diagnostic(out);
  const rows = out.trim().split('\n').map((l) => l.trim().split(/\s+/));
  assert.deepEqual(rows[0], ['NAME', 'CODE', 'GROUP', 'SHIELD', 'COORDINATES']);
  assert.deepEqual(rows.slice(1).map((r) => r.slice(0, 2)), [['ams', 'ams']]);
  assert.match(out, /ams\s+ams\s+.*ams/);
});

test('a condition, a conditioned backend and a snippet made by the Fastly CLI v16 run at the edge once it activates', async (t) => {
  const lq = await startEdgeStack(t);
  const origins = await Promise.all(['main', 'api'].map(async (name) => (await httpOrigin(t, (req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=60' });
    res.end(`${name} ${req.url ?? ''}`);
  })).port));
  const { run: fastly } = await fastlyCli(t, lq.apiUrl, TOKEN);
  const sid = /Created service (\S+)/.exec(await fastly('service', 'create', '--name', 'cli-edge'))?.[1] ?? '';
  const v = ['--service-id', sid, '--version', '1'];
  await fastly('service', 'domain', 'create', ...v, '--name', 'cli-edge.example');
  await fastly('service', 'backend', 'create', ...v, '--name', 'main', '--address', '127.0.0.1', '--port', String(origins[0]));
  await fastly('service', 'vcl', 'condition', 'create', ...v, '--name', 'is_api', '--statement', 'req.url ~ "^/api/"', '--type', 'REQUEST');
  await fastly('service', 'backend', 'create', ...v, '--name', 'api', '--address', '127.0.0.1', '--port', String(origins[1]), '--request-condition', 'is_api');
  await fastly('service', 'vcl', 'snippet', 'create', ...v, '--name', 'tag', '--type', 'deliver', '--content', 'set resp.http.X-Tag = "cli";');
  await fastly('service', 'version', 'activate', ...v);
  await waitFor(() => lq.running.published(sid) === 1, 5_000, 'version 1 reaches the edge');

  const page = await lq.edge('cli-edge.example', { path: '/page' });
  assert.deepEqual([page.status, page.body, page.headers['x-tag']], [200, 'main /page', 'cli']);
  const api = await lq.edge('cli-edge.example', { path: '/api/items' });
  assert.deepEqual([api.status, api.body, api.headers['x-tag']], [200, 'api /api/items', 'cli']);
});
