// Where the API URL and token come from: flags › LACQUER_API_URL/LACQUER_API_TOKEN › config file
// ($XDG_CONFIG_HOME/lacquer/config.json, else ~/.config/lacquer/config.json) › default.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { configFilePath, DEFAULT_API_URL, resolveConfig } from '../../src/cli/config.ts';
import { UsageError } from '../../src/cli/errors.ts';
import { ADMIN, startCli } from './helpers.ts';

function tempHome(t: TestContext): string {
  const home = mkdtempSync(join(tmpdir(), 'lacquer-config-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  return home;
}

function writeConfig(dir: string, body: unknown): void {
  mkdirSync(join(dir, 'lacquer'), { recursive: true });
  writeFileSync(join(dir, 'lacquer', 'config.json'), typeof body === 'string' ? body : JSON.stringify(body));
}

test('the config file lives under XDG_CONFIG_HOME when it is absolute, else ~/.config', () => {
  assert.equal(configFilePath({ XDG_CONFIG_HOME: '/etc/xdg-user' }, '/home/ann'), '/etc/xdg-user/lacquer/config.json');
  assert.equal(configFilePath({}, '/home/ann'), '/home/ann/.config/lacquer/config.json');
  assert.equal(configFilePath({ XDG_CONFIG_HOME: 'relative/dir' }, '/home/ann'), '/home/ann/.config/lacquer/config.json');
});

test('flags beat the environment, which beats the config file, which beats the default', (t) => {
  const home = tempHome(t);
  const env = { XDG_CONFIG_HOME: join(home, 'xdg') };
  assert.deepEqual(resolveConfig({}, env, home, home), { apiUrl: DEFAULT_API_URL, token: null });
  writeConfig(join(home, 'xdg'), { api_url: 'http://file.example:1/', token: 'from-file' });
  assert.deepEqual(resolveConfig({}, env, home, home), { apiUrl: 'http://file.example:1', token: 'from-file' });
  const withEnv = { ...env, LACQUER_API_URL: 'http://env.example:2', LACQUER_API_TOKEN: 'from-env' };
  assert.deepEqual(resolveConfig({}, withEnv, home, home), { apiUrl: 'http://env.example:2', token: 'from-env' });
  assert.deepEqual(resolveConfig({ apiUrl: 'https://flag.example:3', token: 'from-flag' }, withEnv, home, home), { apiUrl: 'https://flag.example:3', token: 'from-flag' });
  // Each setting falls through on its own; an empty variable counts as unset.
  assert.deepEqual(resolveConfig({ token: 'from-flag' }, { ...env, LACQUER_API_URL: '' }, home, home), { apiUrl: 'http://file.example:1', token: 'from-flag' });
});

test('~/.config/lacquer/config.json is read when XDG_CONFIG_HOME is unset', (t) => {
  const home = tempHome(t);
  writeConfig(join(home, '.config'), { token: 'home-token' });
  assert.deepEqual(resolveConfig({}, {}, home, home), { apiUrl: DEFAULT_API_URL, token: 'home-token' });
});

test('a broken config file or a URL that is not http(s) is a usage error naming it', (t) => {
  const home = tempHome(t);
  const env = { XDG_CONFIG_HOME: home };
  writeConfig(home, '{"api_url": ');
  assert.throws(() => resolveConfig({}, env, home, home), (e: unknown) => e instanceof UsageError && e.message.startsWith(`${join(home, 'lacquer', 'config.json')} is not valid JSON`));
  writeConfig(home, { token: 42 });
  assert.throws(() => resolveConfig({}, env, home, home), new UsageError(`${join(home, 'lacquer', 'config.json')}: "token" must be a string`));
  writeConfig(home, {});
  assert.throws(() => resolveConfig({ apiUrl: 'ftp://x' }, env, home, home), new UsageError('API URL "ftp://x" must be http:// or https://'));
  assert.throws(() => resolveConfig({ apiUrl: 'nope' }, env, home, home), new UsageError('API URL "nope" is not a URL (expected e.g. http://127.0.0.1:8081)'));
});

test('the CLI process uses the config file only where no flag or variable is given', async (t) => {
  const cli = await startCli(t);
  writeConfig(join(cli.home, '.config'), { api_url: cli.api.base, token: ADMIN });
  const noEnv = { LACQUER_API_URL: undefined, LACQUER_API_TOKEN: undefined };
  const fromFile = await cli.run(['service', 'create', '--name', 'from-file', '--json'], noEnv);
  assert.equal(fromFile.code, 0, fromFile.stderr);
  assert.equal(JSON.parse(fromFile.stdout).name, 'from-file');
  // The environment's token beats the file's: a wrong one is refused.
  const envToken = await cli.run(['service', 'list'], { LACQUER_API_URL: undefined, LACQUER_API_TOKEN: 'wrong' });
  assert.equal(envToken.code, 1);
  assert.equal(envToken.stderr, 'error: Provided credentials are missing or invalid (HTTP 401)\n');
  // The --token flag beats the environment's.
  const flag = await cli.run(['service', 'list', '--token', ADMIN], { LACQUER_API_URL: undefined, LACQUER_API_TOKEN: 'wrong' });
  assert.equal(flag.code, 0, flag.stderr);
  // --api-url beats LACQUER_API_URL.
  const url = await cli.run(['service', 'list', '--json', '--api-url', cli.api.base], { LACQUER_API_URL: 'http://127.0.0.1:9' });
  assert.equal(url.code, 0, url.stderr);
  assert.deepEqual(JSON.parse(url.stdout).map((s: { name: string }) => s.name), ['from-file']);
});

test('the CLI reads LACQUER_API_TOKEN, never the server\'s LACQUER_TOKEN or LACQUER_API', (t) => {
  const home = tempHome(t);
  const server = { LACQUER_TOKEN: 'server-seed', LACQUER_API: '127.0.0.1:9999' };
  assert.deepEqual(resolveConfig({}, server, home, home), { apiUrl: DEFAULT_API_URL, token: null });
  assert.deepEqual(resolveConfig({}, { ...server, LACQUER_API_TOKEN: 'cli' }, home, home), { apiUrl: DEFAULT_API_URL, token: 'cli' });
});

test('with no token given, a local API gets the admin token from ./data/admin-token; a remote one does not', (t) => {
  const cwd = tempHome(t);
  mkdirSync(join(cwd, 'data'));
  writeFileSync(join(cwd, 'data', 'admin-token'), 'from-data-dir\n', { mode: 0o600 });
  assert.deepEqual(resolveConfig({}, {}, cwd, cwd), { apiUrl: DEFAULT_API_URL, token: 'from-data-dir' });
  assert.equal(resolveConfig({ apiUrl: 'http://localhost:8081' }, {}, cwd, cwd).token, 'from-data-dir');
  assert.equal(resolveConfig({ apiUrl: 'http://[::1]:8081' }, {}, cwd, cwd).token, 'from-data-dir');
  assert.equal(resolveConfig({}, { LACQUER_API_TOKEN: 'env' }, cwd, cwd).token, 'env');
  assert.equal(resolveConfig({ apiUrl: 'https://api.example.net' }, {}, cwd, cwd).token, null);
});

test('the CLI process finds the admin token `lacquer serve` wrote, from the directory it runs in', async (t) => {
  const cli = await startCli(t);
  const cwd = tempHome(t);
  mkdirSync(join(cwd, 'data'));
  writeFileSync(join(cwd, 'data', 'admin-token'), `${ADMIN}\n`, { mode: 0o600 });
  const r = await cli.run(['service', 'list', '--json'], { LACQUER_API_TOKEN: undefined }, cwd);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '[]\n', '']);
});
