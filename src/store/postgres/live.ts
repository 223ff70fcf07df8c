// A service's versionless data on PostgreSQL (src/store/live.ts): dictionary items, ACL entries, dynamic snippets.
import type { AclEntryRow, DictionaryItemRow, DynamicSnippetRow, LiveRows } from '../live.ts';
import { toAclEntry, toDictionaryItem, toDynamicSnippet } from '../rows.ts';
import type { PostgresStatements } from './sql.ts';

export function liveRows(db: PostgresStatements): LiveRows {
  return {
    async listDictionaryItems(serviceId: string, dictionaryId: string): Promise<DictionaryItemRow[]> {
      return (await db.rows('dictionary items', 'SELECT * FROM dictionary_items WHERE service_id = $1 AND dictionary_id = $2 ORDER BY item_key COLLATE "C"',
        serviceId, dictionaryId)).map(toDictionaryItem);
    },

    async getDictionaryItem(serviceId: string, dictionaryId: string, key: string): Promise<DictionaryItemRow | null> {
      const row = await db.one('dictionary item', 'SELECT * FROM dictionary_items WHERE service_id = $1 AND dictionary_id = $2 AND item_key = $3',
        serviceId, dictionaryId, key);
      return row === null ? null : toDictionaryItem(row);
    },

    async putDictionaryItem(r: DictionaryItemRow): Promise<void> {
      await db.write('dictionary item', `INSERT INTO dictionary_items (service_id, dictionary_id, item_key, item_value, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (service_id, dictionary_id, item_key) DO UPDATE SET item_value = excluded.item_value,
        created_at = excluded.created_at, updated_at = excluded.updated_at`, [r.serviceId, r.dictionaryId, r.key, r.value, r.createdAt, r.updatedAt]);
    },

    async deleteDictionaryItem(serviceId: string, dictionaryId: string, key: string): Promise<void> {
      await db.write('dictionary item', 'DELETE FROM dictionary_items WHERE service_id = $1 AND dictionary_id = $2 AND item_key = $3', [serviceId, dictionaryId, key]);
    },

    async listAclEntries(serviceId: string, aclId: string): Promise<AclEntryRow[]> {
      return (await db.rows('acl entries', 'SELECT * FROM acl_entries WHERE service_id = $1 AND acl_id = $2 ORDER BY id COLLATE "C"', serviceId, aclId))
        .map(toAclEntry);
    },

    async getAclEntry(serviceId: string, aclId: string, id: string): Promise<AclEntryRow | null> {
      const row = await db.one('acl entry', 'SELECT * FROM acl_entries WHERE service_id = $1 AND acl_id = $2 AND id = $3', serviceId, aclId, id);
      return row === null ? null : toAclEntry(row);
    },

    async putAclEntry(r: AclEntryRow): Promise<void> {
      await db.write('acl entry', `INSERT INTO acl_entries (service_id, acl_id, id, ip, subnet, negated, comment, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (service_id, acl_id, id) DO UPDATE SET ip = excluded.ip, subnet = excluded.subnet,
        negated = excluded.negated, comment = excluded.comment, created_at = excluded.created_at, updated_at = excluded.updated_at`,
      [r.serviceId, r.aclId, r.id, r.ip, r.subnet, r.negated ? 1 : 0, r.comment, r.createdAt, r.updatedAt]);
    },

    async deleteAclEntry(serviceId: string, aclId: string, id: string): Promise<void> {
      await db.write('acl entry', 'DELETE FROM acl_entries WHERE service_id = $1 AND acl_id = $2 AND id = $3', [serviceId, aclId, id]);
    },

    async getDynamicSnippet(serviceId: string, snippetId: string): Promise<DynamicSnippetRow | null> {
      const row = await db.one('dynamic snippet', 'SELECT * FROM dynamic_snippets WHERE service_id = $1 AND snippet_id = $2', serviceId, snippetId);
      return row === null ? null : toDynamicSnippet(row);
    },

    async putDynamicSnippet(r: DynamicSnippetRow): Promise<void> {
      await db.write('dynamic snippet', `INSERT INTO dynamic_snippets (service_id, snippet_id, content, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (service_id, snippet_id) DO UPDATE SET content = excluded.content, created_at = excluded.created_at, updated_at = excluded.updated_at`,
      [r.serviceId, r.snippetId, r.content, r.createdAt, r.updatedAt]);
    },
  };
}
