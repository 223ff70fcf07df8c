// Two control nodes activating versions of one service at once (DESIGN.md §4.6): both may
// succeed (the later commit is active) or one gets 409; within 1 s every node reports the same
// single active version and every edge serves it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { origin, send } from '../cache/origin.ts';
import { api, apiOk } from '../../support/fleet.ts';
import { everyEdge, startFleet } from './fleet.ts';

test('two control nodes activating different versions of one service at once: one version is active everywhere and every edge serves it', async (t) => {
  const fleet = await startFleet((fn) => t.after(fn));
  const second = await fleet.node({ role: 'control' });
  const controls = [fleet.control, second];
  // Each version's backend is an origin that answers its version's name.
  const sid = await fleet.createService('race.example', (await origin(t, (_q, res) => send(res, { 'cache-control': 'no-store' }, 'v1'))).port);
  for (let round = 0; round < 4; round++) {
    const versions: number[] = [];
    for (const c of controls) {
      const v = (await apiOk(c, 'PUT', `/service/${sid}/version/1/clone`)).number as number;
      const o = await origin(t, (_q, res) => send(res, { 'cache-control': 'no-store' }, `v${v}`));
      await apiOk(c, 'PUT', `/service/${sid}/version/${v}/backend/origin`, { port: o.port });
      versions.push(v);
    }
    const answers = await Promise.all(controls.map((c, i) => api(c, 'PUT', `/service/${sid}/version/${versions[i]}/activate`)));
    for (const a of answers) assert.ok(a.status === 200 || a.status === 409, JSON.stringify(a));
    assert.ok(answers.some((a) => a.status === 200));
    const reported = await Promise.all(controls.map(async (c) =>
      ((await apiOk(c, 'GET', `/service/${sid}/details`)).active_version as { number: number }).number));
    assert.equal(reported[0], reported[1], 'both control nodes report the same active version');
    assert.ok(versions.includes(reported[0]), `round ${round}: ${reported[0]} is one of ${versions.join(', ')}`);
    const all = await apiOk(fleet.control, 'GET', `/service/${sid}/version`) as unknown as Array<{ active: boolean }>;
    assert.equal(all.filter((v) => v.active).length, 1);
    await everyEdge(fleet.edges, (r) => r.status === 200 && r.body === `v${reported[0]}`, 'race.example', 1_000);
  }
});
