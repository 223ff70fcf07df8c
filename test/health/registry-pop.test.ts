// The registry changed one service at a time (an activation costs that service only), and
// shared between the nodes of one POP (DESIGN.md §4.6): each identity probed by its owner,
// followed by the others from the owner's verdicts and rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HealthRegistry } from '../../src/health/registry.ts';
import type { ProbeFn } from '../../src/health/registry.ts';
import type { HealthMessage } from '../../src/health/ipc.ts';
import { identityKey } from '../../src/health/summary.ts';
import { PopOwnership, hash32 } from '../../src/health/ownership.ts';
import { probeIdentity } from '../../src/model/backend.ts';
import type { BackendDefinition } from '../../src/model/backend.ts';
import { BAD, GOOD, backendDef, probeDef } from './fixtures.ts';
import { virtualClock } from './clock.ts';
import type { VirtualClock } from './clock.ts';

function registry(clock: VirtualClock, probe: ProbeFn, pop = 'ams'): HealthRegistry {
  return new HealthRegistry({ pop, probe: (b, o) => clock.track(probe(b, o)), now: Date.now, scheduler: { clock: Date.now }, spread: false });
}

/** A probe that counts its calls per backend name and answers from `results` (the last repeats). */
function counting(calls: Map<string, number>, results = [GOOD]): ProbeFn {
  return async (b) => {
    const n = (calls.get(b.name) ?? 0) + 1;
    calls.set(b.name, n);
    return results[Math.min(n - 1, results.length - 1)];
  };
}

const probe100 = probeDef({ intervalMs: 100 });

test('putService changes one service: the others keep their states, members and overrides', async (t) => {
  const clock = virtualClock(t);
  const reg = registry(clock, counting(new Map()));
  t.after(() => reg.close());
  const a = backendDef({ name: 'F_a', port: 8001, probe: probe100 });
  const b = backendDef({ name: 'F_b', port: 8002, probe: probe100 });
  const shared = backendDef({ name: 'F_shared', shareKey: 'k', port: 8003, probe: probe100 });
  assert.deepEqual(reg.putService('s1', [a, shared]), { started: [probeIdentity(a), probeIdentity(shared)], kept: [], stopped: [] });
  assert.deepEqual(reg.putService('s2', [b, shared]), { started: [probeIdentity(b)], kept: [probeIdentity(shared)], stopped: [] });
  await clock.advance(150);
  reg.setAdmin({ serviceId: 's2', name: 'F_b' }, 'sick');
  const before = reg.state(probeIdentity(b));

  const a2 = backendDef({ name: 'F_a', port: 8011, probe: probe100 });
  assert.deepEqual(reg.putService('s1', [a2]), { started: [probeIdentity(a2)], kept: [], stopped: [probeIdentity(a)] });
  assert.equal(reg.state(probeIdentity(b)), before, 's2\'s state is untouched');
  assert.equal(reg.state(probeIdentity(shared))?.probes, 2, 'still followed by s2, so still probed');
  assert.deepEqual(reg.snapshot('s2').backends.map((e) => [e.name, e.admin]), [['F_b', 'sick'], ['F_shared', 'auto']]);

  assert.deepEqual(reg.removeService('s2'), { started: [], kept: [], stopped: [probeIdentity(b), probeIdentity(shared)] });
  assert.deepEqual(reg.snapshot('s2').backends, []);
  assert.deepEqual(reg.snapshot('s1').backends.map((e) => e.name), ['F_a']);
  // Deactivated for now, not removed from its service: the override comes back with it.
  reg.putService('s2', [b]);
  assert.deepEqual(reg.snapshot('s2').backends.map((e) => [e.name, e.admin]), [['F_b', 'sick']]);
});

test('any sequence of putService and removeService leaves what one sync of the result leaves', () => {
  const pool: BackendDefinition[] = [0, 1, 2, 3].map((i) => backendDef({ name: `F_b${i % 3}`, shareKey: i < 2 ? 'k' : `k${i}`, port: 8000 + i, probe: null }));
  const op = fc.oneof(
    fc.record({ put: fc.constantFrom('s1', 's2', 's3'), backends: fc.subarray(pool) }),
    fc.record({ remove: fc.constantFrom('s1', 's2', 's3') }),
  );
  fc.assert(fc.property(fc.array(op, { maxLength: 12 }), (ops) => {
    const incremental = new HealthRegistry({ pop: 'p', probe: async () => GOOD, spread: false });
    const model = new Map<string, BackendDefinition[]>();
    for (const o of ops) {
      if ('put' in o) {
        incremental.putService(o.put, o.backends);
        model.set(o.put, o.backends);
      } else {
        incremental.removeService(o.remove);
        model.delete(o.remove);
      }
    }
    const whole = new HealthRegistry({ pop: 'p', probe: async () => GOOD, spread: false });
    whole.sync([...model].flatMap(([serviceId, backends]) => backends.map((backend) => ({ serviceId, backend }))));
    const view = (r: HealthRegistry) => ['s1', 's2', 's3'].map((s) => r.snapshot(s).backends.map((e) => [e.name, e.identity]));
    const identities = (r: HealthRegistry) => r.messages().map((m) => ('identity' in m ? m.identity : '')).sort();
    const same = JSON.stringify(view(incremental)) === JSON.stringify(view(whole)) && JSON.stringify(identities(incremental)) === JSON.stringify(identities(whole));
    incremental.close();
    whole.close();
    return same;
  }));
});

