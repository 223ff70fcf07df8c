// Conditions and the objects that name them. A condition field (`request_condition`,
// `cache_condition`, `response_condition`) must name a condition of the version, of a type that
// can be evaluated where the object runs (src/model/conditions.ts CONDITION_FIELDS), checked when
// the object is written: 400 naming the field. Renaming a condition renames it in every object
// that names it; changing the type of one that an object names is refused (the object checked
// the type when it was written, and it runs where only that type can be evaluated). Deleting one leaves the names as they are: activation then reports each object
// that still names it (Terraform deletes the objects and their conditions in one plan, in any order).
//
// Other parts (logging endpoints) attach conditions too: `requireConditions` checks their
// fields and `CONDITION_REFERRERS` is the list of object kinds a rename rewrites.
import { CONDITION_FIELDS, type ConditionField } from '../../model/conditions.ts';
import type { ApiRecord } from '../../model/api/index.ts';
import { OBJECT_KINDS, type NewObjectRow, type ObjectKind, type StoreTx } from '../../store/index.ts';
import { ApiError } from '../errors.ts';
import { rewriteReferences } from './objects.ts';

/** The object kinds whose condition fields a condition's rename rewrites; append yours. */
export const CONDITION_REFERRERS: ObjectKind[] = ['backend', 'header', 'response_object', 'request_settings', 'cache_settings', 'gzip',
  ...OBJECT_KINDS.filter((k) => k.startsWith('logging_'))];

/**
 * Checks each of `fields` that the object sets: the condition exists in the object's version
 * and is of a type the field takes. `allowed` narrows the types further (where the object runs).
 */
export async function requireConditions(tx: StoreTx, row: NewObjectRow, fields: readonly ConditionField[],
  allowed: Partial<Record<ConditionField, readonly string[]>> = {}): Promise<void> {
  for (const field of fields) {
    const name = row.data[field];
    if (typeof name !== 'string' || name === '') continue;
    const found = await tx.getObject(row.serviceId, row.version, 'condition', name);
    if (found === null) throw new ApiError('badRequest', `${field}: no condition named '${name}' in version ${row.version}`);
    const type = String(found.data.type);
    const types: readonly string[] = allowed[field] ?? CONDITION_FIELDS[field];
    if (!types.includes(type)) {
      throw new ApiError('badRequest', `${field}: condition '${name}' is of type ${type}; ${field} takes a condition of type ${types.join(' or ')} here`);
    }
  }
}

/** After a condition is renamed: every object that named it names the new name. */
export async function renameConditionReferences(tx: StoreTx, row: { serviceId: string; version: number }, from: string, to: string): Promise<void> {
  for (const kind of CONDITION_REFERRERS) {
    await rewriteReferences(tx, row, kind, (data: ApiRecord) => {
      let changed = false;
      const next = { ...data };
      for (const field of Object.keys(CONDITION_FIELDS)) {
        if (next[field] === from) { next[field] = to; changed = true; }
      }
      return changed ? next : null;
    });
  }
}

/**
 * Before a condition is updated: while an object names it, its type stays what that object was
 * checked against (400 naming `type` and the object); any other field may change.
 */
export async function requireTypeKept(tx: StoreTx, row: NewObjectRow, previousName: string): Promise<void> {
  const previous = await tx.getObject(row.serviceId, row.version, 'condition', previousName);
  if (previous === null || previous.data.type === row.data.type) return;
  for (const kind of CONDITION_REFERRERS) {
    for (const other of await tx.listObjects(row.serviceId, row.version, kind)) {
      const field = Object.keys(CONDITION_FIELDS).find((f) => other.data[f] === previousName);
      if (field === undefined) continue;
      throw new ApiError('badRequest', `type: condition '${previousName}' is named by ${kind} '${other.name}' as its ${field}, `
        + `so it keeps its type ${String(previous.data.type)}; change or delete that ${kind} first`);
    }
  }
}
