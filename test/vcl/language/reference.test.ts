// docs/vcl.md's generated section (what lacquer runs, its fixed values, what it does not run
// and why) is exactly what src/vcl/language generates: change the definition, run
// `node scripts/vcl-reference.ts`, or this fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FUNCTIONS } from '../../../src/vcl/language/functions.ts';
import { isRun, VARIABLES } from '../../../src/vcl/language/variables.ts';
import { languageReference, withReference } from '../../../src/vcl/language/reference.ts';

const doc = readFileSync(new URL('../../../docs/vcl.md', import.meta.url), 'utf8');

test('docs/vcl.md holds the generated language reference as the definition makes it today', () => {
  assert.equal(withReference(doc), doc, 'docs/vcl.md is out of date: run node scripts/vcl-reference.ts');
});

test('every variable and function Fastly documents is either run by lacquer or listed as not supported', () => {
  const text = languageReference();
  const notSupported = text.slice(text.indexOf('### Not supported, and why'));
  for (const v of VARIABLES.filter((x) => !isRun(x))) assert.ok(notSupported.includes(`\`${v.name}\``), v.name);
  for (const f of FUNCTIONS.filter((x) => x.impl === undefined)) assert.ok(notSupported.includes(`\`${f.name}()\``), f.name);
});
