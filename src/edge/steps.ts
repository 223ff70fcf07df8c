// The vocabulary of the request state machine (pipeline.ts): its step names and the small
// rules every step follows — run one VCL phase, accept only the actions that phase may return
// (anything else is a bug and fails loudly), and drop a backend response that will not be
// delivered.
import type { Action, CompiledService, Phase, RequestState } from '../vcl/index.ts';
import type { RequestContext } from './context.ts';
import type { Delivery } from './respond.ts';

export const MAX_RESTARTS = 3;

/** The pipeline's steps are the states of the request state machine the VCL language declares. */
export type Step = RequestState;

/**
 * Where each VCL phase's return leads (Fastly's request state machine, declared once in
 * src/vcl/language/subroutines.ts); a return a phase does not list there is a bug. Built once,
 * so a request allocates nothing to look its next step up.
 */
export { TRANSITIONS } from '../vcl/index.ts';

export function run(service: CompiledService, phase: Phase, ctx: RequestContext): Action {
  return service.run(phase, ctx);
}

/** The step `action` leads to from `step`, or a thrown error when `step` may not return it. */
export function expect(step: Step, action: Action, allowed: Readonly<Partial<Record<Action, Step>>>): Step {
  const next = allowed[action];
  if (next === undefined) throw illegal(step, action);
  return next;
}

export function illegal(step: string, action: Action): Error {
  return new Error(`illegal transition: return(${action}) in vcl_${step}`);
}

/** Drops a backend response that will not be delivered (its connection slot is freed). */
export function discard(d: Delivery): void {
  if (d.upstream !== null) d.upstream.discard();
  d.upstream = null;
  d.body = null;
  d.store = null;
  d.plan = null;
}
