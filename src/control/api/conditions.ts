// Conditions and the objects that name them. A condition field (`request_condition`,
// `cache_condition`, `response_condition`) must name a condition of the version, of a type that
// can be evaluated where the object runs (src/model/conditions.ts CONDITION_FIELDS), checked when
// the object is written: 400 naming the field. Renaming a condition renames it in every object
// that names it. Deleting one leaves the names as they are: activation then reports each object
// that still names it (Terraform deletes the objects and their conditions in one plan, in any order).
//
// Other parts (logging endpoints) attach conditions too: `requireConditions` checks their
// fields and `CONDITION_REFERRERS` is the list of object kinds a rename rewrites.
import { CONDITION_FIELDS, type ConditionField } from '../../model/conditions.ts';
import type { ApiRecord } from '../../model/api/index.ts';
import type { NewObjectRow, ObjectKind, StoreTx } from '../../store/index.ts';
import { ApiError } from '../errors.ts';
import { rewriteReferences } from './objects.ts';

/** The object kinds whose condition fields a condition's rename rewrites; append yours. */
export const CONDITION_REFERRERS: ObjectKind[] = ['backend', 'header', 'response_object', 'request_settings', 'cache_settings', 'gzip'];

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
