import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DirectorSelection, directorHealthy, seededRandom, selectBackend } from '../../src/edge/directors.ts';
import { EdgeError } from '../../src/edge/errors.ts';
import type { DirectorDefinition } from '../../src/model/director.ts';

function director(overrides: Partial<DirectorDefinition> = {}): DirectorDefinition {
  return {
    name: 'd', type: 'random', quorum: 0, retries: 3,
    members: [{ backend: 'a', weight: 2 }, { backend: 'b', weight: 1 }, { backend: 'c', weight: 1 }],
    ...overrides,
  };
}

const allHealthy = () => true;
const healthyExcept = (...sick: string[]) => (name: string) => !sick.includes(name);

function counts(n: number, pick: (i: number) => string | EdgeError): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const r = pick(i);
    assert.equal(typeof r, 'string');
    out[r as string] = (out[r as string] ?? 0) + 1;
  }
  return out;
}

function assertShares(got: Record<string, number>, n: number, want: Record<string, number>, tolerance: number): void {
  assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort());
  for (const [k, share] of Object.entries(want)) {
    const actual = got[k] / n;
    assert.ok(Math.abs(actual - share) <= tolerance, `${k}: share ${actual.toFixed(4)}, expected ${share} ± ${tolerance}`);
  }
}

test('random director spreads selections as the weights say (fixed seed)', () => {
  const random = seededRandom(42);
  const d = director();
  const got = counts(20_000, () => selectBackend(d, { isHealthy: allHealthy, random }));
  assertShares(got, 20_000, { a: 0.5, b: 0.25, c: 0.25 }, 0.015);
});

test('random director only picks healthy members, reweighted among them', () => {
  const random = seededRandom(7);
  const d = director();
  const got = counts(20_000, () => selectBackend(d, { isHealthy: healthyExcept('a'), random }));
  assertShares(got, 20_000, { b: 0.5, c: 0.5 }, 0.015);
});

test('hash director sends one key to one member and spreads keys by weight', () => {
  const d = director({ type: 'hash' });
  const first = selectBackend(d, { isHealthy: allHealthy, hashKey: '/img/1.png' });
  for (let i = 0; i < 10; i++) assert.equal(selectBackend(d, { isHealthy: allHealthy, hashKey: '/img/1.png' }), first);
  const got = counts(20_000, (i) => selectBackend(d, { isHealthy: allHealthy, hashKey: `/obj/${i}` }));
  assertShares(got, 20_000, { a: 0.5, b: 0.25, c: 0.25 }, 0.015);
});

test('client director keeps a client on one member and spreads clients by weight', () => {
  const d = director({ type: 'client', members: [{ backend: 'a', weight: 1 }, { backend: 'b', weight: 3 }] });
  const sticky = selectBackend(d, { isHealthy: allHealthy, clientIdentity: '203.0.113.9' });
  assert.equal(selectBackend(d, { isHealthy: allHealthy, clientIdentity: '203.0.113.9' }), sticky);
  const got = counts(20_000, (i) => selectBackend(d, { isHealthy: allHealthy, clientIdentity: `10.${i >> 8}.${i & 255}.1` }));
  assertShares(got, 20_000, { a: 0.25, b: 0.75 }, 0.015);
});

test('fallback director takes the first healthy member in order, then the next after a failure', () => {
  const d = director({ type: 'fallback', members: [{ backend: 'p', weight: 1 }, { backend: 's', weight: 1 }, { backend: 't', weight: 1 }] });
  assert.equal(selectBackend(d, { isHealthy: allHealthy }), 'p');
  assert.equal(selectBackend(d, { isHealthy: healthyExcept('p') }), 's');
  const sel = new DirectorSelection(d, { isHealthy: allHealthy });
  assert.equal(sel.next(), 'p');
  assert.equal(sel.next(), 's');
  assert.equal(sel.next(), 't');
  const end = sel.next();
  assert.ok(end instanceof EdgeError);
  assert.equal(end.reason, 'All backends failed or unhealthy');
  assert.deepEqual(sel.tried, ['p', 's', 't']);
});

