// Who probes each identity among a POP's live nodes (DESIGN.md §4.6): rendezvous hashing,
// pure, without sockets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PopOwnership, hash32 } from '../../src/health/ownership.ts';
import { identityKey } from '../../src/health/summary.ts';

const IDENTITIES = Array.from({ length: 10_000 }, (_, i) => hash32(identityKey(`identity-${i}`)));

function owners(o: PopOwnership): string[] {
  return IDENTITIES.map((h) => o.ownerOf(h));
}

function shares(o: PopOwnership): Record<string, number> {
  const out: Record<string, number> = {};
  for (const owner of owners(o)) out[owner] = (out[owner] ?? 0) + 1;
  return out;
}

test('every node of a POP picks the same owner for every identity, whatever order it lists the nodes in', () => {
  const views = [new PopOwnership('a', ['b', 'c']), new PopOwnership('b', ['c', 'a']), new PopOwnership('c', ['a', 'b', 'c'])];
  const [first, ...rest] = views.map(owners);
  for (const other of rest) assert.deepEqual(other, first);
  // Each identity is probed by exactly one of them.
  for (let i = 0; i < IDENTITIES.length; i++) {
    assert.equal(views.filter((v) => v.owns(IDENTITIES[i])).length, 1);
  }
});

test('10,000 identities split about evenly: 3 nodes and 5 nodes', () => {
  assert.deepEqual(shares(new PopOwnership('a', ['b', 'c'])), { a: 3282, b: 3410, c: 3308 });
  assert.deepEqual(shares(new PopOwnership('edge-1', ['edge-2', 'edge-3', 'edge-4', 'edge-5'])),
    { 'edge-1': 1964, 'edge-2': 1988, 'edge-3': 2049, 'edge-4': 2045, 'edge-5': 1954 });
});

test('a node that leaves hands over only its own identities; a node that joins takes only its share', () => {
  const three = owners(new PopOwnership('a', ['b', 'c']));
  const two = owners(new PopOwnership('a', ['b']));
  const moved = three.flatMap((owner, i) => (owner === two[i] ? [] : [owner]));
  assert.deepEqual([...new Set(moved)], ['c'], 'only the leaver\'s identities move');
  assert.equal(moved.length, 3308, 'all of them');

  const four = owners(new PopOwnership('a', ['b', 'c', 'd']));
  const taken = three.flatMap((owner, i) => (owner === four[i] ? [] : [four[i]]));
  assert.deepEqual([...new Set(taken)], ['d'], 'every identity that moves goes to the newcomer');
  assert.equal(taken.length, 2475, 'about a quarter');
});

test('a node counts itself live, and alone it owns everything', () => {
  assert.deepEqual(new PopOwnership('a').nodes, ['a']);
  assert.deepEqual(new PopOwnership('b', ['a', 'a', 'c']).nodes, ['a', 'b', 'c']);
  assert.equal(IDENTITIES.every((h) => new PopOwnership('a', []).owns(h)), true);
  assert.equal(new PopOwnership('a', ['b']).sameAs(new PopOwnership('a', ['b', 'a'])), true);
  assert.equal(new PopOwnership('a', ['b']).sameAs(new PopOwnership('b', ['a'])), false);
});

test('for any live set and identity, the owner is one of the live nodes and the same from every node', () => {
  fc.assert(fc.property(
    fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 8 }), fc.string(),
    (nodes, identity) => {
      const h = hash32(identity);
      const picked = nodes.map((self) => new PopOwnership(self, nodes).ownerOf(h));
      return nodes.includes(picked[0]) && picked.every((p) => p === picked[0]);
    },
  ));
});
