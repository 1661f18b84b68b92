-- Warden's PostgreSQL schema, version 1: the state of SQLite's V1..V7 in one script.
-- Instants are epoch milliseconds (UTC) in bigint columns, as in the SQLite store, so both stores
-- map every record the same way and truncate to the millisecond; NULL means "never".
-- Applied by Migrator in one transaction, under an advisory lock, with its row in schema_version.

CREATE TABLE agents (
  id text PRIMARY KEY,
  tenant text NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'suspended', 'revoked')),
  labels text NOT NULL,           -- JSON object of strings
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);

CREATE TABLE agent_keys (
  agent_id text NOT NULL REFERENCES agents (id),
  key_id text NOT NULL,
  algorithm text NOT NULL,        -- RFC 9421 name: ed25519, hmac-sha256
  material bytea NOT NULL,        -- public key, or the HMAC secret
  created_at bigint NOT NULL,
  revoked_at bigint,
  PRIMARY KEY (agent_id, key_id)
);

CREATE TABLE tokens (
  id text PRIMARY KEY,
  subject text NOT NULL,
  scopes text NOT NULL,           -- JSON array of scope names, sorted
  hash bytea NOT NULL UNIQUE,     -- SHA-256 of the token; the token itself is never stored
  created_at bigint NOT NULL,
  expires_at bigint,
  revoked_at bigint,
  agent_id text REFERENCES agents (id)  -- an agent token's agent; NULL for operator tokens
);

CREATE INDEX tokens_by_creation ON tokens (created_at, id);
CREATE INDEX tokens_by_agent ON tokens (agent_id) WHERE agent_id IS NOT NULL;

CREATE TABLE log_entries (
  idx bigint PRIMARY KEY CHECK (idx >= 0),
  entry bytea NOT NULL
);

-- One row: the size of the log and its Merkle frontier. Every append locks it (SELECT ... FOR
-- UPDATE) first, so replicas sharing the database append one batch at a time, in one sequence.
CREATE TABLE log_head (
  id integer PRIMARY KEY CHECK (id = 0),
  size bigint NOT NULL CHECK (size >= 0),
  state bytea NOT NULL
);

INSERT INTO log_head (id, size, state) VALUES (0, 0, '\x'::bytea);

-- Every node of the Merkle tree that can no longer change (level 0: the leaf hashes), written with
-- the batch that completes it, so a proof costs O(log n) point reads.
CREATE TABLE tree_nodes (
  level integer NOT NULL CHECK (level BETWEEN 0 AND 63),
  idx bigint NOT NULL CHECK (idx >= 0),
  hash bytea NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (level, idx)
);

-- The signed checkpoint (a C2SP signed note) of every batch, by the tree size it commits to.
CREATE TABLE checkpoints (
  size bigint PRIMARY KEY CHECK (size > 0),
  note text NOT NULL
);

CREATE TABLE nonces (
  agent_id text NOT NULL,
  nonce text NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (agent_id, nonce)
);

CREATE INDEX nonces_by_expiry ON nonces (expires_at);

CREATE TABLE idempotency (
  agent_id text NOT NULL,
  key text NOT NULL,
  request_digest bytea NOT NULL,
  decision_id text NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (agent_id, key)
);

CREATE INDEX idempotency_by_expiry ON idempotency (expires_at);

CREATE TABLE decisions (
  decision_id text PRIMARY KEY,
  agent_id text NOT NULL,
  idx bigint NOT NULL
);

-- Written by every health check: proof that a real commit goes through.
CREATE TABLE health (
  id integer PRIMARY KEY CHECK (id = 0),
  checked_at bigint NOT NULL
);

-- Every activated policy's text by its hash, so a past decision can be explained (SPEC §7).
CREATE TABLE policies (
  hash text PRIMARY KEY CHECK (hash LIKE 'sha256:%' AND length(hash) = 71),
  text text NOT NULL,
  first_activated bigint NOT NULL
);

-- Budget and quota counters (SPEC §6). Used = reserved + committed. Limits are not stored: each
-- charge brings the limit of the policy in force, and a counter changes only by a conditional
-- upsert.
CREATE TABLE usage_counters (
  counter text PRIMARY KEY CHECK (length(counter) BETWEEN 1 AND 512),
  reserved bigint NOT NULL CHECK (reserved >= 0),
  committed bigint NOT NULL CHECK (committed >= 0),
  window_end bigint NOT NULL        -- after it the counter is never charged again
);

CREATE INDEX usage_counters_by_window_end ON usage_counters (window_end);

-- One row per reservation (Warden uses the decision id), reserved -> committed | released.
CREATE TABLE usage_reservations (
  id text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 128),
  state text NOT NULL CHECK (state IN ('reserved', 'committed', 'released')),
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  keep_until bigint NOT NULL        -- the last window end of its charges: purged after it once settled
);

CREATE INDEX usage_reservations_open_by_expiry ON usage_reservations (expires_at, id)
  WHERE state = 'reserved';
CREATE INDEX usage_reservations_settled_by_keep ON usage_reservations (keep_until)
  WHERE state <> 'reserved';

-- What a reservation charged to each counter.
CREATE TABLE usage_lines (
  reservation_id text NOT NULL REFERENCES usage_reservations (id) ON DELETE CASCADE,
  counter text NOT NULL,
  amount bigint NOT NULL CHECK (amount >= 0),
  PRIMARY KEY (reservation_id, counter)
);

-- Approvals of escalated decisions (SPEC §8), written only in the transaction of the log entry
-- that records them.
CREATE TABLE approvals (
  decision_id     text PRIMARY KEY,
  agent_id        text NOT NULL,
  tenant          text NOT NULL,
  action          text NOT NULL,
  resource        text NOT NULL,
  request_digest  text NOT NULL,
  policy_hash     text NOT NULL,
  request         text NOT NULL,
  approvers       text NOT NULL,    -- JSON array
  min_approvals   integer NOT NULL CHECK (min_approvals >= 1),
  expires_at      bigint NOT NULL,
  state           text NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'expired')),
  approved_by     text NOT NULL,    -- JSON array
  opened_idx      bigint NOT NULL CHECK (opened_idx >= 0),
  resolved_idx    bigint CHECK (resolved_idx >= 0),
  resolved_at     bigint,
  act             boolean NOT NULL DEFAULT false,
  CHECK ((state = 'pending') = (resolved_idx IS NULL))
);

CREATE INDEX approvals_due ON approvals (expires_at) WHERE state = 'pending';
CREATE INDEX approvals_by_state ON approvals (state, opened_idx);

-- Executions of allowed actions by adapters (SPEC §9), written only in the transaction of the log
-- entry that records them.
CREATE TABLE executions (
  decision_id   text PRIMARY KEY,
  agent_id      text NOT NULL,
  adapter       text NOT NULL,
  state         text NOT NULL
                CHECK (state IN ('in_flight', 'succeeded', 'failed', 'outcome_unknown')),
  started_idx   bigint NOT NULL CHECK (started_idx >= 0),
  finished_idx  bigint CHECK (finished_idx > started_idx),
  finished_at   bigint,
  CHECK ((state = 'in_flight') = (finished_idx IS NULL)),
  CHECK ((finished_idx IS NULL) = (finished_at IS NULL))
);

CREATE INDEX executions_by_state ON executions (state, started_idx);
