// The rows of one PostgreSQL transaction (src/store/store.ts StoreTx). Same schema and meaning as
// the SQLite store's; the differences are PostgreSQL's: $n placeholders, `COLLATE "C"` wherever
// text is ordered (byte order, as SQLite's BINARY collation, whatever the database's locale),
// inserts that report a taken key by inserting nothing (`ON CONFLICT DO NOTHING`) so the
// transaction stays usable, and the database's clock for the fleet's times.
import type { PoolClient } from 'pg';
import {
  StoreConflictError,
  type AclEntryRow, type DictionaryItemRow, type DynamicSnippetRow, type FleetRetention, type HealthFlipRow, type HealthOverrideRow, type HealthStateRow, type HealthSummaryRow, type LiveNodeRow,
  type NewObjectRow, type StoredHealthState, type StoredHealthSummary, type NodeRow, type ObjectKind, type ObjectRow, type PurgeAck,
  type ServicePatch, type ServiceRow, type StoreEvent, type StoredVcl, type StoreTx, type TokenRow, type VclFileRow,
  type VersionPatch, type VersionRow, type TlsActivationRow, type TlsCertificateRow, type TlsPrivateKeyRow,
} from '../store.ts';
import type { TlsMaterial } from '../../model/tls.ts';
import {
  toAclEntry, toDictionaryItem, toDynamicSnippet, toHealthFlip, toHealthOverride, toHealthState, toHealthSummary, toNode, toObject, toService,
  toToken, toVersion, toTlsActivation, toTlsActivationMaterial, toTlsCertificate, toTlsPrivateKey, type Row,
} from '../rows.ts';
import { NOW_MS, run, type SqlValue } from './sql.ts';

/** NOTIFY channels (src/store/postgres/feed.ts listens on both). */
export const EVENTS_CHANNEL = 'lacquer_events';
export const ACKS_CHANNEL = 'lacquer_acks';

export class PostgresTx implements StoreTx {
  readonly #client: PoolClient;
  /** Events to write to the event log when the transaction commits (./store.ts). */
  readonly pending: StoreEvent[] = [];

  constructor(client: PoolClient) {
    this.#client = client;
  }

  async #rows(what: string, text: string, ...values: SqlValue[]): Promise<Row[]> {
    return (await run<Row>(this.#client, what, text, values)).rows;
  }

  async #one(what: string, text: string, ...values: SqlValue[]): Promise<Row | null> {
    return (await this.#rows(what, text, ...values))[0] ?? null;
  }

  /** Runs a write; `unique`: an insert that must add its row, or the key was taken. */
  async #write(what: string, text: string, values: SqlValue[], unique = false): Promise<void> {
    const { rowCount } = await run(this.#client, what, text, values);
    if (unique && rowCount === 0) throw new StoreConflictError(what);
  }

  async insertService(r: ServiceRow): Promise<void> {
    await this.#write(`service ${r.id}`, 'INSERT INTO services (id, name, comment, created_at, updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
      [r.id, r.name, r.comment, r.createdAt, r.updatedAt], true);
  }

  async getService(id: string): Promise<ServiceRow | null> {
    const row = await this.#one('service', 'SELECT * FROM services WHERE id = $1', id);
    return row === null ? null : toService(row);
  }

  async listServices(): Promise<ServiceRow[]> {
    return (await this.#rows('services', 'SELECT * FROM services ORDER BY created_at COLLATE "C", id COLLATE "C"')).map(toService);
  }

  async updateService(id: string, p: ServicePatch): Promise<void> {
    const cur = await this.getService(id);
    if (cur === null) return;
    await this.#write(`service ${id}`, 'UPDATE services SET name = $1, comment = $2, updated_at = $3 WHERE id = $4',
      [p.name ?? cur.name, p.comment === undefined ? cur.comment : p.comment, p.updatedAt ?? cur.updatedAt, id]);
  }

