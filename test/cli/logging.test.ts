// `lacquer logging <type> …` with the Fastly CLI's verbs, over the API's logging routes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCli } from './helpers.ts';

test('lacquer logging syslog create, list, update, describe and delete an endpoint; a bad field is the API\'s 400', async (t) => {
  const cli = await startCli(t);
  const sid = (await cli.json<{ id: string }>('service', 'create', '--name', 'cli-logs')).id;
  const at = ['--service-id', sid, '--version', '1'];
  const made = await cli.json('logging', 'syslog', 'create', ...at, '--name', 'central', '--address', '192.0.2.7', '--port', '6514', '--use-tls', '--message-type', 'loggly');
  assert.deepEqual([made.name, made.address, made.port, made.use_tls, made.message_type], ['central', '192.0.2.7', 6514, true, 'loggly']);
  assert.match(await cli.ok('logging', 'syslog', 'list', ...at), /central\s+192\.0\.2\.7\s+6514/);
  const updated = await cli.json('logging', 'syslog', 'update', ...at, '--name', 'central', '--format', '%h %>s');
  assert.equal(updated.format, '%h %>s');
  assert.equal((await cli.json('logging', 'syslog', 'describe', ...at, '--name', 'central')).format, '%h %>s');
  const bad = await cli.run(['logging', 'datadog', 'create', ...at, '--name', 'dd', '--auth-token', 'k', '--region', 'MARS']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /region: must be one of US, US3, US5, EU, AP1/);
  await cli.ok('logging', 'syslog', 'delete', ...at, '--name', 'central');
  assert.deepEqual(await cli.json('logging', 'syslog', 'list', ...at), []);
});
