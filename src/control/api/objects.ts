// CRUD for the objects inside a version (backend, healthcheck, director, domain, vcl), the
// same five routes for each, as Fastly's API has them. Resource-specific effects (renames that
// other objects refer to, the single main VCL) are hooks run inside the same transaction.
import { Type } from '@sinclair/typebox';
import { parseRecord, requestSchema, responseSchema, StatusOk, type ApiRecord, type ResourceBase } from '../../model/api/index.ts';
import { StoreConflictError, type NewObjectRow, type ObjectKind, type ObjectRow, type StoreTx, type TokenRow } from '../../store/index.ts';
import { ApiError } from '../errors.ts';
import { objectBody } from '../present.ts';
import type { RouteTable } from '../routes.ts';
import { now, parseVersionNumber, requireEditable, requireVersion } from '../versions.ts';
import type { ControlDeps } from './deps.ts';

export interface ObjectHooks {
  /**
   * Before a create or update is written; throws an ApiError to refuse it. `token` made the
   * request (control/share-key.ts needs it).
   */
  beforeWrite?(tx: StoreTx, row: NewObjectRow, previousName: string | null, token: TokenRow | null): Promise<void>;
  /** After a create or update is written. */
  afterWrite?(tx: StoreTx, row: ObjectRow, previousName: string | null): Promise<void>;
  /** After a delete. */
  afterDelete?(tx: StoreTx, serviceId: string, version: number, name: string): Promise<void>;
  /** Extra response fields. */
  extra?(row: ObjectRow, locked: boolean): Record<string, unknown>;
  /** The path after the version when it is not the kind (`logging/syslog` for logging_syslog). */
  readonly path?: string;
}

export function badRequest(errors: readonly { message: string }[]): ApiError {
  return new ApiError('badRequest', errors.map((e) => e.message).join('; '));
}

export function registerObjectRoutes(routes: RouteTable, deps: ControlDeps, resource: ResourceBase, hooks: ObjectHooks = {}): void {
  const kind = resource.kind as ObjectKind;
  const base = `/service/:service_id/version/:version_id/${hooks.path ?? kind}`;
  const response = responseSchema(resource);
  const body = (row: ObjectRow, locked: boolean): Record<string, unknown> => objectBody(resource, row, hooks.extra?.(row, locked) ?? {});
  const notFound = (sid: string, v: number, name: string): ApiError =>
    new ApiError('notFound', `Couldn't find ${kind} '${name}' in version ${v} of service '${sid}'`);
  const duplicate = (v: number, name: string): ApiError =>
    new ApiError('duplicate', `${kind} '${name}' already exists in version ${v}`);

  routes.add({ method: 'GET', url: base, summary: `List ${kind}s`, tag: kind, access: 'read', response: Type.Array(response) }, async ({ params }) => {
    const v = parseVersionNumber(params.version_id);
    return deps.store.transaction(async (tx) => {
      const version = await requireVersion(tx, params.service_id, v);
      return (await tx.listObjects(params.service_id, v, kind)).map((r) => body(r, version.locked));
    });
  });

  routes.add({ method: 'POST', url: base, summary: `Create a ${kind}`, tag: kind, access: 'write', body: requestSchema(resource), response }, async ({ params, body: input, token }) => {
    const v = parseVersionNumber(params.version_id);
    return deps.store.transaction(async (tx) => {
      await requireEditable(tx, params.service_id, v);
      const parsed = parseRecord(resource, input, null);
      if (!parsed.ok) throw badRequest(parsed.errors);
      const name = String(parsed.record.name);
      if (await tx.getObject(params.service_id, v, kind, name) !== null) throw duplicate(v, name);
      const at = now();
      const row: NewObjectRow = { serviceId: params.service_id, version: v, kind, name, data: parsed.record, createdAt: at, updatedAt: at };
      await hooks.beforeWrite?.(tx, row, null, token);
      await insert(tx, row, () => duplicate(v, name));
      const stored = await tx.getObject(params.service_id, v, kind, name);
      if (stored === null) throw new Error(`${kind} '${name}' was not found right after it was written`);
      await hooks.afterWrite?.(tx, stored, null);
      return body(stored, false);
    });
  });

  routes.add({ method: 'GET', url: `${base}/:name`, summary: `Describe a ${kind}`, tag: kind, access: 'read', response }, async ({ params }) => {
    const v = parseVersionNumber(params.version_id);
    return deps.store.transaction(async (tx) => {
      const version = await requireVersion(tx, params.service_id, v);
      const row = await tx.getObject(params.service_id, v, kind, params.name);
      if (row === null) throw notFound(params.service_id, v, params.name);
      return body(row, version.locked);
    });
  });

  routes.add({ method: 'PUT', url: `${base}/:name`, summary: `Update a ${kind}`, tag: kind, access: 'write', body: requestSchema(resource), response }, async ({ params, body: input, token }) => {
    const v = parseVersionNumber(params.version_id);
    return deps.store.transaction(async (tx) => {
      await requireEditable(tx, params.service_id, v);
      const current = await tx.getObject(params.service_id, v, kind, params.name);
      if (current === null) throw notFound(params.service_id, v, params.name);
      const parsed = parseRecord(resource, input, current.data as ApiRecord);
      if (!parsed.ok) throw badRequest(parsed.errors);
      const name = String(parsed.record.name);
      if (name !== params.name && await tx.getObject(params.service_id, v, kind, name) !== null) throw duplicate(v, name);
      const row: ObjectRow = { ...current, name, data: parsed.record, updatedAt: now() };
      await hooks.beforeWrite?.(tx, row, params.name, token);
      await tx.replaceObject(params.name, row);
      await hooks.afterWrite?.(tx, row, params.name);
      return body(row, false);
    });
  });

  routes.add({ method: 'DELETE', url: `${base}/:name`, summary: `Delete a ${kind}`, tag: kind, access: 'write', response: StatusOk }, async ({ params }) => {
    const v = parseVersionNumber(params.version_id);
    return deps.store.transaction(async (tx) => {
      await requireEditable(tx, params.service_id, v);
      if (await tx.getObject(params.service_id, v, kind, params.name) === null) throw notFound(params.service_id, v, params.name);
      await tx.deleteObject(params.service_id, v, kind, params.name);
      await hooks.afterDelete?.(tx, params.service_id, v, params.name);
      return { status: 'ok' };
    });
  });
}

async function insert(tx: StoreTx, row: NewObjectRow, onConflict: () => ApiError): Promise<void> {
  try {
    await tx.insertObject(row);
  } catch (err) {
    if (err instanceof StoreConflictError) throw onConflict();
    throw err;
  }
}

/** Rewrites a field of every object of `kind` in the version where it equals `from`. */
export async function rewriteReferences(tx: StoreTx, row: { serviceId: string; version: number }, kind: ObjectKind,
  update: (data: ApiRecord) => ApiRecord | null): Promise<void> {
  for (const other of await tx.listObjects(row.serviceId, row.version, kind)) {
    const data = update({ ...other.data });
    if (data !== null) await tx.replaceObject(other.name, { ...other, data });
  }
}
