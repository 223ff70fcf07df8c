// Rows as the Store's types, for both stores: one schema (./migrations/), where flags are
// INTEGER 0/1 and JSON is TEXT; PostgreSQL hands BIGINT columns over as strings.
import type { NodeRole, NodeRow, ObjectKind, ObjectRow, ServiceRow, TokenRow, VersionRow } from './store.ts';

export type Row = Record<string, unknown>;

const str = (v: unknown): string => String(v);
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function toService(r: Row): ServiceRow {
  return { id: str(r.id), name: str(r.name), comment: strOrNull(r.comment), createdAt: str(r.created_at), updatedAt: str(r.updated_at) };
}

export function toVersion(r: Row): VersionRow {
  return {
    serviceId: str(r.service_id), number: Number(r.number), active: Number(r.active) === 1, locked: Number(r.locked) === 1,
    comment: strOrNull(r.comment), createdAt: str(r.created_at), updatedAt: str(r.updated_at),
  };
}

export function toObject(r: Row): ObjectRow {
  return {
    serviceId: str(r.service_id), version: Number(r.version), kind: str(r.kind) as ObjectKind, name: str(r.name),
    data: JSON.parse(str(r.data)) as Record<string, unknown>, createdAt: str(r.created_at), updatedAt: str(r.updated_at),
    seq: Number(r.seq),
  };
}

export function toToken(r: Row): TokenRow {
  return {
    id: str(r.id), hash: str(r.hash), name: strOrNull(r.name), serviceId: strOrNull(r.service_id),
    readOnly: Number(r.read_only) === 1, createdAt: str(r.created_at),
  };
}

export function toNode(r: Row): NodeRow {
  return { id: str(r.id), role: str(r.role) as NodeRole, pop: str(r.pop), url: str(r.url), startedAt: str(r.started_at) };
}
