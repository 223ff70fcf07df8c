// A service's versionless data (DESIGN.md §1): dictionary items, ACL entries and dynamic
// snippets' content change without a new version; each belongs to its container's id, which
// every version holding the container shares (src/model/api/live.ts).

/**
 * One item of a dictionary (versionless: DESIGN.md §1). It belongs to the dictionary's id,
 * which every version holding the dictionary shares.
 */
export interface DictionaryItemRow {
  readonly serviceId: string;
  readonly dictionaryId: string;
  readonly key: string;
  readonly value: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** One entry of an ACL (versionless), by the ACL's id. `subnet` null: the address alone. */
export interface AclEntryRow {
  readonly serviceId: string;
  readonly aclId: string;
  readonly id: string;
  readonly ip: string;
  readonly subnet: number | null;
  readonly negated: boolean;
  readonly comment: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The live content of a dynamic snippet, by the snippet's id. */
export interface DynamicSnippetRow {
  readonly serviceId: string;
  readonly snippetId: string;
  readonly content: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The versionless data a transaction reads and writes. */
export interface LiveRows {
  /** A dictionary's items by key (byte order). */
  listDictionaryItems(serviceId: string, dictionaryId: string): Promise<DictionaryItemRow[]>;
  getDictionaryItem(serviceId: string, dictionaryId: string, key: string): Promise<DictionaryItemRow | null>;
  /** Inserts or replaces the item by (service, dictionary, key). */
  putDictionaryItem(row: DictionaryItemRow): Promise<void>;
  deleteDictionaryItem(serviceId: string, dictionaryId: string, key: string): Promise<void>;
  /** An ACL's entries by id (byte order). */
  listAclEntries(serviceId: string, aclId: string): Promise<AclEntryRow[]>;
  getAclEntry(serviceId: string, aclId: string, id: string): Promise<AclEntryRow | null>;
  /** Inserts or replaces the entry by (service, ACL, id). */
  putAclEntry(row: AclEntryRow): Promise<void>;
  deleteAclEntry(serviceId: string, aclId: string, id: string): Promise<void>;
  getDynamicSnippet(serviceId: string, snippetId: string): Promise<DynamicSnippetRow | null>;
  /** Inserts or replaces the content by (service, snippet id). */
  putDynamicSnippet(row: DynamicSnippetRow): Promise<void>;
}
