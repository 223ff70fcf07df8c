// The one quoting rule (src/vcl/syntax/print.ts quoteString): every value it accepts lexes back to
// exactly itself as one string token, and it refuses only what no VCL string can hold.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { quoteString } from '../../src/vcl/syntax/print.ts';
import { lex } from '../../src/vcl/syntax/tokens.ts';
import { hostile } from './hostile-strings.ts';

const RUNS = { numRuns: 2000, seed: 20260807 };

function lexesBackTo(raw: string): unknown[] {
  const { tokens, diagnostics } = lex(raw);
  assert.deepEqual(diagnostics, []);
  return tokens.map((t) => [t.kind, t.value]);
}

test('every value quoteString accepts lexes back to exactly that value, as one string token', () => {
  fc.assert(fc.property(hostile, (value) => {
    const quoted = quoteString(value);
    const printable = !value.includes('\0') && value.isWellFormed();
    assert.equal(quoted.ok, printable);
    if (quoted.ok) assert.deepEqual(lexesBackTo(quoted.raw), [['string', value], ['eof', undefined]]);
  }), RUNS);
});

const forms: Array<[string, string, string]> = [
  ['a plain value is a "…" string', 'origin.example.com', '"origin.example.com"'],
  ['a quote and a long-string end are escaped', 'x"}; } sub inj { } backend F_zz { .host_header = {"y', '"x%22}; } sub inj { } backend F_zz { .host_header = {%22y"'],
  ['% is escaped, so what looks like an escape stays text', '/a%20b', '"/a%2520b"'],
  ['controls and bidi controls are escaped', 'a\x1b[31m\u202Eb\u2066', '"a%1B[31m%u202Eb%u2066"'],
  ['a tab on one line is escaped', 'a\tb', '"a%09b"'],
  ['a value of several lines is a verbatim long string', '-----BEGIN CERTIFICATE-----\nMIIB"x"\n-----END CERTIFICATE-----\n', '{"-----BEGIN CERTIFICATE-----\nMIIB"x"\n-----END CERTIFICATE-----\n"}'],
  ['a value of several lines holding "} gets a delimiter', 'a"}\nb', '{EOF"a"}\nb"EOF}'],
  ['a delimiter the value holds is skipped', 'a"}\n"EOF}', '{EOF1"a"}\n"EOF}"EOF1}'],
  ['several lines with an escape-worthy character stay one "…" line', 'a\nb\u202E', '"a%0Ab%u202E"'],
  ['a character beyond the BMP that must be escaped', 'x\u{E0001}', '"x%u{E0001}"'],
];
for (const [name, value, raw] of forms) {
  test(`quoteString: ${name}`, () => {
    assert.deepEqual(quoteString(value), { ok: true, raw });
    assert.deepEqual(lexesBackTo(raw), [['string', value], ['eof', undefined]]);
  });
}

test('quoteString refuses NUL and unpaired surrogates, saying why', () => {
  assert.deepEqual(quoteString('a\0b'), { ok: false, reason: 'contains NUL, which no VCL string can hold' });
  assert.deepEqual(quoteString('a\uD800'), { ok: false, reason: 'contains an unpaired UTF-16 surrogate, which is not text' });
});
