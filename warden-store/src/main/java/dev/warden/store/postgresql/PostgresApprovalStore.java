package dev.warden.store.postgresql;

import dev.warden.store.ApprovalChange;
import dev.warden.store.ApprovalRecord;
import dev.warden.store.ApprovalRequest;
import dev.warden.store.ApprovalState;
import dev.warden.store.ApprovalStore;
import dev.warden.store.ApprovalWrite;
import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Conflict;
import dev.warden.store.StoreException.Kind;
import dev.warden.store.jdbc.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Approvals in {@code approvals}: read here, written by {@link #write} inside a log append. */
final class PostgresApprovalStore implements ApprovalStore {
  private static final String COLUMNS =
      "decision_id, agent_id, tenant, action, resource, request_digest, policy_hash, request,"
          + " approvers, min_approvals, expires_at, state, approved_by, opened_idx, resolved_idx,"
          + " resolved_at, act";

  private static final String OPEN =
      "INSERT INTO approvals ("
          + COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', '[]', ?, NULL, NULL, ?)"
          + " ON CONFLICT (decision_id) DO NOTHING";

  /** Applied only while pending: the state condition is the whole of the cross-replica safety. */
  private static final String STEP =
      "UPDATE approvals SET state = ?, approved_by = ?, resolved_idx = ?, resolved_at = ?,"
          + " policy_hash = coalesce(?::text, policy_hash),"
          + " approvers = coalesce(?::text, approvers),"
          + " min_approvals = coalesce(?::integer, min_approvals)"
          + " WHERE decision_id = ? AND state = 'pending'";

  private final Database db;

  PostgresApprovalStore(Database db) {
    this.db = db;
  }

  @Override
  public Optional<ApprovalRecord> find(String decisionId) throws StoreException {
    Objects.requireNonNull(decisionId, "decisionId");
    return db.read(
        "reading approval " + decisionId,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement("SELECT " + COLUMNS + " FROM approvals WHERE decision_id = ?")) {
            p.setString(1, decisionId);
            List<ApprovalRecord> found = rows(p);
            return found.isEmpty() ? Optional.<ApprovalRecord>empty() : Optional.of(found.get(0));
          }
        });
  }

  @Override
  public List<ApprovalRecord> list(ApprovalState state, int limit) throws StoreException {
    return db.read(
        "listing approvals",
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM approvals WHERE state = ? ORDER BY opened_idx LIMIT ?")) {
            p.setString(1, state.wire());
            p.setInt(2, limit);
            return rows(p);
          }
        });
  }

  @Override
  public List<ApprovalRecord> due(Instant now, int limit) throws StoreException {
    return db.read(
        "listing expired approvals",
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM approvals WHERE state = 'pending' AND expires_at <= ?"
                      + " ORDER BY expires_at, opened_idx LIMIT ?")) {
            p.setLong(1, now.toEpochMilli());
            p.setInt(2, limit);
            return rows(p);
          }
        });
  }

  /**
   * Applies a batch's approval changes inside its transaction, in order: each run of opens or of
   * steps is one JDBC batch (one round trip). An open of an existing approval, or a step on one
   * that is not pending (resolved by another request, on this replica or another, in between),
   * refuses the whole batch with {@link Conflict#APPROVAL}.
   */
  static void write(Connection c, List<ApprovalWrite> writes) throws SQLException, StoreException {
    int i = 0;
    while (i < writes.size()) {
      boolean open = writes.get(i).change() instanceof ApprovalChange.Open;
      List<ApprovalWrite> run = new ArrayList<>();
      while (i < writes.size() && (writes.get(i).change() instanceof ApprovalChange.Open) == open) {
        run.add(writes.get(i++));
      }
      try (PreparedStatement p = c.prepareStatement(open ? OPEN : STEP)) {
        for (ApprovalWrite w : run) {
          switch (w.change()) {
            case ApprovalChange.Open o -> bindOpen(p, o.request(), w.index());
            case ApprovalChange.Step s -> bindStep(p, s, w.index());
          }
          p.addBatch();
        }
        int[] counts = p.executeBatch();
        for (int k = 0; k < counts.length; k++) {
          if (counts[k] != 1) {
            String id = run.get(k).change().decisionId();
            throw StoreException.conflict(
                Conflict.APPROVAL,
                open
                    ? "approval " + id + " was opened before"
                    : "approval " + id + " is not pending");
          }
        }
      }
    }
  }

  private static void bindOpen(PreparedStatement p, ApprovalRequest r, long index)
      throws SQLException {
    p.setString(1, r.decisionId());
    p.setString(2, r.agentId());
    p.setString(3, r.tenant());
    p.setString(4, r.action());
    p.setString(5, r.resource());
    p.setString(6, r.requestDigest());
    p.setString(7, r.policyHash());
    p.setString(8, r.request());
    p.setString(9, Json.list(r.approvers()));
    p.setInt(10, r.minApprovals());
    p.setLong(11, r.expiresAt().toEpochMilli());
    p.setLong(12, index);
    p.setBoolean(13, r.act());
  }

  private static void bindStep(PreparedStatement p, ApprovalChange.Step s, long index)
      throws SQLException {
    boolean resolved = s.state() != ApprovalState.PENDING;
    p.setString(1, s.state().wire());
    p.setString(2, Json.list(s.approvedBy()));
    if (resolved) {
      p.setLong(3, index);
      p.setLong(4, s.at().toEpochMilli());
    } else {
      p.setNull(3, Types.BIGINT);
      p.setNull(4, Types.BIGINT);
    }
    ApprovalChange.Rebind rebind = s.rebind();
    if (rebind == null) {
      p.setNull(5, Types.VARCHAR);
      p.setNull(6, Types.VARCHAR);
      p.setNull(7, Types.INTEGER);
    } else {
      p.setString(5, rebind.policyHash());
      p.setString(6, Json.list(rebind.approvers()));
      p.setInt(7, rebind.minApprovals());
    }
    p.setString(8, s.decisionId());
  }

  private static List<ApprovalRecord> rows(PreparedStatement p)
      throws SQLException, StoreException {
    return Rows.all(p, "approvals", PostgresApprovalStore::row);
  }

  private static ApprovalRecord row(ResultSet r) throws SQLException, StoreException {
    ApprovalRequest request =
        new ApprovalRequest(
            r.getString(1),
            r.getString(2),
            r.getString(3),
            r.getString(4),
            r.getString(5),
            r.getString(6),
            r.getString(7),
            r.getString(8),
            Json.list(r.getString(9)),
            r.getInt(10),
            Instant.ofEpochMilli(r.getLong(11)),
            r.getBoolean(17));
    long resolvedIdx = r.getLong(15);
    Long resolved = r.wasNull() ? null : resolvedIdx;
    long resolvedAtMs = r.getLong(16);
    Instant resolvedAt = r.wasNull() ? null : Instant.ofEpochMilli(resolvedAtMs);
    try {
      return new ApprovalRecord(
          request,
          ApprovalState.fromWire(r.getString(12)),
          Json.list(r.getString(13)),
          r.getLong(14),
          resolved,
          resolvedAt);
    } catch (IllegalArgumentException e) {
      throw new StoreException(Kind.CORRUPT, "approval " + request.decisionId() + ": " + e);
    }
  }
}
