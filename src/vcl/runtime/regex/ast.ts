// The parsed form of a translated pattern, shared by the linear rewrite and the bounded
// matcher: @eslint-community/regexpp's AST of an ECMAScript pattern without the `u` flag
// (Annex B syntax included, as V8 accepts it), and the flags each part of it runs under.
import { RegExpParser } from '@eslint-community/regexpp';
import type { AST } from '@eslint-community/regexpp';
import type { Ranges } from './charset.ts';
import { DIGIT, foldClosure, LINE_TERMINATOR, negate, normalise, SPACE, WORD } from './charset.ts';

export type { AST };

const parser = new RegExpParser({ ecmaVersion: 2025 });

export function parsePattern(source: string): AST.Pattern {
  return parser.parsePattern(source, 0, source.length, { unicode: false, unicodeSets: false });
}

/** The flags in force at a point of the pattern: the RegExp's own, changed by `(?ims-ims:…)` groups. */
export interface Scope {
  readonly i: boolean;
  readonly m: boolean;
  readonly s: boolean;
}

export function scopeOf(flags: string): Scope {
  return { i: flags.includes('i'), m: flags.includes('m'), s: flags.includes('s') };
}

/** The scope inside a group: its modifiers applied to the enclosing scope. */
export function innerScope(group: AST.Group, outer: Scope): Scope {
  const mod = group.modifiers;
  if (mod === null) return outer;
  const rm = mod.remove;
  return {
    i: mod.add.ignoreCase || (outer.i && !(rm?.ignoreCase ?? false)),
    m: mod.add.multiline || (outer.m && !(rm?.multiline ?? false)),
    s: mod.add.dotAll || (outer.s && !(rm?.dotAll ?? false)),
  };
}

type SetElement = AST.EscapeCharacterSet | AST.AnyCharacterSet | AST.CharacterSet;

/** What a class escape (`\d` `\w` `\s` and negations) or `.` matches; case never changes them. */
export function escapeRanges(node: SetElement, scope: Scope): Ranges {
  switch (node.kind) {
    case 'any': return scope.s ? [0, 0xffff] : negate(LINE_TERMINATOR);
    case 'digit': return node.negate ? negate(DIGIT) : DIGIT;
    case 'word': return node.negate ? negate(WORD) : WORD;
    case 'space': return node.negate ? negate(SPACE) : SPACE;
    // Property escapes need the `u` flag, which VCL patterns never have.
    default: throw new Error(`unexpected ${node.raw} without the u flag`);
  }
}

/** The code units a class lists as characters and ranges (its escapes left out). */
export function classMembers(node: AST.CharacterClass): number[] {
  const pairs: number[] = [];
  for (const e of node.elements) {
    if (e.type === 'Character') pairs.push(e.value, e.value);
    else if (e.type === 'CharacterClassRange') pairs.push(e.min.value, e.max.value);
  }
  return normalise(pairs);
}

/**
 * Everything one character-matching node accepts under `scope`: a character, a class or an
 * escape. Caseless matching adds each member's case variants (ECMA-262 CharacterSetMatcher
 * compares canonical forms; a negated class is the complement of its closed member set).
 */
export function unitsOf(node: AST.Character | AST.CharacterClass | SetElement, scope: Scope): Ranges {
  if (node.type === 'Character') return scope.i ? foldClosure([node.value, node.value]) : [node.value, node.value];
  if (node.type === 'CharacterSet') return escapeRanges(node, scope);
  if (node.type !== 'CharacterClass' || node.unicodeSets) throw new Error(`unexpected ${node.raw} without the v flag`);
  let pairs = classMembers(node);
  if (scope.i) pairs = foldClosure(pairs);
  for (const e of node.elements) {
    if (e.type === 'CharacterSet') pairs = pairs.concat(escapeRanges(e, scope));
  }
  const set = normalise(pairs);
  return node.negate ? negate(set) : set;
}
