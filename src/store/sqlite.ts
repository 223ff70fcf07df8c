// Store on node:sqlite (https://nodejs.org/api/sqlite.html). One connection, WAL journal,
// prepared statements cached by SQL text. node:sqlite is synchronous, so "async" here only
// means the interface allows it; transactions are serialised through a promise chain so an
// awaiting transaction function never interleaves with another one on the same connection.
// A SQLite store is one node: its events and purge acknowledgements are delivered in process.
import { EventEmitter } from 'node:events';
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync, type SQLInputValue } from 'node:sqlite';
import { migrationsFor } from './migrations.ts';
import {
  toAclEntry, toDictionaryItem, toDynamicSnippet, toHealthFlip, toHealthOverride, toHealthState, toHealthSummary, toNode, toObject, toService,
  toToken, toVersion, toTlsActivation, toTlsActivationMaterial, toTlsCertificate, toTlsPrivateKey,
} from './rows.ts';
import type { TlsMaterial } from '../model/tls.ts';
import {
  StoreConflictError,
  type AclEntryRow, type DictionaryItemRow, type DynamicSnippetRow, type FleetRetention, type HealthFlipRow, type HealthOverrideRow, type HealthStateRow, type HealthSummaryRow, type LiveNodeRow,
  type StoredHealthState, type StoredHealthSummary,
  type NewObjectRow, type NodeRow, type ObjectKind, type ObjectRow, type PurgeAck, type ServicePatch, type ServiceRow,
  type Store, type StoreEvent, type StoreEvents, type StoredVcl, type StoreTx, type TokenRow, type VclFileRow, type VersionPatch,
  type VersionRow, type TlsActivationRow, type TlsCertificateRow, type TlsPrivateKeyRow,
} from './store.ts';

type Row = Record<string, SQLInputValue>;

// SQLite extended result codes for constraint failures (https://sqlite.org/rescode.html).
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_UNIQUE = 2067;

export function openSqliteStore(path: string): Store {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true });
    // The file holds TLS private keys and token hashes: readable by the server's user alone
    // (docs/api.md, TLS). SQLite gives its -wal and -shm files the database file's mode.
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
  }
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;');
  migrate(db);
  return new SqliteStore(db);
}

/** Applies every SQLite migration (./migrations.ts) not yet recorded, each in its own transaction. */
function migrate(db: DatabaseSync): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set(db.prepare('SELECT version FROM schema_migrations').all().map((r) => Number(r.version)));
  for (const { version, sql } of migrationsFor('sqlite')) {
    if (applied.has(version)) continue;
    db.exec('BEGIN');
    try {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(version, new Date().toISOString());
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  }
}

class SqliteStore implements Store {
  readonly events = new EventEmitter<StoreEvents>();
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.#closed) throw new Error('store is closed');
      const pending: StoreEvent[] = [];
      const acks: PurgeAck[] = [];
      this.#db.exec('BEGIN IMMEDIATE');
      let result: T;
      try {
        result = await fn(new SqliteTx(this, pending, acks));
        this.#db.exec('COMMIT');
      } catch (err) {
        this.#db.exec('ROLLBACK');
        throw err;
      }
      for (const event of pending) this.events.emit('event', event);
      for (const ack of acks) this.events.emit('ack', ack);
      return result;
    };
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.#queue;
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  statement(sql: string): StatementSync {
    let s = this.#statements.get(sql);
    if (s === undefined) {
      s = this.#db.prepare(sql);
      this.#statements.set(sql, s);
    }
    return s;
  }
}

class SqliteTx implements StoreTx {
  readonly #store: SqliteStore;
  readonly #pending: StoreEvent[];
  readonly #acks: PurgeAck[];

  constructor(store: SqliteStore, pending: StoreEvent[], acks: PurgeAck[]) {
    this.#store = store;
    this.#pending = pending;
    this.#acks = acks;
  }

