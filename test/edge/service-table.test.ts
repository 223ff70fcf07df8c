import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
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

test('a domain two services list goes back to the other when the one routing it leaves or drops it', () => {
  const table = new ServiceTable();
  table.put(service('a', 1, ['moving.test', '*.moving.test']));
  table.put(service('b', 1, ['moving.test', '*.moving.test']));
  table.remove('b');
  assert.deepEqual([table.lookup('moving.test')?.serviceId, table.lookup('x.moving.test')?.serviceId], ['a', 'a']);
  table.put(service('b', 2, ['moving.test']));
  table.put(service('b', 3, ['elsewhere.test']));
  assert.equal(table.lookup('moving.test')?.serviceId, 'a');
});

test('installing one service among 1,000 reads its own domains and its old version\'s, not the others\'', () => {
  const table = new ServiceTable();
  let reads = 0;
  const counted = (id: string, version: number, domains: string[]): CompiledService => {
    const s = service(id, version, domains);
    return Object.defineProperty(s, 'domains', { get: () => { reads++; return domains; } });
  };
  for (let i = 0; i < 1_000; i++) table.put(counted(`s${i}`, 1, [`s${i}.test`]));
  reads = 0;
  table.put(counted('s500', 2, ['s500.test', 'new.test']));
  table.put(counted('fresh', 1, ['fresh.test']));
  table.remove('s7');
  assert.equal(reads, 4);
  assert.deepEqual(['s500.test', 'new.test', 'fresh.test', 's7.test', 's8.test'].map((h) => table.lookup(h)?.serviceId ?? null),
    ['s500', 's500', 'fresh', null, 's8']);
});

test('any sequence of puts and removes routes every host as rebuilding the table from scratch would', () => {
  const hosts = ['a.test', 'b.test', '*.w.test', 'x.w.test'];
  const op = fc.oneof(
    fc.record({ put: fc.constantFrom('s1', 's2', 's3'), domains: fc.subarray(hosts.slice(0, 3)) }),
    fc.record({ remove: fc.constantFrom('s1', 's2', 's3') }),
  );
  fc.assert(fc.property(fc.array(op, { maxLength: 15 }), (ops) => {
    const table = new ServiceTable();
    // The model: services in the order they were last installed, the later one winning a name.
    const model = new Map<string, string[]>();
    let version = 0;
    for (const o of ops) {
      if ('put' in o) {
        table.put(service(o.put, ++version, o.domains));
        model.delete(o.put);
        model.set(o.put, o.domains);
      } else {
        table.remove(o.remove);
        model.delete(o.remove);
      }
    }
    const lastListing = (name: string): string | null => {
      let winner: string | null = null;
      for (const [id, domains] of model) if (domains.includes(name)) winner = id;
      return winner;
    };
    // The exact name first, then the wildcard of its parent.
    const expected = (host: string): string | null => lastListing(host) ?? (host === 'x.w.test' ? lastListing('*.w.test') : null);
    return hosts.filter((h) => !h.startsWith('*')).every((h) => (table.lookup(h)?.serviceId ?? null) === expected(h));
  }));
});
