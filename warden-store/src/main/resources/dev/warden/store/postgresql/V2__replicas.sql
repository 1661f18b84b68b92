-- Replica-aware execution recovery (SPEC §18): every execution records the replica that started
-- it, and every replica renews a lease here (heartbeat_at, epoch milliseconds of the database's
-- clock). An in-flight execution whose owner's lease expired (or that has no owner: rows written
-- before this migration) is an orphan that a live replica records as outcome_unknown.
ALTER TABLE executions ADD COLUMN owner text;

CREATE TABLE replicas (
  id            text PRIMARY KEY,
  started_at    bigint NOT NULL,
  heartbeat_at  bigint NOT NULL
);

CREATE INDEX executions_in_flight ON executions (owner, started_idx) WHERE state = 'in_flight';

-- The result of an approved action, from the replica that ran it to the one holding the call that
-- waits for it (the log keeps no bodies); deleted when taken, purged when expired.
CREATE TABLE result_handoffs (
  decision_id  text PRIMARY KEY,
  result       bytea NOT NULL,
  expires_at   bigint NOT NULL
);
