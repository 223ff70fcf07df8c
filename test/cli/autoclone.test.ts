// `--autoclone` leaves nothing behind when the edit is refused: the edit is checked against
// the version that would be cloned, and only then cloned (src/cli/preflight.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCli, type Cli } from './helpers.ts';

async function activeService(cli: Cli): Promise<string> {
  const sid = ((await cli.api.call('POST', '/service', { name: 'ac' })).body as { id: string }).id;
  await cli.api.call('POST', `/service/${sid}/version/1/domain`, { name: 'ac.example' });
  await cli.api.call('POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: '127.0.0.1', port: 8000 });
  await cli.api.call('POST', `/service/${sid}/version/1/director`, { name: 'group', type: 1, quorum: 0 });
  await cli.api.call('POST', `/service/${sid}/version/1/director/group/backend/origin`);
  assert.equal((await cli.api.call('PUT', `/service/${sid}/version/1/activate`)).status, 200);
  return sid;
}

async function versionNumbers(cli: Cli, sid: string): Promise<number[]> {
  return ((await cli.api.call('GET', `/service/${sid}/version`)).body as Array<{ number: number }>).map((v) => v.number);
}

test('a refused edit with --autoclone creates no version, and says what the API would have said', async (t) => {
  const cli = await startCli(t);
  const sid = await activeService(cli);
  const refused: Array<[string[], string]> = [
    [['backend', 'update', '-s', sid, '--name', 'origin', '--port', '70000', '--autoclone'],
      'error: Bad request (HTTP 400)\n  port: must be an integer from 1 to 65535\n'],
    [['backend', 'update', '-s', sid, '--name', 'nowhere', '--weight', '5', '--autoclone'],
      `error: Record not found (HTTP 404)\n  Couldn't find backend 'nowhere' in version 1 of service '${sid}'\n`],
    [['backend', 'create', '-s', sid, '--name', 'origin', '--address', '127.0.0.2', '--autoclone'],
      "error: Duplicate record (HTTP 409)\n  backend 'origin' already exists in version 1\n"],
    [['domain', 'delete', '-s', sid, '--name', 'other.example', '--autoclone'],
      `error: Record not found (HTTP 404)\n  Couldn't find domain 'other.example' in version 1 of service '${sid}'\n`],
    [['director', 'add-backend', '-s', sid, '--name', 'pool', '--backend', 'origin', '--autoclone'],
      `error: Record not found (HTTP 404)\n  Couldn't find director 'pool' in version 1 of service '${sid}'\n`],
    [['director', 'add-backend', '-s', sid, '--name', 'group', '--backend', 'origin', '--autoclone'],
      "error: Duplicate record (HTTP 409)\n  backend 'origin' is already in director 'group'\n"],
    [['settings', 'update', '-s', sid, '--default-ttl', 'soon', '--autoclone'],
      'error: Bad request (HTTP 400)\n  general.default_ttl: must be an integer from 0 to 2147483647\n'],
  ];
  for (const [args, stderr] of refused) {
    assert.deepEqual(await cli.run(args), { code: 1, stdout: '', stderr }, args.join(' '));
  }
  assert.deepEqual(await versionNumbers(cli, sid), [1]);
});

test('an edit that passes is made on a clone, as before', async (t) => {
  const cli = await startCli(t);
  const sid = await activeService(cli);
  const r = await cli.run(['backend', 'update', '-s', sid, '--name', 'origin', '--port', '8080', '--autoclone']);
  assert.deepEqual([r.code, r.stdout], [0, `Updated backend 'origin' in version 2 of service ${sid}\n`], r.stderr);
  assert.deepEqual(await versionNumbers(cli, sid), [1, 2]);
  assert.equal(((await cli.api.call('GET', `/service/${sid}/version/2/backend/origin`)).body as { port: number }).port, 8080);
});

test('activating a clone of a locked version that fails validation clones nothing', async (t) => {
  const cli = await startCli(t);
  const sid = await activeService(cli);
  await cli.api.call('PUT', `/service/${sid}/version/1/clone`);
  await cli.api.call('POST', `/service/${sid}/version/2/vcl`, { name: 'main', main: true, content: 'sub vcl_recv {\n#FASTLY recv\n  set req.backend = F_nowhere;\n}\n' });
  await cli.api.call('PUT', `/service/${sid}/version/2/lock`);
  const r = await cli.run(['version', 'activate', '-s', sid, '--version', '2', '--autoclone']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: Version failed to activate \(HTTP 400\)\n {2}main:\d+:21 error ref\/unknown-backend: F_nowhere is not a declared backend or director\n$/);
  assert.deepEqual(await versionNumbers(cli, sid), [1, 2]);
});

test('an edit refused for a reason the check cannot see says which version --autoclone left', async (t) => {
  const cli = await startCli(t);
  const sid = await activeService(cli);
  await cli.api.call('PUT', `/service/${sid}/version/1/clone`);
  await cli.api.call('POST', `/service/${sid}/version/2/backend`, { name: 'spare', address: '127.0.0.1', port: 8001 });
  assert.equal((await cli.api.call('PUT', `/service/${sid}/version/2/activate`)).status, 200);
  // A rename onto a name that exists: refused by the API only (the check looks at one name).
  const r = await cli.run(['backend', 'update', '-s', sid, '--name', 'origin', '--new-name', 'spare', '--autoclone']);
  assert.deepEqual(r, {
    code: 1, stdout: '',
    stderr: 'Version 2 is active; cloned it to version 3 (--autoclone) and editing that.\n'
      + "error: Duplicate record (HTTP 409)\n  backend 'spare' already exists in version 3\n"
      + 'note: --autoclone created version 3, an unchanged copy of version 2; edit it with --version 3\n',
  });
});
