import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as A from '../../src/vcl/syntax/ast.ts';
import { FirstProperties, fits, fitsValue } from '../../src/vcl/check/backend.ts';
import type { PropertyKind } from '../../src/vcl/check/backend.ts';
import { propertyValue } from '../../src/vcl/check/summary.ts';
import { parse } from '../../src/vcl/syntax/parser.ts';

const KINDS: readonly PropertyKind[] = ['STRING', 'INTEGER', 'BOOL', 'RTIME', 'always|never', 'object|client', 'PERCENT', 'BACKEND'];
const VALUES = [
  '"a"', '"a" "b"', '"a" x', '"a" + "b"', '1', '-1', '-x', '!1', '1.5', '10s', '50%', 'true', 'false', 'always', 'never',
  'object', 'client', 'F_a', '(1)', '((always))', '("a")', 'f(1)', 'a == b', '{ .x = 1; }',
];

test('fitsValue judges every value as fits does on its PropertyValue', () => {
  const text = `backend b {\n${VALUES.map((v, i) => `.p${i} = ${v};`).join('\n')}\n}`;
  const { ast, diagnostics } = parse(text);
  assert.deepEqual(diagnostics, []);
  const props = (ast.declarations[0] as A.BackendDeclaration).properties;
  assert.equal(props.length, VALUES.length);
  for (const p of props) {
    for (const kind of KINDS) assert.equal(fitsValue(kind, p.value), fits(kind, propertyValue(p.value)), `${kind} ${text.slice(p.start, p.end)}`);
  }
});

test('FirstProperties keeps the first of each name in order, with or without its index', () => {
  for (const n of [3, 40]) {
    const { ast } = parse(`backend b {\n${Array.from({ length: n }, (_, i) => `.p${i} = ${i}; .p${i} = "again";`).join('\n')}\n}`);
    const seen = new FirstProperties();
    for (const p of (ast.declarations[0] as A.BackendDeclaration).properties) if (!seen.has(p.name.name)) seen.add(p);
    assert.deepEqual(seen.values().map((p) => p.name.name), Array.from({ length: n }, (_, i) => `p${i}`));
    assert.equal(seen.get(`p${n - 1}`)?.value.kind, 'Integer');
    assert.equal(seen.get('missing'), undefined);
  }
});
