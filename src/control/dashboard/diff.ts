// What activating a version changes: every object kind the dashboard's API has (domains,
// backends, healthchecks, directors, custom VCL) and the settings, compared with the active
// version's. An object is matched by name, so a rename shows as one removed and one added, as
// Fastly's version diff shows it. Pure: the pages fetch, this compares.
import type { ApiObject } from './data.ts';

/** Bookkeeping fields that differ between versions without changing what runs. */
const IGNORED = new Set(['created_at', 'updated_at', 'deleted_at', 'version', 'service_id', 'locked', 'hostname', 'ipv4', 'ipv6']);

/** The object kinds of a version, in the order the review lists them (a request meets them in this order). */
export const REVIEW_KINDS = [
  'domain', 'condition', 'backend', 'healthcheck', 'director', 'header', 'request_settings', 'response_object', 'cache_settings', 'gzip', 'vcl',
] as const;
export type ReviewKind = (typeof REVIEW_KINDS)[number];

export interface FieldChange {
  readonly field: string;
  readonly from: unknown;
  readonly to: unknown;
}

export interface ObjectDiff {
  readonly added: readonly ApiObject[];
  readonly removed: readonly ApiObject[];
  readonly changed: ReadonlyArray<{ readonly name: string; readonly before: ApiObject; readonly after: ApiObject; readonly changes: readonly FieldChange[] }>;
}

export interface VersionObjects {
  readonly objects: Readonly<Record<ReviewKind, readonly ApiObject[]>>;
  readonly settings: Readonly<Record<string, unknown>>;
}

export interface VersionDiff {
  readonly objects: Readonly<Record<ReviewKind, ObjectDiff>>;
  readonly settings: readonly FieldChange[];
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The fields of two records that differ, bookkeeping left out, sorted by name. */
export function fieldChanges(before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): FieldChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !IGNORED.has(k)).sort();
  return keys.filter((k) => !same(before[k], after[k])).map((k) => ({ field: k, from: before[k] ?? null, to: after[k] ?? null }));
}

export function diffObjects(before: readonly ApiObject[], after: readonly ApiObject[]): ObjectDiff {
  const old = new Map(before.map((o) => [o.name, o]));
  const now = new Map(after.map((o) => [o.name, o]));
  const byName = (a: ApiObject, b: ApiObject): number => a.name.localeCompare(b.name);
  const changed = [...now.values()].flatMap((o) => {
    const prev = old.get(o.name);
    if (prev === undefined) return [];
    const changes = fieldChanges(prev, o);
    return changes.length === 0 ? [] : [{ name: o.name, before: prev, after: o, changes }];
  }).sort((a, b) => a.name.localeCompare(b.name));
  return {
    added: after.filter((o) => !old.has(o.name)).sort(byName),
    removed: before.filter((o) => !now.has(o.name)).sort(byName),
    changed,
  };
}

/** `before` null: nothing is active yet, so everything in `after` is new. */
export function diffVersions(before: VersionObjects | null, after: VersionObjects): VersionDiff {
  const objects = Object.fromEntries(REVIEW_KINDS.map((k) => [k, diffObjects(before?.objects[k] ?? [], after.objects[k])])) as Record<ReviewKind, ObjectDiff>;
  return { objects, settings: before === null ? [] : fieldChanges(before.settings, after.settings) };
}

export function isEmptyObjectDiff(d: ObjectDiff): boolean {
  return d.added.length === 0 && d.removed.length === 0 && d.changed.length === 0;
}

export function isEmptyDiff(d: VersionDiff): boolean {
  return REVIEW_KINDS.every((k) => isEmptyObjectDiff(d.objects[k])) && d.settings.length === 0;
}
