// Tables by default, --json for scripts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTable, formatValue, Output, renderList, renderRecord } from '../../src/cli/output.ts';
import { startCli } from './helpers.ts';

test('cells: null, empty and [] are "-", lists are joined, booleans and numbers as written', () => {
  assert.deepEqual([null, undefined, '', [], ['a', 'b'], true, 0, { a: 1 }].map(formatValue), ['-', '-', '-', '-', 'a, b', 'true', '0', '{"a":1}']);
});

test('a table pads each column to its widest cell, two spaces apart, with no trailing blanks', () => {
  assert.equal(formatTable(['NAME', 'PORT', 'X'], [['origin', '443', ''], ['b', '80', 'yes']]),
    'NAME    PORT  X\norigin  443\nb       80    yes\n');
  assert.equal(renderList([{ name: 'a', port: 80, use_ssl: false }], [{ header: 'NAME', value: 'name' }, { header: 'TLS', value: (r) => r.use_ssl }]),
    'NAME  TLS\na     false\n');
});

test('a record is key: value lines; multi-line text is indented under key: |; lists of objects are left out', () => {
  assert.equal(renderRecord({ name: 'main', content: 'sub vcl_recv {\n  return(lookup);\n}\n', versions: [{ number: 1 }], headers: ['A: 1'], main: true }, ['main']),
    'name: main\ncontent: |\n  sub vcl_recv {\n    return(lookup);\n  }\nheaders: A: 1\n');
});

test('--json output is the value as indented JSON; notices go to stderr in both modes', () => {
  const written = { stdout: '', stderr: '' };
  const streams = { stdout: { write: (s: string) => (written.stdout += s) }, stderr: { write: (s: string) => (written.stderr += s) } };
  const json = new Output(true, streams);
  json.done('Created', { status: 'ok' });
  json.text('ignored in json mode');
  json.notice('cloned');
  assert.deepEqual(written, { stdout: '{\n  "status": "ok"\n}\n', stderr: 'cloned\n' });
});

test('backend list prints a table with one header row and one row per backend, in name order', async (t) => {
  const cli = await startCli(t);
  const sid = String((await cli.json('service', 'create', '--name', 'www')).id);
  await cli.ok('healthcheck', 'create', '-s', sid, '-n', 'hc');
  await cli.ok('backend', 'create', '-s', sid, '-n', 'origin', '--address', 'origin.example.com', '--port', '443', '--override-host', 'www.example.com', '--healthcheck', 'hc');
  await cli.ok('backend', 'create', '-s', sid, '-n', 'b2', '--address', '192.0.2.10', '--auto-loadbalance');
  assert.equal(await cli.ok('backend', 'list', '-s', sid),
    'NAME    ADDRESS             PORT  USE_SSL  OVERRIDE_HOST    HEALTHCHECK  AUTO_LOADBALANCE  DEFAULT\n' +
    'b2      192.0.2.10          80    false    -                -            true              -\n' +
    // With an auto_loadbalance backend the automatic director is the default, not a backend.
    'origin  origin.example.com  443   true     www.example.com  hc           false             -\n');
  const described = await cli.ok('backend', 'describe', '-s', sid, '-n', 'b2');
  assert.match(described, /^name: b2\naddress: 192\.0\.2\.10\nhostname: -\nipv4: 192\.0\.2\.10\n/);
  assert.match(described, /\nport: 80\n/);
  assert.equal(await cli.ok('version', 'list', '-s', sid).then((o) => o.split('\n')[0]), 'NUMBER  ACTIVE  LOCKED  COMMENT  UPDATED_AT');
  const services = (await cli.ok('service', 'list')).split('\n');
  assert.equal(services[0], 'ID                      NAME  TYPE  ACTIVE_VERSION  LATEST_VERSION  COMMENT');
  assert.equal(services[1], `${sid}  www   vcl   -               1               -`);
});

test('token create prints the token alone on stdout, once, and the token works', async (t) => {
  const cli = await startCli(t);
  const sid = String((await cli.json('service', 'create', '--name', 'www')).id);
  const r = await cli.run(['token', 'create', '--service', sid, '--read-only']);
  assert.equal(r.code, 0, r.stderr);
  const token = r.stdout.trim();
  assert.match(r.stdout, /^\S{20,}\n$/);
  assert.match(r.stderr, new RegExp(`^Created token \\S+ \\(scope global:read, service ${sid}\\)\\. It is shown only this once:\\n$`));
  const list = await cli.run(['service', 'list', '--json'], { LACQUER_API_TOKEN: token });
  assert.deepEqual(JSON.parse(list.stdout).map((s: { id: string }) => s.id), [sid]);
  // Read-only: writing is forbidden.
  const write = await cli.run(['service', 'update', '-s', sid, '--comment', 'x'], { LACQUER_API_TOKEN: token });
  assert.equal(write.code, 1);
  assert.match(write.stderr, /^error: Forbidden \(HTTP 403\)\n/);
});
