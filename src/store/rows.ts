// Rows as the Store's types, for both stores: one schema (./migrations/), where flags are
// INTEGER 0/1 and JSON is TEXT; PostgreSQL hands BIGINT columns over as strings.
import type {
  HealthFlipRow, HealthOverrideRow, NodeRole, NodeRow, ObjectKind, ObjectRow, ServiceRow, StoredHealthState, StoredHealthSummary, TokenRow, VersionRow,
} from './store.ts';

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
  const members = r.cluster_members === undefined || r.cluster_members === null ? [] : JSON.parse(str(r.cluster_members)) as string[];
  const node: NodeRow = { id: str(r.id), role: str(r.role) as NodeRole, pop: str(r.pop), url: str(r.url), startedAt: str(r.started_at) };
  return members.length === 0 ? node : { ...node, members };
}

/** A health row with `age_ms` selected next to it (./tx.ts). */
export function toHealthState(r: Row): StoredHealthState {
  return {
    pop: str(r.pop), key: str(r.key), nodeId: str(r.node_id), healthy: Number(r.healthy) === 1, good: Number(r.good),
    window: Number(r.probe_window), threshold: Number(r.threshold), intervalMs: Number(r.interval_ms), registers: str(r.registers),
    avgRttMs: Number(r.avg_rtt_ms), rate: Number(r.rate), lastResponse: str(r.last_response), lastChange: str(r.last_change),
    ageMs: Number(r.age_ms),
  };
}

export function toHealthSummary(r: Row): StoredHealthSummary {
  return { pop: str(r.pop), nodeId: str(r.node_id), probing: Number(r.probing), sick: Number(r.sick), ageMs: Number(r.age_ms) };
}

export function toHealthFlip(r: Row): HealthFlipRow {
  return { pop: str(r.pop), key: str(r.key), nodeId: str(r.node_id), healthy: Number(r.healthy) === 1, at: str(r.at) };
}

export function toHealthOverride(r: Row): HealthOverrideRow {
  return { serviceId: str(r.service_id), backend: str(r.backend), admin: str(r.admin) as HealthOverrideRow['admin'], at: str(r.at) };
}
