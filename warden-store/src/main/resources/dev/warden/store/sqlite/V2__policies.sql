-- Every activated policy's text by its hash, so a past decision can be explained (SPEC §7).
CREATE TABLE policies (
  hash           TEXT PRIMARY KEY CHECK (hash GLOB 'sha256:*' AND length(hash) = 71),
  text           TEXT NOT NULL,
  first_activated INTEGER NOT NULL
) STRICT;
