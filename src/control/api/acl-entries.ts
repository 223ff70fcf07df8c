// ACL entries (versionless: DESIGN.md §1, §4.6), at Fastly's paths:
// https://www.fastly.com/documentation/reference/api/acls/acl-entry/
//   GET    /service/{sid}/acl/{id}/entries          list (paginated)
//   PATCH  /service/{sid}/acl/{id}/entries          batch: {"entries":[{"op":"create|update|delete", …}]}, all or nothing
//   POST   /service/{sid}/acl/{id}/entry            create
//   GET|PATCH|DELETE /service/{sid}/acl/{id}/entry/{entry_id}
// An entry is an address (`ip`), an optional prefix length (`subnet`), `negated` (0/1: "not in
// the ACL", VCL's `!"…"`) and a comment. Every change publishes an `acl` event: each edge node
// reads the ACL's entries again and swaps its matcher in place, without an activation. At most
// 1,000 entries per ACL and per batch (Fastly's default limit).
import { isIP } from 'node:net';
import { acl, newObjectId, type AclRecord } from '../../model/api/index.ts';
import type { AclEntryRow, StoreTx } from '../../store/index.ts';
import { ApiError } from '../errors.ts';
import type { RouteTable } from '../routes.ts';
import { now } from '../versions.ts';
import type { ControlDeps } from './deps.ts';
import { bodyObject, paginate, requireLiveObject, text } from './live-common.ts';

export const MAX_ENTRIES = 1_000;
const MAX_COMMENT = 8_192;
const OPS = ['create', 'update', 'delete'] as const;
type Op = (typeof OPS)[number];

function entryBody(e: AclEntryRow): Record<string, unknown> {
  return {
    acl_id: e.aclId, service_id: e.serviceId, id: e.id, ip: e.ip, subnet: e.subnet, negated: e.negated ? 1 : 0, comment: e.comment ?? '',
    created_at: e.createdAt, updated_at: e.updatedAt, deleted_at: null,
  };
}

/** The fields an entry sets; absent ones keep their value on update. */
interface EntryFields { ip?: string; subnet?: number | null; negated?: boolean; comment?: string | null }

function parseFields(input: Record<string, unknown>, where: string): EntryFields {
  const f: EntryFields = {};
  const ip = text(input, 'ip');
  if (ip !== undefined) {
    if (isIP(ip) === 0) throw new ApiError('badRequest', `${where}ip: must be an IPv4 or IPv6 address, got "${ip}"`);
    f.ip = ip;
  }
  const subnet = text(input, 'subnet');
  if (subnet !== undefined) {
    if (subnet === '') f.subnet = null;
    else if (!/^\d{1,3}$/.test(subnet)) throw new ApiError('badRequest', `${where}subnet: must be a prefix length from 0 to 32 (IPv4) or 128 (IPv6)`);
    else f.subnet = Number(subnet);
  }
  const negated = input.negated;
  if (negated !== undefined && negated !== null && negated !== '') {
    const t = String(negated).toLowerCase();
    if (!['0', '1', 'true', 'false'].includes(t)) throw new ApiError('badRequest', `${where}negated: must be a boolean (true, false, 1 or 0)`);
    f.negated = t === '1' || t === 'true';
  }
  const comment = text(input, 'comment');
  if (comment !== undefined) {
    if (comment.length > MAX_COMMENT) throw new ApiError('badRequest', `${where}comment: must be text of at most ${MAX_COMMENT} characters`);
    f.comment = comment === '' ? null : comment;
  }
  return f;
}

/** The entry as it will be stored; its prefix length must fit its address's family. */
function entryOf(base: AclEntryRow, f: EntryFields, where: string): AclEntryRow {
  const e: AclEntryRow = { ...base, ...f };
  const width = isIP(e.ip) === 6 ? 128 : 32;
  if (e.subnet !== null && e.subnet > width) throw new ApiError('badRequest', `${where}subnet: must be a prefix length from 0 to ${width} for ${e.ip}`);
  return e;
}

interface Change { readonly op: Op; readonly id: string | null; readonly fields: EntryFields; readonly where: string }

async function applyChanges(tx: StoreTx, sid: string, aclId: string, changes: readonly Change[]): Promise<AclEntryRow[]> {
  const entries = new Map((await tx.listAclEntries(sid, aclId)).map((e) => [e.id, e]));
  const at = now();
  const written: AclEntryRow[] = [];
  for (const c of changes) {
    if (c.op === 'create') {
      if (c.fields.ip === undefined) throw new ApiError('badRequest', `${c.where}ip: is required`);
      const base: AclEntryRow = { serviceId: sid, aclId, id: newObjectId(), ip: c.fields.ip, subnet: null, negated: false, comment: null, createdAt: at, updatedAt: at };
      const row = entryOf(base, c.fields, c.where);
      entries.set(row.id, row);
      await tx.putAclEntry(row);
      written.push(row);
      continue;
    }
    const existing = c.id === null ? undefined : entries.get(c.id);
    if (existing === undefined) throw new ApiError('notFound', `${c.where}id: no entry '${c.id ?? ''}' in ACL '${aclId}'`);
    if (c.op === 'delete') {
      entries.delete(existing.id);
      await tx.deleteAclEntry(sid, aclId, existing.id);
      continue;
    }
    const row = entryOf({ ...existing, updatedAt: at }, c.fields, c.where);
    entries.set(row.id, row);
    await tx.putAclEntry(row);
    written.push(row);
  }
  if (entries.size > MAX_ENTRIES) throw new ApiError('badRequest', `entries: an ACL holds at most ${MAX_ENTRIES} entries; this would make ${entries.size}`);
  tx.publish({ type: 'acl', serviceId: sid, aclId });
  return written;
}

