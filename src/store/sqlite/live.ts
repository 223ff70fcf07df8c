// A service's versionless data on SQLite (src/store/live.ts): dictionary items, ACL entries, dynamic snippets.
import type { AclEntryRow, DictionaryItemRow, DynamicSnippetRow, LiveRows } from '../live.ts';
import { toAclEntry, toDictionaryItem, toDynamicSnippet } from '../rows.ts';
import type { SqliteStatements } from './statements.ts';

export function liveRows(db: SqliteStatements): LiveRows {
  return {
    async listDictionaryItems(serviceId: string, dictionaryId: string): Promise<DictionaryItemRow[]> {
      return db.all('SELECT * FROM dictionary_items WHERE service_id = ? AND dictionary_id = ? ORDER BY item_key', serviceId, dictionaryId)
        .map(toDictionaryItem);
    },

    async getDictionaryItem(serviceId: string, dictionaryId: string, key: string): Promise<DictionaryItemRow | null> {
      const row = db.get('SELECT * FROM dictionary_items WHERE service_id = ? AND dictionary_id = ? AND item_key = ?', serviceId, dictionaryId, key);
      return row === undefined ? null : toDictionaryItem(row);
    },

    async putDictionaryItem(r: DictionaryItemRow): Promise<void> {
      db.run(`INSERT INTO dictionary_items (service_id, dictionary_id, item_key, item_value, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (service_id, dictionary_id, item_key) DO UPDATE SET item_value = excluded.item_value, created_at = excluded.created_at,
        updated_at = excluded.updated_at`, 'dictionary item', r.serviceId, r.dictionaryId, r.key, r.value, r.createdAt, r.updatedAt);
    },

    async deleteDictionaryItem(serviceId: string, dictionaryId: string, key: string): Promise<void> {
      db.run('DELETE FROM dictionary_items WHERE service_id = ? AND dictionary_id = ? AND item_key = ?', 'dictionary item', serviceId, dictionaryId, key);
    },

    async listAclEntries(serviceId: string, aclId: string): Promise<AclEntryRow[]> {
      return db.all('SELECT * FROM acl_entries WHERE service_id = ? AND acl_id = ? ORDER BY id', serviceId, aclId).map(toAclEntry);
    },

    async getAclEntry(serviceId: string, aclId: string, id: string): Promise<AclEntryRow | null> {
      const row = db.get('SELECT * FROM acl_entries WHERE service_id = ? AND acl_id = ? AND id = ?', serviceId, aclId, id);
      return row === undefined ? null : toAclEntry(row);
    },

    async putAclEntry(r: AclEntryRow): Promise<void> {
      db.run(`INSERT INTO acl_entries (service_id, acl_id, id, ip, subnet, negated, comment, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (service_id, acl_id, id) DO UPDATE SET ip = excluded.ip, subnet = excluded.subnet, negated = excluded.negated,
        comment = excluded.comment, created_at = excluded.created_at, updated_at = excluded.updated_at`, 'acl entry',
      r.serviceId, r.aclId, r.id, r.ip, r.subnet, r.negated ? 1 : 0, r.comment, r.createdAt, r.updatedAt);
    },

    async deleteAclEntry(serviceId: string, aclId: string, id: string): Promise<void> {
      db.run('DELETE FROM acl_entries WHERE service_id = ? AND acl_id = ? AND id = ?', 'acl entry', serviceId, aclId, id);
    },

    async getDynamicSnippet(serviceId: string, snippetId: string): Promise<DynamicSnippetRow | null> {
      const row = db.get('SELECT * FROM dynamic_snippets WHERE service_id = ? AND snippet_id = ?', serviceId, snippetId);
      return row === undefined ? null : toDynamicSnippet(row);
    },

    async putDynamicSnippet(r: DynamicSnippetRow): Promise<void> {
      db.run(`INSERT INTO dynamic_snippets (service_id, snippet_id, content, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (service_id, snippet_id) DO UPDATE SET content = excluded.content, created_at = excluded.created_at, updated_at = excluded.updated_at`,
      'dynamic snippet', r.serviceId, r.snippetId, r.content, r.createdAt, r.updatedAt);
    },
  };
}
