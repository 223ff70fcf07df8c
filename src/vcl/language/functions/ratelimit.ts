// Builders of Fastly's rate limiting functions (misc.ts declares them): each call site resolves
// its rate counter and penalty box names (ID arguments) once, at compile time; the semantics are
// in runtime/ratelimit/check.ts.
import { checkRates, incrementCounter, penaltyBoxAdd, penaltyBoxHas } from '../../runtime/ratelimit/index.ts';
import type { RateCheck } from '../../runtime/ratelimit/index.ts';
import type { Builder } from './define.ts';
import { str } from './build.ts';
import type { N, S } from './build.ts';

/** The name an ID argument was written as (the checker made sure it is a declared one). */
const idName = (literals: readonly (string | undefined)[], i: number): string => literals[i] ?? '';

/** ratelimit.check_rate(entry, rc, delta, window, limit, pb, ttl). */
export const checkRate: Builder = ([entry, , delta, window, limit, , ttl], literals) => {
  const e = entry as S; const d = delta as N; const w = window as N; const l = limit as N; const t = ttl as N;
  const rc = idName(literals, 1); const pb = idName(literals, 5);
  return (c, fr) => {
    const check: RateCheck = { counter: rc, delta: d(c, fr), window: w(c, fr), limit: l(c, fr) };
    return checkRates(c.rateLimit, c, str(e(c, fr)), [check], pb, t(c, fr), Date.now());
  };
};

/** ratelimit.check_rates(entry, rc1, delta1, window1, limit1, rc2, delta2, window2, limit2, pb, ttl). */
export const checkRatesBuilder: Builder = ([entry, , d1, w1, l1, , d2, w2, l2, , ttl], literals) => {
  const e = entry as S; const t = ttl as N;
  const [a, b, x, y, z, u] = [d1, w1, l1, d2, w2, l2] as N[];
  const rc1 = idName(literals, 1); const rc2 = idName(literals, 5); const pb = idName(literals, 9);
  return (c, fr) => {
    const checks: RateCheck[] = [
      { counter: rc1, delta: a(c, fr), window: b(c, fr), limit: x(c, fr) },
      { counter: rc2, delta: y(c, fr), window: z(c, fr), limit: u(c, fr) },
    ];
    return checkRates(c.rateLimit, c, str(e(c, fr)), checks, pb, t(c, fr), Date.now());
  };
};

/** ratelimit.ratecounter_increment(rc, entry, delta). */
export const ratecounterIncrement: Builder = ([, entry, delta], literals) => {
  const e = entry as S; const d = delta as N; const rc = idName(literals, 0);
  return (c, fr) => incrementCounter(c.rateLimit, c, rc, str(e(c, fr)), d(c, fr), Date.now());
};

/** ratelimit.penaltybox_add(pb, entry, ttl). */
export const penaltyboxAdd: Builder = ([, entry, ttl], literals) => {
  const e = entry as S; const t = ttl as N; const pb = idName(literals, 0);
  return (c, fr) => { penaltyBoxAdd(c.rateLimit, c, pb, str(e(c, fr)), t(c, fr), Date.now()); return null; };
};

/** ratelimit.penaltybox_has(pb, entry). */
export const penaltyboxHas: Builder = ([, entry], literals) => {
  const e = entry as S; const pb = idName(literals, 0);
  return (c, fr) => penaltyBoxHas(c.rateLimit, c, pb, str(e(c, fr)), Date.now());
};
