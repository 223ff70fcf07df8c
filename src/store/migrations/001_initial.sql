-- Services, their numbered versions, the objects inside a version, and API tokens.
-- Kept to SQL that PostgreSQL also accepts so the two stores share one shape.
CREATE TABLE services (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  comment     TEXT,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);

CREATE TABLE versions (
  service_id  TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
  number      INTEGER NOT NULL,
  active      INTEGER NOT NULL DEFAULT 0,
  locked      INTEGER NOT NULL DEFAULT 0,
  comment     TEXT,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (service_id, number)
);

CREATE TABLE objects (
  service_id  TEXT NOT NULL,
  version     INTEGER NOT NULL,
  kind        TEXT NOT NULL,
  name        TEXT NOT NULL,
  data        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (service_id, version, kind, name),
  FOREIGN KEY (service_id, version) REFERENCES versions (service_id, number) ON DELETE CASCADE
);
CREATE INDEX objects_by_kind_name ON objects (kind, name);

CREATE TABLE tokens (
  id          TEXT PRIMARY KEY,
  hash        TEXT NOT NULL UNIQUE,
  name        TEXT,
  service_id  TEXT,
  read_only   INTEGER NOT NULL DEFAULT 0,
  created_at  TEXT NOT NULL
);
