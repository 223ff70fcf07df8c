-- Health across the fleet (DESIGN.md §4.6): each POP writes the state of each probe identity it
-- probes, its flips, and per node a periodic summary whose age says whether the POP's rows are
-- stale; operators' overrides are per service and backend and reach every node. Kept to SQL
-- that SQLite and PostgreSQL both accept (src/store/README.md). `written_ms` columns are
-- milliseconds since the epoch by the store's own clock (PostgreSQL's for a fleet), so that
-- ages compare across hosts; other times are the writer's, for people to read.

CREATE TABLE health_states (
  pop            TEXT NOT NULL,
  key            TEXT NOT NULL,
  node_id        TEXT NOT NULL,
  healthy        INTEGER NOT NULL,
  good           INTEGER NOT NULL,
  probe_window   INTEGER NOT NULL,
  threshold      INTEGER NOT NULL,
  interval_ms    INTEGER NOT NULL,
  registers      TEXT NOT NULL,
  avg_rtt_ms     DOUBLE PRECISION NOT NULL,
  rate           INTEGER NOT NULL,
  last_response  TEXT NOT NULL,
  last_change    TEXT NOT NULL,
  written_ms     BIGINT NOT NULL,
  PRIMARY KEY (pop, key)
);
CREATE INDEX health_states_by_write ON health_states (pop, written_ms);

CREATE TABLE health_summaries (
  pop         TEXT NOT NULL,
  node_id     TEXT NOT NULL,
  probing     INTEGER NOT NULL,
  sick        INTEGER NOT NULL,
  written_ms  BIGINT NOT NULL,
  PRIMARY KEY (pop, node_id)
);

CREATE TABLE health_flips (
  pop         TEXT NOT NULL,
  key         TEXT NOT NULL,
  node_id     TEXT NOT NULL,
  healthy     INTEGER NOT NULL,
  at          TEXT NOT NULL,
  written_ms  BIGINT NOT NULL,
  PRIMARY KEY (pop, key, at, node_id)
);
CREATE INDEX health_flips_by_write ON health_flips (written_ms);

CREATE TABLE health_overrides (
  service_id  TEXT NOT NULL,
  backend     TEXT NOT NULL,
  admin       TEXT NOT NULL,
  at          TEXT NOT NULL,
  written_ms  BIGINT NOT NULL,
  PRIMARY KEY (service_id, backend)
);
CREATE INDEX health_overrides_by_write ON health_overrides (written_ms);
