// Choosing the service and version: -s, --service-name, LACQUER_SERVICE_ID; --version N,
// latest, active; --autoclone on locked versions; vcl --file.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startCli } from './helpers.ts';

test('--version picks a number, the latest or the active version', async (t) => {
  const cli = await startCli(t);
  const sid = String((await cli.json('service', 'create', '--name', 'www')).id);
  const s = ['-s', sid];
  await cli.ok('domain', 'create', ...s, '-n', 'one.example.com');
  await cli.ok('version', 'activate', ...s, '--version', '1');
  await cli.ok('version', 'clone', ...s, '--version', 'active');
  await cli.ok('domain', 'create', ...s, '--version', '2', '-n', 'two.example.com');
  const names = async (version: string): Promise<string[]> =>
    (await cli.json<{ name: string }[]>('domain', 'list', ...s, '--version', version)).map((d) => d.name);
  assert.deepEqual(await names('active'), ['one.example.com']);
  assert.deepEqual(await names('latest'), ['one.example.com', 'two.example.com']);
  assert.deepEqual(await names('1'), ['one.example.com']);
  const missing = await cli.run(['domain', 'list', ...s, '--version', '9']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, `error: Record not found (HTTP 404)\n  Couldn't find version 9 of service '${sid}'\n`);
});

test('--autoclone clones a locked version and edits the clone; an editable version is edited in place', async (t) => {
  const cli = await startCli(t);
  const sid = String((await cli.json('service', 'create', '--name', 'www')).id);
  const s = ['-s', sid];
  const inPlace = await cli.run(['domain', 'create', ...s, '-n', 'a.example.com', '--autoclone']);
  assert.deepEqual([inPlace.stdout, inPlace.stderr], [`Created domain 'a.example.com' in version 1 of service ${sid}\n`, '']);
  await cli.ok('version', 'lock', ...s, '--version', '1');
  const cloned = await cli.run(['domain', 'create', ...s, '-n', 'b.example.com', '--autoclone']);
  assert.equal(cloned.code, 0, cloned.stderr);
  assert.equal(cloned.stderr, 'Version 1 is locked; cloned it to version 2 (--autoclone) and editing that.\n');
  assert.deepEqual((await cli.json<{ name: string }[]>('domain', 'list', ...s, '--version', '1')).map((d) => d.name), ['a.example.com']);
  assert.deepEqual((await cli.json<{ name: string }[]>('domain', 'list', ...s, '--version', '2')).map((d) => d.name), ['a.example.com', 'b.example.com']);
  // activate --autoclone: version 2 is editable, so it is activated itself.
  assert.equal(await cli.ok('version', 'activate', ...s, '--autoclone'), `Activated version 2 of service ${sid}\n`);
  const again = await cli.run(['version', 'activate', ...s, '--autoclone']);
  assert.deepEqual([again.code, again.stdout, again.stderr],
    [0, `Activated version 3 of service ${sid}\n`, 'Version 2 is active; cloned it to version 3 (--autoclone) and editing that.\n']);
});

test('the service comes from --service-name or LACQUER_SERVICE_ID when -s is not given', async (t) => {
  const cli = await startCli(t);
  const sid = String((await cli.json('service', 'create', '--name', 'shop')).id);
  await cli.ok('domain', 'create', '--service-name', 'shop', '-n', 'shop.example.com');
  const r = await cli.run(['domain', 'list', '--json'], { LACQUER_SERVICE_ID: sid });
  assert.deepEqual(JSON.parse(r.stdout).map((d: { name: string }) => d.name), ['shop.example.com']);
  const unknown = await cli.run(['domain', 'list', '--service-name', 'nope']);
  assert.deepEqual([unknown.code, unknown.stderr], [1, "error: Record not found (HTTP 404)\n  Couldn't find a service named 'nope'\n"]);
});

test('vcl create --file sends the file\'s content; an unreadable file is a usage error', async (t) => {
  const cli = await startCli(t);
  const sid = String((await cli.json('service', 'create', '--name', 'www')).id);
  const file = join(cli.home, 'main.vcl');
  const content = 'sub vcl_recv {\n#FASTLY recv\n}\n';
  writeFileSync(file, content);
  await cli.ok('vcl', 'create', '-s', sid, '-n', 'main', '--file', file, '--main');
  assert.equal(await cli.ok('vcl', 'list', '-s', sid), 'NAME  MAIN  LINES\nmain  true  3\n');
  assert.equal((await cli.json('vcl', 'describe', '-s', sid, '-n', 'main')).content, content);
  const missing = await cli.run(['vcl', 'update', '-s', sid, '-n', 'main', '--file', join(cli.home, 'nope.vcl')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^error: cannot read \S+nope\.vcl: ENOENT/);
});
