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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One append, inside one transaction, against the head that transaction locks. Any number of
 * replicas may append to the same database: the head row is locked first ({@code SELECT … FOR
 * UPDATE}), so their batches queue for it and each is sealed against the head the previous one left
 * — one log, one sequence, and checkpoints that only grow.
 *
 * <p>Round trips per batch: 4, whatever its size (every list travels as arrays, expanded by {@code
 * unnest} in writable CTEs): 1 lock and read the head (the driver sends BEGIN with it); 2 nonces,
 * idempotency records and decision references, with their counts (skipped when the batch has none);
 * 3 entries, tree nodes, checkpoint and the new head; 4 commit. Approval and execution changes add
 * one pipelined JDBC batch per run of changes of one kind — usually none or one. The sealer runs
 * between 1 and 2, with the lock held.
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
    LogHead head = lockHead(c);
    SealedBatch batch = sealer.seal(head);
    check(head, batch);
    insertState(c, batch, now);
    PostgresApprovalStore.write(c, batch.approvals());
    PostgresExecutionStore.write(c, batch.executions(), owner);
    insertLog(c, head.size(), batch, db);
    notifyChanged(c, batch);
    return batch;
  }

  /**
   * Tells every replica's {@link DecisionWatch} which decisions' approvals and executions the batch
   * changes; PostgreSQL delivers it when the transaction commits, and never if it rolls back.
   */
  private static void notifyChanged(Connection c, SealedBatch batch) throws SQLException {
    Set<String> ids = new LinkedHashSet<>();
    batch.approvals().forEach(a -> ids.add(a.change().decisionId()));
    batch.executions().forEach(e -> ids.add(e.change().decisionId()));
    if (ids.isEmpty()) {
      return;
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT pg_notify('"
                + DecisionWatch.CHANNEL
                + "', id) FROM unnest(?::text[]) AS t (id)")) {
      p.setArray(1, c.createArrayOf("text", ids.toArray()));
      p.execute();
    }
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
   * Nonces, idempotency records and decision references in one statement (three writable CTEs over
   * arrays). A nonce or idempotency key is taken if it is new, or if its previous use expired
   * before {@code now}; otherwise its upsert returns no row, the count falls short and the whole
   * batch is refused. Two uses inside one batch are refused before the statement (an upsert may not
   * touch a row twice). A decision id already indexed keeps its first entry.
   */
  private static void insertState(Connection c, SealedBatch batch, long now)
      throws SQLException, StoreException {
    List<NonceRecord> nonces = batch.nonces();
    List<IdempotencyRecord> idem = batch.idempotency();
    List<DecisionRef> decisions = batch.decisions();
    if (nonces.isEmpty() && idem.isEmpty() && decisions.isEmpty()) {
      return;
    }
    Set<List<String>> seen = new HashSet<>();
    String[] nonceAgents = new String[nonces.size()];
    String[] nonceValues = new String[nonces.size()];
    Long[] nonceExpiries = new Long[nonces.size()];
    for (int i = 0; i < nonces.size(); i++) {
      NonceRecord n = nonces.get(i);
      if (!seen.add(List.of(n.agentId(), n.nonce()))) {
        throw StoreException.conflict(
            Conflict.NONCE, "a nonce of agent " + n.agentId() + " is used twice in this batch");
      }
      nonceAgents[i] = n.agentId();
      nonceValues[i] = n.nonce();
      nonceExpiries[i] = n.expiresAt().toEpochMilli();
    }
    seen.clear();
    int k = idem.size();
    String[] idemAgents = new String[k];
    String[] idemKeys = new String[k];
    byte[][] idemDigests = new byte[k][];
    String[] idemDecisions = new String[k];
    Long[] idemExpiries = new Long[k];
    for (int i = 0; i < k; i++) {
      IdempotencyRecord r = idem.get(i);
      if (!seen.add(List.of(r.agentId(), r.key()))) {
        throw StoreException.conflict(
            Conflict.IDEMPOTENCY_KEY,
            "an idempotency key of agent " + r.agentId() + " is used twice in this batch");
      }
      idemAgents[i] = r.agentId();
      idemKeys[i] = r.key();
      idemDigests[i] = r.requestDigest();
      idemDecisions[i] = r.decisionId();
      idemExpiries[i] = r.expiresAt().toEpochMilli();
    }
    int d = decisions.size();
    String[] decisionIds = new String[d];
    String[] decisionAgents = new String[d];
    Long[] decisionIndexes = new Long[d];
    for (int i = 0; i < d; i++) {
      decisionIds[i] = decisions.get(i).decisionId();
      decisionAgents[i] = decisions.get(i).agentId();
      decisionIndexes[i] = decisions.get(i).index();
    }
    try (PreparedStatement p = c.prepareStatement(STATE)) {
      p.setArray(1, c.createArrayOf("text", nonceAgents));
      p.setArray(2, c.createArrayOf("text", nonceValues));
      p.setArray(3, c.createArrayOf("bigint", nonceExpiries));
      p.setLong(4, now);
      p.setArray(5, c.createArrayOf("text", idemAgents));
      p.setArray(6, c.createArrayOf("text", idemKeys));
      p.setArray(7, c.createArrayOf("bytea", idemDigests));
      p.setArray(8, c.createArrayOf("text", idemDecisions));
      p.setArray(9, c.createArrayOf("bigint", idemExpiries));
      p.setLong(10, now);
      p.setArray(11, c.createArrayOf("text", decisionIds));
      p.setArray(12, c.createArrayOf("text", decisionAgents));
      p.setArray(13, c.createArrayOf("bigint", decisionIndexes));
      try (ResultSet r = p.executeQuery()) {
        r.next();
        if (r.getLong(1) != nonces.size()) {
          throw StoreException.conflict(
              Conflict.NONCE, "a nonce in this batch was already used by the same agent");
        }
        if (r.getLong(2) != k) {
          throw StoreException.conflict(
              Conflict.IDEMPOTENCY_KEY,
              "an idempotency key in this batch is already taken by the same agent");
        }
      }
    }
  }

  private static final String STATE =
      "WITH n AS (INSERT INTO nonces (agent_id, nonce, expires_at)"
          + " SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[])"
          + " ON CONFLICT (agent_id, nonce) DO UPDATE SET expires_at = excluded.expires_at"
          + " WHERE nonces.expires_at < ? RETURNING 1),"
          + " i AS (INSERT INTO idempotency (agent_id, key, request_digest, decision_id, expires_at)"
          + " SELECT * FROM unnest(?::text[], ?::text[], ?::bytea[], ?::text[], ?::bigint[])"
          + " ON CONFLICT (agent_id, key) DO UPDATE SET"
          + " request_digest = excluded.request_digest,"
          + " decision_id = excluded.decision_id, expires_at = excluded.expires_at"
          + " WHERE idempotency.expires_at < ? RETURNING 1),"
          // DISTINCT ON keeps the first reference of a decision id repeated inside the batch.
          + " d AS (INSERT INTO decisions (decision_id, agent_id, idx)"
          + " SELECT DISTINCT ON (t.d) t.d, t.a, t.i"
          + " FROM unnest(?::text[], ?::text[], ?::bigint[]) AS t (d, a, i) ORDER BY t.d, t.i"
          + " ON CONFLICT (decision_id) DO NOTHING RETURNING 1)"
          + " SELECT (SELECT count(*) FROM n), (SELECT count(*) FROM i)";

  /**
   * Entries, tree nodes, the checkpoint and the new head in one statement (writable CTEs). The head
   * row is locked by this transaction, so the {@code size = oldSize} condition only guards against
   * a bug; a constraint violation means rows past the head exist — the database was edited or
   * damaged — and is {@code CORRUPT}, named by its constraint.
   */
  private static void insertLog(Connection c, long oldSize, SealedBatch batch, Database db)
      throws SQLException, StoreException {
    List<StoredEntry> entries = batch.entries();
    int n = entries.size();
    Long[] indexes = new Long[n];
    byte[][] bytes = new byte[n][];
    for (int i = 0; i < n; i++) {
      indexes[i] = entries.get(i).index();
      bytes[i] = entries.get(i).entry();
    }
    List<TreeNode> nodes = batch.nodes();
    int m = nodes.size();
    Integer[] levels = new Integer[m];
    Long[] nodeIndexes = new Long[m];
    byte[][] hashes = new byte[m][];
    for (int i = 0; i < m; i++) {
      levels[i] = nodes.get(i).level();
      nodeIndexes[i] = nodes.get(i).index();
      hashes[i] = nodes.get(i).hash();
    }
    StoredCheckpoint cp = batch.checkpoint();
    try (PreparedStatement p = c.prepareStatement(LOG)) {
      p.setArray(1, c.createArrayOf("bigint", indexes));
      p.setArray(2, c.createArrayOf("bytea", bytes));
      p.setArray(3, c.createArrayOf("integer", levels));
      p.setArray(4, c.createArrayOf("bigint", nodeIndexes));
      p.setArray(5, c.createArrayOf("bytea", hashes));
      p.setLong(6, cp == null ? 0 : cp.size());
      p.setString(7, cp == null ? null : cp.note());
      p.setLong(8, batch.newHead().size());
      p.setBytes(9, batch.newHead().state());
      p.setLong(10, oldSize);
      try (ResultSet r = p.executeQuery()) {
        r.next();
        if (r.getLong(1) != 1) {
          throw new StoreException(
              Kind.CORRUPT, "the log head of " + db.name() + " changed while it was locked");
        }
      }
    } catch (SQLException e) {
      if (PgErrors.isConstraint(e)) {
        String constraint = PgErrors.constraintName(e);
        String what =
            switch (constraint) {
              case "tree_nodes_pkey" -> "tree nodes of this batch already exist";
              case "checkpoints_pkey" ->
                  "a checkpoint of size " + (cp == null ? "?" : cp.size()) + " already exists";
              case "log_entries_pkey" ->
                  "entries at or after index "
                      + (n == 0 ? oldSize : indexes[0])
                      + " already exist, past the stored log head";
              default -> "a row of this batch breaks constraint " + constraint;
            };
        throw new StoreException(
            Kind.CORRUPT, what + " in " + db.name() + " (" + PgErrors.describe(e) + ")", e);
      }
      throw e;
    }
  }

  private static final String LOG =
      "WITH e AS (INSERT INTO log_entries (idx, entry)"
          + " SELECT * FROM unnest(?::bigint[], ?::bytea[])),"
          + " t AS (INSERT INTO tree_nodes (level, idx, hash)"
          + " SELECT * FROM unnest(?::integer[], ?::bigint[], ?::bytea[])),"
          + " c AS (INSERT INTO checkpoints (size, note)"
          + " SELECT v.size, v.note FROM (VALUES (?::bigint, ?::text)) AS v (size, note)"
          + " WHERE v.note IS NOT NULL),"
          + " h AS (UPDATE log_head SET size = ?, state = ? WHERE id = 0 AND size = ? RETURNING 1)"
          + " SELECT count(*) FROM h";

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
