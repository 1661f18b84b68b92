package dev.warden.store.postgresql;

import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;

/**
 * Brings the schema (the connection's current schema, {@code public} unless the URL sets {@code
 * currentSchema}) up to date: the scripts {@code V<n>__<name>.sql} beside this class, applied in
 * order, all in one transaction together with their rows in {@code schema_version}. PostgreSQL's
 * DDL is transactional, so a failed migration leaves nothing behind.
 *
 * <p>Several replicas starting at once: the transaction first takes a transaction-scoped advisory
 * lock ({@link #LOCK_KEY}), so one replica migrates while the others wait, then find the schema up
 * to date and apply nothing. A schema written by a newer Warden is refused, and so is a schema that
 * has tables but no {@code schema_version} (not Warden's).
 *
 * <p>A small migrator of our own rather than Flyway: the scripts are few, this is the same shape as
 * the SQLite store's {@code Migrator}, and it keeps the one-transaction-under-one-lock rule in
 * twenty lines instead of a dependency with its own configuration and transitive libraries.
 */
final class Migrator {
  /** Every migration, in order; version n is {@code SCRIPTS.get(n - 1)}. Append only. */
  static final List<String> SCRIPTS =
      List.of("V1__init.sql", "V2__replicas.sql", "V3__active_policy.sql");

  /** The advisory lock that serializes migrations: "WARDMIGR" as a 64-bit number. */
  static final long LOCK_KEY = 0x574152444d494752L;

  private Migrator() {}

  static int latest() {
    return SCRIPTS.size();
  }

  /**
   * Applies the missing migrations.
   *
   * @throws StoreException {@code CORRUPT} for a newer or foreign schema, {@code UNAVAILABLE} if it
   *     cannot be written
   */
  static void migrate(Database db, Clock clock) throws StoreException {
    db.write(
        "migrating the schema",
        c -> {
          try (PreparedStatement p = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            p.setLong(1, LOCK_KEY);
            p.execute();
          }
          int current = currentVersion(c, db);
          if (current > latest()) {
            throw new StoreException(
                Kind.CORRUPT,
                db.name()
                    + " has schema version "
                    + current
                    + ", newer than this Warden knows (version "
                    + latest()
                    + "); run the Warden that wrote it");
          }
          if (current == latest()) {
            return null;
          }
          try (Statement s = c.createStatement()) {
            s.executeUpdate(
                "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY,"
                    + " script text NOT NULL, applied_at bigint NOT NULL)");
          }
          for (int v = current + 1; v <= latest(); v++) {
            String name = SCRIPTS.get(v - 1);
            try (Statement s = c.createStatement()) {
              s.execute(script(name));
            }
            try (PreparedStatement p =
                c.prepareStatement(
                    "INSERT INTO schema_version (version, script, applied_at) VALUES (?, ?, ?)")) {
              p.setInt(1, v);
              p.setString(2, name);
              p.setLong(3, clock.millis());
              p.executeUpdate();
            }
          }
          return null;
        });
  }

  /**
   * Checks, without writing anything, that the schema is Warden's at the version this code writes.
   */
  static void requireLatest(Database db) throws StoreException {
    int current = db.read("reading the schema version", c -> currentVersion(c, db));
    if (current != latest()) {
      throw new StoreException(
          Kind.CORRUPT,
          db.name()
              + " has schema version "
              + current
              + "; this Warden audits version "
              + latest()
              + (current < latest()
                  ? " (start 'warden serve' on it once to upgrade it)"
                  : " (run the Warden that wrote it)"));
    }
  }

  /** 0 for an empty schema, else the highest applied version. */
  private static int currentVersion(Connection c, Database db) throws SQLException, StoreException {
    String schema;
    long tables;
    boolean versioned;
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT current_schema(),"
                    + " (SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()),"
                    + " to_regclass('schema_version') IS NOT NULL")) {
      r.next();
      schema = r.getString(1);
      tables = r.getLong(2);
      versioned = r.getBoolean(3);
    }
    if (schema == null) {
      throw new StoreException(
          Kind.UNAVAILABLE,
          db.name()
              + " has no schema to create Warden's tables in (the currentSchema parameter names"
              + " one that does not exist, or the user may not use public)");
    }
    if (tables == 0) {
      return 0;
    }
    if (!versioned) {
      throw new StoreException(
          Kind.CORRUPT,
          "schema " + schema + " of " + db.name() + " holds tables, but not Warden's");
    }
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
      r.next();
      return r.getInt(1);
    }
  }

  private static String script(String name) {
    try (InputStream in = Migrator.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("migration " + name + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