  async deleteService(id: string): Promise<void> {
    await this.#write('health_overrides', 'DELETE FROM health_overrides WHERE service_id = $1', [id]);
    await this.#write('dictionary_items', 'DELETE FROM dictionary_items WHERE service_id = $1', [id]);
    await this.#write('acl_entries', 'DELETE FROM acl_entries WHERE service_id = $1', [id]);
    await this.#write('dynamic_snippets', 'DELETE FROM dynamic_snippets WHERE service_id = $1', [id]);
    await this.#write('version_vcl', 'DELETE FROM version_vcl WHERE service_id = $1', [id]);
    await this.#write('objects', 'DELETE FROM objects WHERE service_id = $1', [id]);
    await this.#write('versions', 'DELETE FROM versions WHERE service_id = $1', [id]);
    await this.#write('service', 'DELETE FROM services WHERE id = $1', [id]);
  }

  async insertVersion(r: VersionRow): Promise<void> {
    await this.#write(`version ${r.number} of service ${r.serviceId}`,
      `INSERT INTO versions (service_id, number, active, locked, comment, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT DO NOTHING`,
      [r.serviceId, r.number, r.active ? 1 : 0, r.locked ? 1 : 0, r.comment, r.createdAt, r.updatedAt], true);
  }

  async getVersion(serviceId: string, number: number): Promise<VersionRow | null> {
    const row = await this.#one('version', 'SELECT * FROM versions WHERE service_id = $1 AND number = $2', serviceId, number);
    return row === null ? null : toVersion(row);
  }

  async listVersions(serviceId: string): Promise<VersionRow[]> {
    return (await this.#rows('versions', 'SELECT * FROM versions WHERE service_id = $1 ORDER BY number', serviceId)).map(toVersion);
  }

  async updateVersion(serviceId: string, number: number, p: VersionPatch): Promise<void> {
    const cur = await this.getVersion(serviceId, number);
    if (cur === null) return;
    await this.#write('version', 'UPDATE versions SET active = $1, locked = $2, comment = $3, updated_at = $4 WHERE service_id = $5 AND number = $6',
      [(p.active ?? cur.active) ? 1 : 0, (p.locked ?? cur.locked) ? 1 : 0, p.comment === undefined ? cur.comment : p.comment,
        p.updatedAt ?? cur.updatedAt, serviceId, number]);
  }

  async listObjects(serviceId: string, version: number, kind: ObjectKind): Promise<ObjectRow[]> {
    return (await this.#rows('objects', 'SELECT * FROM objects WHERE service_id = $1 AND version = $2 AND kind = $3 ORDER BY name COLLATE "C"',
      serviceId, version, kind)).map(toObject);
  }

  async getObject(serviceId: string, version: number, kind: ObjectKind, name: string): Promise<ObjectRow | null> {
    const row = await this.#one('object', 'SELECT * FROM objects WHERE service_id = $1 AND version = $2 AND kind = $3 AND name = $4',
      serviceId, version, kind, name);
    return row === null ? null : toObject(row);
  }

  async insertObject(r: NewObjectRow): Promise<void> {
    await this.#write(`${r.kind} ${r.name}`, `INSERT INTO objects (service_id, version, kind, name, data, created_at, updated_at, seq)
      VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT COALESCE(MAX(seq), 0) + 1 FROM objects WHERE service_id = $1)) ON CONFLICT DO NOTHING`,
    [r.serviceId, r.version, r.kind, r.name, JSON.stringify(r.data), r.createdAt, r.updatedAt], true);
  }

  async replaceObject(name: string, r: NewObjectRow): Promise<void> {
    await this.#write(`${r.kind} ${r.name}`,
      'UPDATE objects SET name = $1, data = $2, created_at = $3, updated_at = $4 WHERE service_id = $5 AND version = $6 AND kind = $7 AND name = $8',
      [r.name, JSON.stringify(r.data), r.createdAt, r.updatedAt, r.serviceId, r.version, r.kind, name]);
  }

  async deleteObject(serviceId: string, version: number, kind: ObjectKind, name: string): Promise<void> {
    await this.#write('object', 'DELETE FROM objects WHERE service_id = $1 AND version = $2 AND kind = $3 AND name = $4', [serviceId, version, kind, name]);
  }

  async copyObjects(serviceId: string, from: number, to: number, at: string): Promise<void> {
    await this.#write('objects', `INSERT INTO objects (service_id, version, kind, name, data, created_at, updated_at, seq)
      SELECT service_id, $1, kind, name, data, $2, $2, seq FROM objects WHERE service_id = $3 AND version = $4`, [to, at, serviceId, from]);
  }

  async getVersionVcl(serviceId: string, version: number): Promise<StoredVcl | null> {
    const row = await this.#one('version_vcl', 'SELECT files, stored_at FROM version_vcl WHERE service_id = $1 AND version = $2', serviceId, version);
    return row === null ? null : { files: JSON.parse(String(row.files)) as VclFileRow[], storedAt: String(row.stored_at) };
  }

  async insertVersionVcl(serviceId: string, version: number, vcl: StoredVcl): Promise<void> {
    await this.#write('version_vcl', `INSERT INTO version_vcl (service_id, version, files, stored_at) VALUES ($1, $2, $3, $4)
      ON CONFLICT (service_id, version) DO NOTHING`, [serviceId, version, JSON.stringify(vcl.files), vcl.storedAt]);
  }

  async servicesWithActiveDomain(domain: string): Promise<string[]> {
    return (await this.#rows('domains', `SELECT DISTINCT o.service_id COLLATE "C" AS id FROM objects o
      JOIN versions v ON v.service_id = o.service_id AND v.number = o.version
      WHERE o.kind = 'domain' AND o.name = $1 AND v.active = 1 ORDER BY id`, domain)).map((r) => String(r.id));
  }

  async listDictionaryItems(serviceId: string, dictionaryId: string): Promise<DictionaryItemRow[]> {
    return (await this.#rows('dictionary items', 'SELECT * FROM dictionary_items WHERE service_id = $1 AND dictionary_id = $2 ORDER BY item_key COLLATE "C"',
      serviceId, dictionaryId)).map(toDictionaryItem);
  }

  async getDictionaryItem(serviceId: string, dictionaryId: string, key: string): Promise<DictionaryItemRow | null> {
    const row = await this.#one('dictionary item', 'SELECT * FROM dictionary_items WHERE service_id = $1 AND dictionary_id = $2 AND item_key = $3',
      serviceId, dictionaryId, key);
    return row === null ? null : toDictionaryItem(row);
  }

  async putDictionaryItem(r: DictionaryItemRow): Promise<void> {
    await this.#write('dictionary item', `INSERT INTO dictionary_items (service_id, dictionary_id, item_key, item_value, created_at, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (service_id, dictionary_id, item_key) DO UPDATE SET item_value = excluded.item_value,
      created_at = excluded.created_at, updated_at = excluded.updated_at`, [r.serviceId, r.dictionaryId, r.key, r.value, r.createdAt, r.updatedAt]);
  }

  async deleteDictionaryItem(serviceId: string, dictionaryId: string, key: string): Promise<void> {
    await this.#write('dictionary item', 'DELETE FROM dictionary_items WHERE service_id = $1 AND dictionary_id = $2 AND item_key = $3', [serviceId, dictionaryId, key]);
  }

  async listAclEntries(serviceId: string, aclId: string): Promise<AclEntryRow[]> {
    return (await this.#rows('acl entries', 'SELECT * FROM acl_entries WHERE service_id = $1 AND acl_id = $2 ORDER BY id COLLATE "C"', serviceId, aclId))
      .map(toAclEntry);
  }

  async getAclEntry(serviceId: string, aclId: string, id: string): Promise<AclEntryRow | null> {
    const row = await this.#one('acl entry', 'SELECT * FROM acl_entries WHERE service_id = $1 AND acl_id = $2 AND id = $3', serviceId, aclId, id);
    return row === null ? null : toAclEntry(row);
  }

  async putAclEntry(r: AclEntryRow): Promise<void> {
    await this.#write('acl entry', `INSERT INTO acl_entries (service_id, acl_id, id, ip, subnet, negated, comment, created_at, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (service_id, acl_id, id) DO UPDATE SET ip = excluded.ip, subnet = excluded.subnet,
      negated = excluded.negated, comment = excluded.comment, created_at = excluded.created_at, updated_at = excluded.updated_at`,
    [r.serviceId, r.aclId, r.id, r.ip, r.subnet, r.negated ? 1 : 0, r.comment, r.createdAt, r.updatedAt]);
  }

  async deleteAclEntry(serviceId: string, aclId: string, id: string): Promise<void> {
    await this.#write('acl entry', 'DELETE FROM acl_entries WHERE service_id = $1 AND acl_id = $2 AND id = $3', [serviceId, aclId, id]);
  }

  async getDynamicSnippet(serviceId: string, snippetId: string): Promise<DynamicSnippetRow | null> {
    const row = await this.#one('dynamic snippet', 'SELECT * FROM dynamic_snippets WHERE service_id = $1 AND snippet_id = $2', serviceId, snippetId);
    return row === null ? null : toDynamicSnippet(row);
  }

  async putDynamicSnippet(r: DynamicSnippetRow): Promise<void> {
    await this.#write('dynamic snippet', `INSERT INTO dynamic_snippets (service_id, snippet_id, content, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (service_id, snippet_id) DO UPDATE SET content = excluded.content, created_at = excluded.created_at, updated_at = excluded.updated_at`,
    [r.serviceId, r.snippetId, r.content, r.createdAt, r.updatedAt]);
  }

  async insertToken(r: TokenRow): Promise<void> {
    await this.#write(`token ${r.id}`, `INSERT INTO tokens (id, hash, name, service_id, read_only, created_at) VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT DO NOTHING`, [r.id, r.hash, r.name, r.serviceId, r.readOnly ? 1 : 0, r.createdAt], true);
  }

  async getTokenByHash(hash: string): Promise<TokenRow | null> {
    const row = await this.#one('token', 'SELECT * FROM tokens WHERE hash = $1', hash);
    return row === null ? null : toToken(row);
  }

  async listTokens(): Promise<TokenRow[]> {
    return (await this.#rows('tokens', 'SELECT * FROM tokens ORDER BY created_at COLLATE "C", id COLLATE "C"')).map(toToken);
  }

  async deleteToken(id: string): Promise<void> {
    await this.#write('token', 'DELETE FROM tokens WHERE id = $1', [id]);
  }

  // Health rows (DESIGN.md §4.6), written with the database's clock like the nodes below.
  async upsertHealthStates(rows: readonly HealthStateRow[]): Promise<void> {
    // One statement for all of them; a key given twice keeps its last row (ON CONFLICT DO
    // UPDATE may not touch one row twice in one statement).
    const last = [...new Map(rows.map((r) => [`${r.pop}\u0000${r.key}`, r])).values()];
    if (last.length === 0) return;
    const col = <K extends keyof HealthStateRow>(k: K): string[] => last.map((r) => String(r[k]));
    await this.#write('health_states', `INSERT INTO health_states (pop, key, node_id, healthy, good, probe_window, threshold, interval_ms,
      registers, avg_rtt_ms, rate, last_response, last_change, written_ms)
      SELECT pop, key, node_id, healthy::integer, good::integer, probe_window::integer, threshold::integer, interval_ms::integer,
        registers, avg_rtt_ms::double precision, rate::integer, last_response, last_change, ${NOW_MS}
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
        $10::text[], $11::text[], $12::text[], $13::text[])
        AS t(pop, key, node_id, healthy, good, probe_window, threshold, interval_ms, registers, avg_rtt_ms, rate, last_response, last_change)
      ON CONFLICT (pop, key) DO UPDATE SET node_id = excluded.node_id, healthy = excluded.healthy, good = excluded.good,
        probe_window = excluded.probe_window, threshold = excluded.threshold, interval_ms = excluded.interval_ms,
        registers = excluded.registers, avg_rtt_ms = excluded.avg_rtt_ms, rate = excluded.rate,
        last_response = excluded.last_response, last_change = excluded.last_change, written_ms = excluded.written_ms`,
    [col('pop'), col('key'), col('nodeId'), last.map((r) => (r.healthy ? '1' : '0')), col('good'), col('window'), col('threshold'),
      col('intervalMs'), col('registers'), col('avgRttMs'), col('rate'), col('lastResponse'), col('lastChange')]);
  }

  async listHealthStates(f: { pop?: string; keys?: readonly string[]; withinMs?: number; notBy?: string }): Promise<StoredHealthState[]> {
    if (f.keys !== undefined && f.keys.length === 0) return [];
    const rows = await this.#rows('health_states', `SELECT *, GREATEST(0, now_ms - written_ms) AS age_ms
      FROM health_states, (SELECT ${NOW_MS} AS now_ms) AS clock
      WHERE ($1::text IS NULL OR pop = $1) AND ($2::text[] IS NULL OR key = ANY($2::text[]))
        AND ($3::bigint IS NULL OR written_ms >= now_ms - $3::bigint) AND ($4::text IS NULL OR node_id <> $4)
      ORDER BY pop COLLATE "C", key COLLATE "C"`, f.pop ?? null, f.keys ?? null, f.withinMs ?? null, f.notBy ?? null);
    return rows.map(toHealthState);
  }

  async upsertHealthSummary(r: HealthSummaryRow): Promise<void> {
    await this.#write('health_summaries', `INSERT INTO health_summaries (pop, node_id, probing, sick, written_ms) VALUES ($1, $2, $3, $4, ${NOW_MS})
      ON CONFLICT (pop, node_id) DO UPDATE SET probing = excluded.probing, sick = excluded.sick, written_ms = excluded.written_ms`,
    [r.pop, r.nodeId, r.probing, r.sick]);
  }

  async listHealthSummaries(): Promise<StoredHealthSummary[]> {
    return (await this.#rows('health_summaries', `SELECT *, GREATEST(0, now_ms - written_ms) AS age_ms
      FROM health_summaries, (SELECT ${NOW_MS} AS now_ms) AS clock ORDER BY pop COLLATE "C", node_id COLLATE "C"`)).map(toHealthSummary);
  }

  async insertHealthFlip(r: HealthFlipRow): Promise<void> {
    await this.#write('health_flips', `INSERT INTO health_flips (pop, key, node_id, healthy, at, written_ms) VALUES ($1, $2, $3, $4, $5, ${NOW_MS})
      ON CONFLICT DO NOTHING`, [r.pop, r.key, r.nodeId, r.healthy ? 1 : 0, r.at]);
  }

  async listHealthFlips(f: { pop?: string; withinMs?: number }): Promise<HealthFlipRow[]> {
    return (await this.#rows('health_flips', `SELECT * FROM health_flips
      WHERE ($1::text IS NULL OR pop = $1) AND ($2::bigint IS NULL OR written_ms >= ${NOW_MS} - $2::bigint)
      ORDER BY written_ms, at COLLATE "C", pop COLLATE "C", key COLLATE "C", node_id COLLATE "C"`, f.pop ?? null, f.withinMs ?? null)).map(toHealthFlip);
  }

  async pruneHealth(olderThanMs: number): Promise<void> {
    await this.#write('health_summaries', `DELETE FROM health_summaries WHERE written_ms < ${NOW_MS} - $1`, [olderThanMs]);
    await this.#write('health_flips', `DELETE FROM health_flips WHERE written_ms < ${NOW_MS} - $1`, [olderThanMs]);
    await this.#write('health_states', `DELETE FROM health_states WHERE written_ms < ${NOW_MS} - $1`, [olderThanMs]);
    await this.#write('health_overrides', `DELETE FROM health_overrides WHERE admin = 'auto' AND written_ms < ${NOW_MS} - $1`, [olderThanMs]);
  }

  async setHealthOverride(r: HealthOverrideRow): Promise<void> {
    await this.#write('health_overrides', `INSERT INTO health_overrides (service_id, backend, admin, at, written_ms) VALUES ($1, $2, $3, $4, ${NOW_MS})
      ON CONFLICT (service_id, backend) DO UPDATE SET admin = excluded.admin, at = excluded.at, written_ms = excluded.written_ms`,
    [r.serviceId, r.backend, r.admin, r.at]);
  }

  async listHealthOverrides(f: { serviceId?: string; withinMs?: number }): Promise<HealthOverrideRow[]> {
    return (await this.#rows('health_overrides', `SELECT * FROM health_overrides
      WHERE ($1::text IS NULL OR service_id = $1) AND ($2::bigint IS NULL OR written_ms >= ${NOW_MS} - $2::bigint)
      ORDER BY service_id COLLATE "C", backend COLLATE "C"`, f.serviceId ?? null, f.withinMs ?? null)).map(toHealthOverride);
  }

  // NOW_MS is a constant expression (./sql.ts), part of the statement's fixed text.
  async heartbeatNode(r: NodeRow): Promise<void> {
    await this.#write(`node ${r.id}`, `INSERT INTO nodes (id, role, pop, url, started_at, last_seen, cluster_members) VALUES ($1, $2, $3, $4, $5, ${NOW_MS}, COALESCE($6::text, '[]'))
      ON CONFLICT (id) DO UPDATE SET role = excluded.role, pop = excluded.pop, url = excluded.url, last_seen = excluded.last_seen,
      cluster_members = COALESCE($6::text, nodes.cluster_members)`,
    [r.id, r.role, r.pop, r.url, r.startedAt, r.members === undefined ? null : JSON.stringify(r.members)]);
  }

  async listLiveNodes(withinMs: number): Promise<LiveNodeRow[]> {
    const rows = await this.#rows('nodes', `SELECT *, GREATEST(0, now_ms - last_seen) AS age_ms FROM nodes, (SELECT ${NOW_MS} AS now_ms) AS clock
      WHERE last_seen >= now_ms - $1 ORDER BY pop COLLATE "C", id COLLATE "C"`, withinMs);
    return rows.map((r) => ({ ...toNode(r), ageMs: Number(r.age_ms) }));
  }

  async deleteNode(id: string): Promise<void> {
    await this.#write('node', 'DELETE FROM nodes WHERE id = $1', [id]);
  }

  async ackPurge(ack: PurgeAck): Promise<void> {
    await this.#write('purge ack', `INSERT INTO purge_acks (purge_id, node_id, acked_at) VALUES ($1, $2, ${NOW_MS}) ON CONFLICT DO NOTHING`,
      [ack.purgeId, ack.nodeId]);
    // Delivered to every listening node when this transaction commits, and not at all if it rolls back.
    await this.#write('purge ack', 'SELECT pg_notify($1, $2)', [ACKS_CHANNEL, JSON.stringify(ack)]);
  }

  async listPurgeAcks(purgeId: string): Promise<string[]> {
    return (await this.#rows('purge acks', 'SELECT node_id FROM purge_acks WHERE purge_id = $1 ORDER BY node_id COLLATE "C"', purgeId))
      .map((r) => String(r.node_id));
  }

  async pruneFleet(keep: FleetRetention): Promise<void> {
    await this.#write('nodes', `DELETE FROM nodes WHERE last_seen < ${NOW_MS} - $1`, [keep.nodesMs]);
    await this.#write('purge acks', `DELETE FROM purge_acks WHERE acked_at < ${NOW_MS} - $1`, [keep.acksMs]);
    await this.#write('events', `WITH gone AS (DELETE FROM events WHERE created_at < ${NOW_MS} - $1 RETURNING id)
      UPDATE event_log SET pruned_through = GREATEST(pruned_through, (SELECT COALESCE(MAX(id), 0) FROM gone))`, [keep.eventsMs]);
  }

  async fleetSecret(candidate: string): Promise<string> {
    await this.#write('fleet secret', 'INSERT INTO fleet_secret (id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [candidate]);
    return String((await this.#one('fleet secret', 'SELECT secret FROM fleet_secret WHERE id = 1'))?.secret);
  }

  async #bumpTls(): Promise<void> {
    await this.#write('tls_generation', 'UPDATE tls_generation SET generation = generation + 1 WHERE id = 1', []);
  }

  async insertTlsPrivateKey(r: TlsPrivateKeyRow): Promise<void> {
    await this.#write(`private key ${r.id}`, `INSERT INTO tls_private_keys (id, name, key_pem, key_type, key_length, public_key_sha1, created_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`, [r.id, r.name, r.keyPem, r.keyType, r.keyLength, r.publicKeySha1, r.createdAt], true);
    await this.#bumpTls();
  }

  async listTlsPrivateKeys(): Promise<TlsPrivateKeyRow[]> {
    return (await this.#rows('private keys', 'SELECT * FROM tls_private_keys ORDER BY created_at COLLATE "C", id COLLATE "C"')).map(toTlsPrivateKey);
  }

  async deleteTlsPrivateKey(id: string): Promise<void> {
    await this.#write('private key', 'DELETE FROM tls_private_keys WHERE id = $1', [id]);
    await this.#bumpTls();
  }

  async insertTlsCertificate(r: TlsCertificateRow): Promise<void> {
    await this.#write(`certificate ${r.id}`, `INSERT INTO tls_certificates (id, name, cert_pem, public_key_sha1, issued_to, issuer, serial_number,
      signature_algorithm, not_before, not_after, domains, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
      ON CONFLICT DO NOTHING`, [r.id, r.name, r.certPem, r.publicKeySha1, r.issuedTo, r.issuer, r.serialNumber, r.signatureAlgorithm, r.notBefore,
      r.notAfter, JSON.stringify(r.domains), r.createdAt, r.updatedAt], true);
    await this.#bumpTls();
  }

  async replaceTlsCertificate(r: TlsCertificateRow): Promise<void> {
    await this.#write(`certificate ${r.id}`, `UPDATE tls_certificates SET name = $1, cert_pem = $2, public_key_sha1 = $3, issued_to = $4, issuer = $5,
      serial_number = $6, signature_algorithm = $7, not_before = $8, not_after = $9, domains = $10, created_at = $11, updated_at = $12 WHERE id = $13`,
    [r.name, r.certPem, r.publicKeySha1, r.issuedTo, r.issuer, r.serialNumber, r.signatureAlgorithm, r.notBefore, r.notAfter,
      JSON.stringify(r.domains), r.createdAt, r.updatedAt, r.id]);
    await this.#bumpTls();
  }

  async listTlsCertificates(): Promise<TlsCertificateRow[]> {
    return (await this.#rows('certificates', 'SELECT * FROM tls_certificates ORDER BY created_at COLLATE "C", id COLLATE "C"')).map(toTlsCertificate);
  }

  async deleteTlsCertificate(id: string): Promise<void> {
    await this.#write('certificate', 'DELETE FROM tls_certificates WHERE id = $1', [id]);
    await this.#bumpTls();
  }

  async insertTlsActivation(r: TlsActivationRow): Promise<void> {
    await this.#write(`activation of ${r.domain}`, `INSERT INTO tls_activations (id, domain, certificate_id, configuration_id, created_at, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, [r.id, r.domain, r.certificateId, r.configurationId, r.createdAt, r.updatedAt], true);
    await this.#bumpTls();
  }

  async replaceTlsActivation(r: TlsActivationRow): Promise<void> {
    await this.#write(`activation of ${r.domain}`, `UPDATE tls_activations SET domain = $1, certificate_id = $2, configuration_id = $3, created_at = $4,
      updated_at = $5 WHERE id = $6`, [r.domain, r.certificateId, r.configurationId, r.createdAt, r.updatedAt, r.id]);
    await this.#bumpTls();
  }

  async listTlsActivations(): Promise<TlsActivationRow[]> {
    return (await this.#rows('activations', 'SELECT * FROM tls_activations ORDER BY domain COLLATE "C"')).map(toTlsActivation);
  }

  async deleteTlsActivation(id: string): Promise<void> {
    await this.#write('activation', 'DELETE FROM tls_activations WHERE id = $1', [id]);
    await this.#bumpTls();
  }

  async tlsMaterial(): Promise<TlsMaterial> {
    const row = await this.#one('tls_generation', 'SELECT generation FROM tls_generation WHERE id = 1');
    const activations = (await this.#rows('tls material', `SELECT a.domain, a.certificate_id, c.cert_pem, k.key_pem, c.not_after FROM tls_activations a
      JOIN tls_certificates c ON c.id = a.certificate_id JOIN tls_private_keys k ON k.public_key_sha1 = c.public_key_sha1
      ORDER BY a.domain COLLATE "C"`)).map(toTlsActivationMaterial);
    return { generation: Number(row?.generation ?? 0), activations };
  }

  publish(event: StoreEvent): void {
    this.pending.push(event);
  }
}
