package dev.warden.store.postgresql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears, on a dedicated connection ({@code LISTEN}), the decisions whose approval or execution
 * another replica changed: {@link LogAppend} sends {@code NOTIFY} with the decision id in the
 * transaction that changes them, so it arrives once the change is committed. A broken connection is
 * reopened after a second; what was sent meanwhile is lost, which is why waiters also read the
 * database again on their own at a bounded interval.
 */
final class DecisionWatch implements AutoCloseable {
  static final String CHANNEL = "warden_decisions";
  private static final Logger log = LoggerFactory.getLogger(DecisionWatch.class);
  private static final int POLL_MS = 500;
  private static final long RETRY_MS = 1000;

  private final ConnectionUrl url;
  private final Consumer<String> changed;
  private final Thread thread;
  private volatile boolean closed;
  private volatile Connection connection;

  private DecisionWatch(ConnectionUrl url, Consumer<String> changed) {
    this.url = url;
    this.changed = changed;
    this.thread = Thread.ofPlatform().name("warden-decision-watch").daemon().unstarted(this::run);
  }

  static DecisionWatch start(ConnectionUrl url, Consumer<String> changed) {
    DecisionWatch w = new DecisionWatch(url, changed);
    w.thread.start();
    return w;
  }

  private void run() {
    boolean warned = false;
    while (!closed) {
      try (Connection c = connect()) {
        connection = c;
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + CHANNEL);
        }
        if (warned) {
          log.info("listening for other replicas' approvals again");
          warned = false;
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        while (!closed) {
          PGNotification[] got = pg.getNotifications(POLL_MS);
          if (got != null) {
            for (PGNotification n : got) {
              changed.accept(n.getParameter());
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        if (!warned) {
          log.warn(
              "cannot listen for other replicas' approvals ({}); waiters read the database"
                  + " every few seconds until it works again",
              e.getMessage());
          warned = true;
        }
        try {
          Thread.sleep(RETRY_MS);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  private Connection connect() throws SQLException {
    Properties p = new Properties();
    p.putAll(url.credentials());
    p.setProperty("connectTimeout", "10");
    p.setProperty("tcpKeepAlive", "true");
    p.setProperty("ApplicationName", "warden-watch");
    return DriverManager.getConnection(url.jdbcUrl(), p);
  }

  @Override
  public void close() {
    closed = true;
    Connection c = connection;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // closing anyway
      }
    }
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
