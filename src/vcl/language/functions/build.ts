// Builders several function entries share: a function of its STRING arguments, and the
// regex substitutions. Each runs the conversions of VCL's STRING ("not set" reads as "").
import type { Eval } from '../../runtime/value.ts';
import type { VclRegex } from '../../runtime/regex/index.ts';
import { parseReplacement, regsub, regsuball } from '../../runtime/regex/index.ts';
import type { Builder } from './define.ts';

export type S = Eval<string | null>;
export type N = Eval<number>;

/** "not set" reads as "" where a function takes a STRING. */
export const str = (s: string | null): string => s ?? '';

/** A function of one STRING. */
export const unary = (fn: (s: string) => string | number | boolean): Builder =>
  ([a]) => { const f = a as S; return (c, fr) => fn(str(f(c, fr))); };

/** A function of two STRINGs. */
export const binary = (fn: (a: string, b: string) => string | number | boolean | null): Builder =>
  ([a, b]) => { const f = a as S; const g = b as S; return (c, fr) => fn(str(f(c, fr)), str(g(c, fr))); };

/** A function of three STRINGs. */
export const ternary = (fn: (a: string, b: string, d: string) => string | null): Builder =>
  ([a, b, d]) => { const f = a as S; const g = b as S; const h = d as S; return (c, fr) => fn(str(f(c, fr)), str(g(c, fr)), str(h(c, fr))); };

/** `regsub` / `regsuball`: the replacement's `\N` references are parsed once when it is a literal. */
export function substitute(all: boolean): Builder {
  return ([input, re, rep], literals) => {
    const f = input as S;
    const regex = re as VclRegex;
    const apply = all ? regsuball : regsub;
    const lit = literals[2];
    if (lit !== undefined) {
      const expand = parseReplacement(lit);
      return (c, fr) => apply(str(f(c, fr)), regex, expand);
    }
    const r = rep as S;
    return (c, fr) => apply(str(f(c, fr)), regex, parseReplacement(str(r(c, fr))));
  };
}
