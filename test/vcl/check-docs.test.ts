import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { checkCatalogue } from '../../src/vcl/check/catalogue.ts';
import { checkText } from './check-golden.ts';

// docs/vcl.md's "Checker diagnostics" section documents every checker code as
// `### \`code\` (severity)`, the message template, and a ```vcl example; this test keeps the
// docs and the catalogue in step.
const full = readFileSync(new URL('../../docs/vcl.md', import.meta.url), 'utf8');
const doc = full.slice(full.indexOf('\n## Checker diagnostics\n'));

interface Entry { readonly code: string; readonly severity: string; readonly message: string; readonly example: string }

function entries(): Entry[] {
  const sections = doc.split(/^### /m).slice(1).filter((s) => s.startsWith('`'));
  return sections.map((section) => {
    const head = /^`([^`]+)` \((error|warning|info)\)/.exec(section);
    const message = /^Message: `(.*)`$/m.exec(section);
    const example = /```vcl\n([\s\S]*?)```/.exec(section);
    assert.ok(head !== null && message !== null && example !== null, `malformed section: ${section.slice(0, 60)}`);
    return { code: head[1], severity: head[2], message: message[1], example: example[1] };
  });
}

test('the docs list every checker code exactly once, with its severity and message', () => {
  const documented = entries();
  assert.deepEqual(documented.map((e) => e.code).sort(), Object.keys(checkCatalogue).sort());
  for (const e of documented) {
    const template = checkCatalogue[e.code as keyof typeof checkCatalogue];
    assert.equal(e.severity, template.severity, e.code);
    assert.equal(e.message, template.message, e.code);
  }
});

for (const e of entries()) {
  test(`the docs example for ${e.code} produces ${e.code}`, () => {
    // An info diagnostic is what a fragment takes on trust: its example is linted as one.
    const codes = checkText(e.example, 'example.vcl', { fragment: e.severity === 'info' }).map((d) => d.code);
    assert.ok(codes.includes(e.code), `got ${codes.join(', ') || 'nothing'}`);
  });
}
