package dev.warden.store.jdbc;

import dev.warden.store.ResultHandoffs;
import dev.warden.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** {@link ResultHandoffs} in {@code result_handoffs}, the same SQL on SQLite and PostgreSQL. */
public final class JdbcResultHandoffs implements ResultHandoffs {
  private final Jdbc db;

  public JdbcResultHandoffs(Jdbc db) {
    this.db = db;
  }

  @Override
  public void put(String decisionId, byte[] result, Instant expires) throws StoreException {
    Objects.requireNonNull(decisionId, "decisionId");
    Objects.requireNonNull(result, "result");
    db.write(
        "handing off the result of " + decisionId,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO result_handoffs (decision_id, result, expires_at) VALUES (?, ?, ?)"
                      + " ON CONFLICT (decision_id) DO NOTHING")) {
            p.setString(1, decisionId);
            p.setBytes(2, result);
            p.setLong(3, expires.toEpochMilli());
            p.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Optional<byte[]> take(String decisionId, Instant now) throws StoreException {
    Objects.requireNonNull(decisionId, "decisionId");
    return db.write(
        "taking the result of " + decisionId,
        c -> {
          byte[] found = null;
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT result FROM result_handoffs WHERE decision_id = ? AND expires_at > ?")) {
            p.setString(1, decisionId);
            p.setLong(2, now.toEpochMilli());
            try (ResultSet r = p.executeQuery()) {
              if (r.next()) {
                found = r.getBytes(1);
              }
            }
          }
          try (PreparedStatement p =
              c.prepareStatement("DELETE FROM result_handoffs WHERE decision_id = ?")) {
            p.setString(1, decisionId);
            if (p.executeUpdate() != 1) {
              // Another waiter took it between the read and the delete.
              found = null;
            }
          }
          return Optional.ofNullable(found);
        });
  }

  @Override
  public int purgeExpired(Instant now) throws StoreException {
    return db.write(
        "purging expired result handoffs",
        c -> {
          try (PreparedStatement p =
              c.prepareStatement("DELETE FROM result_handoffs WHERE expires_at <= ?")) {
            p.setLong(1, now.toEpochMilli());
            return p.executeUpdate();
          }
        });
  }
}
