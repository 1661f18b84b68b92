package dev.warden.store.postgresql;

import dev.warden.store.BatchSealer;
import dev.warden.store.DecisionRef;
import dev.warden.store.IdempotencyRecord;
import dev.warden.store.LogHead;
import dev.warden.store.LogStore;
import dev.warden.store.NonceRecord;
import dev.warden.store.SealedBatch;
import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import dev.warden.store.StoredCheckpoint;
import dev.warden.store.StoredEntry;
import dev.warden.store.TreeNode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The log in {@code log_entries}, {@code log_head}, {@code tree_nodes} and {@code checkpoints},
 * with the nonces, idempotency records and decision references written with it. Appending is {@link
 * LogAppend}'s. Expiry as in the SQLite store: a record with {@code expiresAt >= now} is live, and
 * one that expired before the store's clock says now may be taken again.
 */
final class PostgresLogStore implements LogStore {
  /** Rows deleted per purge transaction, so that a large purge does not hold up appends. */
  static final int PURGE_CHUNK = 5_000;

  private final Database db;
  private final Clock clock;
  private final String self;

  PostgresLogStore(Database db, Clock clock, String self) {
    this.db = db;
    this.clock = clock;
    this.self = self;
  }

  @Override
  public LogHead head() throws StoreException {
    return db.read("reading the log head", LogAppend::readHead);
  }

  @Override
  public SealedBatch append(BatchSealer sealer) throws StoreException {
    Objects.requireNonNull(sealer, "sealer");
    return db.write(
        "appending to the log", c -> LogAppend.append(c, sealer, clock.millis(), db, self));
  }

  /** All requested nodes in one statement, in request order. */
  @Override
  public List<TreeNode> nodes(List<TreeNode.Id> ids) throws StoreException {
    if (ids.isEmpty()) {
      return List.of();
    }
    Integer[] levels = new Integer[ids.size()];
    Long[] indexes = new Long[ids.size()];
    for (int i = 0; i < ids.size(); i++) {
      levels[i] = ids.get(i).level();
      indexes[i] = ids.get(i).index();
    }
    Map<TreeNode.Id, byte[]> found =
        db.read(
            "reading tree nodes",
            c -> {
              Map<TreeNode.Id, byte[]> out = new HashMap<>();
              try (PreparedStatement p =
                  c.prepareStatement(
                      "SELECT n.level, n.idx, n.hash FROM tree_nodes AS n"
                          + " JOIN unnest(?::integer[], ?::bigint[]) AS w (level, idx)"
                          + " ON n.level = w.level AND n.idx = w.idx")) {
                p.setArray(1, c.createArrayOf("integer", levels));
                p.setArray(2, c.createArrayOf("bigint", indexes));
                try (ResultSet r = p.executeQuery()) {
                  while (r.next()) {
                    out.put(new TreeNode.Id(r.getInt(1), r.getLong(2)), r.getBytes(3));
                  }
                }
              }
              return out;
            });
    List<TreeNode> out = new ArrayList<>(ids.size());
    for (TreeNode.Id id : ids) {
      byte[] h = found.get(id);
      if (h == null || h.length != 32) {
        throw new StoreException(
            Kind.CORRUPT,
            "tree node " + id.level() + "/" + id.index() + " is missing from " + db.name());
      }
      out.add(new TreeNode(id.level(), id.index(), h));
    }
    return out;
  }

  @Override
  public Optional<StoredCheckpoint> latestCheckpoint() throws StoreException {
    return checkpoint("SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1", -1);
  }

  @Override
  public Optional<StoredCheckpoint> checkpointCovering(long index) throws StoreException {
    if (index < 0) {
      throw new IllegalArgumentException("index < 0");
    }
    return checkpoint(
        "SELECT size, note FROM checkpoints WHERE size > ? ORDER BY size LIMIT 1", index);
  }

