import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalize, foldClosure, SPACE, contains } from '../../../src/vcl/runtime/regex/charset.ts';

const unit = (c: number): string => String.fromCharCode(c);
const escape = (c: number): string => `\\u${c.toString(16).padStart(4, '0')}`;

/** Code units whose case-insensitive class has more than themselves, by our Canonicalize. */
function casedUnits(): number[] {
  const byCanonical = new Map<number, number[]>();
  for (let c = 0; c <= 0xffff; c++) {
    const k = canonicalize(c);
    const list = byCanonical.get(k);
    if (list === undefined) byCanonical.set(k, [c]);
    else list.push(c);
  }
  return [...byCanonical.values()].filter((l) => l.length > 1).flat();
}

test('caseless classes are exactly the code units V8 matches with the i flag', () => {
  const cased = casedUnits();
  // Pairwise among the cased units: each matches exactly its own closure.
  const wrong: string[] = [];
  for (const c of cased) {
    const re = new RegExp(`^${escape(c)}$`, 'i');
    const closure = foldClosure([c, c]);
    for (const d of cased) {
      const v8 = re.test(unit(d));
      // The closure (classes) and Canonicalize itself (caseless backreferences) both agree.
      if (v8 !== contains(closure, d) || v8 !== (canonicalize(c) === canonicalize(d))) wrong.push(`${escape(c)} ~ ${escape(d)}`);
    }
  }
  assert.deepEqual(wrong, []);
  // And no uncased unit is folded into any of them.
  const all = new RegExp(`^[${cased.map(escape).join('')}]$`, 'i');
  let matched = 0;
  for (let d = 0; d <= 0xffff; d++) if (all.test(unit(d))) matched++;
  assert.equal(matched, cased.length);
});

test('a caseless range closes over both cases, ASCII with ASCII only', () => {
  assert.deepEqual(foldClosure([0x61, 0x7a]), [0x41, 0x5a, 0x61, 0x7a]);
  assert.deepEqual(foldClosure([0x30, 0x39]), [0x30, 0x39]);
  // ſ (U+017F) upper-cases to S, but Canonicalize keeps non-ASCII out of ASCII.
  assert.deepEqual(foldClosure([0x73, 0x73]), [0x53, 0x53, 0x73, 0x73]);
  assert.deepEqual(foldClosure([0xe9, 0xe9]), [0xc9, 0xc9, 0xe9, 0xe9]);
});

test('\\s is WhiteSpace and LineTerminator as V8 has them', () => {
  for (let c = 0; c <= 0xffff; c++) assert.equal(contains(SPACE, c), /\s/.test(unit(c)), escape(c));
});
