// Every generated file checks clean and round-trips through the printer. The
// generator's output goes through exactly the door the edge uses (parse → check → compile;
// DESIGN.md §1).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse, print, vclValidator } from '../../src/vcl/index.ts';
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

test('an API backend\'s error_threshold reaches the edge as .error_threshold (passive health)', async () => {
  const { parseRecord, backend, settings } = await import('../../src/model/api/index.ts');
  const { generateVcl } = await import('../../src/model/generate.ts');
  const { compileService } = await import('../../src/vcl/index.ts');
  const rec = <R extends Parameters<typeof parseRecord>[0]>(r: R, body: Record<string, unknown>) => {
    const out = parseRecord(r, body, null);
    assert.ok(out.ok);
    return out.record;
  };
  const config = {
    serviceId: 'SVC', version: 1, healthchecks: [], directors: [], vcls: [], settings: rec(settings, {}),
    backends: [rec(backend, { name: 'a', address: '192.0.2.1', error_threshold: 3 }), rec(backend, { name: 'b', address: '192.0.2.2' })],
  };
  const { files } = generateVcl(config);
  assert.match(files[0].content, /backend F_a \{[^}]*\n {2}\.error_threshold = 3;\n/);
  assert.doesNotMatch(files[0].content, /backend F_b \{[^}]*error_threshold/);
  const { service, diagnostics } = compileService({
    serviceId: 'SVC', version: 1, domains: [], main: files[0].name, files,
    settings: { defaultTtl: 3600, staleIfError: true, staleIfErrorTtl: 43200 },
  });
  assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
  assert.equal(service?.backends.get('F_a')?.errorThreshold, 3);
  assert.equal(service?.backends.get('F_b')?.errorThreshold, 0);
});
