import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { resolveServeOptions, parseListen, dataDir } from '../../src/process/options.ts';

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
