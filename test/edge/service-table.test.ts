import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceTable, normaliseHost } from '../../src/edge/service-table.ts';
import type { CompiledService } from '../../src/vcl/compiled.ts';

function service(serviceId: string, version: number, domains: string[]): CompiledService {
  return {
    serviceId, version, domains, backends: new Map(), directors: new Map(), defaultBackend: null,
    settings: { defaultTtl: 3600, staleIfError: true, staleIfErrorTtl: 43200 },
    run: () => 'deliver',
  };
}

test('host lookup ignores case, port and a trailing dot', () => {
  const table = new ServiceTable();
  table.put(service('s1', 1, ['www.example.com']));
  assert.equal(table.lookup('WWW.Example.com:8080')?.serviceId, 's1');
  assert.equal(table.lookup('www.example.com.')?.serviceId, 's1');
  assert.equal(table.lookup('example.com'), null);
  assert.equal(table.lookup(undefined), null);
});

test('a request keeps the service it looked up while a new version is swapped in', () => {
  const table = new ServiceTable();
  table.put(service('s1', 1, ['a.test', 'b.test']));
  const held = table.lookup('a.test');
  table.put(service('s1', 2, ['a.test']));
  assert.equal(held?.version, 1);
  assert.equal(table.lookup('a.test')?.version, 2);
  assert.equal(table.lookup('b.test'), null, 'a domain dropped by the new version stops routing');
});

test('removing a service removes its domains', () => {
  const table = new ServiceTable();
  table.put(service('s1', 1, ['a.test']));
  table.put(service('s2', 1, ['b.test']));
  table.remove('s1');
  assert.equal(table.lookup('a.test'), null);
  assert.equal(table.lookup('b.test')?.serviceId, 's2');
});

test('IPv6 literal hosts keep their brackets', () => {
  assert.equal(normaliseHost('[::1]:8080'), '[::1]');
  assert.equal(normaliseHost('[::1]'), '[::1]');
});
