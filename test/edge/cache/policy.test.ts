import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cachePolicy, finalize, seedBackendResponse, type PolicyDecision, type PolicyRequest } from '../../../src/edge/cache/policy.ts';
import type { ServiceSettings, VclBackendResponse } from '../../../src/vcl/index.ts';
import type { HeaderFields } from '../../../src/edge/cache/fields.ts';

const settings: ServiceSettings = { defaultTtl: 3600, staleIfError: true, staleIfErrorTtl: 43200 };
const NOW = Date.parse('2025-01-01T00:00:00Z');
const DATE = new Date(NOW).toUTCString();
const get: PolicyRequest = { method: 'GET', url: '/a', headers: { host: 'example.com' } };

function decide(headers: HeaderFields, opts: { status?: number; req?: PolicyRequest; settings?: ServiceSettings } = {}): PolicyDecision {
  return cachePolicy(opts.req ?? get, { status: opts.status ?? 200, headers }, opts.settings ?? settings, NOW);
}

interface Row {
  readonly name: string;
  readonly headers: HeaderFields;
  readonly status?: number;
  readonly req?: PolicyRequest;
  readonly settings?: ServiceSettings;
  readonly expect: Partial<PolicyDecision>;
}

const rows: Row[] = [
  // ── freshness sources and their precedence ──
  { name: 'no freshness information: the service default TTL', headers: {}, expect: { storable: true, reason: 'cacheable', ttl: 3600, freshness: 'default' } },
  { name: 'Last-Modified alone gives no heuristic TTL: the default applies', headers: { date: DATE, 'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT' }, expect: { ttl: 3600, freshness: 'default' } },
  { name: 'Cache-Control max-age', headers: { 'cache-control': 'max-age=60' }, expect: { storable: true, ttl: 60, freshness: 'max-age' } },
  { name: 's-maxage beats max-age for a shared cache', headers: { 'cache-control': 'max-age=60, s-maxage=300' }, expect: { ttl: 300, freshness: 's-maxage' } },
  { name: 'max-age beats Expires', headers: { date: DATE, expires: new Date(NOW + 900_000).toUTCString(), 'cache-control': 'max-age=60' }, expect: { ttl: 60, freshness: 'max-age' } },
  { name: 'Expires counts from the origin Date', headers: { date: DATE, expires: new Date(NOW + 900_000).toUTCString() }, expect: { storable: true, ttl: 900, freshness: 'expires' } },
  { name: 'Expires without Date counts from now', headers: { expires: new Date(NOW + 120_000).toUTCString() }, expect: { ttl: 120 } },
  { name: 'an invalid Expires means already expired', headers: { date: DATE, expires: '0' }, expect: { storable: true, ttl: 0, freshness: 'expires' } },
  { name: 'the origin Age is taken off the TTL', headers: { 'cache-control': 'max-age=60', age: '20' }, expect: { ttl: 40 } },
  { name: 'an Age beyond max-age leaves no freshness', headers: { 'cache-control': 'max-age=60', age: '90' }, expect: { ttl: 0 } },
  { name: 'proxy-revalidate does not zero the TTL', headers: { 'cache-control': 'max-age=60, proxy-revalidate' }, expect: { ttl: 60, grace: 0, staleIfError: 0 } },
  { name: 'a zero default TTL is used as given', headers: {}, settings: { ...settings, defaultTtl: 0 }, expect: { ttl: 0, freshness: 'default' } },

  // ── Surrogate-Control takes precedence for the edge ──
  { name: 'Surrogate-Control max-age beats Cache-Control', headers: { 'surrogate-control': 'max-age=86400', 'cache-control': 'max-age=60, s-maxage=120' }, expect: { ttl: 86400, freshness: 'surrogate-control' } },
  { name: 'Surrogate-Control max-age lifts Cache-Control no-cache for the edge', headers: { 'surrogate-control': 'max-age=300', 'cache-control': 'no-cache' }, expect: { storable: true, ttl: 300, grace: 0 } },
  { name: 'Surrogate-Control max-age counts the origin Age', headers: { 'surrogate-control': 'max-age=300', age: '100' }, expect: { ttl: 200 } },
  { name: 'Surrogate-Control targeted and extended max-age', headers: { 'surrogate-control': 'max-age=300+60;edge1' }, expect: { ttl: 300 } },
  { name: 'Surrogate-Control stale-while-revalidate beats Cache-Control\'s', headers: { 'surrogate-control': 'max-age=60, stale-while-revalidate=30', 'cache-control': 'stale-while-revalidate=5' }, expect: { grace: 30 } },
  { name: 'Surrogate-Control stale-if-error beats Cache-Control\'s', headers: { 'surrogate-control': 'stale-if-error=600', 'cache-control': 'max-age=60, stale-if-error=5' }, expect: { ttl: 60, staleIfError: 600 } },
  { name: 'Surrogate-Control without max-age leaves Cache-Control\'s TTL', headers: { 'surrogate-control': 'stale-while-revalidate=10', 'cache-control': 'max-age=60' }, expect: { ttl: 60, grace: 10, freshness: 'max-age' } },
  { name: 'Surrogate-Control no-store', headers: { 'surrogate-control': 'no-store', 'cache-control': 'max-age=60' }, expect: { storable: false, reason: 'surrogate-control no-store' } },

  // ── stale windows ──
  { name: 'Cache-Control stale-while-revalidate is the grace', headers: { 'cache-control': 'max-age=60, stale-while-revalidate=30' }, expect: { grace: 30, staleIfError: 43200 } },
  { name: 'Cache-Control stale-if-error beats the service default', headers: { 'cache-control': 'max-age=60, stale-if-error=100' }, expect: { staleIfError: 100 } },
  { name: 'the service stale_if_error_ttl applies when the response names none', headers: {}, settings: { ...settings, staleIfErrorTtl: 999 }, expect: { staleIfError: 999, grace: 0 } },
  { name: 'general.stale_if_error off: no stale-if-error by default', headers: {}, settings: { ...settings, staleIfError: false }, expect: { staleIfError: 0 } },
  { name: 'general.stale_if_error off still honours the response\'s stale-if-error', headers: { 'cache-control': 'stale-if-error=50' }, settings: { ...settings, staleIfError: false }, expect: { staleIfError: 50 } },
  { name: 'must-revalidate forbids stale serving by default', headers: { 'cache-control': 'max-age=60, must-revalidate, stale-while-revalidate=30' }, expect: { ttl: 60, grace: 0, staleIfError: 0 } },

  // ── not stored ──
  { name: 'Cache-Control private', headers: { 'cache-control': 'private, max-age=60' }, expect: { storable: false, reason: 'private' } },
  { name: 'Cache-Control private even with Surrogate-Control max-age', headers: { 'cache-control': 'private', 'surrogate-control': 'max-age=60' }, expect: { storable: false, reason: 'private' } },
  { name: 'Cache-Control no-store', headers: { 'cache-control': 'no-store' }, expect: { storable: false, reason: 'no-store' } },
  { name: 'Cache-Control no-cache without an edge TTL', headers: { 'cache-control': 'no-cache, max-age=60' }, expect: { storable: false, reason: 'no-cache' } },
  { name: 'Set-Cookie', headers: { 'set-cookie': ['a=1', 'b=2'], 'cache-control': 'max-age=60' }, expect: { storable: false, reason: 'set-cookie', ttl: 60 } },
  { name: 'Vary: *', headers: { vary: 'Accept, *' }, expect: { storable: false, reason: 'vary *' } },
  { name: 'POST', headers: { 'cache-control': 'max-age=60' }, req: { ...get, method: 'POST' }, expect: { storable: false, reason: 'method' } },
  { name: 'PUT', headers: {}, req: { ...get, method: 'PUT' }, expect: { storable: false, reason: 'method' } },
  { name: 'HEAD is cacheable', headers: {}, req: { ...get, method: 'HEAD' }, expect: { storable: true } },
  { name: 'status 500', headers: { 'cache-control': 'max-age=60' }, status: 500, expect: { storable: false, reason: 'status', ttl: 60 } },
  { name: 'status 206', headers: {}, status: 206, expect: { storable: false, reason: 'status' } },
  { name: 'status 204 is not in Fastly\'s default list', headers: {}, status: 204, expect: { storable: false, reason: 'status' } },
  ...[200, 203, 300, 301, 302, 404, 410].map((status): Row => ({ name: `status ${status} is cacheable`, headers: {}, status, expect: { storable: true } })),
  { name: 'an authenticated request is not stored by default', headers: { 'cache-control': 'max-age=60' }, req: { ...get, headers: { authorization: 'Basic eDp5' } }, expect: { storable: false, reason: 'authorization' } },
  { name: 'an authenticated request is stored when the response is public', headers: { 'cache-control': 'public, max-age=60' }, req: { ...get, headers: { authorization: 'Basic eDp5' } }, expect: { storable: true } },
  { name: 'an authenticated request is stored with a Surrogate-Control TTL', headers: { 'surrogate-control': 'max-age=60' }, req: { ...get, headers: { authorization: 'Basic eDp5' } }, expect: { storable: true } },

  // ── surrogate keys ──
  { name: 'Surrogate-Key is space-separated, duplicates dropped', headers: { 'surrogate-key': '  a b\tc a ' }, expect: { surrogateKeys: ['a', 'b', 'c'] } },
  { name: 'several Surrogate-Key lines', headers: { 'surrogate-key': ['a,1 b', 'c'] }, expect: { surrogateKeys: ['a,1', 'b', 'c'] } },
  { name: 'no Surrogate-Key', headers: {}, expect: { surrogateKeys: [] } },
];