test('two nodes of one POP probe each identity once between them, and the origin sees one probe per interval', async (t) => {
  const clock = virtualClock(t);
  const callsA = new Map<string, number>();
  const callsB = new Map<string, number>();
  const a = registry(clock, counting(callsA));
  const b = registry(clock, counting(callsB));
  t.after(() => { a.close(); b.close(); });
  const backends = Array.from({ length: 20 }, (_, i) => backendDef({ name: `F_b${i}`, port: 8000 + i, probe: probe100 }));
  for (const r of [a, b]) r.putService('s', backends);
  a.setPopNodes('node-a', ['node-b']);
  b.setPopNodes('node-b', ['node-a']);
  callsA.clear();
  callsB.clear();
  await clock.advance(1_000);
  for (const { name } of backends) {
    const [na, nb] = [callsA.get(name) ?? 0, callsB.get(name) ?? 0];
    assert.ok((na === 0) !== (nb === 0), `${name} probed by exactly one node (${na}, ${nb})`);
    assert.ok(na + nb >= 9 && na + nb <= 11, `${name}: one probe per 100 ms interval, got ${na + nb}`);
  }
  assert.deepEqual([callsA.size, callsB.size], [11, 9]);
  assert.equal(backends.filter((x) => a.probes(probeIdentity(x))).length, 11);
});

test('a follower routes by the owner\'s verdicts and rows, and resumes from them when it takes the identity over', async (t) => {
  const clock = virtualClock(t);
  const owner = registry(clock, counting(new Map(), [GOOD, GOOD, BAD]));
  const followerCalls = new Map<string, number>();
  const follower = registry(clock, counting(followerCalls, [BAD]));
  t.after(() => { owner.close(); follower.close(); });
  const backend = backendDef({ probe: probeDef({ intervalMs: 100, window: 4, threshold: 2, initial: 1 }) });
  const id = probeIdentity(backend);
  // Two node names of which the first owns this identity.
  const hash = hash32(identityKey(id));
  const names = ['n1', 'n2'].sort((x, y) => (new PopOwnership(x, ['n1', 'n2']).owns(hash) ? -1 : 1) - (new PopOwnership(y, ['n1', 'n2']).owns(hash) ? -1 : 1));
  owner.putService('s', [backend]);
  follower.putService('s', [backend]);
  owner.setPopNodes(names[0], [names[1]]);
  follower.setPopNodes(names[1], [names[0]]);
  assert.deepEqual([owner.probes(id), follower.probes(id)], [true, false]);
  const messages: HealthMessage[] = [];
  follower.on('message', (m) => messages.push(m));
  const flips: boolean[] = [];
  owner.on('flip', (row) => {
    flips.push(row.healthy);
    follower.applyVerdict(row.key, row.healthy, row.lastChange);
  });
  await clock.advance(150);
  assert.deepEqual(flips, [true]);
  assert.deepEqual(messages, [{ type: 'health', identity: id, healthy: true }], 'the flip reaches the follower\'s workers');
  assert.equal(follower.isHealthy(id), true);
  assert.deepEqual(owner.summarize(60_000).rows.map((r) => [r.key, r.healthy, r.good]), [[identityKey(id), true, 3]]);
  assert.deepEqual(owner.summarize(60_000).rows, [], 'nothing changed since the last summary');
  await clock.advance(100);
  follower.applySummaries(owner.summarize(60_000).rows);
  const view = (r: HealthRegistry) => r.snapshot('s').backends.map(({ bits, good, healthy, last_response }) => ({ bits, good, healthy, last_response }));
  assert.deepEqual(view(follower), view(owner), 'the follower shows the owner\'s row');
  assert.equal(followerCalls.size, 0, 'a follower does not probe');

  // The owner leaves: the follower probes from the history it was given (good 3 of 4 → one bad
  // probe leaves 2 good: still healthy, no flip), within one interval.
  owner.close();
  follower.setPopNodes(names[1], []);
  assert.equal(follower.probes(id), true);
  await clock.advance(100);
  assert.equal(followerCalls.get('F_origin'), 1);
  assert.deepEqual(follower.snapshot('s').backends.map((e) => [e.healthy, e.good, e.bits.H.slice(-4)]), [[true, 2, 'HH--']]);
  assert.deepEqual(messages.length, 1, 'no flip on the hand-over');
});
