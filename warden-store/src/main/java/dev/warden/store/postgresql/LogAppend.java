package dev.warden.store.postgresql;

import dev.warden.store.BatchSealer;
import dev.warden.store.DecisionRef;
import dev.warden.store.IdempotencyRecord;
import dev.warden.store.LogHead;
import dev.warden.store.NonceRecord;
import dev.warden.store.SealedBatch;
import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Conflict;
import dev.warden.store.StoreException.Kind;
import dev.warden.store.StoredCheckpoint;
import dev.warden.store.StoredEntry;
import dev.warden.store.TreeNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One append, inside one transaction, against the head that transaction locks. Any number of
 * replicas may append to the same database: the head row is locked first ({@code SELECT … FOR
 * UPDATE}), so their batches queue for it and each is sealed against the head the previous one left
 * — one log, one sequence, and checkpoints that only grow.
 *
 * <p>Round trips per batch, fixed whatever its size (each list is one statement over arrays, via
 * {@code unnest}; a statement whose list is empty is skipped): 1 lock and read the head; 2 nonces;
 * 3 idempotency records; 4 decision references; 5 entries; 6 tree nodes; 7 checkpoint; 8 the new
 * head; 9 commit (the driver sends BEGIN with the first statement). Approval and execution changes
 * add one JDBC batch (one round trip, pipelined) per run of changes of one kind, usually none or
 * one. The sealer runs between 1 and 2, with the lock held.
 */
final class LogAppend {
  private LogAppend() {}

  /**
   * Appends the batch {@code sealer} makes of the current head.
   *
   * @param now epoch milliseconds; records that expired before it may be replaced
   */
  static SealedBatch append(Connection c, BatchSealer sealer, long now, Database db)
      throws SQLException, StoreException {
    LogHead head = lockHead(c);
    SealedBatch batch = sealer.seal(head);
    check(head, batch);
    insertNonces(c, batch.nonces(), now);
    insertIdempotency(c, batch.idempotency(), now);
    insertDecisions(c, batch.decisions());
    PostgresApprovalStore.write(c, batch.approvals());
    PostgresExecutionStore.write(c, batch.executions());
    insertEntries(c, batch.entries(), db);
    insertNodes(c, batch.nodes(), db);
    insertCheckpoint(c, batch.checkpoint(), db);
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

  private static LogHead lockHead(Connection c) throws SQLException, StoreException {
    return readHead(c, "SELECT size, state FROM log_head WHERE id = 0 FOR UPDATE");
  }

  static LogHead readHead(Connection c) throws SQLException, StoreException {
    return readHead(c, "SELECT size, state FROM log_head WHERE id = 0");
  }

  private static LogHead readHead(Connection c, String sql) throws SQLException, StoreException {
    try (PreparedStatement p = c.prepareStatement(sql);
        ResultSet r = p.executeQuery()) {
      if (!r.next()) {
        throw new StoreException(Kind.CORRUPT, "the log head row is missing");
      }
      return Rows.read(r, "log_head", row -> new LogHead(row.getLong(1), row.getBytes(2)));
    }
  }

  /**
   * A nonce is taken if it is new, or if its previous use expired before {@code now}; otherwise the
   * row count falls short and the whole batch is refused. Two uses inside one batch are refused
   * before the statement (PostgreSQL would refuse an upsert touching one row twice).
   */
  private static void insertNonces(Connection c, List<NonceRecord> nonces, long now)
      throws SQLException, StoreException {
    if (nonces.isEmpty()) {
      return;
    }
    Set<List<String>> seen = new HashSet<>();
    String[] agents = new String[nonces.size()];
    String[] values = new String[nonces.size()];
    Long[] expiries = new Long[nonces.size()];
    for (int i = 0; i < nonces.size(); i++) {
      NonceRecord n = nonces.get(i);
      if (!seen.add(List.of(n.agentId(), n.nonce()))) {
        throw StoreException.conflict(
            Conflict.NONCE, "a nonce of agent " + n.agentId() + " is used twice in this batch");
      }
      agents[i] = n.agentId();
      values[i] = n.nonce();
      expiries[i] = n.expiresAt().toEpochMilli();
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO nonces (agent_id, nonce, expires_at)"
                + " SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[])"
                + " ON CONFLICT (agent_id, nonce) DO UPDATE SET expires_at = excluded.expires_at"
                + " WHERE nonces.expires_at < ?")) {
      p.setArray(1, c.createArrayOf("text", agents));
      p.setArray(2, c.createArrayOf("text", values));
      p.setArray(3, c.createArrayOf("bigint", expiries));
      p.setLong(4, now);
      if (p.executeUpdate() != nonces.size()) {
        throw StoreException.conflict(
            Conflict.NONCE, "a nonce in this batch was already used by the same agent");
      }
    }
  }

