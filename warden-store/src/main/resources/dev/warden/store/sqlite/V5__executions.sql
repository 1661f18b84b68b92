-- Executions of allowed actions by adapters (SPEC §9). Rows are written only in the transaction of
-- the log entry that records them: the allow entry starts one (in_flight), the execution entry
-- finishes it. An execution still in_flight at start was interrupted by a crash: it is finished as
-- outcome_unknown and never re-run.
CREATE TABLE executions (
  decision_id   TEXT PRIMARY KEY,
  agent_id      TEXT NOT NULL,
  adapter       TEXT NOT NULL,
  state         TEXT NOT NULL
                CHECK (state IN ('in_flight', 'succeeded', 'failed', 'outcome_unknown')),
  started_idx   INTEGER NOT NULL CHECK (started_idx >= 0),
  finished_idx  INTEGER CHECK (finished_idx > started_idx),
  finished_at   INTEGER,
  CHECK ((state = 'in_flight') = (finished_idx IS NULL)),
  CHECK ((finished_idx IS NULL) = (finished_at IS NULL))
) STRICT;

CREATE INDEX executions_by_state ON executions (state, started_idx);
