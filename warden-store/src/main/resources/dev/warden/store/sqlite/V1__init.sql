-- Warden's SQLite schema, version 1.
-- Instants are epoch milliseconds (UTC) in INTEGER columns; NULL means "never".
-- Applied by Migrator in one transaction, together with its row in schema_version.

-- 'WARD', so that Warden can tell its own database from another SQLite file.
PRAGMA application_id = 1463898692;

CREATE TABLE agents (
  id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'revoked')),
  labels TEXT NOT NULL,           -- JSON object of strings
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE agent_keys (
  agent_id TEXT NOT NULL REFERENCES agents (id),
  key_id TEXT NOT NULL,
  algorithm TEXT NOT NULL,        -- RFC 9421 name: ed25519, hmac-sha256
  material BLOB NOT NULL,         -- public key, or the HMAC secret
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  PRIMARY KEY (agent_id, key_id)
) STRICT;

CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  subject TEXT NOT NULL,
  scopes TEXT NOT NULL,           -- JSON array of scope names, sorted
  hash BLOB NOT NULL UNIQUE,      -- SHA-256 of the token; the token itself is never stored
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER
) STRICT;

CREATE INDEX tokens_by_creation ON tokens (created_at, id);

-- idx is the rowid: entries are appended at the end of the b-tree.
CREATE TABLE log_entries (
  idx INTEGER PRIMARY KEY CHECK (idx >= 0),
  entry BLOB NOT NULL
) STRICT;

-- One row: the size of the log and the state needed to append without reading old entries.
CREATE TABLE log_head (
  id INTEGER PRIMARY KEY CHECK (id = 0),
  size INTEGER NOT NULL CHECK (size >= 0),
  state BLOB NOT NULL
) STRICT;

INSERT INTO log_head (id, size, state) VALUES (0, 0, x'');

-- Every node of the Merkle tree that can no longer change: the root of the perfect subtree at
-- `level` over leaves [idx * 2^level, (idx + 1) * 2^level). Level 0 holds the leaf hashes. Written
-- with the batch that completes the node, so a proof costs O(log n) point reads.
CREATE TABLE tree_nodes (
  level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 63),
  idx INTEGER NOT NULL CHECK (idx >= 0),
  hash BLOB NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (level, idx)
) STRICT, WITHOUT ROWID;

-- The signed checkpoint (a C2SP signed note) of every batch, by the tree size it commits to.
CREATE TABLE checkpoints (
  size INTEGER PRIMARY KEY CHECK (size > 0),
  note TEXT NOT NULL
) STRICT;

CREATE TABLE nonces (
  agent_id TEXT NOT NULL,
  nonce TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (agent_id, nonce)
) STRICT;

CREATE INDEX nonces_by_expiry ON nonces (expires_at);

CREATE TABLE idempotency (
  agent_id TEXT NOT NULL,
  key TEXT NOT NULL,
  request_digest BLOB NOT NULL,
  decision_id TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (agent_id, key)
) STRICT;

CREATE INDEX idempotency_by_expiry ON idempotency (expires_at);

CREATE TABLE decisions (
  decision_id TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL,
  idx INTEGER NOT NULL
) STRICT;

-- Written (and fsynced) by every health check: proof that a real commit goes through.
CREATE TABLE health (
  id INTEGER PRIMARY KEY CHECK (id = 0),
  checked_at INTEGER NOT NULL
) STRICT;