  private static void insertIdempotency(Connection c, List<IdempotencyRecord> records, long now)
      throws SQLException, StoreException {
    if (records.isEmpty()) {
      return;
    }
    Set<List<String>> seen = new HashSet<>();
    int n = records.size();
    String[] agents = new String[n];
    String[] keys = new String[n];
    byte[][] digests = new byte[n][];
    String[] decisions = new String[n];
    Long[] expiries = new Long[n];
    for (int i = 0; i < n; i++) {
      IdempotencyRecord r = records.get(i);
      if (!seen.add(List.of(r.agentId(), r.key()))) {
        throw StoreException.conflict(
            Conflict.IDEMPOTENCY_KEY,
            "an idempotency key of agent " + r.agentId() + " is used twice in this batch");
      }
      agents[i] = r.agentId();
      keys[i] = r.key();
      digests[i] = r.requestDigest();
      decisions[i] = r.decisionId();
      expiries[i] = r.expiresAt().toEpochMilli();
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO idempotency (agent_id, key, request_digest, decision_id, expires_at)"
                + " SELECT * FROM unnest(?::text[], ?::text[], ?::bytea[], ?::text[], ?::bigint[])"
                + " ON CONFLICT (agent_id, key) DO UPDATE SET"
                + " request_digest = excluded.request_digest,"
                + " decision_id = excluded.decision_id, expires_at = excluded.expires_at"
                + " WHERE idempotency.expires_at < ?")) {
      p.setArray(1, c.createArrayOf("text", agents));
      p.setArray(2, c.createArrayOf("text", keys));
      p.setArray(3, c.createArrayOf("bytea", digests));
      p.setArray(4, c.createArrayOf("text", decisions));
      p.setArray(5, c.createArrayOf("bigint", expiries));
      p.setLong(6, now);
      if (p.executeUpdate() != n) {
        throw StoreException.conflict(
            Conflict.IDEMPOTENCY_KEY,
            "an idempotency key in this batch is already taken by the same agent");
      }
    }
  }

  /** A decision id already indexed keeps its first entry: that is where the decision is. */
  private static void insertDecisions(Connection c, List<DecisionRef> decisions)
      throws SQLException {
    if (decisions.isEmpty()) {
      return;
    }
    int n = decisions.size();
    String[] ids = new String[n];
    String[] agents = new String[n];
    Long[] indexes = new Long[n];
    for (int i = 0; i < n; i++) {
      ids[i] = decisions.get(i).decisionId();
      agents[i] = decisions.get(i).agentId();
      indexes[i] = decisions.get(i).index();
    }
    // DISTINCT ON keeps the first reference of a decision id repeated inside the batch.
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO decisions (decision_id, agent_id, idx)"
                + " SELECT DISTINCT ON (d) d, a, i"
                + " FROM unnest(?::text[], ?::text[], ?::bigint[]) AS t (d, a, i) ORDER BY d, i"
                + " ON CONFLICT (decision_id) DO NOTHING")) {
      p.setArray(1, c.createArrayOf("text", ids));
      p.setArray(2, c.createArrayOf("text", agents));
      p.setArray(3, c.createArrayOf("bigint", indexes));
      p.executeUpdate();
    }
  }

  private static void insertEntries(Connection c, List<StoredEntry> entries, Database db)
      throws SQLException, StoreException {
    if (entries.isEmpty()) {
      return;
    }
    int n = entries.size();
    Long[] indexes = new Long[n];
    byte[][] bytes = new byte[n][];
    for (int i = 0; i < n; i++) {
      indexes[i] = entries.get(i).index();
      bytes[i] = entries.get(i).entry();
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO log_entries (idx, entry) SELECT * FROM unnest(?::bigint[], ?::bytea[])")) {
      p.setArray(1, c.createArrayOf("bigint", indexes));
      p.setArray(2, c.createArrayOf("bytea", bytes));
      p.executeUpdate();
    } catch (SQLException e) {
      if (PgErrors.isConstraint(e)) {
        // Not a caller's conflict: entries past the head exist, so the head is behind the log.
        throw new StoreException(
            Kind.CORRUPT,
            "entries at or after index "
                + entries.getFirst().index()
                + " already exist in "
                + db.name()
                + ", past the stored log head",
            e);
      }
      throw e;
    }
  }

  private static void insertNodes(Connection c, List<TreeNode> nodes, Database db)
      throws SQLException, StoreException {
    if (nodes.isEmpty()) {
      return;
    }
    int n = nodes.size();
    Integer[] levels = new Integer[n];
    Long[] indexes = new Long[n];
    byte[][] hashes = new byte[n][];
    for (int i = 0; i < n; i++) {
      levels[i] = nodes.get(i).level();
      indexes[i] = nodes.get(i).index();
      hashes[i] = nodes.get(i).hash();
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO tree_nodes (level, idx, hash)"
                + " SELECT * FROM unnest(?::integer[], ?::bigint[], ?::bytea[])")) {
      p.setArray(1, c.createArrayOf("integer", levels));
      p.setArray(2, c.createArrayOf("bigint", indexes));
      p.setArray(3, c.createArrayOf("bytea", hashes));
      p.executeUpdate();
    } catch (SQLException e) {
      if (PgErrors.isConstraint(e)) {
        // A completed node never changes: one that exists already means the head is behind.
        throw new StoreException(
            Kind.CORRUPT, "tree nodes of this batch already exist in " + db.name(), e);
      }
      throw e;
    }
  }

  private static void insertCheckpoint(
      Connection c, @org.jspecify.annotations.Nullable StoredCheckpoint cp, Database db)
      throws SQLException, StoreException {
    if (cp == null) {
      return;
    }
    try (PreparedStatement p =
        c.prepareStatement("INSERT INTO checkpoints (size, note) VALUES (?, ?)")) {
      p.setLong(1, cp.size());
      p.setString(2, cp.note());
      p.executeUpdate();
    } catch (SQLException e) {
      if (PgErrors.isConstraint(e)) {
        throw new StoreException(
            Kind.CORRUPT,
            "a checkpoint of size " + cp.size() + " already exists in " + db.name(),
            e);
      }
      throw e;
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
            Kind.CORRUPT, "the log head of " + db.name() + " changed while it was locked");
      }
    }
  }

  /**
   * Checks, cheaply, that the head and the entries agree: the last entry is {@code size - 1}. Both
   * are written in one transaction, so a mismatch means the database was edited or damaged.
   */
  static void verifyHead(Database db) throws StoreException {
    db.snapshot(
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
                    + db.name()
                    + " says "
                    + head.size()
                    + " entries, but the last stored entry is "
                    + last);
          }
          return null;
        });
  }
}
