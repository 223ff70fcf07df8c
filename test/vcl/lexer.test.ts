import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scan } from '../../src/vcl/syntax/lexer.ts';
import { decodePercentEscapes } from '../../src/vcl/syntax/string-escapes.ts';
import { lex } from '../../src/vcl/syntax/tokens.ts';
import { T, TOKEN_KINDS } from '../../src/vcl/syntax/token.ts';
import { expectTokens, formatShort } from './golden.ts';
import { SourceFile } from '../../src/vcl/syntax/source.ts';

const cases: Array<[string, string, string[]]> = [
  ['identifiers continue with . - :', 'req.http.X-Forwarded-For req.http.Cookie:id F_origin _x',
    ['ident req.http.X-Forwarded-For', 'ident req.http.Cookie:id', 'ident F_origin', 'ident _x']],
  ['a label keeps its colon', 'done:', ['ident done:']],
  ['strings decode %XX as UTF-8 bytes, %uXXXX and %u{…}; a lone % stays', '"a%20b" "%C3%A9" "%u00e9" "%u{1F600}" "50%" "%zz"',
    ['string "a%20b" = "a b"', 'string "%C3%A9" = "é"', 'string "%u00e9" = "é"', 'string "%u{1F600}" = "😀"', 'string "50%" = "50%"', 'string "%zz" = "%zz"']],
  ['backslash is not an escape', '"a\\n"', ['string "a\\n" = "a\\\\n"']],
  ['long strings are verbatim and span lines', '{"a\n"b"} {EOF"x"}y"EOF}',
    ['string {"a\n"b"} = "a\\n\\"b"', 'string {EOF"x"}y"EOF} = "x\\"}y"']],
  ['numbers: integer, float, hex, exponent', '42 1.5 0x1F 2e3', ['integer 42 = 42', 'float 1.5 = 1.5', 'integer 0x1F = 31', 'float 2e3 = 2000']],
  ['RTIME in every unit, value in ms, space before the unit allowed', '10ms 1s 1.5m 2h 3d 1w 1y 10 s',
    ['rtime 10ms = 10', 'rtime 1s = 1000', 'rtime 1.5m = 90000', 'rtime 2h = 7200000', 'rtime 3d = 259200000', 'rtime 1w = 604800000', 'rtime 1y = 31536000000', 'rtime 10 s = 10000']],
  ['the unit may follow on the next line', '5\n ms', ['rtime 5\n ms = 5']],
  ['a number followed by a word that is not a unit stays a number', '5 sick', ['integer 5 = 5', 'ident sick']],
  ['percentages', '50% 12.5%', ['percent 50% = 50', 'percent 12.5% = 12.5']],
  ['comparison and logical operators', '== != ~ !~ < > <= >= && || !',
    ['==', '!=', '~', '!~', '<', '>', '<=', '>=', '&&', '||', '!']],
  ['assignment operators, rol= and ror= included', '= += -= *= /= %= |= &= ^= <<= >>= rol= ror= &&= ||=',
    ['=', '+=', '-=', '*=', '/=', '%=', '|=', '&=', '^=', '<<=', '>>=', 'rol=', 'ror=', '&&=', '||=']],
  ['rol followed by == is an identifier', 'rol== 1', ['ident rol', '==', 'integer 1 = 1']],
  ['punctuation', '{ } ( ) ; , : . / + -', ['{', '}', '(', ')', ';', ',', ':', '.', '/', '+', '-']],
  ['comments of three styles are tokens', '# a\n// b\n/* c\n d */x', ['comment # a', 'comment // b', 'comment /* c\n d */', 'ident x']],
  ['#FASTLY macros carry their phase', '#FASTLY recv\n  #FASTLY deliver', ['macro #FASTLY recv = "recv"', 'macro #FASTLY deliver = "deliver"']],
  ['C! and W! on their own lines are directives', 'C!\n  W!\nC!x', ['directive C!', 'directive W!', 'ident C', '!', 'ident x']],
  ['pragma is an identifier for the parser', 'pragma optional_param geoip_opt_in true;',
    ['ident pragma', 'ident optional_param', 'ident geoip_opt_in', 'ident true', ';']],
];

for (const [name, input, expected] of cases) {
  test(`lexer: ${name}`, () => expectTokens(input, expected));
}

test('tokens carry offsets into the source', () => {
  const { tokens } = lex('set  x');
  assert.deepEqual(tokens.map((t) => [t.kind, t.start, t.end]), [['ident', 0, 3], ['ident', 5, 6], ['eof', 6, 6]]);
});

test('token kind codes name each kind once, in TOKEN_KINDS order', () => {
  assert.equal(new Set(TOKEN_KINDS).size, TOKEN_KINDS.length);
  assert.deepEqual(TOKEN_KINDS.map((k) => T[k]), TOKEN_KINDS.map((_, i) => i));
});

test('scan keeps comments apart and records kinds, offsets and values in typed arrays', () => {
  const s = scan('set x = 10ms; # c\n/* d */ "a%20b"');
  const rows = [];
  for (let i = 0; i < s.count; i++) rows.push([TOKEN_KINDS[s.kinds[i]], s.starts[i], s.ends[i], s.values[i]]);
  assert.deepEqual(rows, [
    ['ident', 0, 3, 0], ['ident', 4, 5, 0], ['=', 6, 7, 0], ['rtime', 8, 12, 10], [';', 12, 13, 0],
    ['string', 26, 33, 0], ['eof', 33, 33, 0],
  ]);
  assert.deepEqual(s.strings, ['a b']);
  assert.deepEqual([s.commentStarts, s.commentEnds], [[14, 18], [17, 25]]);
});

test('a scanner grows past its first guess of the token count', () => {
  const s = scan('a '.repeat(5000));
  assert.equal(s.count, 5001);
  assert.equal(s.starts[4999], 9998);
});

const diagnosticCases: Array<[string, string, string[]]> = [
  ['an unterminated string ends at the line end', '"abc\nx', ['1:1 error lex/unterminated-string unterminated string: a "…" string must close on the same line']],
  ['an unterminated long string', 'x {"abc', ['1:3 error lex/unterminated-long-string unterminated long string: expected "} before the end of the file']],
  ['an unterminated delimited long string names its closing', '{EOF"abc"}', ['1:1 error lex/unterminated-long-string unterminated long string: expected "EOF} before the end of the file']],
  ['an unterminated block comment', 'a\n  /* x', ['2:3 error lex/unterminated-comment unterminated comment: expected */ before the end of the file']],
  ['an unexpected character', 'a @ b', ['1:3 error lex/unexpected-character unexpected character "@"']],
  ['a number glued to letters', '12abc', ['1:1 error lex/invalid-number invalid number 12abc']],
  ['hex without digits', '0x;', ['1:1 error lex/invalid-number invalid number 0x']],
];
for (const [name, input, expected] of diagnosticCases) {
  test(`lexer reports ${name}`, () => {
    assert.deepEqual(lex(new SourceFile('t', input)).diagnostics.map(formatShort), expected);
  });
}

test('lexing goes on after an error', () => {
  const { tokens, diagnostics } = lex('"abc\nset x;');
  assert.equal(diagnostics.length, 1);
  assert.deepEqual(tokens.map((t) => t.kind), ['string', 'ident', 'ident', ';', 'eof']);
});

test('percent decoding keeps invalid UTF-8 as replacement characters instead of failing', () => {
  assert.equal(decodePercentEscapes('%FF'), '\uFFFD');
  assert.equal(decodePercentEscapes('%u{110000}'), '%u{110000}');
});
