import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { resolveServeOptions, parseListen, dataDir, OptionError } from '../../src/process/options.ts';

test('defaults are the ones DESIGN.md §4.1 fixes', () => {
  const o = resolveServeOptions({}, {});
  assert.deepEqual(o.edge, { host: '127.0.0.1', port: 8080 });
  assert.deepEqual(o.api, { host: '127.0.0.1', port: 8081 });
  assert.equal(o.db, 'sqlite:./data/lacquer.db');
  assert.equal(o.pop, 'local');
  assert.equal(o.workers, os.availableParallelism());
  assert.equal(o.role, 'all');
  assert.equal(o.token, null);
  assert.deepEqual(o.egress, []);
  assert.equal(o.cacheSizeBytes, 256 * 1024 * 1024);
  assert.equal(o.cacheMaxObjectBytes, 32 * 1024 * 1024);
  assert.equal(o.logLevel, 'info');
});

test('a flag wins over its environment variable, which wins over the default', () => {
  const env = { LACQUER_POP: 'ams', LACQUER_WORKERS: '3', LACQUER_EGRESS: '192.0.2.0/24, 2001:db8::/32' };
  const o = resolveServeOptions({ pop: 'fra' }, env);
  assert.equal(o.pop, 'fra');
  assert.equal(o.workers, 3);
  assert.deepEqual(o.egress, ['192.0.2.0/24', '2001:db8::/32']);
});

test('bad values name the option and the rule', () => {
  assert.throws(() => resolveServeOptions({ role: 'proxy' }, {}), /--role: must be all, edge or control, got "proxy"/);
  assert.throws(() => resolveServeOptions({ workers: 'two' }, {}), /--workers: must be a whole number, got "two"/);
  assert.throws(() => resolveServeOptions({ edge: 'localhost' }, {}), /--edge: must be HOST:PORT, got "localhost"/);
  assert.throws(() => resolveServeOptions({ api: '127.0.0.1:70000' }, {}), /--api: must be between 0 and 65535, got 70000/);
  assert.throws(() => resolveServeOptions({ egress: '10.0.0.0/33' }, {}), /--egress: "10.0.0.0\/33" is not a CIDR/);
  assert.throws(() => resolveServeOptions({ db: 'mysql://x' }, {}), /--db: must be sqlite:<file> or postgres/);
});

test('listen addresses accept IPv6 in brackets and an empty host', () => {
  assert.deepEqual(parseListen('--edge', '[::1]:8080'), { host: '::1', port: 8080 });
  assert.deepEqual(parseListen('--edge', ':80'), { host: '0.0.0.0', port: 80 });
});

test('the data directory is the SQLite file\'s directory', () => {
  assert.equal(dataDir('sqlite:./data/lacquer.db'), './data');
  assert.equal(dataDir('sqlite:/var/lib/lacquer/db.sqlite'), '/var/lib/lacquer');
});

test('--log-level takes pino\'s levels from the flag or LACQUER_LOG_LEVEL, and names them when refused', () => {
  assert.equal(resolveServeOptions({ logLevel: 'debug' }, { LACQUER_LOG_LEVEL: 'warn' }).logLevel, 'debug');
  assert.equal(resolveServeOptions({}, { LACQUER_LOG_LEVEL: 'WARN' }).logLevel, 'warn');
  assert.equal(resolveServeOptions({ logLevel: 'silent' }, {}).logLevel, 'silent');
  assert.throws(() => resolveServeOptions({ logLevel: 'verbose' }, {}),
    new OptionError('--log-level', 'must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"'));
});

test('a bad value from the environment names the variable, not a flag nobody typed', () => {
  assert.throws(() => resolveServeOptions({}, { LACQUER_API: 'http://127.0.0.1:8081' }), new OptionError('LACQUER_API (--api)',
    'must be HOST:PORT, got "http://127.0.0.1:8081"; LACQUER_API is the address `lacquer serve` listens on, HOST:PORT (the CLI reads the API\'s URL from LACQUER_API_URL)'));
  assert.throws(() => resolveServeOptions({}, { LACQUER_CACHE_SIZE: 'big' }), new OptionError('LACQUER_CACHE_SIZE (--cache-size)', 'must be a whole number, got "big"'));
  // A flag keeps its own name, whatever the environment holds.
  assert.throws(() => resolveServeOptions({ api: 'nope' }, { LACQUER_API: 'http://x' }), new OptionError('--api', 'must be HOST:PORT, got "nope"'));
});

test('--node-url or LACQUER_NODE_URL is where the fleet reaches this edge; unset, it is known once the edge listens', async () => {
  assert.equal(resolveServeOptions({}, {}).nodeUrl, null);
  assert.equal(resolveServeOptions({}, { LACQUER_NODE_URL: 'http://edge1.example:8080' }).nodeUrl, 'http://edge1.example:8080');
  assert.equal(resolveServeOptions({ nodeUrl: 'https://[2001:db8::1]:8443' }, { LACQUER_NODE_URL: 'http://x:1' }).nodeUrl, 'https://[2001:db8::1]:8443');
  assert.throws(() => resolveServeOptions({ nodeUrl: 'edge1:8080' }, {}), /--node-url: must be http:\/\/ or https:\/\/ with a host and an optional port only/);
  assert.throws(() => resolveServeOptions({ nodeUrl: 'http://edge1.example/some/path' }, {}), /--node-url: must be http:\/\/ or https:\/\//);
  assert.throws(() => resolveServeOptions({}, { LACQUER_NODE_URL: 'nope' }), new OptionError('LACQUER_NODE_URL (--node-url)', 'must be a URL like http://edge1.example:8080, got "nope"'));
  const { defaultNodeUrl } = await import('../../src/process/node-url.ts');
  assert.equal(defaultNodeUrl({ host: '127.0.0.1', port: 0 }, 41234), 'http://127.0.0.1:41234');
  assert.equal(defaultNodeUrl({ host: '::1', port: 8080 }, 8080), 'http://[::1]:8080');
  assert.equal(defaultNodeUrl({ host: '0.0.0.0', port: 8080 }, 8080), `http://${os.hostname()}:8080`);
});

test('--db postgres:// is checked at once, and its password never appears in the message', () => {
  assert.equal(resolveServeOptions({ db: 'postgresql://u:p@db.example:6432/lacquer?sslmode=require' }, {}).db, 'postgresql://u:p@db.example:6432/lacquer?sslmode=require');
  assert.throws(() => resolveServeOptions({ db: 'postgres://u:s3cret@db.example' }, {}),
    new OptionError('--db', 'names no database: postgres://user:password@host:5432/database'));
});