function parseBatch(body: unknown): Change[] {
  const list = bodyObject(body).entries;
  if (!Array.isArray(list) || list.length === 0) throw new ApiError('badRequest', 'entries: must be a non-empty list of {op, id, ip, subnet, negated, comment}');
  if (list.length > MAX_ENTRIES) throw new ApiError('badRequest', `entries: at most ${MAX_ENTRIES} operations in one batch`);
  return list.map((raw: unknown, i): Change => {
    const where = `entries[${i}].`;
    const input = bodyObject(raw);
    const op = text(input, 'op');
    if (!OPS.includes(op as Op)) throw new ApiError('badRequest', `${where}op: must be one of ${OPS.join(', ')}`);
    const id = text(input, 'id') ?? null;
    if (op !== 'create' && (id === null || id === '')) throw new ApiError('badRequest', `${where}id: is required to ${op} an entry`);
    return { op: op as Op, id, fields: op === 'delete' ? {} : parseFields(input, where), where };
  });
}

function requireAcl(tx: StoreTx, sid: string, id: string): Promise<AclRecord> {
  return requireLiveObject(tx, sid, acl, id);
}

export function registerAclEntryRoutes(routes: RouteTable, deps: ControlDeps): void {
  const { store } = deps;
  const base = '/service/:service_id/acl/:acl_id';
  const tag = 'acl_entry';

  routes.add({ method: 'GET', url: `${base}/entries`, summary: 'List an ACL\'s entries', tag, access: 'read' }, async ({ params, query, reply }) =>
    store.transaction(async (tx) => {
      await requireAcl(tx, params.service_id, params.acl_id);
      const all = await tx.listAclEntries(params.service_id, params.acl_id);
      return paginate(all, query, `/service/${params.service_id}/acl/${params.acl_id}/entries`, reply).map(entryBody);
    }));

  routes.add({ method: 'PATCH', url: `${base}/entries`, summary: 'Change many entries at once, all or nothing', tag, access: 'write' }, async ({ params, body }) => {
    const changes = parseBatch(body);
    return store.transaction(async (tx) => {
      await requireAcl(tx, params.service_id, params.acl_id);
      await applyChanges(tx, params.service_id, params.acl_id, changes);
      return { status: 'ok' };
    });
  });

  routes.add({ method: 'POST', url: `${base}/entry`, summary: 'Create an entry', tag, access: 'write' }, async ({ params, body }) => {
    const change: Change = { op: 'create', id: null, fields: parseFields(bodyObject(body), ''), where: '' };
    return store.transaction(async (tx) => {
      await requireAcl(tx, params.service_id, params.acl_id);
      return entryBody((await applyChanges(tx, params.service_id, params.acl_id, [change]))[0]);
    });
  });

  routes.add({ method: 'GET', url: `${base}/entry/:entry_id`, summary: 'Describe an entry', tag, access: 'read' }, async ({ params }) =>
    store.transaction(async (tx) => {
      await requireAcl(tx, params.service_id, params.acl_id);
      const e = await tx.getAclEntry(params.service_id, params.acl_id, params.entry_id);
      if (e === null) throw new ApiError('notFound', `no entry '${params.entry_id}' in ACL '${params.acl_id}'`);
      return entryBody(e);
    }));

  routes.add({ method: 'PATCH', url: `${base}/entry/:entry_id`, summary: 'Change an entry', tag, access: 'write' }, async ({ params, body }) => {
    const change: Change = { op: 'update', id: params.entry_id, fields: parseFields(bodyObject(body), ''), where: '' };
    return store.transaction(async (tx) => {
      await requireAcl(tx, params.service_id, params.acl_id);
      return entryBody((await applyChanges(tx, params.service_id, params.acl_id, [change]))[0]);
    });
  });

  routes.add({ method: 'DELETE', url: `${base}/entry/:entry_id`, summary: 'Delete an entry', tag, access: 'write' }, async ({ params }) =>
    store.transaction(async (tx) => {
      await requireAcl(tx, params.service_id, params.acl_id);
      await applyChanges(tx, params.service_id, params.acl_id, [{ op: 'delete', id: params.entry_id, fields: {}, where: '' }]);
      return { status: 'ok' };
    }));
}
