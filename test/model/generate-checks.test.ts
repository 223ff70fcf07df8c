// Issue 3 §4: every generated file checks clean and round-trips through the printer. The
// generator's output goes through exactly the door the edge uses (parse → check → compile).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse, print } from '../../src/vcl/index.ts';
import { vclValidator } from '../../src/vcl/validate.ts';
import { withoutOffsets } from '../vcl/golden.ts';

const GOLDEN = join(import.meta.dirname, 'golden');

for (const name of ['full.vcl', 'custom.vcl']) {
  const text = readFileSync(join(GOLDEN, name), 'utf8');

  test(`generated ${name} has no check error and compiles`, () => {
    const files = name === 'custom.vcl'
      ? [{ name: 'main', content: text, main: true }, { name: 'lib', content: 'sub helper { }\n', main: false }]
      : [{ name, content: text, main: true }];
    const errors = vclValidator(files).diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors, []);
  });

  test(`generated ${name} round-trips through the printer`, () => {
    const first = parse(text, name);
    assert.deepEqual(first.diagnostics, []);
    const second = parse(print(first.ast), name);
    assert.deepEqual(second.diagnostics, []);
    assert.deepEqual(withoutOffsets(second.ast), withoutOffsets(first.ast));
  });
}
