package dev.warden.store.postgresql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A throwaway database for one test class, created from the {@code postgres} database and dropped
 * after. The server is the machine's (no Docker here): {@code 127.0.0.1:5432}, user {@code
 * postgres}, trust authentication — or {@code WARDEN_TEST_POSTGRES}, a {@code postgresql://} URL of
 * a database whose user may create databases. If the server cannot be reached the tests fail (never
 * skip), saying what is missing.
 */
final class TestDatabase implements AutoCloseable {
  private static final String DEFAULT_ADMIN = "postgresql://127.0.0.1:5432/postgres?user=postgres";

  private final ConnectionUrl admin;
  private final String name;

  private TestDatabase(ConnectionUrl admin, String name) {
    this.admin = admin;
    this.name = name;
  }

  /** Creates a database with a random name. */
  static TestDatabase create(String prefix) {
    String url = System.getenv().getOrDefault("WARDEN_TEST_POSTGRES", DEFAULT_ADMIN);
    ConnectionUrl admin = ConnectionUrl.parse(url);
    String name =
        "warden_"
            + prefix.toLowerCase(Locale.ROOT)
            + "_"
            + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    try (Connection c = connect(admin);
        Statement s = c.createStatement()) {
      s.executeUpdate("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new AssertionError(
          "The PostgreSQL store tests need a PostgreSQL server: could not create a test database"
              + " through "
              + admin
              + " ("
              + e.getMessage()
              + "). Start PostgreSQL on 127.0.0.1:5432 with trust authentication for user"
              + " postgres (bash .ci/run does), or set WARDEN_TEST_POSTGRES to a postgresql://"
              + " URL whose user may create databases.",
          e);
    }
    return new TestDatabase(admin, name);
  }

  /** The {@code postgresql://} URL of this database, in {@code schema} if not null. */
  String url(String schema) {
    String base = admin.jdbcUrl().replaceFirst("^jdbc:", "");
    int slash = base.indexOf('/', "postgresql://".length());
    int query = base.indexOf('?', slash);
    String params = query < 0 ? "" : base.substring(query + 1);
    String url = base.substring(0, slash + 1) + name + "?" + params;
    if (admin.credentials().getProperty("user") != null) {
      url += "&user=" + admin.credentials().getProperty("user");
    }
    if (admin.credentials().getProperty("password") != null) {
      url += "&password=" + admin.credentials().getProperty("password");
    }
    if (schema != null) {
      url += "&currentSchema=" + schema;
    }
    return url.replace("?&", "?");
  }

  /** Runs SQL in this database (as the admin user): to set up schemas or damage data. */
  void execute(String... sql) throws SQLException {
    try (Connection c = connect(ConnectionUrl.parse(url(null)));
        Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  Connection connect() throws SQLException {
    return connect(ConnectionUrl.parse(url(null)));
  }

  private static Connection connect(ConnectionUrl url) throws SQLException {
    Properties p = new Properties();
    p.putAll(url.credentials());
    p.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(url.jdbcUrl(), p);
  }

  @Override
  public void close() {
    try (Connection c = connect(admin);
        Statement s = c.createStatement()) {
      s.executeUpdate("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new AssertionError("could not drop the test database " + name, e);
    }
  }
}
