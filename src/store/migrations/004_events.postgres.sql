-- The fleet's event log (an outbox): what tx.publish announced, written in the transaction that
-- made the change and announced with NOTIFY when it commits. Every node LISTENs and also reads
-- the events after the last one it applied, periodically and on every reconnect, so one lost
-- notification delays an event by a poll, never loses it (DESIGN.md §1, §4.6).
-- PostgreSQL only: a single SQLite node delivers its events in process.
CREATE TABLE events (
  id          BIGSERIAL PRIMARY KEY,
  payload     TEXT NOT NULL,
  created_at  BIGINT NOT NULL
);

-- The highest event id pruned so far: a node whose last applied event is below it missed
-- events that no longer exist, and reloads everything instead.
CREATE TABLE event_log (
  singleton       BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
  pruned_through  BIGINT NOT NULL DEFAULT 0
);
INSERT INTO event_log DEFAULT VALUES;
