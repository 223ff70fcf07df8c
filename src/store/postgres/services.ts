// A service's configuration on PostgreSQL (src/store/services.ts): services, versions, objects and stored VCL.
// What differs from SQLite is said in ./tx.ts.
import { toObject, toService, toVersion } from '../rows.ts';
import type {
  NewObjectRow, ObjectKind, ObjectRow, ServicePatch, ServiceRow, ServiceRows, StoredVcl, VclFileRow, VersionPatch, VersionRow,
} from '../services.ts';
import type { PostgresStatements } from './sql.ts';

export function serviceRows(db: PostgresStatements): ServiceRows {
  const rows: ServiceRows = {
    async insertService(r: ServiceRow): Promise<void> {
      await db.write(`service ${r.id}`, 'INSERT INTO services (id, name, comment, created_at, updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
        [r.id, r.name, r.comment, r.createdAt, r.updatedAt], true);
    },

    async getService(id: string): Promise<ServiceRow | null> {
      const row = await db.one('service', 'SELECT * FROM services WHERE id = $1', id);
      return row === null ? null : toService(row);
    },

    async listServices(): Promise<ServiceRow[]> {
      return (await db.rows('services', 'SELECT * FROM services ORDER BY created_at COLLATE "C", id COLLATE "C"')).map(toService);
    },

    async updateService(id: string, p: ServicePatch): Promise<void> {
      const cur = await rows.getService(id);
      if (cur === null) return;
      await db.write(`service ${id}`, 'UPDATE services SET name = $1, comment = $2, updated_at = $3 WHERE id = $4',
        [p.name ?? cur.name, p.comment === undefined ? cur.comment : p.comment, p.updatedAt ?? cur.updatedAt, id]);
    },

    async deleteService(id: string): Promise<void> {
      await db.write('health_overrides', 'DELETE FROM health_overrides WHERE service_id = $1', [id]);
      await db.write('dictionary_items', 'DELETE FROM dictionary_items WHERE service_id = $1', [id]);
      await db.write('acl_entries', 'DELETE FROM acl_entries WHERE service_id = $1', [id]);
      await db.write('dynamic_snippets', 'DELETE FROM dynamic_snippets WHERE service_id = $1', [id]);
      await db.write('version_vcl', 'DELETE FROM version_vcl WHERE service_id = $1', [id]);
      await db.write('objects', 'DELETE FROM objects WHERE service_id = $1', [id]);
      await db.write('versions', 'DELETE FROM versions WHERE service_id = $1', [id]);
      await db.write('service', 'DELETE FROM services WHERE id = $1', [id]);
    },

    async insertVersion(r: VersionRow): Promise<void> {
      await db.write(`version ${r.number} of service ${r.serviceId}`,
        `INSERT INTO versions (service_id, number, active, locked, comment, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT DO NOTHING`,
        [r.serviceId, r.number, r.active ? 1 : 0, r.locked ? 1 : 0, r.comment, r.createdAt, r.updatedAt], true);
    },

    async getVersion(serviceId: string, number: number): Promise<VersionRow | null> {
      const row = await db.one('version', 'SELECT * FROM versions WHERE service_id = $1 AND number = $2', serviceId, number);
      return row === null ? null : toVersion(row);
    },

    async listVersions(serviceId: string): Promise<VersionRow[]> {
      return (await db.rows('versions', 'SELECT * FROM versions WHERE service_id = $1 ORDER BY number', serviceId)).map(toVersion);
    },

    async updateVersion(serviceId: string, number: number, p: VersionPatch): Promise<void> {
      const cur = await rows.getVersion(serviceId, number);
      if (cur === null) return;
      await db.write('version', 'UPDATE versions SET active = $1, locked = $2, comment = $3, updated_at = $4 WHERE service_id = $5 AND number = $6',
        [(p.active ?? cur.active) ? 1 : 0, (p.locked ?? cur.locked) ? 1 : 0, p.comment === undefined ? cur.comment : p.comment,
          p.updatedAt ?? cur.updatedAt, serviceId, number]);
    },

    async listObjects(serviceId: string, version: number, kind: ObjectKind): Promise<ObjectRow[]> {
      return (await db.rows('objects', 'SELECT * FROM objects WHERE service_id = $1 AND version = $2 AND kind = $3 ORDER BY name COLLATE "C"',
        serviceId, version, kind)).map(toObject);
    },

    async getObject(serviceId: string, version: number, kind: ObjectKind, name: string): Promise<ObjectRow | null> {
      const row = await db.one('object', 'SELECT * FROM objects WHERE service_id = $1 AND version = $2 AND kind = $3 AND name = $4',
        serviceId, version, kind, name);
      return row === null ? null : toObject(row);
    },

    async insertObject(r: NewObjectRow): Promise<void> {
      await db.write(`${r.kind} ${r.name}`, `INSERT INTO objects (service_id, version, kind, name, data, created_at, updated_at, seq)
        VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT COALESCE(MAX(seq), 0) + 1 FROM objects WHERE service_id = $1)) ON CONFLICT DO NOTHING`,
      [r.serviceId, r.version, r.kind, r.name, JSON.stringify(r.data), r.createdAt, r.updatedAt], true);
    },

    async replaceObject(name: string, r: NewObjectRow): Promise<void> {
      await db.write(`${r.kind} ${r.name}`,
        'UPDATE objects SET name = $1, data = $2, created_at = $3, updated_at = $4 WHERE service_id = $5 AND version = $6 AND kind = $7 AND name = $8',
        [r.name, JSON.stringify(r.data), r.createdAt, r.updatedAt, r.serviceId, r.version, r.kind, name]);
    },

    async deleteObject(serviceId: string, version: number, kind: ObjectKind, name: string): Promise<void> {
      await db.write('object', 'DELETE FROM objects WHERE service_id = $1 AND version = $2 AND kind = $3 AND name = $4', [serviceId, version, kind, name]);
    },

    async copyObjects(serviceId: string, from: number, to: number, at: string): Promise<void> {
      await db.write('objects', `INSERT INTO objects (service_id, version, kind, name, data, created_at, updated_at, seq)
        SELECT service_id, $1, kind, name, data, $2, $2, seq FROM objects WHERE service_id = $3 AND version = $4`, [to, at, serviceId, from]);
    },

    async getVersionVcl(serviceId: string, version: number): Promise<StoredVcl | null> {
      const row = await db.one('version_vcl', 'SELECT files, stored_at FROM version_vcl WHERE service_id = $1 AND version = $2', serviceId, version);
      return row === null ? null : { files: JSON.parse(String(row.files)) as VclFileRow[], storedAt: String(row.stored_at) };
    },

    async insertVersionVcl(serviceId: string, version: number, vcl: StoredVcl): Promise<void> {
      await db.write('version_vcl', `INSERT INTO version_vcl (service_id, version, files, stored_at) VALUES ($1, $2, $3, $4)
        ON CONFLICT (service_id, version) DO NOTHING`, [serviceId, version, JSON.stringify(vcl.files), vcl.storedAt]);
    },

    async servicesWithActiveDomain(domain: string): Promise<string[]> {
      return (await db.rows('domains', `SELECT DISTINCT o.service_id COLLATE "C" AS id FROM objects o
        JOIN versions v ON v.service_id = o.service_id AND v.number = o.version
        WHERE o.kind = 'domain' AND o.name = $1 AND v.active = 1 ORDER BY id`, domain)).map((r) => String(r.id));
    },
  };
  return rows;
}
