// Property tests for the checker: whatever the parser hands it, `check` returns (never
// throws) and every diagnostic lies inside its file. Bounded: fixed runs, fixed seed, timeout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from '../../src/vcl/syntax/parser.ts';
import { check } from '../../src/vcl/check/check.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/vcl');
const files = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.vcl')).map((f) => readFileSync(join(dir, f), 'utf8'));
const docExamples = [...readFileSync(join(import.meta.dirname, '../../docs/vcl.md'), 'utf8').matchAll(/```vcl\n([\s\S]*?)```/g)].map((m) => m[1]);
const corpus = [...files(FIXTURES), ...files(join(FIXTURES, 'check')), ...docExamples];
const RUNS = { numRuns: 300, seed: 20240612 };
const LIMIT = { timeout: 60_000 };

function checkAny(input: string): void {
  const parsed = parse(input, 'fuzz.vcl');
  const diagnostics = check(parsed);
  for (const d of diagnostics) {
    assert.ok(d.start >= 0 && d.start <= d.end && d.end <= input.length, `${d.code} ${d.start}-${d.end} outside 0-${input.length}`);
    assert.ok(d.line >= 1 && d.col >= 1, `${d.code} at ${d.line}:${d.col}`);
    assert.equal(d.file, 'fuzz.vcl');
  }
}

// Pieces that steer mutations into the checker's territory rather than the parser's.
const words = [
  '.probe = { .window = 3; }', '.threshold = 9;', '.initial = 0;', '.weight = 1;', '.backend = F_x;', '.quorum = 300%;',
  'call a;', 'call vcl_recv;', 'sub a { call a; }', 'return(pass);', 'return(x);', 'error 503;', 'restart;',
  'set req.backend = F_origin;', 'set beresp.ttl = "x";', 'unset req.url;', 'declare local var.v STRING;',
  'req.http.X', 'var.v', 'client.ip ~ office', 'table.lookup(t, "k")', 'std.itoa("1")', 're.group.1', 'backend.F_x.healthy',
  'director d random { }', 'acl office { "10.0.0.0"/8; }', 'sub vcl_deliver { }', '}', '{', ';', '\n',
];

const mutated = fc.tuple(
  fc.constantFrom(...corpus),
  fc.array(fc.tuple(fc.nat(), fc.nat({ max: 30 }), fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 4 })), fc.constantFrom('delete', 'insert', 'duplicate')), { minLength: 1, maxLength: 5 }),
).map(([text, edits]) => {
  let out = text;
  for (const [at, len, piece, op] of edits) {
    const i = at % (out.length + 1);
    if (op === 'delete') out = out.slice(0, i) + out.slice(i + len);
    else if (op === 'insert') out = out.slice(0, i) + piece + out.slice(i);
    else out = out.slice(0, i) + out.slice(i, i + len) + out.slice(i);
  }
  return out;
});

test('the checker never throws on mutated fixtures and its diagnostics stay inside the file', LIMIT, () => {
  fc.assert(fc.property(mutated, checkAny), RUNS);
});

test('the checker never throws on sequences of declarations and statements', LIMIT, () => {
  fc.assert(fc.property(fc.array(fc.constantFrom(...words, 'sub vcl_recv {', 'backend F_x {', 'sub a {'), { maxLength: 40 }), (parts) => checkAny(parts.join(' '))), RUNS);
});

test('the checker never throws on random text', LIMIT, () => {
  fc.assert(fc.property(fc.string({ maxLength: 300 }), checkAny), RUNS);
});
