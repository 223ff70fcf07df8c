import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '../../src/vcl/syntax/parser.ts';
import { print } from '../../src/vcl/syntax/print.ts';
import { expectPrinted, formatShort, withoutOffsets } from './golden.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/vcl');
const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.vcl'));

test('the fixture corpus is present', () => {
  assert.ok(fixtures.length >= 7, fixtures.join(', '));
});

for (const name of fixtures) {
  test(`fixture ${name} parses without diagnostics and round-trips through the printer`, () => {
    const text = readFileSync(join(FIXTURES, name), 'utf8');
    const first = parse(text, name);
    assert.deepEqual(first.diagnostics.map(formatShort), []);
    const printed = print(first.ast);
    const second = parse(printed, name);
    assert.deepEqual(second.diagnostics.map(formatShort), []);
    assert.deepEqual(withoutOffsets(second.ast), withoutOffsets(first.ast));
    assert.equal(print(second.ast), printed, 'printing is idempotent');
  });
}

test('the Fastly backend example parses with no diagnostics', () => {
  const { diagnostics, ast } = parse(readFileSync(join(FIXTURES, 'fastly-backend-example.vcl'), 'utf8'));
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(ast.declarations.map((d) => d.kind), ['Backend', 'Sub']);
});

const printed: Array<[string, string, string]> = [
  ['a backend with a probe, reindented', 'backend b {\n.host = "h";\n.probe = {\n.window = 5;\n}\n}',
    'backend b {\n  .host = "h";\n  .probe = {\n    .window = 5;\n  }\n}\n'],
  ['declarations separated by blank lines, one-liners kept together', 'pragma a b;\nC!\nW!\ninclude "x";sub a{}backend b{}',
    'pragma a b;\nC!\nW!\ninclude "x";\n\nsub a {\n}\n\nbackend b {\n}\n'],
  ['if / elsif / else on shared lines', 'sub s { if (a) { log "a"; } elsif (b) { log "b"; } else { log "c"; } }',
    'sub s {\n  if (a) {\n    log "a";\n  } elsif (b) {\n    log "b";\n  } else {\n    log "c";\n  }\n}\n'],
  ['a comment between } and else moves the else to its own line', 'sub s { if (a) { } # why\n else { } }',
    'sub s {\n  if (a) {\n  }\n  # why\n  else {\n  }\n}\n'],
  ['a probe request of adjacent strings, one line each', 'backend b { .probe = { .request = "GET / HTTP/1.1" "Host: h" "Connection: close"; } }',
    'backend b {\n  .probe = {\n    .request = "GET / HTTP/1.1"\n      "Host: h"\n      "Connection: close";\n  }\n}\n'],
  ['strings joined by + stay on one line', 'backend b { .host = "a" + "b"; }', 'backend b {\n  .host = "a" + "b";\n}\n'],
  ['director members on one line', 'director d random { .quorum=50%; {.backend=F_a;.weight=1;} }',
    'director d random {\n  .quorum = 50%;\n  { .backend = F_a; .weight = 1; }\n}\n'],
  ['table entries without a comma after the last', 'table t BOOL { "a": true, "b": false, }',
    'table t BOOL {\n  "a": true,\n  "b": false\n}\n'],
  ['acl entries', 'acl a { !"10.0.0.0"/8; "::1"; }', 'acl a {\n  !"10.0.0.0"/8;\n  "::1";\n}\n'],
  ['literals and names as written', 'sub s { set x = 0x1F 1.5m 10 s "%20" {"raw"} req.http.X-A; return (pass); }',
    'sub s {\n  set x = 0x1F 1.5m 10 s "%20" {"raw"} req.http.X-A;\n  return(pass);\n}\n'],
  ['grouping and operators', 'sub s { if (!(a||b)&&c~"x"+d) { error 503 "a" "b"; } }',
    'sub s {\n  if (!(a || b) && c ~ "x" + d) {\n    error 503 "a" "b";\n  }\n}\n'],
  ['an empty file prints as nothing', '', ''],
];
for (const [name, input, expected] of printed) {
  test(`printer: ${name}`, () => expectPrinted(input, expected));
}
