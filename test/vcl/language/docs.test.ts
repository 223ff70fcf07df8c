// docs/vcl.md lists the variables and functions lacquer runs; the list is the language
// definition's, so it cannot drift from what the checker accepts and the compiler runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isRun, VARIABLES } from '../../../src/vcl/language/variables.ts';
import { FUNCTIONS } from '../../../src/vcl/language/functions.ts';

const doc = readFileSync(new URL('../../../docs/vcl.md', import.meta.url), 'utf8');

/** The backticked names of the paragraph of a section made only of them. */
function listed(section: string): string[] {
  const body = doc.slice(doc.indexOf(`### ${section}\n`) + section.length + 5);
  const end = body.indexOf('\n### ');
  const list = (end < 0 ? body : body.slice(0, end)).split('\n\n').find((p) => /^`[^`]+`(, `[^`]+`)*$/.test(p.trim()));
  assert.ok(list !== undefined, `no list of names under ${section}`);
  return [...list.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
}

test('docs/vcl.md lists exactly the variables lacquer runs', () => {
  assert.deepEqual(listed('Variables lacquer runs').sort(), VARIABLES.filter(isRun).map((v) => v.name).sort());
});

test('docs/vcl.md lists exactly the functions lacquer runs', () => {
  assert.deepEqual(listed('Functions lacquer runs').sort(), FUNCTIONS.filter((f) => f.impl !== undefined).map((f) => f.name).sort());
});
