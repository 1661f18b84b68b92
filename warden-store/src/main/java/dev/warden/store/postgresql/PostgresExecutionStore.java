package dev.warden.store.postgresql;

import dev.warden.store.ExecutionChange;
import dev.warden.store.ExecutionRecord;
import dev.warden.store.ExecutionState;
import dev.warden.store.ExecutionStore;
import dev.warden.store.ExecutionWrite;
import dev.warden.store.ReplicaStore;
import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Conflict;
import dev.warden.store.StoreException.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Executions in {@code executions}: read here, written by {@link #write} inside a log append. */
final class PostgresExecutionStore implements ExecutionStore {
  private static final String COLUMNS =
      "decision_id, agent_id, adapter, state, started_idx, finished_idx, finished_at";

  private static final String START =
      "INSERT INTO executions ("
          + COLUMNS
          + ", owner) VALUES (?, ?, ?, 'in_flight', ?, NULL, NULL, ?)"
          + " ON CONFLICT (decision_id) DO NOTHING";

  /** Applied only from the expected state: a second finish, from any replica, changes nothing. */
  private static final String FINISH =
      "UPDATE executions SET state = ?, finished_idx = ?, finished_at = ?"
          + " WHERE decision_id = ? AND state = ? AND started_idx < ?";

  /**
   * In flight, not this replica's, and no live lease for its owner (none at all for rows from
   * before owners were recorded).
   */
  private static final String ORPHANED =
      "SELECT "
          + COLUMNS
          + " FROM executions AS e WHERE state = 'in_flight' AND (owner IS NULL OR (owner <> ?"
          + " AND NOT EXISTS (SELECT 1 FROM replicas AS r WHERE r.id = e.owner"
          + " AND r.heartbeat_at >= "
          + PostgresStore.NOW
          + " - ?))) ORDER BY started_idx LIMIT ?";

  private final Database db;
  private final String self;

  PostgresExecutionStore(Database db, String self) {
    this.db = db;
    this.self = self;
  }

  @Override
  public Optional<ExecutionRecord> find(String decisionId) throws StoreException {
    Objects.requireNonNull(decisionId, "decisionId");
    return db.read(
        "reading execution " + decisionId,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement("SELECT " + COLUMNS + " FROM executions WHERE decision_id = ?")) {
            p.setString(1, decisionId);
            List<ExecutionRecord> found = rows(p);
            return found.isEmpty() ? Optional.<ExecutionRecord>empty() : Optional.of(found.get(0));
          }
        });
  }

  @Override
  public List<ExecutionRecord> list(ExecutionState state, int limit) throws StoreException {
    Objects.requireNonNull(state, "state");
    return db.read(
        "listing executions",
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM executions WHERE state = ? ORDER BY started_idx LIMIT ?")) {
            p.setString(1, state.wire());
            p.setInt(2, limit);
            return rows(p);
          }
        });
  }

  @Override
  public List<ExecutionRecord> orphaned(int limit) throws StoreException {
    return db.read(
        "listing orphaned executions",
        c -> {
          try (PreparedStatement p = c.prepareStatement(ORPHANED)) {
            p.setString(1, self);
            p.setLong(2, ReplicaStore.LEASE.toMillis());
            p.setInt(3, limit);
            return rows(p);
          }
        });
  }

  @Override
  public long count(ExecutionState state) throws StoreException {
    Objects.requireNonNull(state, "state");
    return db.read(
        "counting executions",
        c -> {
          try (PreparedStatement p =
              c.prepareStatement("SELECT count(*) FROM executions WHERE state = ?")) {
            p.setString(1, state.wire());
            try (ResultSet r = p.executeQuery()) {
              r.next();
              return r.getLong(1);
            }
          }
        });
  }

  /**
   * Applies a batch's execution changes inside its transaction, in order: each run of starts or of
   * finishes is one JDBC batch (one round trip). A second start of a decision, or a finish of an
   * execution that is not in the finish's {@code from} state, refuses the whole batch with {@link
   * Conflict#EXECUTION}. Starts are recorded as {@code owner}'s.
   */
  static void write(Connection c, List<ExecutionWrite> writes, String owner)
      throws SQLException, StoreException {
    int i = 0;
    while (i < writes.size()) {
      boolean start = writes.get(i).change() instanceof ExecutionChange.Start;
      List<ExecutionWrite> run = new ArrayList<>();
      while (i < writes.size()
          && (writes.get(i).change() instanceof ExecutionChange.Start) == start) {
        run.add(writes.get(i++));
      }
      try (PreparedStatement p = c.prepareStatement(start ? START : FINISH)) {
        for (ExecutionWrite w : run) {
          switch (w.change()) {
            case ExecutionChange.Start s -> {
              p.setString(1, s.decisionId());
              p.setString(2, s.agentId());
              p.setString(3, s.adapter());
              p.setLong(4, w.index());
              p.setString(5, owner);
            }
            case ExecutionChange.Finish f -> {
              p.setString(1, f.state().wire());
              p.setLong(2, w.index());
              p.setLong(3, f.at().toEpochMilli());
              p.setString(4, f.decisionId());
              p.setString(5, f.from().wire());
              p.setLong(6, w.index());
            }
          }
          p.addBatch();
        }
        int[] counts = p.executeBatch();
        for (int k = 0; k < counts.length; k++) {
          if (counts[k] != 1) {
            ExecutionChange change = run.get(k).change();
            throw StoreException.conflict(
                Conflict.EXECUTION,
                change instanceof ExecutionChange.Finish f
                    ? "execution " + f.decisionId() + " is not " + f.from().wire()
                    : "execution " + change.decisionId() + " was started before");
          }
        }
      }
    }
  }

  private static List<ExecutionRecord> rows(PreparedStatement p)
      throws SQLException, StoreException {
    return Rows.all(p, "executions", PostgresExecutionStore::row);
  }

  private static ExecutionRecord row(ResultSet r) throws SQLException, StoreException {
    String decisionId = r.getString(1);
    long finishedIdx = r.getLong(6);
    Long finished = r.wasNull() ? null : finishedIdx;
    long finishedAtMs = r.getLong(7);
    Instant finishedAt = r.wasNull() ? null : Instant.ofEpochMilli(finishedAtMs);
    try {
      return new ExecutionRecord(
          decisionId,
          r.getString(2),
          r.getString(3),
          ExecutionState.fromWire(r.getString(4)),
          r.getLong(5),
          finished,
          finishedAt);
    } catch (IllegalArgumentException e) {
      throw new StoreException(Kind.CORRUPT, "execution " + decisionId + ": " + e);
    }
  }
}
