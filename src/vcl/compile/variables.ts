// A predefined variable bound for code generation: its value type and the closures from its
// entry in the language definition (src/vcl/language/variables.ts), built once per use at
// compile time, so a request never looks a variable up by name. Where a variable may be read or
// written is the checker's business; the compiler trusts a checked program.
import { accessorsOf, lookupVariable } from '../language/variables.ts';
import type { Setter, VariableEnv } from '../language/variables.ts';
import type { VclContext } from './compiled.ts';
import type { Eval, Frame } from '../runtime/value.ts';
import type { VclType } from '../runtime/types.ts';

export type { VariableEnv };

export interface Variable {
  readonly type: VclType;
  readonly get: Eval<unknown> | null;
  readonly set: Setter | null;
  readonly unset: ((ctx: VclContext, frame: Frame) => void) | null;
  /** `add req.http.X = …`: only headers have it. */
  readonly add: Setter | null;
}

/** The closures of a predefined variable lacquer runs, or null when it runs no such variable. */
export function resolveVariable(name: string, env: VariableEnv): Variable | null {
  const m = lookupVariable(name);
  if (m === null || m.spec.type === 'declared') return null;
  const a = accessorsOf(m, env);
  if (a === null) return null;
  // A header is a STRING once read (language/types.ts valueType).
  const type = m.spec.type === 'HEADER' ? 'STRING' : m.spec.type;
  return { type, get: a.get ?? null, set: a.set ?? null, unset: a.unset ?? null, add: a.add ?? null };
}
