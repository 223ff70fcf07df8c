-- Clustering and shielding (DESIGN.md §4.4). Kept to SQL that SQLite and PostgreSQL both accept.

-- The fleet's shared secret: created once by whichever node needs it first, read by every node.
-- A request between fleet nodes (a cluster or shield hop) is known to come from the fleet by an
-- HMAC made with it (src/edge/fleet/credential.ts), never by the headers it carries.
CREATE TABLE fleet_secret (
  id          INTEGER PRIMARY KEY,
  secret      TEXT NOT NULL
);

-- The cache members of an edge node (one URL per edge worker's cluster listener), as a JSON
-- array: the POP's members are those of its live nodes (src/edge/fleet/).
ALTER TABLE nodes ADD COLUMN cluster_members TEXT NOT NULL DEFAULT '[]';
