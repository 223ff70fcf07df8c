// The dashboard's pure reasoning about a change: the version diff the Activate page reviews,
// the line diff of custom VCL, and what deleting a backend or a domain does to traffic.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffVersions, isEmptyDiff, type VersionObjects } from '../../src/control/dashboard/diff.ts';
import { lineDiff } from '../../src/control/dashboard/text-diff.ts';
import { backendDeleteEffect, defaultBackendWords, domainDeleteEffect } from '../../src/control/dashboard/traffic.ts';

const version = (o: Partial<VersionObjects['objects']>, settings: Record<string, unknown> = {}): VersionObjects => ({
  objects: {
    domain: [], backend: [], healthcheck: [], director: [], vcl: [], condition: [], header: [], request_settings: [], response_object: [],
    cache_settings: [], gzip: [], ...o,
  }, settings,
});

test('diffVersions compares every kind of object and the settings, bookkeeping fields left out', () => {
  const before = version({
    domain: [{ name: 'a.example.com', updated_at: '1' }],
    backend: [{ name: 'origin', port: 80, healthcheck: 'h' }, { name: 'gone', port: 80 }],
    healthcheck: [{ name: 'h', path: '/a' }],
    director: [{ name: 'd', backends: ['origin'] }],
    vcl: [{ name: 'main', content: 'a\n', main: true }],
  }, { 'general.default_ttl': 3600, version: 1 });
  const after = version({
    domain: [{ name: 'b.example.com', updated_at: '2' }],
    backend: [{ name: 'origin', port: 81, healthcheck: 'h', updated_at: '2' }, { name: 'new', port: 80 }],
    healthcheck: [{ name: 'h', path: '/b' }],
    director: [{ name: 'd', backends: ['new', 'origin'] }],
    vcl: [{ name: 'main', content: 'b\n', main: true }],
  }, { 'general.default_ttl': 60, version: 2 });
  const d = diffVersions(before, after);
  assert.deepEqual(d.objects.domain.added.map((o) => o.name), ['b.example.com']);
  assert.deepEqual(d.objects.domain.removed.map((o) => o.name), ['a.example.com']);
  assert.deepEqual(d.objects.backend.added.map((o) => o.name), ['new']);
  assert.deepEqual(d.objects.backend.removed.map((o) => o.name), ['gone']);
  assert.deepEqual(d.objects.backend.changed.map((c) => [c.name, c.changes]), [['origin', [{ field: 'port', from: 80, to: 81 }]]]);
  assert.deepEqual(d.objects.healthcheck.changed.map((c) => c.changes), [[{ field: 'path', from: '/a', to: '/b' }]]);
  assert.deepEqual(d.objects.director.changed.map((c) => c.changes), [[{ field: 'backends', from: ['origin'], to: ['new', 'origin'] }]]);
  assert.deepEqual(d.objects.vcl.changed.map((c) => c.changes), [[{ field: 'content', from: 'a\n', to: 'b\n' }]]);
  assert.deepEqual(d.settings, [{ field: 'general.default_ttl', from: 3600, to: 60 }]);
  assert.equal(isEmptyDiff(diffVersions(before, before)), true);
  assert.deepEqual(diffVersions(null, after).objects.backend.added.map((o) => o.name), ['new', 'origin']);
});

test('lineDiff numbers the removed, added and context lines of a text', () => {
  const hunks = lineDiff('sub vcl_recv {\n  set req.http.X = "1";\n}\n', 'sub vcl_recv {\n  set req.http.X = "2";\n}\n');
  assert.deepEqual(hunks, [{
    oldStart: 1, newStart: 1, lines: [
      { kind: 'same', text: 'sub vcl_recv {', oldLine: 1, newLine: 1 },
      { kind: 'removed', text: '  set req.http.X = "1";', oldLine: 2, newLine: null },
      { kind: 'added', text: '  set req.http.X = "2";', oldLine: null, newLine: 2 },
      { kind: 'same', text: '}', oldLine: 3, newLine: 3 },
    ],
  }]);
  assert.deepEqual(lineDiff('same\n', 'same\n'), []);
});