test('.retries bounds how many further members are tried after connection failures', () => {
  const d = director({ retries: 1 });
  const sel = new DirectorSelection(d, { isHealthy: allHealthy, random: seededRandom(1) });
  const first = sel.next();
  const second = sel.next();
  assert.equal(typeof first, 'string');
  assert.equal(typeof second, 'string');
  assert.notEqual(first, second);
  const third = sel.next();
  assert.ok(third instanceof EdgeError);
  assert.equal(third.code, 'ALL_BACKENDS_FAILED');
  assert.equal(third.status, 503);
});

test('quorum: healthy weight below the percentage fails with Quorum weight not reached', () => {
  const d = director({ quorum: 60 }); // a=50%, b=25%, c=25%
  assert.equal(directorHealthy(d, healthyExcept('b')), true); // 75% ≥ 60%
  assert.equal(directorHealthy(d, healthyExcept('a')), false); // 50% < 60%
  const r = selectBackend(d, { isHealthy: healthyExcept('a'), random: seededRandom(3) });
  assert.ok(r instanceof EdgeError);
  assert.equal(r.reason, 'Quorum weight not reached');
  assert.equal(r.status, 503);
});

test('no healthy member fails with All backends failed or unhealthy', () => {
  for (const type of ['random', 'hash', 'client', 'fallback', 'chash'] as const) {
    const r = selectBackend(director({ type }), { isHealthy: () => false, random: seededRandom(1), hashKey: 'k', clientIdentity: 'c' });
    assert.ok(r instanceof EdgeError, type);
    assert.equal(r.reason, 'All backends failed or unhealthy', type);
  }
});

test('chash: a member leaving moves only its own keys; ids, not names, place members', () => {
  const members = [{ backend: 'a', weight: 1, id: 'n1' }, { backend: 'b', weight: 1, id: 'n2' }, { backend: 'c', weight: 1, id: 'n3' }];
  const d = director({ type: 'chash', members, seed: 9, vnodesPerNode: 128, key: 'object' });
  const keys = Array.from({ length: 3_000 }, (_, i) => `/k/${i}`);
  const before = keys.map((k) => selectBackend(d, { isHealthy: allHealthy, hashKey: k }));
  const after = keys.map((k) => selectBackend(d, { isHealthy: healthyExcept('b'), hashKey: k }));
  let moved = 0;
  for (let i = 0; i < keys.length; i++) {
    if (before[i] !== 'b') assert.equal(after[i], before[i], keys[i]);
    else { assert.notEqual(after[i], 'b'); moved += 1; }
  }
  const share = moved / keys.length;
  assert.ok(share > 0.25 && share < 0.42, `b owned ${share}`);
  // Renaming the backend but keeping its .id keeps its keys.
  const renamed = director({ type: 'chash', seed: 9, vnodesPerNode: 128, members: [members[0], { backend: 'bb', weight: 1, id: 'n2' }, members[2]] });
  for (let i = 0; i < 200; i++) {
    const r = selectBackend(renamed, { isHealthy: allHealthy, hashKey: keys[i] });
    assert.equal(r === 'bb' ? 'b' : r, before[i]);
  }
});

test('chash with .key = client hashes client.identity, and .seed changes the placement', () => {
  const members = [{ backend: 'a', weight: 1 }, { backend: 'b', weight: 1 }];
  const byClient = director({ type: 'chash', members, key: 'client' });
  const r1 = selectBackend(byClient, { isHealthy: allHealthy, clientIdentity: '198.51.100.4', hashKey: 'x' });
  for (let i = 0; i < 20; i++) {
    assert.equal(selectBackend(byClient, { isHealthy: allHealthy, clientIdentity: '198.51.100.4', hashKey: `other${i}` }), r1);
  }
  const keys = Array.from({ length: 500 }, (_, i) => `/s/${i}`);
  const seed0 = director({ type: 'chash', members, seed: 0 });
  const seed1 = director({ type: 'chash', members, seed: 1 });
  const s0 = keys.map((k) => selectBackend(seed0, { isHealthy: allHealthy, hashKey: k }));
  const s1 = keys.map((k) => selectBackend(seed1, { isHealthy: allHealthy, hashKey: k }));
  assert.notDeepEqual(s0, s1);
});
