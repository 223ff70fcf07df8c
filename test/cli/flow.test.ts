// The whole life of a service through the real `lacquer` CLI (a child process) against a real
// control API: what `list`/`describe --json` show is exactly what the flags created.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCli } from './helpers.ts';

type Obj = Record<string, unknown>;

function pick(o: Obj, keys: readonly string[]): Obj {
  return Object.fromEntries(keys.map((k) => [k, o[k]]));
}

test('service → backend → healthcheck → domain → activate → --autoclone edit → list/describe → delete', async (t) => {
  const cli = await startCli(t);
  const service = await cli.json('service', 'create', '--name', 'www', '--comment', 'main site');
  const sid = String(service.id);
  assert.match(sid, /^[0-9A-Za-z]{22}$/);
  assert.deepEqual(pick(service, ['name', 'comment', 'version']), { name: 'www', comment: 'main site', version: null });
  const s = ['--service-id', sid];

  await cli.ok('healthcheck', 'create', ...s, '--version', '1', '--name', 'health', '--path', '/healthz', '--host', 'origin.example.com',
    '--expected-response', '204', '--check-interval', '2000', '--window', '6', '--threshold', '4', '--initial', '3',
    '--header', 'X-Probe: 1', '--header', 'Accept: */*');
  const created = await cli.json('backend', 'create', ...s, '--version', '1', '--name', 'origin', '--address', 'origin.example.com',
    '--port', '443', '--ssl-cert-hostname', 'origin.example.com', '--ssl-sni-hostname', 'origin.example.com', '--override-host', 'www.example.com',
    '--connect-timeout', '2500', '--first-byte-timeout', '20000', '--between-bytes-timeout', '9000', '--max-conn', '50', '--weight', '40',
    '--healthcheck', 'health', '--share-key', 'shared1', '--min-tls-version', '1.2', '--no-ssl-check-cert', '--auto-loadbalance', '--comment', 'primary');
  const backendFields = {
    name: 'origin', address: 'origin.example.com', hostname: 'origin.example.com', port: 443, use_ssl: true, ssl_check_cert: false,
    ssl_cert_hostname: 'origin.example.com', ssl_sni_hostname: 'origin.example.com', override_host: 'www.example.com',
    connect_timeout: 2500, first_byte_timeout: 20000, between_bytes_timeout: 9000, max_conn: 50, weight: 40, healthcheck: 'health',
    share_key: 'shared1', min_tls_version: '1.2', auto_loadbalance: true, comment: 'primary', version: 1,
  };
  assert.deepEqual(pick(created, Object.keys(backendFields)), backendFields);
  const domain = await cli.json('domain', 'create', ...s, '--name', 'WWW.Example.com');
  assert.equal(domain.name, 'www.example.com');

  const activated = await cli.json('version', 'activate', ...s, '--version', 'latest');
  assert.deepEqual(pick(activated, ['number', 'active', 'locked']), { number: 1, active: true, locked: true });

  // Version 1 is active: an edit without --autoclone is refused by the API, with --autoclone it lands in a clone.
  const refused = await cli.run(['backend', 'update', ...s, '--version', 'active', '--name', 'origin', '--port', '8443']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^error: Version locked \(HTTP 422\)\n {2}version 1 of service '\w+' is active and cannot be edited; clone it\n$/);
  const edit = await cli.run(['backend', 'update', ...s, '--version', 'active', '--name', 'origin', '--port', '8443', '--new-name', 'primary', '--autoclone']);
  assert.equal(edit.code, 0, edit.stderr);
  assert.equal(edit.stdout, `Updated backend 'primary' in version 2 of service ${sid}\n`);
  assert.equal(edit.stderr, 'Version 1 is active; cloned it to version 2 (--autoclone) and editing that.\n');

  const versions = await cli.json<Obj[]>('version', 'list', ...s);
  assert.deepEqual(versions.map((v) => pick(v, ['number', 'active', 'locked'])), [
    { number: 1, active: true, locked: true },
    { number: 2, active: false, locked: false },
  ]);
  const v1 = await cli.json<Obj[]>('backend', 'list', ...s, '--version', 'active');
  assert.deepEqual(v1.map((b) => pick(b, Object.keys(backendFields))), [backendFields]);
  const v2 = await cli.json('backend', 'describe', ...s, '--version', 'latest', '--name', 'primary');
  assert.deepEqual(pick(v2, Object.keys(backendFields)), { ...backendFields, name: 'primary', port: 8443, use_ssl: true, version: 2 });
  const hc = await cli.json<Obj[]>('healthcheck', 'list', ...s, '--version', '2');
  assert.deepEqual(hc.map((h) => pick(h, ['name', 'method', 'path', 'host', 'expected_response', 'check_interval', 'window', 'threshold', 'initial', 'headers'])), [{
    name: 'health', method: 'HEAD', path: '/healthz', host: 'origin.example.com', expected_response: 204, check_interval: 2000,
    window: 6, threshold: 4, initial: 3, headers: ['Accept: */*', 'X-Probe: 1'],
  }]);
  // --header '' clears the list; --use-ssl=false sets a yes/no field off.
  assert.deepEqual((await cli.json('healthcheck', 'update', ...s, '--version', '2', '-n', 'health', '--header', '')).headers, []);
  assert.equal((await cli.json('backend', 'update', ...s, '--version', '2', '-n', 'primary', '--use-ssl=false')).use_ssl, false);
  const domains = await cli.json<Obj[]>('domain', 'list', ...s, '--version', '2');
  assert.deepEqual(domains.map((d) => d.name), ['www.example.com']);

  const deleted = await cli.json('backend', 'delete', ...s, '--version', '2', '--name', 'primary');
  assert.deepEqual(deleted, { status: 'ok' });
  assert.deepEqual(await cli.json('backend', 'list', ...s, '--version', '2'), []);

  // The service still has an active version: plain delete is refused, --force deactivates first.
  const kept = await cli.run(['service', 'delete', ...s]);
  assert.equal(kept.code, 1);
  assert.match(kept.stderr, /^error: Service has an active version \(HTTP 422\)\n/);
  const gone = await cli.run(['service', 'delete', ...s, '--force']);
  assert.equal(gone.code, 0, gone.stderr);
  assert.equal(gone.stdout, `Deleted service ${sid}\n`);
  assert.equal(gone.stderr, `Deactivated version 1 of service ${sid} (--force).\n`);
  assert.deepEqual(await cli.json('service', 'list'), []);
});