  #all(sql: string, ...params: SQLInputValue[]): Row[] {
    return this.#store.statement(sql).all(...params) as Row[];
  }

  #get(sql: string, ...params: SQLInputValue[]): Row | undefined {
    return this.#store.statement(sql).get(...params) as Row | undefined;
  }

  #run(sql: string, what: string, ...params: SQLInputValue[]): void {
    try {
      this.#store.statement(sql).run(...params);
    } catch (err) {
      const code = (err as { errcode?: number }).errcode;
      if (code === SQLITE_CONSTRAINT_PRIMARYKEY || code === SQLITE_CONSTRAINT_UNIQUE) throw new StoreConflictError(what, { cause: err });
      throw err;
    }
  }

  async insertService(r: ServiceRow): Promise<void> {
    this.#run('INSERT INTO services (id, name, comment, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', `service ${r.id}`,
      r.id, r.name, r.comment, r.createdAt, r.updatedAt);
  }

  async getService(id: string): Promise<ServiceRow | null> {
    const row = this.#get('SELECT * FROM services WHERE id = ?', id);
    return row === undefined ? null : toService(row);
  }

  async listServices(): Promise<ServiceRow[]> {
    return this.#all('SELECT * FROM services ORDER BY created_at, id').map(toService);
  }

  async updateService(id: string, p: ServicePatch): Promise<void> {
    const cur = await this.getService(id);
    if (cur === null) return;
    this.#run('UPDATE services SET name = ?, comment = ?, updated_at = ? WHERE id = ?', `service ${id}`,
      p.name ?? cur.name, p.comment === undefined ? cur.comment : p.comment, p.updatedAt ?? cur.updatedAt, id);
  }

  async deleteService(id: string): Promise<void> {
    this.#run('DELETE FROM health_overrides WHERE service_id = ?', 'health_overrides', id);
    this.#run('DELETE FROM dictionary_items WHERE service_id = ?', 'dictionary_items', id);
    this.#run('DELETE FROM acl_entries WHERE service_id = ?', 'acl_entries', id);
    this.#run('DELETE FROM dynamic_snippets WHERE service_id = ?', 'dynamic_snippets', id);
    this.#run('DELETE FROM version_vcl WHERE service_id = ?', 'version_vcl', id);
    this.#run('DELETE FROM objects WHERE service_id = ?', 'objects', id);
    this.#run('DELETE FROM versions WHERE service_id = ?', 'versions', id);
    this.#run('DELETE FROM services WHERE id = ?', 'service', id);
  }

  async insertVersion(r: VersionRow): Promise<void> {
    this.#run('INSERT INTO versions (service_id, number, active, locked, comment, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      `version ${r.number} of service ${r.serviceId}`,
      r.serviceId, r.number, r.active ? 1 : 0, r.locked ? 1 : 0, r.comment, r.createdAt, r.updatedAt);
  }

  async getVersion(serviceId: string, number: number): Promise<VersionRow | null> {
    const row = this.#get('SELECT * FROM versions WHERE service_id = ? AND number = ?', serviceId, number);
    return row === undefined ? null : toVersion(row);
  }

  async listVersions(serviceId: string): Promise<VersionRow[]> {
    return this.#all('SELECT * FROM versions WHERE service_id = ? ORDER BY number', serviceId).map(toVersion);
  }

  async updateVersion(serviceId: string, number: number, p: VersionPatch): Promise<void> {
    const cur = await this.getVersion(serviceId, number);
    if (cur === null) return;
    this.#run('UPDATE versions SET active = ?, locked = ?, comment = ?, updated_at = ? WHERE service_id = ? AND number = ?', 'version',
      (p.active ?? cur.active) ? 1 : 0, (p.locked ?? cur.locked) ? 1 : 0, p.comment === undefined ? cur.comment : p.comment,
      p.updatedAt ?? cur.updatedAt, serviceId, number);
  }

  async listObjects(serviceId: string, version: number, kind: ObjectKind): Promise<ObjectRow[]> {
    // ORDER BY on TEXT compares bytes under SQLite's default BINARY collation, as PostgreSQL's "C" collation does.
    return this.#all('SELECT * FROM objects WHERE service_id = ? AND version = ? AND kind = ? ORDER BY name', serviceId, version, kind).map(toObject);
  }

  async getObject(serviceId: string, version: number, kind: ObjectKind, name: string): Promise<ObjectRow | null> {
    const row = this.#get('SELECT * FROM objects WHERE service_id = ? AND version = ? AND kind = ? AND name = ?', serviceId, version, kind, name);
    return row === undefined ? null : toObject(row);
  }

  async insertObject(r: NewObjectRow): Promise<void> {
    this.#run(`INSERT INTO objects (service_id, version, kind, name, data, created_at, updated_at, seq)
      VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM objects WHERE service_id = ?))`,
    `${r.kind} ${r.name}`, r.serviceId, r.version, r.kind, r.name, JSON.stringify(r.data), r.createdAt, r.updatedAt, r.serviceId);
  }

  async replaceObject(name: string, r: NewObjectRow): Promise<void> {
    this.#run('UPDATE objects SET name = ?, data = ?, created_at = ?, updated_at = ? WHERE service_id = ? AND version = ? AND kind = ? AND name = ?',
      `${r.kind} ${r.name}`, r.name, JSON.stringify(r.data), r.createdAt, r.updatedAt, r.serviceId, r.version, r.kind, name);
  }

  async deleteObject(serviceId: string, version: number, kind: ObjectKind, name: string): Promise<void> {
    this.#run('DELETE FROM objects WHERE service_id = ? AND version = ? AND kind = ? AND name = ?', 'object', serviceId, version, kind, name);
  }

  async copyObjects(serviceId: string, from: number, to: number, at: string): Promise<void> {
    this.#run(`INSERT INTO objects (service_id, version, kind, name, data, created_at, updated_at, seq)
      SELECT service_id, ?, kind, name, data, ?, ?, seq FROM objects WHERE service_id = ? AND version = ?`, 'objects',
    to, at, at, serviceId, from);
  }

  async getVersionVcl(serviceId: string, version: number): Promise<StoredVcl | null> {
    const row = this.#get('SELECT files, stored_at FROM version_vcl WHERE service_id = ? AND version = ?', serviceId, version);
    return row === undefined ? null : { files: JSON.parse(String(row.files)) as VclFileRow[], storedAt: String(row.stored_at) };
  }

  async insertVersionVcl(serviceId: string, version: number, vcl: StoredVcl): Promise<void> {
    this.#run(`INSERT INTO version_vcl (service_id, version, files, stored_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (service_id, version) DO NOTHING`, 'version_vcl', serviceId, version, JSON.stringify(vcl.files), vcl.storedAt);
  }

  async servicesWithActiveDomain(domain: string): Promise<string[]> {
    return this.#all(`SELECT DISTINCT o.service_id AS id FROM objects o
      JOIN versions v ON v.service_id = o.service_id AND v.number = o.version
      WHERE o.kind = 'domain' AND o.name = ? AND v.active = 1 ORDER BY o.service_id`, domain).map((r) => String(r.id));
  }

  async listDictionaryItems(serviceId: string, dictionaryId: string): Promise<DictionaryItemRow[]> {
    return this.#all('SELECT * FROM dictionary_items WHERE service_id = ? AND dictionary_id = ? ORDER BY item_key', serviceId, dictionaryId)
      .map(toDictionaryItem);
  }

  async getDictionaryItem(serviceId: string, dictionaryId: string, key: string): Promise<DictionaryItemRow | null> {
    const row = this.#get('SELECT * FROM dictionary_items WHERE service_id = ? AND dictionary_id = ? AND item_key = ?', serviceId, dictionaryId, key);
    return row === undefined ? null : toDictionaryItem(row);
  }

  async putDictionaryItem(r: DictionaryItemRow): Promise<void> {
    this.#run(`INSERT INTO dictionary_items (service_id, dictionary_id, item_key, item_value, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (service_id, dictionary_id, item_key) DO UPDATE SET item_value = excluded.item_value, created_at = excluded.created_at,
      updated_at = excluded.updated_at`, 'dictionary item', r.serviceId, r.dictionaryId, r.key, r.value, r.createdAt, r.updatedAt);
  }

  async deleteDictionaryItem(serviceId: string, dictionaryId: string, key: string): Promise<void> {
    this.#run('DELETE FROM dictionary_items WHERE service_id = ? AND dictionary_id = ? AND item_key = ?', 'dictionary item', serviceId, dictionaryId, key);
  }

  async listAclEntries(serviceId: string, aclId: string): Promise<AclEntryRow[]> {
    return this.#all('SELECT * FROM acl_entries WHERE service_id = ? AND acl_id = ? ORDER BY id', serviceId, aclId).map(toAclEntry);
  }

  async getAclEntry(serviceId: string, aclId: string, id: string): Promise<AclEntryRow | null> {
    const row = this.#get('SELECT * FROM acl_entries WHERE service_id = ? AND acl_id = ? AND id = ?', serviceId, aclId, id);
    return row === undefined ? null : toAclEntry(row);
  }

  async putAclEntry(r: AclEntryRow): Promise<void> {
    this.#run(`INSERT INTO acl_entries (service_id, acl_id, id, ip, subnet, negated, comment, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (service_id, acl_id, id) DO UPDATE SET ip = excluded.ip, subnet = excluded.subnet, negated = excluded.negated,
      comment = excluded.comment, created_at = excluded.created_at, updated_at = excluded.updated_at`, 'acl entry',
    r.serviceId, r.aclId, r.id, r.ip, r.subnet, r.negated ? 1 : 0, r.comment, r.createdAt, r.updatedAt);
  }

  async deleteAclEntry(serviceId: string, aclId: string, id: string): Promise<void> {
    this.#run('DELETE FROM acl_entries WHERE service_id = ? AND acl_id = ? AND id = ?', 'acl entry', serviceId, aclId, id);
  }

  async getDynamicSnippet(serviceId: string, snippetId: string): Promise<DynamicSnippetRow | null> {
    const row = this.#get('SELECT * FROM dynamic_snippets WHERE service_id = ? AND snippet_id = ?', serviceId, snippetId);
    return row === undefined ? null : toDynamicSnippet(row);
  }

  async putDynamicSnippet(r: DynamicSnippetRow): Promise<void> {
    this.#run(`INSERT INTO dynamic_snippets (service_id, snippet_id, content, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (service_id, snippet_id) DO UPDATE SET content = excluded.content, created_at = excluded.created_at, updated_at = excluded.updated_at`,
    'dynamic snippet', r.serviceId, r.snippetId, r.content, r.createdAt, r.updatedAt);
  }

  async insertToken(r: TokenRow): Promise<void> {
    this.#run('INSERT INTO tokens (id, hash, name, service_id, read_only, created_at) VALUES (?, ?, ?, ?, ?, ?)', `token ${r.id}`,
      r.id, r.hash, r.name, r.serviceId, r.readOnly ? 1 : 0, r.createdAt);
  }

  async getTokenByHash(hash: string): Promise<TokenRow | null> {
    const row = this.#get('SELECT * FROM tokens WHERE hash = ?', hash);
    return row === undefined ? null : toToken(row);
  }

  async listTokens(): Promise<TokenRow[]> {
    return this.#all('SELECT * FROM tokens ORDER BY created_at, id').map(toToken);
  }

  async deleteToken(id: string): Promise<void> {
    this.#run('DELETE FROM tokens WHERE id = ?', 'token', id);
  }

  // Health rows: the store's clock is this process's (see heartbeatNode below).
  async upsertHealthStates(rows: readonly HealthStateRow[]): Promise<void> {
    const now = Date.now();
    for (const r of rows) {
      this.#run(`INSERT INTO health_states (pop, key, node_id, healthy, good, probe_window, threshold, interval_ms, registers,
        avg_rtt_ms, rate, last_response, last_change, written_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (pop, key) DO UPDATE SET node_id = excluded.node_id, healthy = excluded.healthy, good = excluded.good,
        probe_window = excluded.probe_window, threshold = excluded.threshold, interval_ms = excluded.interval_ms,
        registers = excluded.registers, avg_rtt_ms = excluded.avg_rtt_ms, rate = excluded.rate,
        last_response = excluded.last_response, last_change = excluded.last_change, written_ms = excluded.written_ms`,
      'health_states', r.pop, r.key, r.nodeId, r.healthy ? 1 : 0, r.good, r.window, r.threshold, r.intervalMs, r.registers,
      r.avgRttMs, r.rate, r.lastResponse, r.lastChange, now);
    }
  }

  async listHealthStates(f: { pop?: string; keys?: readonly string[]; withinMs?: number; notBy?: string }): Promise<StoredHealthState[]> {
    const now = Date.now();
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    if (f.pop !== undefined) {
      where.push('pop = ?');
      params.push(f.pop);
    }
    if (f.withinMs !== undefined) {
      where.push('written_ms >= ?');
      params.push(now - f.withinMs);
    }
    if (f.notBy !== undefined) {
      where.push('node_id <> ?');
      params.push(f.notBy);
    }
    if (f.keys !== undefined) {
      if (f.keys.length === 0) return [];
      // json_each takes the keys as one parameter, however many there are.
      where.push('key IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(f.keys));
    }
    const sql = `SELECT * FROM health_states${where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`} ORDER BY pop, key`;
    return this.#all(sql, ...params).map((r) => ({ ...toHealthState(r), ageMs: Math.max(0, now - Number(r.written_ms)) }));
  }

  async upsertHealthSummary(r: HealthSummaryRow): Promise<void> {
    this.#run(`INSERT INTO health_summaries (pop, node_id, probing, sick, written_ms) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (pop, node_id) DO UPDATE SET probing = excluded.probing, sick = excluded.sick, written_ms = excluded.written_ms`,
    'health_summaries', r.pop, r.nodeId, r.probing, r.sick, Date.now());
  }

  async listHealthSummaries(): Promise<StoredHealthSummary[]> {
    const now = Date.now();
    return this.#all('SELECT * FROM health_summaries ORDER BY pop, node_id')
      .map((r) => ({ ...toHealthSummary(r), ageMs: Math.max(0, now - Number(r.written_ms)) }));
  }

  async insertHealthFlip(r: HealthFlipRow): Promise<void> {
    this.#run('INSERT INTO health_flips (pop, key, node_id, healthy, at, written_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING', 'health_flips',
      r.pop, r.key, r.nodeId, r.healthy ? 1 : 0, r.at, Date.now());
  }

  async listHealthFlips(f: { pop?: string; withinMs?: number }): Promise<HealthFlipRow[]> {
    const since = f.withinMs === undefined ? null : Date.now() - f.withinMs;
    return this.#all(`SELECT * FROM health_flips WHERE (? IS NULL OR pop = ?) AND (? IS NULL OR written_ms >= ?)
      ORDER BY written_ms, at, pop, key, node_id`, f.pop ?? null, f.pop ?? null, since, since).map(toHealthFlip);
  }

  async pruneHealth(olderThanMs: number): Promise<void> {
    const before = Date.now() - olderThanMs;
    this.#run('DELETE FROM health_summaries WHERE written_ms < ?', 'health_summaries', before);
    this.#run('DELETE FROM health_flips WHERE written_ms < ?', 'health_flips', before);
    this.#run('DELETE FROM health_states WHERE written_ms < ?', 'health_states', before);
    this.#run('DELETE FROM health_overrides WHERE admin = \'auto\' AND written_ms < ?', 'health_overrides', before);
  }

  async setHealthOverride(r: HealthOverrideRow): Promise<void> {
    this.#run(`INSERT INTO health_overrides (service_id, backend, admin, at, written_ms) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (service_id, backend) DO UPDATE SET admin = excluded.admin, at = excluded.at, written_ms = excluded.written_ms`,
    'health_overrides', r.serviceId, r.backend, r.admin, r.at, Date.now());
  }

  async listHealthOverrides(f: { serviceId?: string; withinMs?: number }): Promise<HealthOverrideRow[]> {
    const since = f.withinMs === undefined ? null : Date.now() - f.withinMs;
    return this.#all(`SELECT * FROM health_overrides WHERE (? IS NULL OR service_id = ?) AND (? IS NULL OR written_ms >= ?)
      ORDER BY service_id, backend`, f.serviceId ?? null, f.serviceId ?? null, since, since).map(toHealthOverride);
  }

  // The fleet of a SQLite store is this one process; its clock is the store's clock.
  async heartbeatNode(r: NodeRow): Promise<void> {
    const members = r.members === undefined ? null : JSON.stringify(r.members);
    this.#run(`INSERT INTO nodes (id, role, pop, url, started_at, last_seen, cluster_members) VALUES (?, ?, ?, ?, ?, ?, COALESCE(?, '[]'))
      ON CONFLICT (id) DO UPDATE SET role = excluded.role, pop = excluded.pop, url = excluded.url, last_seen = excluded.last_seen,
      cluster_members = COALESCE(?, nodes.cluster_members)`,
    `node ${r.id}`, r.id, r.role, r.pop, r.url, r.startedAt, Date.now(), members, members);
  }

  async listLiveNodes(withinMs: number): Promise<LiveNodeRow[]> {
    const now = Date.now();
    return this.#all('SELECT * FROM nodes WHERE last_seen >= ? ORDER BY pop, id', now - withinMs)
      .map((r) => ({ ...toNode(r), ageMs: Math.max(0, now - Number(r.last_seen)) }));
  }

  async deleteNode(id: string): Promise<void> {
    this.#run('DELETE FROM nodes WHERE id = ?', 'node', id);
  }

  async ackPurge(ack: PurgeAck): Promise<void> {
    this.#run('INSERT INTO purge_acks (purge_id, node_id, acked_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', 'purge ack',
      ack.purgeId, ack.nodeId, Date.now());
    this.#acks.push(ack);
  }

  async listPurgeAcks(purgeId: string): Promise<string[]> {
    return this.#all('SELECT node_id FROM purge_acks WHERE purge_id = ? ORDER BY node_id', purgeId).map((r) => String(r.node_id));
  }

  async pruneFleet(keep: FleetRetention): Promise<void> {
    const now = Date.now();
    this.#run('DELETE FROM nodes WHERE last_seen < ?', 'nodes', now - keep.nodesMs);
    this.#run('DELETE FROM purge_acks WHERE acked_at < ?', 'purge acks', now - keep.acksMs);
  }

  async fleetSecret(candidate: string): Promise<string> {
    this.#run('INSERT INTO fleet_secret (id, secret) VALUES (1, ?) ON CONFLICT (id) DO NOTHING', 'fleet secret', candidate);
    return String(this.#get('SELECT secret FROM fleet_secret WHERE id = 1')?.secret);
  }

  #bumpTls(): void {
    this.#run('UPDATE tls_generation SET generation = generation + 1 WHERE id = 1', 'tls_generation');
  }

  async insertTlsPrivateKey(r: TlsPrivateKeyRow): Promise<void> {
    this.#run(`INSERT INTO tls_private_keys (id, name, key_pem, key_type, key_length, public_key_sha1, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`, `private key ${r.id}`, r.id, r.name, r.keyPem, r.keyType, r.keyLength, r.publicKeySha1, r.createdAt);
    this.#bumpTls();
  }

  async listTlsPrivateKeys(): Promise<TlsPrivateKeyRow[]> {
    return this.#all('SELECT * FROM tls_private_keys ORDER BY created_at, id').map(toTlsPrivateKey);
  }

  async deleteTlsPrivateKey(id: string): Promise<void> {
    this.#run('DELETE FROM tls_private_keys WHERE id = ?', 'private key', id);
    this.#bumpTls();
  }

  async insertTlsCertificate(r: TlsCertificateRow): Promise<void> {
    this.#run(`INSERT INTO tls_certificates (id, name, cert_pem, public_key_sha1, issued_to, issuer, serial_number, signature_algorithm,
      not_before, not_after, domains, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, `certificate ${r.id}`,
    r.id, r.name, r.certPem, r.publicKeySha1, r.issuedTo, r.issuer, r.serialNumber, r.signatureAlgorithm, r.notBefore, r.notAfter,
    JSON.stringify(r.domains), r.createdAt, r.updatedAt);
    this.#bumpTls();
  }

  async replaceTlsCertificate(r: TlsCertificateRow): Promise<void> {
    this.#run(`UPDATE tls_certificates SET name = ?, cert_pem = ?, public_key_sha1 = ?, issued_to = ?, issuer = ?, serial_number = ?,
      signature_algorithm = ?, not_before = ?, not_after = ?, domains = ?, created_at = ?, updated_at = ? WHERE id = ?`, `certificate ${r.id}`,
    r.name, r.certPem, r.publicKeySha1, r.issuedTo, r.issuer, r.serialNumber, r.signatureAlgorithm, r.notBefore, r.notAfter,
    JSON.stringify(r.domains), r.createdAt, r.updatedAt, r.id);
    this.#bumpTls();
  }

  async listTlsCertificates(): Promise<TlsCertificateRow[]> {
    return this.#all('SELECT * FROM tls_certificates ORDER BY created_at, id').map(toTlsCertificate);
  }

  async deleteTlsCertificate(id: string): Promise<void> {
    this.#run('DELETE FROM tls_certificates WHERE id = ?', 'certificate', id);
    this.#bumpTls();
  }

  async insertTlsActivation(r: TlsActivationRow): Promise<void> {
    this.#run(`INSERT INTO tls_activations (id, domain, certificate_id, configuration_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
      `activation of ${r.domain}`, r.id, r.domain, r.certificateId, r.configurationId, r.createdAt, r.updatedAt);
    this.#bumpTls();
  }

  async replaceTlsActivation(r: TlsActivationRow): Promise<void> {
    this.#run('UPDATE tls_activations SET domain = ?, certificate_id = ?, configuration_id = ?, created_at = ?, updated_at = ? WHERE id = ?',
      `activation of ${r.domain}`, r.domain, r.certificateId, r.configurationId, r.createdAt, r.updatedAt, r.id);
    this.#bumpTls();
  }

  async listTlsActivations(): Promise<TlsActivationRow[]> {
    return this.#all('SELECT * FROM tls_activations ORDER BY domain').map(toTlsActivation);
  }

  async deleteTlsActivation(id: string): Promise<void> {
    this.#run('DELETE FROM tls_activations WHERE id = ?', 'activation', id);
    this.#bumpTls();
  }

  async tlsMaterial(): Promise<TlsMaterial> {
    const generation = Number(this.#get('SELECT generation FROM tls_generation WHERE id = 1')?.generation ?? 0);
    const activations = this.#all(`SELECT a.domain, a.certificate_id, c.cert_pem, k.key_pem, c.not_after FROM tls_activations a
      JOIN tls_certificates c ON c.id = a.certificate_id JOIN tls_private_keys k ON k.public_key_sha1 = c.public_key_sha1
      ORDER BY a.domain`).map(toTlsActivationMaterial);
    return { generation, activations };
  }

  publish(event: StoreEvent): void {
    this.#pending.push(event);
  }
}
