// The dashboard's health per POP (DESIGN.md §4.6): a stale POP is drawn as stale, in words,
// never as healthy, and the service summary counts it apart from the sick.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { badge, popHealth, summary } from '../../src/control/dashboard/health-view.ts';
import type { HealthEntry } from '../../src/control/dashboard/data.ts';

const entry = (pop: string, healthy: boolean, stale: boolean, admin = 'auto'): HealthEntry => ({
  name: 'F_origin', pop, identity: 'id', admin, healthy, stale, good: 2, threshold: 1, window: 2,
  bits: { H: `${'-'.repeat(62)}HH` }, last_change: '2026-11-21T21:38:31.000Z', last_response: 'HTTP/1.1 200 OK', avg_rtt_ms: 0.5,
});

test('a stale POP\'s badge says Stale, also under an override, and its title says why it is not counted healthy', () => {
  assert.equal(badge(entry('fra', false, true)).text, '<span class="badge badge-none" data-state="stale"><span aria-hidden="true">◌</span> Stale</span>');
  assert.equal(badge(entry('fra', false, true, 'healthy')).text, '<span class="badge badge-none" data-state="stale"><span aria-hidden="true">◌</span> Stale (set healthy)</span>');
  assert.match(badge(entry('ams', true, false)).text, /data-state="healthy".*Healthy<\/span>$/);
  assert.match(popHealth(entry('fra', false, true)).text,
    /title="No recent health summary from POP fra, so not counted healthy\. Last known: 2 of the last 2 probes good \(threshold 1\); last: HTTP\/1\.1 200 OK"/);
});

test('the service summary counts stale POPs apart from sick ones', () => {
  assert.match(summary([entry('ams', true, false), entry('fra', false, true)]).text, /badge-none.*1 of 2 stale<\/span>$/);
  assert.match(summary([entry('ams', false, false), entry('fra', false, true)]).text, /badge-bad.*1 of 2 sick, 1 of 2 stale<\/span>$/);
  assert.match(summary([entry('ams', true, false), entry('fra', true, false)]).text, /badge-ok.*2 healthy<\/span>$/);
});
