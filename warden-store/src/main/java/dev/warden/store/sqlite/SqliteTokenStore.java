package dev.warden.store.sqlite;

import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import dev.warden.store.TokenRecord;
import dev.warden.store.TokenStore;
import dev.warden.store.jdbc.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Operator and agent tokens in {@code tokens}, found by the SHA-256 of the token (a unique index).
 */
final class SqliteTokenStore implements TokenStore {
  private static final String COLUMNS =
      "id, subject, scopes, hash, created_at, expires_at, revoked_at, agent_id";

  private final Database db;

  SqliteTokenStore(Database db) {
    this.db = db;
  }

  @Override
  public void create(TokenRecord token) throws StoreException {
    Objects.requireNonNull(token, "token");
    db.write(
        "creating token " + token.id(),
        c -> {
          try (PreparedStatement p =
              c.prepareStatement("SELECT 1 FROM tokens WHERE id = ? OR hash = ?")) {
            p.setString(1, token.id());
            p.setBytes(2, token.hash());
            try (ResultSet r = p.executeQuery()) {
              if (r.next()) {
                // Which one is not said: a hash collision would tell the caller about another
                // token.
                throw new StoreException(
                    Kind.CONFLICT, "token " + token.id() + " or a token with its hash exists");
              }
            }
          }
          if (token.agentId() != null && !agentExists(c, token.agentId())) {
            throw new StoreException(Kind.NOT_FOUND, "no agent " + token.agentId());
          }
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO tokens (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            p.setString(1, token.id());
            p.setString(2, token.subject());
            p.setString(3, Json.scopes(token.scopes()));
            p.setBytes(4, token.hash());
            p.setLong(5, token.createdAt().toEpochMilli());
            Rows.setNullableInstant(p, 6, token.expiresAt());
            Rows.setNullableInstant(p, 7, token.revokedAt());
            p.setString(8, token.agentId());
            p.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Optional<TokenRecord> findByHash(byte[] hash) throws StoreException {
    byte[] h = hash.clone();
    return db.read(
        "looking up a token",
        c -> {
          try (PreparedStatement p =
              c.prepareStatement("SELECT " + COLUMNS + " FROM tokens WHERE hash = ?")) {
            p.setBytes(1, h);
            try (ResultSet r = p.executeQuery()) {
              return r.next() ? Optional.of(token(r)) : Optional.<TokenRecord>empty();
            }
          }
        });
  }

  @Override
  public List<TokenRecord> list() throws StoreException {
    return db.read(
        "listing tokens",
        c -> {
          List<TokenRecord> tokens = new ArrayList<>();
          try (PreparedStatement p =
                  c.prepareStatement("SELECT " + COLUMNS + " FROM tokens ORDER BY created_at, id");
              ResultSet r = p.executeQuery()) {
            while (r.next()) {
              tokens.add(token(r));
            }
          }
          return tokens;
        });
  }

  @Override
  public void revoke(String id, Instant at) throws StoreException {
    Objects.requireNonNull(at, "at");
    db.write(
        "revoking token " + id,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
            p.setLong(1, at.toEpochMilli());
            p.setString(2, id);
            if (p.executeUpdate() == 1) {
              return null;
            }
          }
          if (!exists(c, id)) {
            throw new StoreException(Kind.NOT_FOUND, "no token " + id);
          }
          return null;
        });
  }

  private static boolean exists(Connection c, String id) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM tokens WHERE id = ?")) {
      p.setString(1, id);
      try (ResultSet r = p.executeQuery()) {
        return r.next();
      }
    }
  }

  private static boolean agentExists(Connection c, String agentId) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM agents WHERE id = ?")) {
      p.setString(1, agentId);
      try (ResultSet r = p.executeQuery()) {
        return r.next();
      }
    }
  }

  private static TokenRecord token(ResultSet r) throws SQLException, StoreException {
    return Rows.read(
        r,
        "tokens",
        row ->
            new TokenRecord(
                row.getString("id"),
                row.getString("subject"),
                Json.scopes(row.getString("scopes")),
                row.getBytes("hash"),
                Rows.instant(row, "created_at"),
                Rows.nullableInstant(row, "expires_at"),
                Rows.nullableInstant(row, "revoked_at"),
                row.getString("agent_id")));
  }
}
