// docs/vcl.md and the diagnostic catalogue agree (the fastify habit): every front-end code
// has a section, and each section's example, run as the file `main`, produces that code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { frontEndCatalogue } from '../../src/vcl/syntax/diagnostics.ts';
import { parseWithIncludesFromMap } from '../../src/vcl/syntax/include.ts';

const doc = readFileSync(join(import.meta.dirname, '../../docs/vcl.md'), 'utf8');
const sections = [...doc.matchAll(/^### `([a-z]+\/[a-z-]+)` \((error|warning)\)\n[\s\S]*?```vcl\n([\s\S]*?)```/gm)]
  .map((m) => ({ code: m[1], severity: m[2], example: m[3] }));

test('docs/vcl.md documents every front-end diagnostic code with its severity', () => {
  const documented = new Map(sections.map((s) => [s.code, s.severity]));
  for (const [code, t] of Object.entries(frontEndCatalogue)) assert.equal(documented.get(code), t.severity, code);
});

for (const { code, example } of sections.filter((s) => s.code in frontEndCatalogue)) {
  test(`the docs example for ${code} produces it`, () => {
    const { diagnostics } = parseWithIncludesFromMap('main', { main: example });
    assert.ok(diagnostics.some((d) => d.code === code), diagnostics.map((d) => d.code).join(', '));
  });
}
