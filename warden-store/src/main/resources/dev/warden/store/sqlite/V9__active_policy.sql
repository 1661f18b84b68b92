-- The active policy (SPEC §7, §18): the one row every replica follows. Written after the
-- activation's log entry is durable; the last activation wins.
CREATE TABLE active_policy (
  id           INTEGER PRIMARY KEY CHECK (id = 0),
  hash         TEXT NOT NULL REFERENCES policies (hash),
  activated_at INTEGER NOT NULL
) STRICT;
-- When each policy was last saved for an activation: newer than active_policy.activated_at means
-- an activation that was interrupted after its save (and maybe its log entry), which a start
-- completes rather than taking for a stale copy.
ALTER TABLE policies ADD COLUMN last_activated INTEGER;
