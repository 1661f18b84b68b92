package dev.warden.store.sqlite;

import dev.warden.store.ExecutionChange;
import dev.warden.store.ExecutionRecord;
import dev.warden.store.ExecutionState;
import dev.warden.store.ExecutionStore;
import dev.warden.store.ExecutionWrite;
import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Conflict;
import dev.warden.store.StoreException.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Executions in {@code executions}: read here, written by {@link #write} inside a log append. */
final class SqliteExecutionStore implements ExecutionStore {
  private static final String COLUMNS =
      "decision_id, agent_id, adapter, state, started_idx, finished_idx, finished_at";

  private final Database db;
  private final String self;

  SqliteExecutionStore(Database db, String self) {
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

  /** One process holds the file: every owner but this one is dead, whatever its lease says. */
  @Override
  public List<ExecutionRecord> orphaned(int limit) throws StoreException {
    return db.read(
        "listing orphaned executions",
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM executions WHERE state = 'in_flight'"
                      + " AND (owner IS NULL OR owner <> ?) ORDER BY started_idx LIMIT ?")) {
            p.setString(1, self);
            p.setInt(2, limit);
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
   * Applies a batch's execution changes inside its transaction. A second start of a decision, or a
   * finish of an execution that is not in the finish's {@code from} state, refuses the whole batch
   * with {@link Conflict#EXECUTION}; the log then retries the batch's entries one by one. Starts
   * are recorded as {@code owner}'s.
   */
  static void write(Connection c, List<ExecutionWrite> writes, String owner)
      throws SQLException, StoreException {
    for (ExecutionWrite w : writes) {
      switch (w.change()) {
        case ExecutionChange.Start start -> start(c, start, w.index(), owner);
        case ExecutionChange.Finish finish -> finish(c, finish, w.index());
      }
    }
  }

  private static void start(Connection c, ExecutionChange.Start s, long index, String owner)
      throws SQLException, StoreException {
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO executions ("
                + COLUMNS
                + ", owner) VALUES (?, ?, ?, 'in_flight', ?, NULL, NULL, ?)"
                + " ON CONFLICT (decision_id) DO NOTHING")) {
      p.setString(1, s.decisionId());
      p.setString(2, s.agentId());
      p.setString(3, s.adapter());
      p.setLong(4, index);
      p.setString(5, owner);
      if (p.executeUpdate() != 1) {
        throw StoreException.conflict(
            Conflict.EXECUTION, "execution " + s.decisionId() + " was started before");
      }
    }
  }

  private static void finish(Connection c, ExecutionChange.Finish f, long index)
      throws SQLException, StoreException {
    try (PreparedStatement p =
        c.prepareStatement(
            "UPDATE executions SET state = ?, finished_idx = ?, finished_at = ?"
                + " WHERE decision_id = ? AND state = ? AND started_idx < ?")) {
      p.setString(1, f.state().wire());
      p.setLong(2, index);
      p.setLong(3, f.at().toEpochMilli());
      p.setString(4, f.decisionId());
      p.setString(5, f.from().wire());
      p.setLong(6, index);
      if (p.executeUpdate() != 1) {
        throw StoreException.conflict(
            Conflict.EXECUTION, "execution " + f.decisionId() + " is not " + f.from().wire());
      }
    }
  }

  private static List<ExecutionRecord> rows(PreparedStatement p)
      throws SQLException, StoreException {
    return Rows.all(p, "executions", SqliteExecutionStore::row);
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
