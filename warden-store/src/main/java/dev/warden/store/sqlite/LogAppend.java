package dev.warden.store.sqlite;

import dev.warden.store.BatchSealer;
import dev.warden.store.DecisionRef;
import dev.warden.store.IdempotencyRecord;
import dev.warden.store.LogHead;
import dev.warden.store.NonceRecord;
import dev.warden.store.SealedBatch;
import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import dev.warden.store.StoredEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * One append, inside the write transaction {@link Database#write} holds: read the head row (never
 * old entries, so an append costs the same at any log size), let the sealer number the batch, check
 * it, and write entries, nonces, idempotency records, decision references, approval and execution
 * changes and the new head. The head lives only in the database and is read inside the transaction
 * that replaces it, so it cannot go stale.
 */
final class LogAppend {
  private LogAppend() {}

  /**
   * Appends the batch {@code sealer} makes of the current head.
   *
   * @param now epoch milliseconds; records that expired before it may be replaced
   * @param owner the replica recorded as the owner of executions the batch starts
   */
  static SealedBatch append(Connection c, BatchSealer sealer, long now, Database db, String owner)
      throws SQLException, StoreException {
    LogHead head = readHead(c);
    SealedBatch batch = sealer.seal(head);
    check(head, batch);
    insertEntries(c, batch.entries(), db);
    insertNonces(c, batch.nonces(), now);
    insertIdempotency(c, batch.idempotency(), now);
    insertDecisions(c, batch.decisions());
    SqliteApprovalStore.write(c, batch.approvals());
    SqliteExecutionStore.write(c, batch.executions(), owner);
    TreeWrites.insertNodes(c, batch.nodes(), db);
    TreeWrites.insertCheckpoint(c, batch.checkpoint(), db);
    writeHead(c, head.size(), batch.newHead(), db);
    return batch;
  }

  /** The sealer is Warden's own code: a batch that does not follow the head is a bug. */
  private static void check(LogHead head, SealedBatch batch) {
    if (batch == null || batch.newHead() == null) {
      throw new IllegalStateException("the sealer returned no batch or no new head");
    }
    long next = head.size();
    for (StoredEntry e : batch.entries()) {
      if (e.index() != next) {
        throw new IllegalStateException(
            "sealed entry has index " + e.index() + " where the log expects " + next);
      }
      next++;
    }
    if (batch.newHead().size() != next) {
      throw new IllegalStateException(
          "sealed head has size " + batch.newHead().size() + " where the batch makes it " + next);
    }
    for (DecisionRef d : batch.decisions()) {
      if (d.index() >= next) {
        throw new IllegalStateException(
            "decision reference points to index " + d.index() + ", past the log's end " + next);
      }
    }
  }

  private static void insertEntries(Connection c, List<StoredEntry> entries, Database db)
      throws SQLException, StoreException {
    if (entries.isEmpty()) {
      return;
    }
    try (PreparedStatement p =
        c.prepareStatement("INSERT INTO log_entries (idx, entry) VALUES (?, ?)")) {
      for (StoredEntry e : entries) {
        p.setLong(1, e.index());
        p.setBytes(2, e.entry());
        p.addBatch();
      }
      p.executeBatch();
    } catch (SQLException e) {
      if (SqliteErrors.isConstraint(e)) {
        // Not a caller's conflict: entries past the head exist, so the head is behind the log.
        throw new StoreException(
            Kind.CORRUPT,
            "entries at or after index "
                + entries.getFirst().index()
                + " already exist in "
                + db.path()
                + ", past the stored log head",
            e);
      }
      throw e;
    }
  }

