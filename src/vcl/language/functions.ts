// Fastly's builtin VCL functions, declared once (DESIGN.md §1): every function Fastly documents,
// its signature, where it may be called, and — for those lacquer runs — the builder of its
// closure (functions/define.ts explains an entry). The checker reads the table to say "Fastly
// has no function of that name" (not in it), "not supported by lacquer" (in it without a
// builder), or that an argument is missing or of the wrong type; the compiler builds each call
// site's closure once, at compile time.
//
// Source: Fastly's function reference (https://www.fastly.com/documentation/reference/vcl/functions/),
// one section file per group of its categories.
import type { FunctionSpec } from './functions/define.ts';
import { DIGEST } from './functions/digest.ts';
import { MATH } from './functions/math.ts';
import { MISC } from './functions/misc.ts';
import { QUERY } from './functions/query.ts';
import { STRINGS } from './functions/strings.ts';

export type { Arg, ArgumentSpec, Builder, FunctionSpec, ParamType } from './functions/define.ts';

export const FUNCTIONS: readonly FunctionSpec[] = [...STRINGS, ...DIGEST, ...QUERY, ...MISC, ...MATH];

const byName = new Map<string, FunctionSpec>(FUNCTIONS.map((fn) => [fn.name, fn]));

/** The builtin function of that name, or null when Fastly has none. */
export function lookupFunction(name: string): FunctionSpec | null {
  return byName.get(name) ?? null;
}

/** Fewest and most arguments a call may pass (Infinity after a variadic parameter). */
export function arity(fn: FunctionSpec): { readonly min: number; readonly max: number } {
  const required = fn.args.filter((x) => x.arity === undefined).length;
  return { min: required, max: fn.args.some((x) => x.arity === 'variadic') ? Infinity : fn.args.length };
}

/** The parameter an argument at `index` is passed to (the variadic one for every argument past it). */
export function parameterAt(fn: FunctionSpec, index: number): FunctionSpec['args'][number] | undefined {
  const last = fn.args[fn.args.length - 1];
  if (index >= fn.args.length && last?.arity === 'variadic') return last;
  return fn.args[index];
}
