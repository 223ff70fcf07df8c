// Property tests: whatever the input, the lexer and parser return (never throw), every
// diagnostic lies inside the input, and an input they accept round-trips through the printer.
// Bounded: a fixed number of runs per property, a fixed seed, and a test timeout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { lex } from '../../src/vcl/syntax/tokens.ts';
import { parse } from '../../src/vcl/syntax/parser.ts';
import { print } from '../../src/vcl/syntax/print.ts';
import type { Diagnostic } from '../../src/vcl/syntax/diagnostics.ts';
import { withoutOffsets } from './golden.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/vcl');
const corpus = readdirSync(FIXTURES).filter((f) => f.endsWith('.vcl')).map((f) => readFileSync(join(FIXTURES, f), 'utf8'));
const RUNS = { numRuns: 400, seed: 20240611 };
const LIMIT = { timeout: 60_000 };

function assertInside(input: string, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    assert.ok(d.start >= 0 && d.start <= d.end && d.end <= input.length, `${d.code} ${d.start}-${d.end} outside 0-${input.length}`);
    assert.ok(d.line >= 1 && d.col >= 1, `${d.code} at ${d.line}:${d.col}`);
  }
}

function check(input: string): void {
  const lexed = lex(input);
  assertInside(input, lexed.diagnostics);
  assert.equal(lexed.tokens[lexed.tokens.length - 1].kind, 'eof');
  assert.ok(lexed.tokens.length <= input.length + 1);
  const { ast, diagnostics } = parse(input);
  assertInside(input, diagnostics);
  if (diagnostics.length === 0) {
    const again = parse(print(ast));
    assert.deepEqual(again.diagnostics, []);
    assert.deepEqual(withoutOffsets(again.ast), withoutOffsets(ast));
  }
}

const snippets = ['{', '}', '(', ')', ';', '"', '{"', '"}', '#', '//', '/*', '*/', '.', '=', '!', '~', '%', '1s', '0x', 'if', 'else', 'set', 'sub', 'backend', '\n', ' ', 'C!', '#FASTLY recv\n', ',', ':'];

/** A fixture with a few random edits: delete, insert a snippet or random text, duplicate. */
const mutated = fc.tuple(
  fc.constantFrom(...corpus),
  fc.array(fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.oneof(fc.constantFrom(...snippets), fc.string({ maxLength: 5 })), fc.constantFrom('delete', 'insert', 'duplicate')), { minLength: 1, maxLength: 4 }),
).map(([text, edits]) => {
  let out = text;
  for (const [at, len, snippet, op] of edits) {
    const i = at % (out.length + 1);
    if (op === 'delete') out = out.slice(0, i) + out.slice(i + len);
    else if (op === 'insert') out = out.slice(0, i) + snippet + out.slice(i);
    else out = out.slice(0, i) + out.slice(i, i + len) + out.slice(i);
  }
  return out;
});

test('random text never makes the lexer or parser throw, and diagnostics stay inside it', LIMIT, () => {
  fc.assert(fc.property(fc.string({ maxLength: 300, unit: 'binary' }), check), RUNS);
});

test('random bytes read as UTF-8 never make the lexer or parser throw', LIMIT, () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => check(Buffer.from(bytes).toString('utf8'))), RUNS);
});

test('sequences of VCL-ish snippets never make the lexer or parser throw', LIMIT, () => {
  fc.assert(fc.property(fc.array(fc.constantFrom(...snippets, 'req.url', '"a"', '{', 'x', '10', 'return', 'lookup', '&&'), { maxLength: 60 }), (parts) => check(parts.join(''))), RUNS);
});

test('mutated fixtures never make the lexer or parser throw, and accepted ones round-trip', LIMIT, () => {
  fc.assert(fc.property(mutated, check), RUNS);
});