test('directors, custom VCL and settings round-trip through the CLI', async (t) => {
  const cli = await startCli(t);
  const sid = String((await cli.json('service', 'create', '--name', 'edge')).id);
  const s = ['-s', sid];
  await cli.ok('backend', 'create', ...s, '-n', 'a', '--address', '192.0.2.1');
  await cli.ok('backend', 'create', ...s, '-n', 'b', '--address', '2001:db8::2');
  await cli.ok('director', 'create', ...s, '-n', 'pool', '--type', 'hash', '--quorum', '50', '--retries', '2');
  await cli.ok('director', 'add-backend', ...s, '-n', 'pool', '--backend', 'b');
  await cli.ok('director', 'add-backend', ...s, '-n', 'pool', '--backend', 'a');
  assert.deepEqual(pick(await cli.json('director', 'describe', ...s, '-n', 'pool'), ['type', 'quorum', 'retries', 'backends']),
    { type: 3, quorum: 50, retries: 2, backends: ['a', 'b'] });
  await cli.ok('director', 'remove-backend', ...s, '-n', 'pool', '--backend', 'a');
  assert.deepEqual((await cli.json('director', 'describe', ...s, '-n', 'pool')).backends, ['b']);

  const content = 'sub vcl_recv {\n#FASTLY recv\n  return(lookup);\n}\n';
  await cli.ok('vcl', 'create', ...s, '-n', 'main', '--main', '--content', content);
  await cli.ok('vcl', 'create', ...s, '-n', 'extra', '--content', '# nothing\n');
  assert.deepEqual((await cli.json<Obj[]>('vcl', 'list', ...s)).map((v) => pick(v, ['name', 'main', 'content'])), [
    { name: 'extra', main: false, content: '# nothing\n' },
    { name: 'main', main: true, content },
  ]);
  await cli.ok('vcl', 'update', ...s, '-n', 'extra', '--main');
  assert.equal((await cli.json('vcl', 'describe', ...s, '-n', 'main')).main, false);
  await cli.ok('vcl', 'delete', ...s, '-n', 'extra');

  await cli.ok('settings', 'update', ...s, '--default-ttl', '600', '--no-stale-if-error', '--stale-if-error-ttl', '60');
  assert.deepEqual(pick(await cli.json('settings', 'describe', ...s), ['general.default_ttl', 'general.stale_if_error', 'general.stale_if_error_ttl']),
    { 'general.default_ttl': 600, 'general.stale_if_error': false, 'general.stale_if_error_ttl': 60 });
});