test('the default backend is described in words, with automatic load balancing and no backend', () => {
  assert.equal(defaultBackendWords('origin', [{ name: 'origin' }]),
    'origin is the default backend: it serves every request that nothing routes elsewhere (no director or custom VCL sends it to another backend).');
  assert.equal(defaultBackendWords(null, [{ name: 'a', auto_loadbalance: true }, { name: 'b', auto_loadbalance: true }, { name: 'c' }]),
    'Requests that nothing routes elsewhere are spread over a and b (automatic load balancing).');
  assert.equal(defaultBackendWords(null, []), 'There is no backend yet: every request that is not answered from the cache gets "503 All backends failed or unhealthy".');
});

test('deleting the default backend says which backend takes its requests, or that none is left', () => {
  const facts = { backends: [{ name: 'a', healthcheck: 'a' }, { name: 'b' }], defaultBackend: 'a', directors: [], customUses: [] };
  assert.deepEqual(backendDeleteEffect({ ...facts, name: 'a' }), [
    'Delete backend "a" from the draft?',
    'In this draft a is the default backend: it serves every request that nothing routes elsewhere (no director or custom VCL sends it to another backend).',
    'Once this draft is activated, those requests go to b instead.',
    'Its health check stops once the draft is activated.',
  ]);
  assert.deepEqual(backendDeleteEffect({ ...facts, backends: [{ name: 'a' }], name: 'a' }).slice(2), [
    'It is the only backend: once this draft is activated, every request that is not answered from the cache gets "503 All backends failed or unhealthy".',
  ]);
});

test('deleting another backend names the directors and custom VCL that send requests to it, or says nothing does', () => {
  const base = { name: 'b', backends: [{ name: 'a' }, { name: 'b' }], defaultBackend: 'a' };
  assert.deepEqual(backendDeleteEffect({ ...base, directors: [], customUses: [] }).slice(1), [
    'b is not the default backend: only requests that a director or custom VCL sends to it reach it.',
    'Nothing sends requests to it, so deleting it changes no traffic.',
  ]);
  const directors = [{ name: 'pool', backends: ['a', 'b'] }, { name: 'solo', backends: ['b'] }, { name: 'other', backends: ['a'] }];
  assert.deepEqual(backendDeleteEffect({ ...base, directors, customUses: ['main line 3: set req.backend = F_b;'] }).slice(2), [
    'Director pool stops sending requests to it; a takes its share once the draft is activated.',
    'Director solo is left with no backend, so activation is refused until it has one.',
    'Custom VCL still names F_b (main line 3: set req.backend = F_b;), so the draft will not compile: activation is refused until that VCL stops naming it.',
  ]);
});

test('deleting an automatically load-balanced backend leaves its share to the others', () => {
  const backends = [{ name: 'a', auto_loadbalance: true }, { name: 'b', auto_loadbalance: true }, { name: 'c', auto_loadbalance: true }];
  assert.deepEqual(backendDeleteEffect({ name: 'a', backends, defaultBackend: null, directors: [], customUses: [] }).slice(1), [
    'In this draft a shares the requests that nothing routes elsewhere with the other automatically load-balanced backends.',
    'Once this draft is activated, those requests are spread over b and c instead.',
  ]);
});

test('deleting a domain says whether its requests stop reaching the service', () => {
  assert.deepEqual(domainDeleteEffect({ name: 'www.example.com', draftDomains: ['www.example.com', 'example.com'], activeDomains: ['www.example.com'] }), [
    'Delete domain www.example.com from the draft?',
    'Requests for www.example.com stop reaching this service once this draft is activated: the edge answers them "404 Domain Not Found" unless another service adds the domain.',
  ]);
  assert.deepEqual(domainDeleteEffect({ name: 'new.example.com', draftDomains: ['new.example.com'], activeDomains: null }).slice(1), [
    'new.example.com is not active yet, so deleting it changes no traffic today.',
    'It is the draft\'s only domain: once the draft is activated, no request reaches this service.',
  ]);
});
