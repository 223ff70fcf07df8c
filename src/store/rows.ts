// Rows as the Store's types, for both stores: one schema (./migrations/), where flags are
// INTEGER 0/1 and JSON is TEXT; PostgreSQL hands BIGINT columns over as strings.
import type {
  AclEntryRow, DictionaryItemRow, DynamicSnippetRow, HealthFlipRow, HealthOverrideRow, NodeRole, NodeRow, ObjectKind, ObjectRow, ServiceRow,
  StoredHealthState, StoredHealthSummary, TokenRow, VersionRow, TlsActivationRow, TlsCertificateRow, TlsPrivateKeyRow,
} from './store.ts';
import type { TlsActivationMaterial } from '../model/tls.ts';

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

/** A health row with `age_ms` selected next to it (./postgres/health.ts). */
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

export function toTlsPrivateKey(r: Row): TlsPrivateKeyRow {
  return {
    id: str(r.id), name: str(r.name), keyPem: str(r.key_pem), keyType: str(r.key_type) as TlsPrivateKeyRow['keyType'],
    keyLength: Number(r.key_length), publicKeySha1: str(r.public_key_sha1), createdAt: str(r.created_at),
  };
}

export function toTlsCertificate(r: Row): TlsCertificateRow {
  return {
    id: str(r.id), name: str(r.name), certPem: str(r.cert_pem), publicKeySha1: str(r.public_key_sha1), issuedTo: str(r.issued_to),
    issuer: str(r.issuer), serialNumber: str(r.serial_number), signatureAlgorithm: str(r.signature_algorithm),
    notBefore: str(r.not_before), notAfter: str(r.not_after), domains: JSON.parse(str(r.domains)) as string[],
    createdAt: str(r.created_at), updatedAt: str(r.updated_at),
  };
}

export function toTlsActivation(r: Row): TlsActivationRow {
  return {
    id: str(r.id), domain: str(r.domain), certificateId: str(r.certificate_id), configurationId: str(r.configuration_id),
    createdAt: str(r.created_at), updatedAt: str(r.updated_at),
  };
}

/** A row of the tlsMaterial query (both stores select the same columns). */
export function toTlsActivationMaterial(r: Row): TlsActivationMaterial {
  return { domain: str(r.domain), certificateId: str(r.certificate_id), certPem: str(r.cert_pem), keyPem: str(r.key_pem), notAfter: str(r.not_after) };
}

export function toDictionaryItem(r: Row): DictionaryItemRow {
  return {
    serviceId: str(r.service_id), dictionaryId: str(r.dictionary_id), key: str(r.item_key), value: str(r.item_value),
    createdAt: str(r.created_at), updatedAt: str(r.updated_at),
  };
}

export function toAclEntry(r: Row): AclEntryRow {
  return {
    serviceId: str(r.service_id), aclId: str(r.acl_id), id: str(r.id), ip: str(r.ip),
    subnet: r.subnet === null || r.subnet === undefined ? null : Number(r.subnet), negated: Number(r.negated) === 1,
    comment: strOrNull(r.comment), createdAt: str(r.created_at), updatedAt: str(r.updated_at),
  };
}

export function toDynamicSnippet(r: Row): DynamicSnippetRow {
  return { serviceId: str(r.service_id), snippetId: str(r.snippet_id), content: str(r.content), createdAt: str(r.created_at), updatedAt: str(r.updated_at) };
}
