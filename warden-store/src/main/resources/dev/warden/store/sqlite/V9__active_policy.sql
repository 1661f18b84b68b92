-- The active policy (SPEC §7, §18): the one row every replica follows. Written after the
-- activation's log entry is durable; the last activation wins.
CREATE TABLE active_policy (
  id           INTEGER PRIMARY KEY CHECK (id = 0),
  hash         TEXT NOT NULL REFERENCES policies (hash),
  activated_at INTEGER NOT NULL
) STRICT;