  private static void insertNonces(Connection c, List<NonceRecord> nonces, long now)
      throws SQLException, StoreException {
    if (nonces.isEmpty()) {
      return;
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO nonces (agent_id, nonce, expires_at) VALUES (?, ?, ?)"
                + " ON CONFLICT (agent_id, nonce) DO UPDATE SET expires_at = excluded.expires_at"
                + " WHERE nonces.expires_at < ?")) {
      for (NonceRecord n : nonces) {
        p.setString(1, n.agentId());
        p.setString(2, n.nonce());
        p.setLong(3, n.expiresAt().toEpochMilli());
        p.setLong(4, now);
        p.addBatch();
      }
      int[] counts = p.executeBatch();
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] == 0) {
          throw StoreException.conflict(
              StoreException.Conflict.NONCE,
              "a nonce of agent " + nonces.get(i).agentId() + " in this batch was already used");
        }
      }
    }
  }

  private static void insertIdempotency(Connection c, List<IdempotencyRecord> records, long now)
      throws SQLException, StoreException {
    if (records.isEmpty()) {
      return;
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO idempotency (agent_id, key, request_digest, decision_id, expires_at)"
                + " VALUES (?, ?, ?, ?, ?)"
                + " ON CONFLICT (agent_id, key) DO UPDATE SET"
                + " request_digest = excluded.request_digest,"
                + " decision_id = excluded.decision_id, expires_at = excluded.expires_at"
                + " WHERE idempotency.expires_at < ?")) {
      for (IdempotencyRecord r : records) {
        p.setString(1, r.agentId());
        p.setString(2, r.key());
        p.setBytes(3, r.requestDigest());
        p.setString(4, r.decisionId());
        p.setLong(5, r.expiresAt().toEpochMilli());
        p.setLong(6, now);
        p.addBatch();
      }
      int[] counts = p.executeBatch();
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] == 0) {
          throw StoreException.conflict(
              StoreException.Conflict.IDEMPOTENCY_KEY,
              "an idempotency key of agent "
                  + records.get(i).agentId()
                  + " in this batch is already taken");
        }
      }
    }
  }

  /** A decision id already indexed keeps its first entry: that is where the decision is. */
  private static void insertDecisions(Connection c, List<DecisionRef> decisions)
      throws SQLException {
    if (decisions.isEmpty()) {
      return;
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO decisions (decision_id, agent_id, idx) VALUES (?, ?, ?)"
                + " ON CONFLICT (decision_id) DO NOTHING")) {
      for (DecisionRef d : decisions) {
        p.setString(1, d.decisionId());
        p.setString(2, d.agentId());
        p.setLong(3, d.index());
        p.addBatch();
      }
      p.executeBatch();
    }
  }

  static LogHead readHead(Connection c) throws SQLException, StoreException {
    try (PreparedStatement p = c.prepareStatement("SELECT size, state FROM log_head WHERE id = 0");
        ResultSet r = p.executeQuery()) {
      if (!r.next()) {
        throw new StoreException(Kind.CORRUPT, "the log head row is missing");
      }
      return Rows.read(r, "log_head", row -> new LogHead(row.getLong(1), row.getBytes(2)));
    }
  }

  private static void writeHead(Connection c, long oldSize, LogHead head, Database db)
      throws SQLException, StoreException {
    try (PreparedStatement p =
        c.prepareStatement("UPDATE log_head SET size = ?, state = ? WHERE id = 0 AND size = ?")) {
      p.setLong(1, head.size());
      p.setBytes(2, head.state());
      p.setLong(3, oldSize);
      if (p.executeUpdate() != 1) {
        throw new StoreException(
            Kind.CORRUPT, "the log head of " + db.path() + " changed inside a write transaction");
      }
    }
  }

  /**
   * Checks, cheaply, that the head and the entries agree: the last entry is {@code size - 1}. Both
   * are written in one transaction, so a mismatch means the file was edited or damaged.
   */
  static void verifyHead(Database db) throws StoreException {
    db.read(
        "checking the log head",
        c -> {
          LogHead head = readHead(c);
          long last;
          try (PreparedStatement p = c.prepareStatement("SELECT max(idx) FROM log_entries");
              ResultSet r = p.executeQuery()) {
            r.next();
            last = r.getLong(1);
            if (r.wasNull()) {
              last = -1;
            }
          }
          if (last != head.size() - 1) {
            throw new StoreException(
                Kind.CORRUPT,
                "the log head of "
                    + db.path()
                    + " says "
                    + head.size()
                    + " entries, but the last stored entry is "
                    + last);
          }
          return null;
        });
  }
}
