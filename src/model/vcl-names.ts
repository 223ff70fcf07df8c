// The VCL names of API objects. Backends and directors share VCL's one namespace of backend
// names (`set req.backend = …` takes either), so two API objects whose names differ only in
// characters VCL cannot spell (`a-b`, `a_b`, `a.b`) would be one VCL name twice, and the
// version could never compile. The API refuses the second one (src/control/api/resources.ts);
// the generator reports any it still finds (versions stored before that rule).

/** The director the generator declares for `auto_loadbalance` backends (Fastly's own name). */
export const AUTO_DIRECTOR = 'autodirector_';

export type NamedKind = 'backend' | 'director';

/** A backend's VCL name: `F_` + its name with every non-alphanumeric character replaced by `_` (DESIGN.md §4.2). */
export function backendVclName(name: string): string {
  return `F_${name.replace(/[^A-Za-z0-9]/g, '_')}`;
}

/** A director's VCL name: its name with every character VCL cannot spell as `_`, never starting with a digit. */
export function directorVclName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(safe) ? `_${safe}` : safe;
}

export function vclNameOf(kind: NamedKind, name: string): string {
  return kind === 'backend' ? backendVclName(name) : directorVclName(name);
}

export interface NamedObject {
  readonly kind: NamedKind;
  readonly name: string;
}

/** What already has a VCL name: another object, or the generated auto-load-balancing director. */
export type VclNameHolder = NamedObject | { readonly kind: 'auto' };

/**
 * What already has the VCL name of `candidate` among `others` (itself excluded), or the
 * automatic load-balancing director's reserved name; null when the name is free.
 */
export function vclNameClash(candidate: NamedObject, others: readonly NamedObject[]): VclNameHolder | null {
  const wanted = vclNameOf(candidate.kind, candidate.name);
  if (candidate.kind === 'director' && wanted === AUTO_DIRECTOR) return { kind: 'auto' };
  return others.find((o) => !(o.kind === candidate.kind && o.name === candidate.name) && vclNameOf(o.kind, o.name) === wanted) ?? null;
}

/** `backend "a-b"`, or the automatic director, for messages. */
export function describeHolder(holder: VclNameHolder): string {
  return holder.kind === 'auto' ? 'the automatic load-balancing director (auto_loadbalance backends)' : `${holder.kind} "${holder.name}"`;
}
