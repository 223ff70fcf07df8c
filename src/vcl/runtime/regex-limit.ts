// What a request meets when one of its regular expressions runs out of budget (RegexLimitError,
// regex/bounded-vm.ts). The match cannot be decided, so neither answer is given: like any error
// Fastly raises while running VCL (https://www.fastly.com/documentation/guides/concepts/errors/),
// the subroutine stops there and, where the phase may go to vcl_error, it does so with
// obj.status 503 and obj.response naming the error; fastly.error is EREGRECUR, Fastly's code for
// a regex routine that failed on its limits
// (https://www.fastly.com/documentation/reference/vcl/variables/miscellaneous/fastly-error/).
// Varnish does the same (VRT_fail on a PCRE match-limit error: 503 "VCL failed"). Treating the
// match as a miss instead would let a crafted header skip a `~` guard.
//
// vcl_hash, vcl_error, vcl_deliver and vcl_log cannot go to vcl_error: there the subroutine
// stops and the phase ends as if it had returned nothing (its default action).
import type { VclContext } from '../compile/compiled.ts';
import { ALLOWED_ACTIONS } from '../language/subroutines.ts';
import type { Action, Phase } from '../language/subroutines.ts';
import type { RegexLimitError } from './regex/index.ts';

/** obj.response (and the status line) of the 503 a regex limit raises. */
export const REGEX_LIMIT_RESPONSE = 'Regex match limit exceeded';

/** Records the failure on the request and returns the action the phase ends with (undefined: its default). */
export function regexLimitExceeded(phase: Phase, ctx: VclContext, e: RegexLimitError): Action | undefined {
  ctx.fastlyError = e.code;
  ctx.log(`VCL error in vcl_${phase}: ${e.message} on a ${e.subjectLength}-character subject (fastly.error ${e.code})`);
  if (!ALLOWED_ACTIONS[phase].has('error')) return undefined;
  ctx.obj = { status: 503, response: REGEX_LIMIT_RESPONSE, http: ctx.newHeaders(), ttl: 0, hits: 0, age: 0 };
  return 'error';
}
