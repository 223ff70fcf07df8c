-- Objects remember the order they were added to their service, and an activated version keeps
-- the VCL it was activated with. Kept to SQL that PostgreSQL also accepts.

-- `seq` orders a service's objects by when they were added (Fastly: the first backend added is
-- the default one). New objects take the service's highest seq + 1; clones copy it; renames
-- keep it. Rows stored before this migration have no such record (clones stamped one time on
-- every copy, with seconds precision), so they are numbered in name order within their
-- version and kind: the order in which lacquer generated their VCL until now, so a version
-- that is active keeps the default backend it was activated with.
ALTER TABLE objects ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE objects SET seq = (
  SELECT COUNT(*) FROM objects AS earlier
  WHERE earlier.service_id = objects.service_id AND earlier.version = objects.version
    AND earlier.kind = objects.kind AND earlier.name <= objects.name
);

-- The VCL files a version was activated with (DESIGN.md §1: generated once and stored with
-- the version), main file first, as a JSON array of {name, content, main}. Versions activated
-- before this migration get theirs stored the first time they are loaded.
CREATE TABLE version_vcl (
  service_id  TEXT NOT NULL,
  version     INTEGER NOT NULL,
  files       TEXT NOT NULL,
  stored_at   TEXT NOT NULL,
  PRIMARY KEY (service_id, version),
  FOREIGN KEY (service_id, version) REFERENCES versions (service_id, number) ON DELETE CASCADE
);
