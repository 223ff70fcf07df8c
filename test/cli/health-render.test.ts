// `lacquer health` draws one row per backend and POP (DESIGN.md §4.6); a POP that has not
// reported lately reads `stale`, never healthy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderHealth } from '../../src/cli/commands/health.ts';

const bits = { H: `${'-'.repeat(62)}HH`, R: `${'-'.repeat(62)}RR` };
const entry = (pop: string, healthy: boolean, stale: boolean) => ({
  name: 'F_origin', pop, admin: 'auto' as const, healthy, stale, good: 2, threshold: 1, window: 2, bits,
  last_change: '2026-11-21T21:38:31.000Z', last_response: stale ? '' : 'HTTP/1.1 200 OK', avg_rtt_ms: 0.5,
});

test('lacquer health: one row per backend and POP, a stale POP reads stale', () => {
  const snapshot = { service_id: 'S', backends: [entry('ams', true, false), entry('fra', false, true)] };
  assert.equal(renderHealth([snapshot], false),
    'Service  Backend name  POP  Admin  Probe  Health   Last change                    Last response\n' +
    'S        F_origin      ams  probe  2/2    healthy  Sat, 21 Nov 2026 21:38:31 GMT  HTTP/1.1 200 OK\n' +
    'S        F_origin      fra  probe  2/2    stale    Sat, 21 Nov 2026 21:38:31 GMT\n');
  assert.match(renderHealth([snapshot], true), /^S F_origin \(fra\): stale, admin probe$/m);
});
