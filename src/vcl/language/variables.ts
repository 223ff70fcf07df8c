// Fastly's predefined VCL variables, declared once (DESIGN.md §1): every variable Fastly
// documents, its type, where it may be read, set and unset, and — for those lacquer runs — the
// closures that read and write it (variables/define.ts explains an entry). The checker reads the
// table to say "Fastly has no variable of that name" (not in it), "not supported by lacquer" (in
// it without closures) or "cannot be set in vcl_recv"; the compiler binds each use to its
// closures once, so a request never looks a variable up by name.
//
// Source: Fastly's variable reference (https://www.fastly.com/documentation/reference/vcl/variables/),
// one section file per group of its categories.
import { BACKEND } from './variables/backend.ts';
import { CONNECTION } from './variables/connection.ts';
import type { Accessors, VariableEnv, VariableSpec, VariableUse } from './variables/define.ts';
import { MISC } from './variables/misc.ts';
import { REQUEST } from './variables/request.ts';
import { RESPONSE } from './variables/response.ts';

export type { AccessMode, Accessors, Implementation, Setter, VariableEnv, VariableSpec, VariableUse } from './variables/define.ts';

export const VARIABLES: readonly VariableSpec[] = [...REQUEST, ...CONNECTION, ...BACKEND, ...RESPONSE, ...MISC];

export interface VariableMatch extends VariableUse {
  readonly spec: VariableSpec;
}

const exact = new Map<string, VariableSpec>();
interface Pattern { readonly prefix: string; readonly suffix: string; readonly param: RegExp; readonly spec: VariableSpec }
/** What each pattern part matches. */
const PARTS: Readonly<Record<string, RegExp>> = {
  '{header}': /^[^.\s][^\s]*$/,
  '{local}': /^[^.\s][^\s]*$/,
  '{name}': /^[A-Za-z_][A-Za-z0-9_]*$/,
  '{N}': /^\d+$/,
};
/** Patterns by the name's first segment (`req`, `backend`), so a lookup tries only a few. */
const patterns = new Map<string, Pattern[]>();
for (const spec of VARIABLES) {
  const m = /^(.*?)(\{header\}|\{local\}|\{name\}|\{N\})(.*)$/.exec(spec.name);
  if (m === null) { exact.set(spec.name, spec); continue; }
  const head = m[1].slice(0, m[1].indexOf('.'));
  const list = patterns.get(head) ?? [];
  list.push({ prefix: m[1], suffix: m[3], param: PARTS[m[2]], spec });
  patterns.set(head, list);
}
// Longest prefix first, so a more specific family wins over a shorter one.
for (const list of patterns.values()) list.sort((a, b) => b.prefix.length - a.prefix.length);

/** The variable a name refers to, or null when Fastly has no such variable. Names are case-sensitive, as in Fastly. */
export function lookupVariable(name: string): VariableMatch | null {
  const hit = exact.get(name);
  if (hit !== undefined) return { spec: hit, param: null, subfield: null };
  const dot = name.indexOf('.');
  for (const p of dot > 0 ? patterns.get(name.slice(0, dot)) ?? [] : []) {
    if (!name.startsWith(p.prefix) || !name.endsWith(p.suffix) || name.length <= p.prefix.length + p.suffix.length) continue;
    let param = name.slice(p.prefix.length, name.length - p.suffix.length);
    let subfield: string | null = null;
    if (p.spec.type === 'HEADER') {
      const colon = param.indexOf(':');
      if (colon > 0) { subfield = param.slice(colon + 1); param = param.slice(0, colon); }
    }
    if (p.param.test(param)) return { spec: p.spec, param, subfield };
  }
  return null;
}

/** Whether a name is a variable at all (used to tell a variable from a backend or ACL name). */
export function isVariableName(name: string): boolean {
  return lookupVariable(name) !== null;
}

/** Whether lacquer runs a variable (a local, or an entry with closures). */
export function isRun(spec: VariableSpec): boolean {
  return spec.impl !== undefined || spec.type === 'declared';
}

/** The closures of one use of a variable lacquer runs, built at compile time. */
export function accessorsOf(m: VariableMatch, env: VariableEnv): Accessors | null {
  const impl = m.spec.impl;
  if (impl === undefined) return null;
  return typeof impl === 'function' ? impl(m, env) : impl;
}
