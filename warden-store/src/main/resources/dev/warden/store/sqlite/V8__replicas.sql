-- Replica-aware execution recovery (SPEC §18): every execution records the replica (store opened
-- by one process) that started it. SQLite is held by one process at a time, so an in-flight
-- execution of any other owner (or of none: rows written before this migration) is an orphan.
-- The replicas table keeps each process's lease, as on PostgreSQL, for the operator's eye.
ALTER TABLE executions ADD COLUMN owner TEXT;

CREATE TABLE replicas (
  id            TEXT PRIMARY KEY,
  started_at    INTEGER NOT NULL,
  heartbeat_at  INTEGER NOT NULL
) STRICT;

-- The result of an approved action, from the replica that ran it to the one holding the call that
-- waits for it; deleted when taken, purged when expired. (SQLite has one replica; the table is
-- here so both stores run the same code.)
CREATE TABLE result_handoffs (
  decision_id  TEXT PRIMARY KEY,
  result       BLOB NOT NULL,
  expires_at   INTEGER NOT NULL
) STRICT;
