// Rewrites a translated pattern into an equivalent one that V8's linear-time engine accepts
// (`--enable-experimental-regexp-engine`, a breadth-first automaton that keeps backtracking
// priority, so matches and capture groups are those of the backtracking engine). That engine
// refuses some spellings of patterns that are regular all the same; two are common in VCL:
//
// - the `i` flag, e.g. `(?i)^www\.`: each caseless character becomes the class of its case
//   variants (`[wW]`), each caseless class gets its members' variants (charset.ts), and the
//   flag is dropped;
// - counted repetition beyond 16 copies (V8's replication limit), e.g. `[0-9a-f]{32}`: a
//   repetition whose body has no capture group and cannot match empty becomes its copies,
//   `x{2,4}` → `(?:x)(?:x)(?:(?:x)(?:(?:x))?)?` — same priority, same matches;
//
// and `\z` (translated to `$(?![\s\S])`) is plain `$` where `m` is off. What still cannot run
// in linear time — lookahead, backreferences, lookbehind with captures, `\Z` — returns null:
// regex/index.ts then runs the pattern on the bounded matcher.
import type { AST, Scope } from './ast.ts';
import { innerScope, parsePattern, scopeOf, unitsOf } from './ast.ts';
import type { Ranges } from './charset.ts';

/** Longest rewritten source tried on the linear engine (copies of copies grow fast). */
const MAX_SOURCE = 20_000;

/** A linear-time RegExp (flags + `g`) equivalent to `new RegExp(source, flags)`, or null. */
export function linearRegExp(source: string, flags: string): RegExp | null {
  let ast: AST.Pattern;
  try {
    ast = parsePattern(source);
  } catch {
    return null;
  }
  const plain = flags.replace('i', '');
  for (const expand of [false, true]) {
    const rewritten = new Printer(expand).alternatives(ast.alternatives, scopeOf(flags));
    if (rewritten.length > MAX_SOURCE) return null;
    if (acceptsLinear(rewritten, plain)) return new RegExp(rewritten, plain + 'g');
  }
  return null;
}

function acceptsLinear(source: string, flags: string): boolean {
  try {
    new RegExp(source, flags + 'l');
    return true;
  } catch {
    return false;
  }
}

class Printer {
  readonly #expand: boolean;
  constructor(expand: boolean) { this.#expand = expand; }

  alternatives(alts: readonly AST.Alternative[], scope: Scope): string {
    return alts.map((a) => a.elements.map((e) => this.element(e, scope)).join('')).join('|');
  }

  element(e: AST.Element, scope: Scope): string {
    switch (e.type) {
      case 'Character':
      case 'CharacterClass': {
        if (!scope.i) return e.raw;
        const folded = unitsOf(e, scope);
        return folded.join() === unitsOf(e, { ...scope, i: false }).join() ? e.raw : classText(folded);
      }
      case 'CapturingGroup':
        return `(${e.name === null ? '' : `?<${e.name}>`}${this.alternatives(e.alternatives, scope)})`;
      case 'Group': {
        const inner = innerScope(e, scope);
        return `(?${modifiersText(e)}:${this.alternatives(e.alternatives, inner)})`;
      }
      case 'Assertion':
        if (e.kind === 'lookahead' || e.kind === 'lookbehind') {
          if (isEndOfInput(e) && !scope.m) return '$';
          const head = e.kind === 'lookahead' ? '(?' : '(?<';
          return `${head}${e.negate ? '!' : '='}${this.alternatives(e.alternatives, scope)})`;
        }
        return e.raw;
      case 'Quantifier': return this.quantifier(e, scope);
      default: return e.raw;
    }
  }

  quantifier(q: AST.Quantifier, scope: Scope): string {
    const body = this.element(q.element, scope);
    const count = q.max === Infinity ? q.min : q.max;
    if (!this.#expand || count < 2 || hasCapture(q.element) || minLength(q.element) === 0) {
      return body + q.raw.slice(q.element.raw.length);
    }
    const lazy = q.greedy ? '' : '?';
    const copy = `(?:${body})`;
    let out = copy.repeat(q.min);
    if (q.max === Infinity) return `${out}${copy}*${lazy}`;
    let optional = '';
    for (let k = q.max - q.min; k > 0; k--) optional = `(?:${copy}${optional})?${lazy}`;
    out += optional;
    return out;
  }
}

/** `(?ims-ims:` minus `i`, which the printer folds into classes instead. */
function modifiersText(g: AST.Group): string {
  const mod = g.modifiers;
  if (mod === null) return '';
  const add = (mod.add.multiline ? 'm' : '') + (mod.add.dotAll ? 's' : '');
  const rm = mod.remove === null ? '' : (mod.remove.multiline ? 'm' : '') + (mod.remove.dotAll ? 's' : '');
  return add + (rm === '' ? '' : `-${rm}`);
}

/** `(?![\s\S])`, the translator's spelling of PCRE's `\z`. */
function isEndOfInput(e: AST.LookaroundAssertion): boolean {
  if (e.kind !== 'lookahead' || !e.negate || e.alternatives.length !== 1) return false;
  const [only] = e.alternatives[0].elements;
  return e.alternatives[0].elements.length === 1 && only.type === 'CharacterClass' && !only.negate
    && unitsOf(only, { i: false, m: false, s: false }).join() === '0,65535';
}

function hasCapture(e: AST.Node): boolean {
  if (e.type === 'CapturingGroup') return true;
  if (e.type === 'Quantifier') return hasCapture(e.element);
  if (e.type === 'Group' || (e.type === 'Assertion' && (e.kind === 'lookahead' || e.kind === 'lookbehind'))) {
    return e.alternatives.some((a) => a.elements.some(hasCapture));
  }
  return false;
}

/** The fewest code units `e` can match (0 when it can match empty). */
export function minLength(e: AST.Element): number {
  switch (e.type) {
    case 'Character': case 'CharacterClass': case 'CharacterSet': return 1;
    case 'Quantifier': return e.min * minLength(e.element);
    case 'Group': case 'CapturingGroup':
      return Math.min(...e.alternatives.map((a) => a.elements.reduce((n, x) => n + minLength(x), 0)));
    default: return 0;
  }
}

function unitText(c: number): string {
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return String.fromCharCode(c);
  return `\\u${c.toString(16).padStart(4, '0')}`;
}

/** A class matching exactly `r`. */
export function classText(r: Ranges): string {
  let out = '[';
  for (let i = 0; i < r.length; i += 2) {
    out += unitText(r[i]);
    if (r[i + 1] > r[i]) out += (r[i + 1] > r[i] + 1 ? '-' : '') + unitText(r[i + 1]);
  }
  return `${out}]`;
}
