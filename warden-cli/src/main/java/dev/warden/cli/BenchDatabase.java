package dev.warden.cli;

import dev.warden.store.postgresql.PostgresStore;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * The PostgreSQL database a {@code warden bench --store} run uses: created fresh on the server the
 * given URL names ({@code warden_bench_<random>}, through the URL's own database and user), and
 * dropped afterwards.
 */
record BenchDatabase(String server, String name, String url) {

  /**
   * Creates a new, empty database on the server of {@code serverUrl}.
   *
   * @throws IllegalArgumentException if {@code serverUrl} is not a PostgreSQL URL
   * @throws SQLException if the server refuses (the user may not create databases)
   */
  static BenchDatabase create(String serverUrl) throws SQLException {
    if (!PostgresStore.isUrl(serverUrl)) {
      throw new IllegalArgumentException(
          "--store is a PostgreSQL URL, postgresql://host[:port]/database?user=U");
    }
    byte[] r = new byte[6];
    new SecureRandom().nextBytes(r);
    String name = "warden_bench_" + HexFormat.of().formatHex(r);
    try (Connection c = DriverManager.getConnection("jdbc:" + serverUrl);
        Statement s = c.createStatement()) {
      s.executeUpdate("CREATE DATABASE " + name);
    }
    return new BenchDatabase(serverUrl, name, withDatabase(serverUrl, name));
  }

  /** Drops the database (its connections must be closed: the servers stopped). */
  void drop() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:" + server);
        Statement s = c.createStatement()) {
      s.executeUpdate("DROP DATABASE IF EXISTS " + name);
    }
  }

  private static String withDatabase(String url, String database) {
    try {
      URI u = new URI(url);
      return new URI(u.getScheme(), u.getAuthority(), "/" + database, u.getQuery(), null)
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--store: " + e.getMessage(), e);
    }
  }
}
