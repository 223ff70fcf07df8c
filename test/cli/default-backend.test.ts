// The `lacquer` CLI shows which backend serves by default, and passes on activation warnings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCli } from './helpers.ts';

test('backend list marks the default backend: the first added, not the first by name', async (t) => {
  const cli = await startCli(t);
  const sid = String((await cli.json('service', 'create', '--name', 'www')).id);
  const s = ['--service-id', sid, '--version', '1'];
  await cli.ok('backend', 'create', ...s, '--name', 'zeta', '--address', '192.0.2.1');
  await cli.ok('backend', 'create', ...s, '--name', 'alpha', '--address', '192.0.2.2');
  const table = await cli.ok('backend', 'list', ...s);
  assert.deepEqual(table.split('\n').map((l) => l.split(/\s{2,}/).filter((c) => c !== '').at(-1) ?? ''), ['DEFAULT', '-', 'yes', '']);
  assert.match(table, /^zeta .* yes$/m);
  // --json stays the API's own list.
  assert.deepEqual((await cli.json<Array<Record<string, unknown>>>('backend', 'list', ...s)).map((b) => [b.name, 'DEFAULT' in b]), [['alpha', false], ['zeta', false]]);
});

test('version activate prints the warnings of the activation', async (t) => {
  const cli = await startCli(t);
  const sid = String((await cli.json('service', 'create', '--name', 'www')).id);
  await cli.ok('backend', 'create', '--service-id', sid, '--version', '1', '--name', 'origin', '--address', '192.0.2.1');
  const r = await cli.run(['version', 'activate', '--service-id', sid, '--version', '1']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `Activated version 1 of service ${sid}\n`);
  assert.equal(r.stderr, 'warning: no-domain: version 1 has no domain: once active it receives no traffic\n');
});
