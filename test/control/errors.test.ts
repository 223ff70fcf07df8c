import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { API_ERRORS, parseEgress } from '../../src/control/index.ts';

test('every error in the catalogue is documented in docs/api.md with its status', () => {
  const doc = readFileSync(join(import.meta.dirname, '../../docs/api.md'), 'utf8');
  for (const { status, msg } of Object.values(API_ERRORS)) {
    assert.ok(doc.includes(`| ${status} | \`${msg}\` |`), `docs/api.md lacks "| ${status} | \`${msg}\` |"`);
  }
});

test('egress entries become CIDRs split by family, and bad ones are refused', () => {
  assert.deepEqual(parseEgress(['192.0.2.1', '198.51.100.0/24', '2001:db8::1', ' ']), {
    v4: ['192.0.2.1/32', '198.51.100.0/24'], v6: ['2001:db8::1/128'],
  });
  assert.throws(() => parseEgress(['192.0.2.0/33']), /invalid egress range "192\.0\.2\.0\/33"/);
  assert.throws(() => parseEgress(['example.com']), /invalid egress range "example\.com"/);
});