for (const row of rows) {
  test(`policy: ${row.name}`, () => {
    const d = decide(row.headers, row);
    const picked = Object.fromEntries(Object.keys(row.expect).map((k) => [k, d[k as keyof PolicyDecision]]));
    assert.deepEqual(picked, row.expect);
  });
}

function beresp(d: PolicyDecision): VclBackendResponse {
  const b: VclBackendResponse = {
    status: 200, response: 'OK', http: { get: () => null, set: () => {}, add: () => {}, unset: () => {}, names: () => [], lines: () => [] },
    ttl: 0, grace: 0, staleIfError: 0, staleWhileRevalidate: 0, cacheable: false,
  };
  seedBackendResponse(b, d);
  return b;
}

test('seeding beresp copies the decision for vcl_fetch', () => {
  const d = decide({ 'cache-control': 'max-age=60, stale-while-revalidate=30, stale-if-error=90' });
  const b = beresp(d);
  assert.deepEqual([b.ttl, b.grace, b.staleWhileRevalidate, b.staleIfError, b.cacheable], [60, 30, 30, 90, true]);
});

test('finalize without VCL changes keeps the policy\'s lifetimes', () => {
  const d = decide({ 'cache-control': 'max-age=60, stale-while-revalidate=30, stale-if-error=90' });
  assert.deepEqual(finalize(beresp(d), d), { store: true, reason: 'cacheable', ttl: 60, grace: 30, staleIfError: 90 });
});

