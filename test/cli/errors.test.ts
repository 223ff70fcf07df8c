// How the CLI fails: the API's msg and detail on stderr with exit 1; a command line it cannot
// act on with exit 2; nothing on stdout either way.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { startCli } from './helpers.ts';

test('a bad port prints the API\'s msg and detail and exits 1', async (t) => {
  const cli = await startCli(t);
  const sid = String((await cli.json('service', 'create', '--name', 'www')).id);
  const r = await cli.run(['backend', 'create', '-s', sid, '--name', 'bad', '--address', 'origin.example.com', '--port', '70000']);
  assert.deepEqual(r, { code: 1, stdout: '', stderr: 'error: Bad request (HTTP 400)\n  port: must be an integer from 1 to 65535\n' });
});

test('a wrong token prints the 401 message and exits 1', async (t) => {
  const cli = await startCli(t);
  const r = await cli.run(['service', 'list'], { LACQUER_API_TOKEN: 'wrong' });
  assert.deepEqual(r, { code: 1, stdout: '', stderr: 'error: Provided credentials are missing or invalid (HTTP 401)\n' });
});

test('an unknown object prints Record not found with the API\'s detail', async (t) => {
  const cli = await startCli(t);
  const sid = String((await cli.json('service', 'create', '--name', 'www')).id);
  const r = await cli.run(['backend', 'describe', '-s', sid, '--name', 'nope']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `error: Record not found (HTTP 404)\n  Couldn't find backend 'nope' in version 1 of service '${sid}'\n`);
});

test('activation refused by the compiler lists each diagnostic', async (t) => {
  const cli = await startCli(t);
  const sid = String((await cli.json('service', 'create', '--name', 'www')).id);
  await cli.ok('vcl', 'create', '-s', sid, '-n', 'main', '--main', '--content', 'sub vcl_recv {\n  set req.backend = F_gone;\n  set req.http.X = nope();\n}\n');
  const r = await cli.run(['version', 'activate', '-s', sid]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, new RegExp('^error: Version failed to activate \\(HTTP 400\\)\n'
    + ' {2}main:\\d+:21 error ref/unknown-backend: F_gone is not a declared backend or director\n'
    + ' {2}main:\\d+:\\d+ error fn/unknown: [^\n]+\n$'));
});

test('an API that is not listening exits 1 naming the URL', async (t) => {
  const cli = await startCli(t);
  // A port that was free a moment ago: bind, read it, close.
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const r = await cli.run(['service', 'list'], { LACQUER_API_URL: `http://127.0.0.1:${port}` });
  assert.deepEqual(r, { code: 1, stdout: '', stderr: `error: cannot reach the control API at http://127.0.0.1:${port}\n  ECONNREFUSED\n` });
});

test('usage errors exit 2: unknown option, missing --name, no service, bad --version, nothing to update, --content with --file', async (t) => {
  const cli = await startCli(t);
  const sid = String((await cli.json('service', 'create', '--name', 'www')).id);
  const file = join(cli.home, 'main.vcl');
  writeFileSync(file, 'sub vcl_recv {}\n');
  const cases: [string[], string][] = [
    [['backend', 'list', '-s', sid, '--bogus'], "error: unknown option '--bogus'\n"],
    [['backend', 'create', '-s', sid, '--address', 'a.example'], "error: required option '-n, --name <name>' not specified\n"],
    [['backend', 'list'], 'error: a service is required: pass --service-id ID (-s), --service-name NAME, or set LACQUER_SERVICE_ID\n'],
    [['backend', 'list', '-s', sid, '--version', 'newest'], 'error: --version must be a version number, "latest" or "active", got "newest"\n'],
    [['backend', 'update', '-s', sid, '-n', 'origin'], 'error: nothing to update: give at least one field flag (see lacquer backend update --help)\n'],
    [['vcl', 'create', '-s', sid, '-n', 'main', '--content', 'x', '--file', file], 'error: give the VCL with --content or --file, not both\n'],
    [['nosuchnoun'], "error: unknown command 'nosuchnoun'\n"],
  ];
  for (const [args, stderr] of cases) {
    const r = await cli.run(args);
    assert.deepEqual(r, { code: 2, stdout: '', stderr }, args.join(' '));
  }
});

test('--version active without an active version is an API-state error, exit 1', async (t) => {
  const cli = await startCli(t);
  const sid = String((await cli.json('service', 'create', '--name', 'www')).id);
  const r = await cli.run(['backend', 'list', '-s', sid, '--version', 'active']);
  assert.deepEqual(r, { code: 1, stdout: '', stderr: `error: No active version\n  service '${sid}' has no active version; use --version latest or a number\n` });
});
