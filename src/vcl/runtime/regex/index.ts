// VCL regular expressions, compiled once per service and matched per request without ever
// stalling the worker, whatever the pattern and the subject.
//
// A pattern (Fastly's PCRE syntax, pcre.ts) is translated to JavaScript's syntax and runs on
// one of two engines, chosen when the service is compiled:
//
// - linear: V8's own RegExp, run by its backtracking engine with V8's fallback to its
//   linear-time engine after 50,000 backtracks in one match
//   (--enable-experimental-regexp-engine-on-excessive-backtracks, v8-flags.ts). The
//   fallback only exists for patterns the linear engine can run, so the pattern is first
//   rewritten into such a form where one exists (linear.ts) and V8 is asked whether it can
//   (the `l` flag). A catastrophic pattern such as `^(a+)+$` gets its correct answer in time
//   linear in the subject.
// - bounded: what no linear engine can run (lookahead, backreferences — no regular
//   language has them) runs on a backtracking matcher with ECMAScript's semantics and a
//   budget of MATCH_LIMIT steps per match (bounded-vm.ts); past it the match fails with
//   RegexLimitError, as PCRE's match limit does in Varnish and Fastly.
//
// Either way the match, its capture groups (re.group.N, regsub's \1…\9) and the choice
// between them are exactly those of `new RegExp(translated source, flags)`.
import type { RegexMatch } from './bounded-vm.ts';
import { boundedMatcher } from './bounded-vm.ts';
import { compileBounded } from './bounded-program.ts';
import { parsePattern, scopeOf } from './ast.ts';
import { linearRegExp } from './linear.ts';
import { translatePcre } from './pcre.ts';
import { applyRegexV8Flags } from './v8-flags.ts';

export { RegexLimitError } from './bounded-vm.ts';
export type { RegexMatch } from './bounded-vm.ts';
export { translatePcre } from './pcre.ts';
export { REGEX_V8_FLAGS } from './v8-flags.ts';
export { parseReplacement, regsub, regsuball } from './substitute.ts';

/**
 * Steps one bounded match may take: instructions run plus units a repetition scans. About
 * 10–20 ms of one core; a pattern that backtracks past it on some subject is a pattern that
 * would stall the worker on a longer one.
 */
export const MATCH_LIMIT = 1_000_000;

/** A compiled VCL regular expression. */
export interface VclRegex {
  /** The pattern as written in VCL. */
  readonly pattern: string;
  readonly engine: 'linear' | 'bounded';
  /** The first match starting at or after `from`, or null; a bounded engine may throw RegexLimitError. */
  exec(subject: string, from: number): RegexMatch | null;
}

export type RegexResult = { ok: true; regex: VclRegex } | { ok: false; message: string };

/** Translates and compiles once; the caller keeps the result for the service's lifetime. */
export function compileRegex(pattern: string, limit = MATCH_LIMIT): RegexResult {
  applyRegexV8Flags();
  const t = translatePcre(pattern);
  if ('error' in t) return { ok: false, message: t.error };
  try {
    new RegExp(t.source, t.flags);
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
  const linear = linearRegExp(t.source, t.flags);
  if (linear !== null) {
    return {
      ok: true,
      regex: {
        pattern, engine: 'linear',
        exec(subject, from) {
          linear.lastIndex = from;
          return linear.exec(subject);
        },
      },
    };
  }
  let ast;
  try {
    ast = parsePattern(t.source);
  } catch (e) {
    // V8 accepted a syntax the parser does not know: it could only run unbounded.
    return { ok: false, message: `lacquer cannot bound its running time (${(e as Error).message})` };
  }
  const exec = boundedMatcher(compileBounded(ast, scopeOf(t.flags)), pattern, limit);
  return { ok: true, regex: { pattern, engine: 'bounded', exec } };
}