test('finalize: lifetimes set in vcl_fetch win', () => {
  const d = decide({ 'cache-control': 'max-age=60' });
  const b = beresp(d);
  b.ttl = 5;
  b.staleIfError = 7;
  b.grace = 3;
  assert.deepEqual(finalize(b, d), { store: true, reason: 'cacheable', ttl: 5, grace: 3, staleIfError: 7 });
  b.staleWhileRevalidate = 11;
  assert.equal(finalize(b, d).grace, 11, 'stale_while_revalidate set by VCL wins over grace');
});

test('finalize: beresp.cacheable set by VCL stores a status Fastly does not cache by default', () => {
  const d = decide({ 'cache-control': 'max-age=60' }, { status: 500 });
  const b = beresp(d);
  assert.equal(finalize(b, d).store, false);
  b.cacheable = true;
  assert.deepEqual(finalize(b, d), { store: true, reason: 'cacheable', ttl: 60, grace: 0, staleIfError: 43200 });
});

test('finalize: beresp.cacheable = false from VCL stops storing', () => {
  const d = decide({});
  const b = beresp(d);
  b.cacheable = false;
  assert.deepEqual(finalize(b, d), { store: false, reason: 'vcl', ttl: 3600, grace: 0, staleIfError: 43200 });
});

test('finalize: a Set-Cookie removed in vcl_fetch makes the response storable', () => {
  const d = decide({ 'set-cookie': 'a=1', 'cache-control': 'max-age=60' });
  const b = beresp(d);
  assert.equal(finalize(b, d, { 'set-cookie': 'a=1', 'cache-control': 'max-age=60' }).reason, 'set-cookie');
  assert.deepEqual(finalize(b, d, { 'cache-control': 'max-age=60' }).store, true);
});

test('finalize: a refusal for the method is not lifted by header edits', () => {
  const d = decide({}, { req: { ...get, method: 'POST' } });
  assert.equal(finalize(beresp(d), d, {}).reason, 'method');
});

test('finalize: nothing is stored without any lifetime', () => {
  const d = decide({ 'cache-control': 'max-age=0' }, { settings: { ...settings, staleIfError: false } });
  assert.deepEqual(finalize(beresp(d), d), { store: false, reason: 'no lifetime', ttl: 0, grace: 0, staleIfError: 0 });
});

test('finalize: negative lifetimes from VCL count as zero', () => {
  const d = decide({});
  const b = beresp(d);
  b.ttl = -10;
  b.staleIfError = -1;
  assert.deepEqual(finalize(b, d), { store: false, reason: 'no lifetime', ttl: 0, grace: 0, staleIfError: 0 });
});
