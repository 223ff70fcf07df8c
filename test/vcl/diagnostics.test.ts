import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SourceFile } from '../../src/vcl/syntax/source.ts';
import * as D from '../../src/vcl/syntax/diagnostics.ts';
import { formatDiagnostic, missingSemicolon, includeCycle } from '../../src/vcl/syntax/diagnostics.ts';

test('offsets map to 1-based line and column across LF, CRLF and CR line ends', () => {
  const src = new SourceFile('a.vcl', 'ab\ncd\r\nef\rgh');
  assert.deepEqual(src.position(0), { line: 1, col: 1 });
  assert.deepEqual(src.position(2), { line: 1, col: 3 });
  assert.deepEqual(src.position(3), { line: 2, col: 1 });
  assert.deepEqual(src.position(7), { line: 3, col: 1 });
  assert.deepEqual(src.position(10), { line: 4, col: 1 });
  assert.deepEqual(src.position(99), { line: 4, col: 3 });
  assert.equal(src.lineText(2), 'cd');
  assert.equal(src.lineText(4), 'gh');
});

test('a diagnostic is made from the catalogue with its template filled and its position computed', () => {
  const src = new SourceFile('main.vcl', 'sub vcl_recv {\n  set req.http.X = "1"\n}\n');
  const d = missingSemicolon(src, 37, 'set statement');
  assert.deepEqual(d, {
    code: 'parse/missing-semicolon', severity: 'error', file: 'main.vcl', line: 2, col: 23,
    message: 'missing ";" after set statement', start: 37, end: 37,
  });
  assert.equal(formatDiagnostic(d), 'main.vcl:2:23 error parse/missing-semicolon missing ";" after set statement');
});

test('diagnostic ranges are clamped inside the text', () => {
  const src = new SourceFile('x', 'abc');
  const d = includeCycle(src, 10, 20, ['a.vcl', 'b.vcl', 'a.vcl']);
  assert.equal(d.start, 3);
  assert.equal(d.end, 3);
  assert.equal(d.message, 'include cycle: a.vcl → b.vcl → a.vcl');
});

test('every named constructor fills every placeholder of its template, and covers every front-end code', () => {
  const src = new SourceFile('x', 'abcdef');
  const made = [
    D.unterminatedString(src, 0, 1), D.unterminatedLongString(src, 0, 1, '"}'), D.unterminatedComment(src, 0, 1),
    D.unexpectedCharacter(src, 0, 1, '@'), D.invalidNumber(src, 0, 1, '0x'), D.missingSemicolon(src, 0, 'x'),
    D.unexpectedToken(src, 0, 1, 'a', 'b'), D.unknownDeclaration(src, 0, 1, 'foo'), D.unclosedBlock(src, 0, 1, 'sub'),
    D.macroOutsideSub(src, 0, 1, 'recv'), D.includeNotFound(src, 0, 1, 'a', 'a.vcl'), D.includeCycle(src, 0, 1, ['a']),
  ];
  for (const d of made) assert.doesNotMatch(d.message, /\{\w+\}/, d.code);
  assert.deepEqual(made.map((d) => d.code).sort(), Object.keys(D.frontEndCatalogue).sort());
});
