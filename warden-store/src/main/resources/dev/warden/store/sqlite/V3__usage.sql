-- Warden's SQLite schema, version 2: budget and quota counters and their reservations (SPEC §6).
-- Instants are epoch milliseconds (UTC) in INTEGER columns.

-- One row per counter: a budget or quota of one agent or tenant in one window. Used = reserved +
-- committed. Limits are not stored: each charge brings the limit of the policy in force.
CREATE TABLE usage_counters (
  counter TEXT PRIMARY KEY CHECK (length(counter) BETWEEN 1 AND 512),
  reserved INTEGER NOT NULL CHECK (reserved >= 0),
  committed INTEGER NOT NULL CHECK (committed >= 0),
  window_end INTEGER NOT NULL       -- after it the counter is never charged again
) STRICT, WITHOUT ROWID;

CREATE INDEX usage_counters_by_window_end ON usage_counters (window_end);

-- One row per reservation (Warden uses the decision id), reserved → committed | released.
CREATE TABLE usage_reservations (
  id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 128),
  state TEXT NOT NULL CHECK (state IN ('reserved', 'committed', 'released')),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  keep_until INTEGER NOT NULL       -- the last window end of its charges: purged after it once settled
) STRICT;

CREATE INDEX usage_reservations_open_by_expiry ON usage_reservations (expires_at, id)
  WHERE state = 'reserved';
CREATE INDEX usage_reservations_settled_by_keep ON usage_reservations (keep_until)
  WHERE state <> 'reserved';

-- What a reservation charged to each counter.
CREATE TABLE usage_lines (
  reservation_id TEXT NOT NULL REFERENCES usage_reservations (id) ON DELETE CASCADE,
  counter TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount >= 0),
  PRIMARY KEY (reservation_id, counter)
) STRICT, WITHOUT ROWID;
