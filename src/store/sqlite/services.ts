// A service's configuration on SQLite (src/store/services.ts): services, versions, objects and stored VCL.
import { toObject, toService, toVersion } from '../rows.ts';
import type {
  NewObjectRow, ObjectKind, ObjectRow, ServicePatch, ServiceRow, ServiceRows, StoredVcl, VclFileRow, VersionPatch, VersionRow,
} from '../services.ts';
import type { SqliteStatements } from './statements.ts';

export function serviceRows(db: SqliteStatements): ServiceRows {
  const rows: ServiceRows = {
    async insertService(r: ServiceRow): Promise<void> {
      db.run('INSERT INTO services (id, name, comment, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', `service ${r.id}`,
        r.id, r.name, r.comment, r.createdAt, r.updatedAt);
    },

    async getService(id: string): Promise<ServiceRow | null> {
      const row = db.get('SELECT * FROM services WHERE id = ?', id);
      return row === undefined ? null : toService(row);
    },

    async listServices(): Promise<ServiceRow[]> {
      return db.all('SELECT * FROM services ORDER BY created_at, id').map(toService);
    },

    async updateService(id: string, p: ServicePatch): Promise<void> {
      const cur = await rows.getService(id);
      if (cur === null) return;
      db.run('UPDATE services SET name = ?, comment = ?, updated_at = ? WHERE id = ?', `service ${id}`,
        p.name ?? cur.name, p.comment === undefined ? cur.comment : p.comment, p.updatedAt ?? cur.updatedAt, id);
    },

    async deleteService(id: string): Promise<void> {
      db.run('DELETE FROM health_overrides WHERE service_id = ?', 'health_overrides', id);
      db.run('DELETE FROM dictionary_items WHERE service_id = ?', 'dictionary_items', id);
      db.run('DELETE FROM acl_entries WHERE service_id = ?', 'acl_entries', id);
      db.run('DELETE FROM dynamic_snippets WHERE service_id = ?', 'dynamic_snippets', id);
      db.run('DELETE FROM version_vcl WHERE service_id = ?', 'version_vcl', id);
      db.run('DELETE FROM objects WHERE service_id = ?', 'objects', id);
      db.run('DELETE FROM versions WHERE service_id = ?', 'versions', id);
      db.run('DELETE FROM services WHERE id = ?', 'service', id);
    },

    async insertVersion(r: VersionRow): Promise<void> {
      db.run('INSERT INTO versions (service_id, number, active, locked, comment, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        `version ${r.number} of service ${r.serviceId}`,
        r.serviceId, r.number, r.active ? 1 : 0, r.locked ? 1 : 0, r.comment, r.createdAt, r.updatedAt);
    },

    async getVersion(serviceId: string, number: number): Promise<VersionRow | null> {
      const row = db.get('SELECT * FROM versions WHERE service_id = ? AND number = ?', serviceId, number);
      return row === undefined ? null : toVersion(row);
    },

    async listVersions(serviceId: string): Promise<VersionRow[]> {
      return db.all('SELECT * FROM versions WHERE service_id = ? ORDER BY number', serviceId).map(toVersion);
    },

    async updateVersion(serviceId: string, number: number, p: VersionPatch): Promise<void> {
      const cur = await rows.getVersion(serviceId, number);
      if (cur === null) return;
      db.run('UPDATE versions SET active = ?, locked = ?, comment = ?, updated_at = ? WHERE service_id = ? AND number = ?', 'version',
        (p.active ?? cur.active) ? 1 : 0, (p.locked ?? cur.locked) ? 1 : 0, p.comment === undefined ? cur.comment : p.comment,
        p.updatedAt ?? cur.updatedAt, serviceId, number);
    },

    async listObjects(serviceId: string, version: number, kind: ObjectKind): Promise<ObjectRow[]> {
      // ORDER BY on TEXT compares bytes under SQLite's default BINARY collation, as PostgreSQL's "C" collation does.
      return db.all('SELECT * FROM objects WHERE service_id = ? AND version = ? AND kind = ? ORDER BY name', serviceId, version, kind).map(toObject);
    },

    async getObject(serviceId: string, version: number, kind: ObjectKind, name: string): Promise<ObjectRow | null> {
      const row = db.get('SELECT * FROM objects WHERE service_id = ? AND version = ? AND kind = ? AND name = ?', serviceId, version, kind, name);
      return row === undefined ? null : toObject(row);
    },

    async insertObject(r: NewObjectRow): Promise<void> {
      db.run(`INSERT INTO objects (service_id, version, kind, name, data, created_at, updated_at, seq)
        VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM objects WHERE service_id = ?))`,
      `${r.kind} ${r.name}`, r.serviceId, r.version, r.kind, r.name, JSON.stringify(r.data), r.createdAt, r.updatedAt, r.serviceId);
    },

    async replaceObject(name: string, r: NewObjectRow): Promise<void> {
      db.run('UPDATE objects SET name = ?, data = ?, created_at = ?, updated_at = ? WHERE service_id = ? AND version = ? AND kind = ? AND name = ?',
        `${r.kind} ${r.name}`, r.name, JSON.stringify(r.data), r.createdAt, r.updatedAt, r.serviceId, r.version, r.kind, name);
    },

    async deleteObject(serviceId: string, version: number, kind: ObjectKind, name: string): Promise<void> {
      db.run('DELETE FROM objects WHERE service_id = ? AND version = ? AND kind = ? AND name = ?', 'object', serviceId, version, kind, name);
    },

    async copyObjects(serviceId: string, from: number, to: number, at: string): Promise<void> {
      db.run(`INSERT INTO objects (service_id, version, kind, name, data, created_at, updated_at, seq)
        SELECT service_id, ?, kind, name, data, ?, ?, seq FROM objects WHERE service_id = ? AND version = ?`, 'objects',
      to, at, at, serviceId, from);
    },

    async getVersionVcl(serviceId: string, version: number): Promise<StoredVcl | null> {
      const row = db.get('SELECT files, stored_at FROM version_vcl WHERE service_id = ? AND version = ?', serviceId, version);
      return row === undefined ? null : { files: JSON.parse(String(row.files)) as VclFileRow[], storedAt: String(row.stored_at) };
    },

    async insertVersionVcl(serviceId: string, version: number, vcl: StoredVcl): Promise<void> {
      db.run(`INSERT INTO version_vcl (service_id, version, files, stored_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (service_id, version) DO NOTHING`, 'version_vcl', serviceId, version, JSON.stringify(vcl.files), vcl.storedAt);
    },

    async servicesWithActiveDomain(domain: string): Promise<string[]> {
      return db.all(`SELECT DISTINCT o.service_id AS id FROM objects o
        JOIN versions v ON v.service_id = o.service_id AND v.number = o.version
        WHERE o.kind = 'domain' AND o.name = ? AND v.active = 1 ORDER BY o.service_id`, domain).map((r) => String(r.id));
    },
  };
  return rows;
}
