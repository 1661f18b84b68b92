package dev.warden.store.postgresql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import dev.warden.store.jdbc.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A pool of connections to one PostgreSQL database, and the transactions on them. Every connection
 * is in manual-commit mode at PostgreSQL's default isolation, READ COMMITTED: correctness across
 * replicas comes from row locks and conditional statements, not from retrying serializable
 * transactions. Commits are durable ({@code synchronous_commit=on} is set on every connection, so a
 * server configured otherwise cannot weaken it).
 */
final class Database implements Jdbc, AutoCloseable {
  private final HikariDataSource pool;

  private final String name;
  private volatile boolean closed;

  private Database(HikariDataSource pool, String name) {
    this.pool = pool;
    this.name = name;
  }

  /**
   * Opens a pool of at most {@code poolSize} connections; the first is opened now, so a wrong
   * address or password fails here.
   */
  static Database open(ConnectionUrl url, int poolSize, Duration statementTimeout)
      throws StoreException {
    HikariConfig config = new HikariConfig();
    config.setPoolName("warden-postgresql");
    config.setJdbcUrl(url.jdbcUrl());
    config.setDataSourceProperties(url.credentials());
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(Math.min(2, poolSize));
    config.setAutoCommit(false);
    config.setConnectionTimeout(Duration.ofSeconds(10).toMillis());
    config.setInitializationFailTimeout(1); // fail open() at once if the first connection fails
    long timeout = statementTimeout.toMillis();
    // Server-side limits per connection: a statement (a lock wait included) and a transaction left
    // idle cannot hold the log head or a counter forever. The driver's own timeouts bound a
    // connection attempt and a dead socket.
    config.addDataSourceProperty(
        "options",
        "-c statement_timeout="
            + timeout
            + " -c idle_in_transaction_session_timeout="
            + (4 * timeout)
            + " -c synchronous_commit=on");
    config.addDataSourceProperty("connectTimeout", "10");
    config.addDataSourceProperty("socketTimeout", Long.toString(2 * timeout / 1000 + 10));
    config.addDataSourceProperty("ApplicationName", "warden");
    config.addDataSourceProperty("tcpKeepAlive", "true");
    try {
      return new Database(new HikariDataSource(config), url.redacted());
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      String why =
          cause instanceof SQLException s
              ? PgErrors.describe(s)
              : String.valueOf(cause.getMessage());
      throw new StoreException(
          Kind.UNAVAILABLE, "cannot connect to PostgreSQL at " + url.redacted() + ": " + why, e);
    }
  }

  /** The database's address, without any password: for messages. */
  String name() {
    return name;
  }

  /** Runs {@code work} in a transaction and commits it; anything thrown rolls it back. */
  @Override
  public <T> T write(String what, Work<T> work) throws StoreException {
    return transaction(what, work);
  }

  /**
   * Runs {@code work} in a read-only transaction. Reads of several statements that must agree run
   * in one snapshot ({@link #snapshot}); a single statement sees one anyway.
   */
  @Override
  public <T> T read(String what, Work<T> work) throws StoreException {
    return transaction(what, work);
  }

  /** Runs {@code work} in one REPEATABLE READ, READ ONLY snapshot. */
  <T> T snapshot(String what, Work<T> work) throws StoreException {
    return transaction(
        what,
        c -> {
          execute(c, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
          return work.run(c);
        });
  }

  private <T> T transaction(String what, Work<T> work) throws StoreException {
    if (closed) {
      throw closed();
    }
    Connection c;
    try {
      c = pool.getConnection();
    } catch (SQLException e) {
      throw PgErrors.map(name, what, e);
    }
    try (c) {
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException e) {
        rollback(c);
        throw PgErrors.map(name, what, e);
      } catch (StoreException | RuntimeException | Error e) {
        rollback(c);
        throw e;
      }
    } catch (SQLException e) {
      // Closing (returning to the pool) failed: the connection is dropped by the pool.
      throw PgErrors.map(name, what, e);
    }
  }

  private static void rollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      // The connection is broken: Hikari evicts it when it is returned.
    }
  }

  static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private StoreException closed() {
    return new StoreException(Kind.UNAVAILABLE, "the store " + name + " is closed");
  }

  /** Closes every connection; transactions in progress are rolled back by the server. */
  @Override
  public void close() {
    closed = true;
    pool.close();
  }
}
