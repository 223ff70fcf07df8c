// Rows → the JSON bodies Fastly's clients expect (field names and types checked against the
// fastly JS client v13 models: booleans are booleans, unset is null, numbers are numbers).
import { blank, type Resource } from '../model/api/index.ts';
import * as resources from '../model/api/index.ts';
import type { ObjectRow, ServiceRow, StoreTx, VersionRow } from '../store/index.ts';

export function versionBody(v: VersionRow): Record<string, unknown> {
  return {
    number: v.number, service_id: v.serviceId, active: v.active, locked: v.locked, deployed: false, staging: false,
    testing: false, comment: v.comment ?? '', created_at: v.createdAt, updated_at: v.updatedAt, deleted_at: null,
  };
}

export function serviceBody(s: ServiceRow, versions: readonly VersionRow[]): Record<string, unknown> {
  const active = versions.find((v) => v.active) ?? null;
  return {
    id: s.id, name: s.name, comment: s.comment ?? '', customer_id: 'lacquer', type: 'vcl', paused: false, publish_key: '',
    created_at: s.createdAt, updated_at: s.updatedAt, deleted_at: null,
    // ServiceListResponse.version: the active version (Fastly's "current" version), null when none is.
    version: active?.number ?? null,
    versions: versions.map(versionBody),
  };
}

export function objectBody(resource: Resource, row: ObjectRow, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...blank(resource), ...row.data, service_id: row.serviceId, version: row.version,
    created_at: row.createdAt, updated_at: row.updatedAt, deleted_at: null, ...extra,
  };
}

export const SETTINGS_NAME = 'general';

export async function settingsBody(tx: StoreTx, serviceId: string, version: number): Promise<Record<string, unknown>> {
  const row = await tx.getObject(serviceId, version, 'settings', SETTINGS_NAME);
  return { ...blank(resources.settings), ...resources.settings.defaults, ...(row?.data ?? {}), service_id: serviceId, version };
}

/** ServiceVersionDetail: the version with every object in it, as GET …/details shows it. */
export async function versionDetail(tx: StoreTx, v: VersionRow): Promise<Record<string, unknown>> {
  const list = async (resource: Resource, kind: ObjectRow['kind'], extra: Record<string, unknown> = {}): Promise<unknown[]> =>
    (await tx.listObjects(v.serviceId, v.number, kind)).map((r) => objectBody(resource, r, extra));
  return {
    ...versionBody(v),
    backends: await list(resources.backend, 'backend', { locked: v.locked }),
    healthchecks: await list(resources.healthcheck, 'healthcheck'),
    directors: await list(resources.director, 'director'),
    domains: await list(resources.domain, 'domain'),
    vcls: await list(resources.vcl, 'vcl'),
    settings: await settingsBody(tx, v.serviceId, v.number),
    cache_settings: await list(resources.cacheSettings, 'cache_settings'),
    conditions: await list(resources.condition, 'condition'),
    gzips: await list(resources.gzip, 'gzip'),
    headers: await list(resources.header, 'header'),
    request_settings: await list(resources.requestSettings, 'request_settings'),
    response_objects: await list(resources.responseObject, 'response_object'),
    snippets: await list(resources.snippet, 'snippet', {}).then((l) => (l as Record<string, unknown>[]).map(snippetStrings)),
    dictionaries: await list(resources.dictionary, 'dictionary'),
    acls: await list(resources.acl, 'acl'),
  };
}

/** Fastly shows a snippet's `priority` and `dynamic` as strings ("100", "1"). */
export function snippetStrings(body: Record<string, unknown>): Record<string, unknown> {
  return { ...body, priority: String(body.priority ?? 100), dynamic: String(body.dynamic ?? 0) };
}
