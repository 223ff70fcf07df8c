// The fleet's hop credential and the owner choice (src/edge/fleet/credential.ts, view.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FleetCredential, HOP_WINDOW_MS } from '../../../src/edge/fleet/credential.ts';
import { FleetView } from '../../../src/edge/fleet/view.ts';

const SECRET = 'a-fleet-secret-of-enough-length';

test('a hop credential verifies for its own request only, within the window, and only with the fleet\'s secret', () => {
  const c = new FleetCredential(SECRET);
  const now = 1_700_000_000_000;
  const value = c.sign('GET', 'www.example', '/a?b=1', now);
  assert.equal(c.verify(value, 'GET', 'www.example', '/a?b=1', now + 1_000), true);
  assert.deepEqual([
    c.verify(value, 'POST', 'www.example', '/a?b=1', now),
    c.verify(value, 'GET', 'other.example', '/a?b=1', now),
    c.verify(value, 'GET', 'www.example', '/a?b=2', now),
    c.verify(value, 'GET', 'www.example', '/a?b=1', now + HOP_WINDOW_MS + 1),
    new FleetCredential('another-secret-of-enough-length').verify(value, 'GET', 'www.example', '/a?b=1', now),
    c.verify(undefined, 'GET', 'www.example', '/a?b=1', now),
    c.verify('1', 'GET', 'www.example', '/a?b=1', now),
    c.verify(`${now}.forged`, 'GET', 'www.example', '/a?b=1', now),
  ], [false, false, false, false, false, false, false, false]);
});

test('Fastly-FF stands for a service by a salted hash: the same on every node of the fleet, never the id', () => {
  const a = new FleetCredential(SECRET).serviceHash('svc123');
  assert.equal(new FleetCredential(SECRET).serviceHash('svc123'), a);
  assert.notEqual(new FleetCredential('another-secret-of-enough-length').serviceHash('svc123'), a);
  assert.ok(!a.includes('svc123'));
});

test('every member picks the same owner for a key; a member leaving moves only the keys it owned', () => {
  const members = ['http://h:1', 'http://h:2', 'http://h:3', 'http://h:4'];
  const view = (self: string, list: readonly string[]): FleetView => new FleetView({ secret: SECRET, self, members: list, pops: {} });
  const keys = Array.from({ length: 400 }, (_, i) => `svc/key${i}`);
  const owner = (v: FleetView, k: string): string => v.ownerOf(k) ?? v.state.self;
  const before = keys.map((k) => owner(view(members[0], members), k));
  for (const self of members) assert.deepEqual(keys.map((k) => owner(view(self, members), k)), before);
  assert.equal(new Set(before).size, 4, 'every member owns some keys');
  const after = keys.map((k) => owner(view(members[0], members.slice(0, 3)), k));
  keys.forEach((_, i) => { if (before[i] !== 'http://h:4') assert.equal(after[i], before[i]); });
  assert.ok(after.every((o) => o !== 'http://h:4'));
});
