package dev.warden.store.sqlite;

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
 * Brings the schema up to date: the scripts {@code V<n>__<name>.sql} beside this class, applied in
 * order, each in its own transaction together with its row in {@code schema_version}. A database
 * written by a newer Warden is refused rather than guessed at, and so is an SQLite file that is not
 * Warden's.
 */
final class Migrator {
  /** Every migration, in order; version n is {@code SCRIPTS.get(n - 1)}. Append only. */
  static final List<String> SCRIPTS =
      List.of(
          "V1__init.sql",
          "V2__policies.sql",
          "V3__usage.sql",
          "V4__approvals.sql",
          "V5__executions.sql",
          "V6__approval_act.sql",
          "V7__agent_tokens.sql",
          "V8__replicas.sql",
          "V9__active_policy.sql");

  /** {@code PRAGMA application_id} of a Warden database: "WARD". */
  static final int APPLICATION_ID = 0x57415244;

  private Migrator() {}

  /** The schema version this code writes. */
  static int latest() {
    return SCRIPTS.size();
  }

  /**
   * Applies the missing migrations to the database behind {@code db}.
   *
   * @throws StoreException {@code CORRUPT} for a newer or foreign database, {@code UNAVAILABLE} if
   *     it cannot be written
   */
  static void migrate(Database db, Clock clock) throws StoreException {
    int current = db.write("reading the schema version", c -> currentVersion(c, db));
    if (current > latest()) {
      throw new StoreException(
          Kind.CORRUPT,
          db.path()
              + " has schema version "
              + current
              + ", newer than this Warden knows (version "
              + latest()
              + "); run the Warden that wrote it");
    }
    for (int v = current + 1; v <= latest(); v++) {
      String name = SCRIPTS.get(v - 1);
      String sql = script(name);
      int version = v;
      db.write(
          "applying migration " + name,
          c -> {
            try (Statement s = c.createStatement()) {
              s.executeUpdate(
                  "CREATE TABLE IF NOT EXISTS schema_version ("
                      + "version INTEGER PRIMARY KEY, script TEXT NOT NULL,"
                      + " applied_at INTEGER NOT NULL) STRICT");
              s.executeUpdate(sql);
            }
            try (PreparedStatement p =
                c.prepareStatement(
                    "INSERT INTO schema_version (version, script, applied_at) VALUES (?, ?, ?)")) {
              p.setInt(1, version);
              p.setString(2, name);
              p.setLong(3, clock.millis());
              p.executeUpdate();
            }
            return null;
          });
    }
  }

  /**
   * Checks, without writing anything, that the database is Warden's at the version this code
   * writes.
   *
   * @throws StoreException {@code CORRUPT} for a foreign database or another version
   */
  static void requireLatest(Database db) throws StoreException {
    int current = db.read("reading the schema version", c -> currentVersion(c, db));
    if (current != latest()) {
      throw new StoreException(
          Kind.CORRUPT,
          db.path()
              + " has schema version "
              + current
              + "; this Warden audits version "
              + latest()
              + (current < latest()
                  ? " (start 'warden serve' on it once to upgrade it)"
                  : " (run the Warden that wrote it)"));
    }
  }

  /** 0 for an empty file, else the highest applied version. */
  private static int currentVersion(Connection c, Database db) throws SQLException, StoreException {
    int appId;
    boolean anyTable;
    boolean versioned;
    try (Statement s = c.createStatement()) {
      try (ResultSet r = s.executeQuery("PRAGMA application_id")) {
        appId = r.next() ? r.getInt(1) : 0;
      }
      try (ResultSet r = s.executeQuery("SELECT count(*) FROM sqlite_schema")) {
        anyTable = r.next() && r.getLong(1) > 0;
      }
      try (ResultSet r =
          s.executeQuery(
              "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
                  + " AND name = 'schema_version'")) {
        versioned = r.next() && r.getLong(1) > 0;
      }
    }
    if (!anyTable && appId == 0) {
      return 0;
    }
    if (appId != APPLICATION_ID || !versioned) {
      throw new StoreException(
          Kind.CORRUPT,
          db.path() + " is an SQLite database, but not Warden's (application_id " + appId + ")");
    }
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT max(version) FROM schema_version")) {
      return r.next() ? r.getInt(1) : 0;
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
