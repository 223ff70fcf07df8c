-- The fleet's nodes and the purges they applied (DESIGN.md §4.6). Kept to SQL that SQLite and
-- PostgreSQL both accept. Times here are milliseconds since the epoch by the store's own clock
-- (PostgreSQL's for a fleet), never a node's, so nodes on several hosts compare one clock.

-- Every node registers itself at start and refreshes `last_seen` about every second; a node
-- heard from within the last 3 s is live (an edge node: it must confirm purges).
CREATE TABLE nodes (
  id          TEXT PRIMARY KEY,
  role        TEXT NOT NULL,
  pop         TEXT NOT NULL,
  url         TEXT NOT NULL,
  started_at  TEXT NOT NULL,
  last_seen   BIGINT NOT NULL
);
CREATE INDEX nodes_by_last_seen ON nodes (last_seen);

-- One row per edge node that applied a purge; the API answers once every live edge node has one.
CREATE TABLE purge_acks (
  purge_id    TEXT NOT NULL,
  node_id     TEXT NOT NULL,
  acked_at    BIGINT NOT NULL,
  PRIMARY KEY (purge_id, node_id)
);
CREATE INDEX purge_acks_by_time ON purge_acks (acked_at);
