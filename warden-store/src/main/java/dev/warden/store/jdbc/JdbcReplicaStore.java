package dev.warden.store.jdbc;

import dev.warden.store.ReplicaStore;
import dev.warden.store.StoreException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.util.HexFormat;

/**
 * The lease of this replica in the {@code replicas} table, the same SQL on SQLite and PostgreSQL.
 * Times are the database's clock ({@code now}, an SQL expression in epoch milliseconds), so
 * replicas on machines whose clocks disagree still agree on whose lease expired.
 */
public final class JdbcReplicaStore implements ReplicaStore {
  /** Leases expired this long ago are deleted: no live replica can still own them. */
  private static final long FORGET_AFTER_MS = 3_600_000;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Jdbc db;
  private final String now;
  private final String self;
  private volatile boolean joined;

  /**
   * @param now an SQL expression for the database's current time in epoch milliseconds
   */
  public JdbcReplicaStore(Jdbc db, String now) {
    this.db = db;
    this.now = now;
    byte[] id = new byte[8];
    RANDOM.nextBytes(id);
    this.self = "r-" + HexFormat.of().formatHex(id);
  }

  @Override
  public String self() {
    return self;
  }

  @Override
  public void heartbeat() throws StoreException {
    db.write(
        "renewing the lease of replica " + self,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO replicas (id, started_at, heartbeat_at) VALUES (?, "
                      + now
                      + ", "
                      + now
                      + ") ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at")) {
            p.setString(1, self);
            p.executeUpdate();
          }
          try (PreparedStatement p =
              c.prepareStatement("DELETE FROM replicas WHERE heartbeat_at < " + now + " - ?")) {
            p.setLong(1, FORGET_AFTER_MS);
            p.executeUpdate();
          }
          return null;
        });
    joined = true;
  }

  /**
   * Gives the lease up (a clean stop): in-flight executions of this replica are orphans at once.
   * Writes nothing if this replica never renewed a lease (a store opened to audit).
   */
  public void leave() throws StoreException {
    if (!joined) {
      return;
    }
    db.write(
        "ending the lease of replica " + self,
        c -> {
          try (PreparedStatement p = c.prepareStatement("DELETE FROM replicas WHERE id = ?")) {
            p.setString(1, self);
            p.executeUpdate();
          }
          return null;
        });
  }
}