  @Override
  public List<StoredCheckpoint> checkpoints(long fromSize, int limit) throws StoreException {
    return db.read(
        "reading checkpoints",
        c -> {
          List<StoredCheckpoint> out = new ArrayList<>();
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT size, note FROM checkpoints WHERE size >= ? ORDER BY size LIMIT ?")) {
            p.setLong(1, fromSize);
            p.setInt(2, limit);
            try (ResultSet r = p.executeQuery()) {
              while (r.next()) {
                out.add(new StoredCheckpoint(r.getLong(1), r.getString(2)));
              }
            }
          }
          return out;
        });
  }

  private Optional<StoredCheckpoint> checkpoint(String sql, long arg) throws StoreException {
    return db.read(
        "reading a checkpoint",
        c -> {
          try (PreparedStatement p = c.prepareStatement(sql)) {
            if (arg >= 0) {
              p.setLong(1, arg);
            }
            try (ResultSet r = p.executeQuery()) {
              return r.next()
                  ? Optional.of(new StoredCheckpoint(r.getLong(1), r.getString(2)))
                  : Optional.<StoredCheckpoint>empty();
            }
          }
        });
  }

  @Override
  public List<StoredEntry> read(long start, long end) throws StoreException {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("bad range [" + start + ", " + end + ")");
    }
    if (start == end) {
      return List.of();
    }
    return db.read(
        "reading log entries",
        c -> {
          List<StoredEntry> entries = new ArrayList<>();
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT idx, entry FROM log_entries WHERE idx >= ? AND idx < ? ORDER BY idx")) {
            p.setLong(1, start);
            p.setLong(2, end);
            try (ResultSet r = p.executeQuery()) {
              while (r.next()) {
                entries.add(
                    Rows.read(
                        r, "log_entries", row -> new StoredEntry(row.getLong(1), row.getBytes(2))));
              }
            }
          }
          return entries;
        });
  }

  @Override
  public Optional<DecisionRef> findDecision(String decisionId) throws StoreException {
    Objects.requireNonNull(decisionId, "decisionId");
    return db.read(
        "looking up a decision",
        c -> {
          try (PreparedStatement p =
              c.prepareStatement("SELECT agent_id, idx FROM decisions WHERE decision_id = ?")) {
            p.setString(1, decisionId);
            try (ResultSet r = p.executeQuery()) {
              if (!r.next()) {
                return Optional.<DecisionRef>empty();
              }
              return Optional.of(
                  Rows.read(
                      r,
                      "decisions",
                      row -> new DecisionRef(decisionId, row.getString(1), row.getLong(2))));
            }
          }
        });
  }

  @Override
  public Optional<IdempotencyRecord> findIdempotency(String agentId, String key, Instant now)
      throws StoreException {
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(key, "key");
    long at = now.toEpochMilli();
    return db.read(
        "looking up an idempotency key",
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT request_digest, decision_id, expires_at FROM idempotency"
                      + " WHERE agent_id = ? AND key = ? AND expires_at >= ?")) {
            p.setString(1, agentId);
            p.setString(2, key);
            p.setLong(3, at);
            try (ResultSet r = p.executeQuery()) {
              if (!r.next()) {
                return Optional.<IdempotencyRecord>empty();
              }
              return Optional.of(
                  Rows.read(
                      r,
                      "idempotency",
                      row ->
                          new IdempotencyRecord(
                              agentId,
                              key,
                              row.getBytes(1),
                              row.getString(2),
                              Rows.instant(row, "expires_at"))));
            }
          }
        });
  }

  @Override
  public List<NonceRecord> liveNonces(Instant now) throws StoreException {
    long at = now.toEpochMilli();
    return db.read(
        "reading live nonces",
        c -> {
          List<NonceRecord> nonces = new ArrayList<>();
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT agent_id, nonce, expires_at FROM nonces WHERE expires_at >= ?"
                      + " ORDER BY expires_at, agent_id, nonce")) {
            p.setLong(1, at);
            try (ResultSet r = p.executeQuery()) {
              while (r.next()) {
                nonces.add(
                    Rows.read(
                        r,
                        "nonces",
                        row ->
                            new NonceRecord(
                                row.getString(1),
                                row.getString(2),
                                Rows.instant(row, "expires_at"))));
              }
            }
          }
          return nonces;
        });
  }

  @Override
  public int purgeExpired(Instant now) throws StoreException {
    long at = now.toEpochMilli();
    long total = 0;
    for (String table : List.of("nonces", "idempotency")) {
      // Table names are constants; the only value is bound. ctid picks rows without a key list.
      String sql =
          "DELETE FROM "
              + table
              + " WHERE ctid = ANY (ARRAY(SELECT ctid FROM "
              + table
              + " WHERE expires_at < ? LIMIT "
              + PURGE_CHUNK
              + ")) AND expires_at < ?";
      int deleted;
      do {
        deleted =
            db.write(
                "purging expired " + table,
                c -> {
                  try (PreparedStatement p = c.prepareStatement(sql)) {
                    p.setLong(1, at);
                    p.setLong(2, at);
                    return p.executeUpdate();
                  }
                });
        total += deleted;
      } while (deleted == PURGE_CHUNK);
    }
    return (int) Math.min(total, Integer.MAX_VALUE);
  }
}
