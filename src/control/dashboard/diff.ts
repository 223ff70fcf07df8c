// What activating a draft changes: its backends (with their healthcheck's settings folded in
// as `healthcheck.<field>`) compared with the active version's. Pure.
import type { ApiObject } from './data.ts';

/** Bookkeeping fields that differ between versions without changing what runs. */
const IGNORED = new Set(['created_at', 'updated_at', 'deleted_at', 'version', 'service_id', 'locked', 'hostname', 'ipv4', 'ipv6']);

export interface FieldChange {
  readonly field: string;
  readonly from: unknown;
  readonly to: unknown;
}

export interface BackendDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: ReadonlyArray<{ readonly name: string; readonly changes: readonly FieldChange[] }>;
}

export interface VersionObjects {
  readonly backends: readonly ApiObject[];
  readonly healthchecks: readonly ApiObject[];
}

function flatten(backend: ApiObject, healthchecks: readonly ApiObject[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(backend)) if (!IGNORED.has(k)) out.set(k, v);
  const hc = healthchecks.find((h) => h.name === backend.healthcheck);
  if (hc !== undefined) {
    for (const [k, v] of Object.entries(hc)) if (!IGNORED.has(k) && k !== 'name') out.set(`healthcheck.${k}`, v);
  }
  return out;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function diffBackends(before: VersionObjects | null, after: VersionObjects): BackendDiff {
  const old = new Map((before?.backends ?? []).map((b) => [b.name, flatten(b, before?.healthchecks ?? [])]));
  const now = new Map(after.backends.map((b) => [b.name, flatten(b, after.healthchecks)]));
  const added = [...now.keys()].filter((n) => !old.has(n)).sort();
  const removed = [...old.keys()].filter((n) => !now.has(n)).sort();
  const changed: Array<{ name: string; changes: FieldChange[] }> = [];
  for (const [name, fields] of now) {
    const prev = old.get(name);
    if (prev === undefined) continue;
    const keys = [...new Set([...prev.keys(), ...fields.keys()])].sort();
    const changes = keys.filter((k) => !same(prev.get(k), fields.get(k))).map((k) => ({ field: k, from: prev.get(k) ?? null, to: fields.get(k) ?? null }));
    if (changes.length > 0) changed.push({ name, changes });
  }
  changed.sort((a, b) => a.name.localeCompare(b.name));
  return { added, removed, changed };
}

export function isEmptyDiff(d: BackendDiff): boolean {
  return d.added.length === 0 && d.removed.length === 0 && d.changed.length === 0;
}
