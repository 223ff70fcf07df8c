import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceTable, normaliseHost } from '../../src/edge/service-table.ts';
import type { CompiledService } from '../../src/vcl/index.ts';

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

test('a wildcard domain routes one more label, after the exact names', () => {
  const table = new ServiceTable();
  table.put(service('wild', 1, ['*.example.com']));
  table.put(service('www', 1, ['www.example.com']));
  assert.equal(table.lookup('a.example.com')?.serviceId, 'wild');
  assert.equal(table.lookup('API.Example.COM:8080')?.serviceId, 'wild');
  assert.equal(table.lookup('a.example.com.')?.serviceId, 'wild');
  assert.equal(table.lookup('www.example.com')?.serviceId, 'www', 'the exact name wins over the wildcard');
  assert.equal(table.lookup('example.com'), null, 'the apex is a domain of its own');
  assert.equal(table.lookup('a.b.example.com'), null, 'one label only');
  assert.equal(table.lookup('.example.com'), null);
  assert.equal(table.lookup('aexample.com'), null);
  table.put(service('deeper', 1, ['*.b.example.com']));
  assert.equal(table.lookup('a.b.example.com')?.serviceId, 'deeper');
  table.remove('wild');
  assert.equal(table.lookup('a.example.com'), null, 'removing the service removes its wildcard');
});

test('when two services list one domain, the one installed last routes it', () => {
  const table = new ServiceTable();
  table.put(service('a', 1, ['moving.test']));
  table.put(service('b', 1, ['moving.test']));
  assert.equal(table.lookup('moving.test')?.serviceId, 'b');
  table.put(service('a', 2, ['moving.test']));
  assert.equal(table.lookup('moving.test')?.serviceId, 'a');
});
