-- The active policy (SPEC §7, §18): the one row every replica follows (Housekeeping reads it every
-- 2 s). Written after the activation's log entry is durable; the last activation wins.
CREATE TABLE active_policy (
  id           integer PRIMARY KEY CHECK (id = 0),
  hash         text NOT NULL REFERENCES policies (hash),
  activated_at bigint NOT NULL
);
