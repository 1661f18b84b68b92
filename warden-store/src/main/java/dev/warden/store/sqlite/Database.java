package dev.warden.store.sqlite;

import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import dev.warden.store.jdbc.Jdbc;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The connections to one database file and the transactions on them.
 *
 * <p>Writes: SQLite has one writer, so there is one write connection and a lock that write
 * transactions queue for ({@code BEGIN IMMEDIATE} … {@code COMMIT}). After an I/O error the
 * connection is closed and reopened on the next write, so the store recovers by itself once the
 * cause is gone. Reads: a few read-only connections, each read in its own snapshot; in WAL mode
 * they never wait for the writer.
 *
 * <p>Transactions are begun and ended with SQL, not with JDBC's auto-commit switch: the driver
 * would begin the next transaction right after each commit and so hold the write lock forever.
 */
final class Database implements Jdbc, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  /** Read-only connections: enough for the request threads of a 2-core machine. */
  static final int READERS = 4;

  private final DatabaseFile file;

  private final int busyTimeoutMillis;
  private final ReentrantLock writeLock = new ReentrantLock();
  private @Nullable Connection writer; // guarded by writeLock
  private final BlockingQueue<Reader> readers = new ArrayBlockingQueue<>(READERS);
  private volatile boolean closed;

  /** A pooled read-only connection, opened on first use and reopened after an error. */
  private static final class Reader {
    @Nullable Connection connection;
  }

  private Database(DatabaseFile file, Duration busyTimeout) {
    this.file = file;
    this.busyTimeoutMillis = Math.toIntExact(busyTimeout.toMillis());
    for (int i = 0; i < READERS; i++) {
      readers.add(new Reader());
    }
  }

  /** Opens the write connection now (it creates the WAL files); readers open when first used. */
  static Database open(DatabaseFile file, Duration busyTimeout) throws StoreException {
    Database db = new Database(file, busyTimeout);
    db.writeLock.lock();
    try {
      db.writer();
    } catch (SQLException e) {
      throw SqliteErrors.map(file.path(), "opening", e);
    } finally {
      db.writeLock.unlock();
    }
    return db;
  }

  Path path() {
    return file.path();
  }

  /**
   * Runs {@code work} in a write transaction and commits it (fsynced, {@code synchronous=FULL}).
   * Anything thrown rolls it back. Not reentrant: work must not start another transaction.
   */
  @Override
  public <T> T write(String what, Work<T> work) throws StoreException {
    if (writeLock.isHeldByCurrentThread()) {
      throw new IllegalStateException("the store was called from inside its own write transaction");
    }
    writeLock.lock();
    try {
      if (closed) {
        throw closed();
      }
      Connection c;
      try {
        c = writer();
        execute(c, "BEGIN IMMEDIATE");
      } catch (SQLException e) {
        discardWriter();
        throw SqliteErrors.map(file.path(), what, e);
      }
      try {
        T result = work.run(c);
        execute(c, "COMMIT");
        return result;
      } catch (SQLException e) {
        boolean clean = rollback(c);
        StoreException mapped = SqliteErrors.map(file.path(), what, e);
        // After an I/O error the connection is replaced: the next write starts afresh.
        if (!clean || mapped.kind() != Kind.CONFLICT) {
          discardWriter();
        }
        throw mapped;
      } catch (StoreException | RuntimeException | Error e) {
        if (!rollback(c)) {
          discardWriter();
        }
        throw e;
      }
    } finally {
      writeLock.unlock();
    }
  }

  /** Runs {@code work} in a read transaction: one consistent snapshot of the database. */
  @Override
  public <T> T read(String what, Work<T> work) throws StoreException {
    if (closed) {
      throw closed();
    }
    Reader reader = borrow(what);
    try {
      Connection c;
      try {
        c = connection(reader);
        execute(c, "BEGIN");
      } catch (SQLException e) {
        discard(reader);
        throw SqliteErrors.map(file.path(), what, e);
      }
      try {
        T result = work.run(c);
        execute(c, "COMMIT");
        return result;
      } catch (SQLException e) {
        rollback(c);
        discard(reader);
        throw SqliteErrors.map(file.path(), what, e);
      } catch (StoreException | RuntimeException | Error e) {
        if (!rollback(c)) {
          discard(reader);
        }
        throw e;
      }
    } finally {
      if (closed) {
        discard(reader);
      }
      readers.add(reader);
    }
  }

  private Reader borrow(String what) throws StoreException {
    try {
      Reader r = readers.poll(busyTimeoutMillis, TimeUnit.MILLISECONDS);
      if (r == null) {
        throw new StoreException(
            Kind.UNAVAILABLE,
            what + " in " + file.path() + " failed: no read connection free within the timeout");
      }
      return r;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException(Kind.UNAVAILABLE, what + " was interrupted", e);
    }
  }

  private Connection connection(Reader reader) throws SQLException {
    Connection c = reader.connection;
    if (c == null) {
      SQLiteConfig config = new SQLiteConfig();
      config.setReadOnly(true);
      config.resetOpenMode(org.sqlite.SQLiteOpenMode.CREATE);
      config.setBusyTimeout(busyTimeoutMillis);
      c = config.createConnection(file.jdbcUrl());
      execute(c, "PRAGMA trusted_schema = OFF");
      reader.connection = c;
    }
    return c;
  }

  private Connection writer() throws SQLException {
    Connection c = writer;
    if (c == null) {
      SQLiteConfig config = new SQLiteConfig();
      // The file was created by DatabaseFile with mode 0600; SQLite must not create another.
      config.resetOpenMode(org.sqlite.SQLiteOpenMode.CREATE);
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      // FULL: a commit returns after the WAL is fsynced (NORMAL would lose the tail on power loss).
      config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
      config.enforceForeignKeys(true);
      config.setBusyTimeout(busyTimeoutMillis);
      c = config.createConnection(file.jdbcUrl());
      try {
        execute(c, "PRAGMA trusted_schema = OFF");
        String mode = pragma(c, "journal_mode");
        if (!"wal".equalsIgnoreCase(mode)) {
          throw new SQLException("journal_mode is " + mode + ", not wal");
        }
      } catch (SQLException e) {
        c.close();
        throw e;
      }
      writer = c;
      syncDirectory();
    }
    return c;
  }

  /**
   * Fsyncs the directory, so that the names of the files just created (the database, its WAL)
   * survive a power loss along with the data fsynced into them. SQLite does not do it for the WAL.
   */
  private void syncDirectory() {
    Path dir = file.path().getParent();
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      log.debug("cannot fsync the directory {}: {}", dir, e.toString()); // not every OS allows it
    }
  }

  /** The value of {@code PRAGMA name} on the write connection (for tests and diagnostics). */
  String writerPragma(String name) throws StoreException {
    return write("reading PRAGMA " + name, c -> pragma(c, name));
  }

  private static String pragma(Connection c, String name) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("PRAGMA " + name)) {
      return r.next() ? String.valueOf(r.getString(1)) : "";
    }
  }

  static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** Rolls back; false if that failed in a way that leaves the connection in doubt. */
  private boolean rollback(Connection c) {
    try {
      execute(c, "ROLLBACK");
      return true;
    } catch (SQLException e) {
      // SQLite rolls back by itself on some errors; then there is no transaction left (a plain
      // SQLITE_ERROR here). Anything else leaves the connection in doubt: it gets replaced.
      if (SqliteErrors.isPlainError(e)) {
        return true;
      }
      log.warn("rollback in {} failed: {}", file.path(), SqliteErrors.describe(e));
      return false;
    }
  }

  private void discardWriter() {
    Connection c = writer;
    writer = null;
    closeQuietly(c);
  }

  private static void discard(Reader reader) {
    Connection c = reader.connection;
    reader.connection = null;
    closeQuietly(c);
  }

  private static void closeQuietly(@Nullable Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        log.debug("closing a connection failed: {}", SqliteErrors.describe(e));
      }
    }
  }

  private StoreException closed() {
    return new StoreException(Kind.UNAVAILABLE, "the store " + file.path() + " is closed");
  }

  /** Closes every connection; waits a moment for reads in progress to finish. */
  @Override
  public void close() {
    closed = true;
    writeLock.lock();
    try {
      discardWriter();
    } finally {
      writeLock.unlock();
    }
    for (int i = 0; i < READERS; i++) {
      try {
        Reader r = readers.poll(busyTimeoutMillis, TimeUnit.MILLISECONDS);
        if (r == null) {
          log.warn("a read of {} did not finish before close", file.path());
          return;
        }
        discard(r);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
