// Fastly's request phases: which actions each subroutine may end with, and what happens
// when it ends without one. Sources: Fastly's VCL reference for each subroutine
// (https://www.fastly.com/documentation/reference/vcl/subroutines/) and the boilerplate VCL
// Fastly documents (https://www.fastly.com/documentation/guides/vcl/using/#the-vcl-boilerplate).
import type { Action, Phase, VclContext } from '../compile/compiled.ts';

export const PHASES: readonly Phase[] = ['recv', 'hash', 'hit', 'miss', 'pass', 'fetch', 'error', 'deliver', 'log'];

/** The actions each phase may return; `error` (the statement) counts as returning 'error'. */
export const ALLOWED_ACTIONS: Readonly<Record<Phase, ReadonlySet<Action>>> = {
  recv: new Set<Action>(['lookup', 'pass', 'error', 'restart']),
  hash: new Set<Action>(['hash']),
  hit: new Set<Action>(['deliver', 'pass', 'error', 'restart']),
  miss: new Set<Action>(['fetch', 'deliver_stale', 'pass', 'error']),
  pass: new Set<Action>(['pass', 'error', 'restart']),
  fetch: new Set<Action>(['deliver', 'deliver_stale', 'hit_for_pass', 'pass', 'error', 'restart']),
  error: new Set<Action>(['deliver', 'deliver_stale', 'restart']),
  deliver: new Set<Action>(['deliver', 'restart']),
  log: new Set<Action>(['deliver']),
};

const FIXED_DEFAULTS: Readonly<Record<Exclude<Phase, 'recv' | 'hash'>, Action>> = {
  hit: 'deliver', miss: 'fetch', pass: 'pass', fetch: 'deliver', error: 'deliver', deliver: 'deliver', log: 'deliver',
};

/**
 * Fastly's built-in ending of a phase whose subroutine did not return an action.
 * recv: only GET and HEAD are looked up in the cache, anything else passes.
 * hash: the cache key is req.url + req.http.host unless the sub already added to it.
 */
export function defaultAction(phase: Phase, ctx: VclContext): Action {
  if (phase === 'recv') {
    const m = ctx.req.method;
    return m === 'GET' || m === 'HEAD' ? 'lookup' : 'pass';
  }
  if (phase === 'hash') {
    if (ctx.hashData.length === 0) {
      ctx.hashData.push(ctx.req.url);
      ctx.hashData.push(ctx.req.http.get('host') ?? '');
    }
    return 'hash';
  }
  return FIXED_DEFAULTS[phase];
}

/** A subroutine ended with an action its phase does not allow: a compiler or checker bug. */
export class VclRuntimeError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'VclRuntimeError';
    this.code = code;
  }
}
