// docs/caching.md states the storage rules with examples; this test runs every example row
// through the policy, so the document and the code cannot drift apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cachePolicy } from '../../../src/edge/cache/policy.ts';

const doc = readFileSync(new URL('../../../docs/caching.md', import.meta.url), 'utf8');
const section = doc.slice(doc.indexOf('| method | status | response fields |'));
const lines = section.split('\n').slice(2);
const tableEnd = lines.findIndex((l) => !l.startsWith('|'));
const rows = lines.slice(0, tableEnd).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
const settings = { defaultTtl: 3600, staleIfError: true, staleIfErrorTtl: 43200 };

test('docs/caching.md has storage examples', () => {
  assert.ok(rows.length >= 10, `found ${rows.length} example rows`);
});

for (const [method, status, fields, stored, ttl, reason] of rows) {
  test(`docs example: ${method} ${status} ${fields} → ${stored}, ${reason}`, () => {
    const headers: Record<string, string> = {};
    for (const f of fields === '(none)' ? [] : fields.split(' ; ')) {
      const m = /^`([^:]+):\s*(.*)`$/.exec(f.trim());
      assert.ok(m !== null, `malformed field cell "${f}"`);
      headers[m[1].toLowerCase()] = m[2];
    }
    const d = cachePolicy({ method, url: '/', headers: {} }, { status: Number(status), headers }, settings);
    assert.deepEqual([d.storable ? 'yes' : 'no', d.ttl, d.reason], [stored, Number(ttl), reason]);
  });
}
