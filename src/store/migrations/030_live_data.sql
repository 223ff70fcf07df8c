-- Versionless data (DESIGN.md §1: "dictionary items, ACL entries, dynamic snippets changes
-- live"): it belongs to the dictionary, ACL or snippet *id*, which every version of the service
-- that holds the object shares (a clone keeps the id), so it lives outside the versions' objects
-- and changes without an activation. Kept to SQL that SQLite and PostgreSQL both accept.

-- Fastly: https://www.fastly.com/documentation/reference/api/dictionaries/dictionary-item/
CREATE TABLE dictionary_items (
  service_id     TEXT NOT NULL,
  dictionary_id  TEXT NOT NULL,
  item_key       TEXT NOT NULL,
  item_value     TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  PRIMARY KEY (service_id, dictionary_id, item_key)
);

-- Fastly: https://www.fastly.com/documentation/reference/api/acls/acl-entry/
CREATE TABLE acl_entries (
  service_id  TEXT NOT NULL,
  acl_id      TEXT NOT NULL,
  id          TEXT NOT NULL,
  ip          TEXT NOT NULL,
  subnet      INTEGER,
  negated     INTEGER NOT NULL DEFAULT 0,
  comment     TEXT,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (service_id, acl_id, id)
);

-- The content of a dynamic snippet (dynamic = 1), by snippet id:
-- https://www.fastly.com/documentation/reference/api/vcl-services/snippet/ (PUT /service/{sid}/snippet/{id}).
CREATE TABLE dynamic_snippets (
  service_id  TEXT NOT NULL,
  snippet_id  TEXT NOT NULL,
  content     TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (service_id, snippet_id)
);
