-- Approvals of escalated decisions (SPEC §8). Rows are written only in the transaction of the log
-- entry that records them: the pending decision opens one, each approval step updates it.
CREATE TABLE approvals (
  decision_id     TEXT PRIMARY KEY,
  agent_id        TEXT NOT NULL,
  tenant          TEXT NOT NULL,
  action          TEXT NOT NULL,
  resource        TEXT NOT NULL,
  request_digest  TEXT NOT NULL,
  policy_hash     TEXT NOT NULL,
  request         TEXT NOT NULL,
  approvers       TEXT NOT NULL,
  min_approvals   INTEGER NOT NULL CHECK (min_approvals >= 1),
  expires_at      INTEGER NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'expired')),
  approved_by     TEXT NOT NULL,
  opened_idx      INTEGER NOT NULL CHECK (opened_idx >= 0),
  resolved_idx    INTEGER CHECK (resolved_idx >= 0),
  resolved_at     INTEGER,
  CHECK ((state = 'pending') = (resolved_idx IS NULL))
) STRICT;

CREATE INDEX approvals_due ON approvals (expires_at) WHERE state = 'pending';
CREATE INDEX approvals_by_state ON approvals (state, opened_idx);
