package dev.warden.store.jdbc;

import dev.warden.store.PolicyStore;
import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** Policy texts in {@code policies}, by hash; the active one in {@code active_policy}. */
public final class JdbcPolicyStore implements PolicyStore {
  private final Jdbc db;

  public JdbcPolicyStore(Jdbc db) {
    this.db = db;
  }

  @Override
  public void save(String hash, String text, Instant at) throws StoreException {
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(at, "at");
    db.write(
        "saving policy " + hash,
        c -> {
          if (!text(c, hash).map(text::equals).orElse(true)) {
            throw new StoreException(
                Kind.CONFLICT, "policy " + hash + " is already kept with another text");
          }
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO policies (hash, text, first_activated, last_activated)"
                      + " VALUES (?, ?, ?, ?)"
                      + " ON CONFLICT (hash) DO UPDATE SET last_activated = excluded.last_activated")) {
            p.setString(1, hash);
            p.setString(2, text);
            p.setLong(3, at.toEpochMilli());
            p.setLong(4, at.toEpochMilli());
            p.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Optional<String> text(String hash) throws StoreException {
    Objects.requireNonNull(hash, "hash");
    return db.read("reading policy " + hash, c -> text(c, hash));
  }

  @Override
  public void activate(String hash, Instant at) throws StoreException {
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(at, "at");
    db.write(
        "activating policy " + hash,
        c -> {
          if (text(c, hash).isEmpty()) {
            throw new StoreException(Kind.CONFLICT, "no policy " + hash + " is kept to activate");
          }
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO active_policy (id, hash, activated_at) VALUES (0, ?, ?)"
                      + " ON CONFLICT (id) DO UPDATE SET hash = excluded.hash,"
                      + " activated_at = excluded.activated_at")) {
            p.setString(1, hash);
            p.setLong(2, at.toEpochMilli());
            p.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Optional<String> activeHash() throws StoreException {
    return db.read(
        "reading the active policy",
        c -> {
          try (PreparedStatement p =
                  c.prepareStatement("SELECT hash FROM active_policy WHERE id = 0");
              ResultSet r = p.executeQuery()) {
            return r.next() ? Optional.of(r.getString(1)) : Optional.<String>empty();
          }
        });
  }

  private static Optional<String> text(java.sql.Connection c, String hash)
      throws java.sql.SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT text FROM policies WHERE hash = ?")) {
      p.setString(1, hash);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? Optional.of(r.getString(1)) : Optional.<String>empty();
      }
    }
  }

  @Override
  public boolean savedSinceActivation(String hash) throws StoreException {
    Objects.requireNonNull(hash, "hash");
    return db.read(
        "reading policy " + hash,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT p.last_activated > a.activated_at FROM policies p, active_policy a"
                      + " WHERE p.hash = ? AND a.id = 0")) {
            p.setString(1, hash);
            try (ResultSet r = p.executeQuery()) {
              return r.next() && r.getBoolean(1);
            }
          }
        });
  }
}
