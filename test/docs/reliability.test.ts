// docs/reliability.md names, for each guarantee, the test that shows it. Those names must stay
// true: every cited file exists and holds a test of that name (a template's fixed part counts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(import.meta.dirname, '../..');
const DOC = readFileSync(join(ROOT, 'docs/reliability.md'), 'utf8');

test('every test docs/reliability.md cites exists under that name', () => {
  const cited = [...DOC.matchAll(/`(test\/[^`]+\.ts)` › “([^”]+)”/g)].map((m) => ({ file: m[1], name: m[2] }));
  assert.ok(cited.length >= 40, `only ${cited.length} citations found: the citation format changed?`);
  const missing = cited.filter(({ file, name }) => {
    const source = readFileSync(join(ROOT, file), 'utf8');
    // Test names are written in '…', "…" or `…` literals; an apostrophe may be escaped.
    return !source.includes(name) && !source.includes(name.replaceAll("'", "\\'"));
  });
  assert.deepEqual(missing, []);
});
