package dev.warden.store.sqlite;

import dev.warden.store.AgentStore;
import dev.warden.store.ApprovalStore;
import dev.warden.store.CachedAgentStore;
import dev.warden.store.ExecutionStore;
import dev.warden.store.LogStore;
import dev.warden.store.PolicyStore;
import dev.warden.store.ReplicaStore;
import dev.warden.store.ResultHandoffs;
import dev.warden.store.Store;
import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import dev.warden.store.TokenStore;
import dev.warden.store.UsageStore;
import dev.warden.store.jdbc.JdbcPolicyStore;
import dev.warden.store.jdbc.JdbcReplicaStore;
import dev.warden.store.jdbc.JdbcResultHandoffs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The {@link Store} on one SQLite file, for a single Warden node (SPEC §18).
 *
 * <p>Guarantees: every write method returns only after its transaction is fsynced (WAL mode, {@code
 * synchronous=FULL}), so a {@code kill -9} or a power loss afterwards loses nothing; one process at
 * a time opens the file (an exclusive lock on {@code <file>.lock}); the file is created with mode
 * 0600 and is never a symbolic link. Instants are kept to the millisecond (truncated).
 *
 * <p>Not guaranteed: if the operating system reports that an fsync failed, the outcome of that
 * commit is unknown — the store reports it as {@code UNAVAILABLE}, and the data may or may not be
 * there after a restart.
 */
public final class SqliteStore implements Store {
  /** How long a statement waits for a lock held by another connection before it gives up. */
  static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(5);

  private final ProcessLock lock;
  private final DatabaseFile file;
  private final Database db;
  private final Clock clock;
  private final JdbcReplicaStore replicas;
  private final JdbcResultHandoffs handoffs;
  private final AgentStore agents;
  private final SqliteTokenStore tokens;
  private final SqliteLogStore log;
  private final JdbcPolicyStore policies;
  private final SqliteUsageStore usage;
  private final SqliteApprovalStore approvals;
  private final SqliteExecutionStore executions;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** The current time in epoch milliseconds, for the lease row. */
  private static final String NOW = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

  /** Agents kept in memory for authentication (each a few hundred bytes). */
  private static final int MAX_CACHED_AGENTS = 100_000;

  private SqliteStore(ProcessLock lock, DatabaseFile file, Database db, Clock clock) {
    this.lock = lock;
    this.file = file;
    this.db = db;
    this.clock = clock;
    // This process holds the database's lock: every change to agents goes through this cache.
    this.agents = new CachedAgentStore(new SqliteAgentStore(db), MAX_CACHED_AGENTS);
    this.tokens = new SqliteTokenStore(db);
    this.replicas = new JdbcReplicaStore(db, NOW);
    this.handoffs = new JdbcResultHandoffs(db);
    this.log = new SqliteLogStore(db, clock, replicas.self());
    this.policies = new JdbcPolicyStore(db);
    this.usage = new SqliteUsageStore(db);
    this.approvals = new SqliteApprovalStore(db);
    this.executions = new SqliteExecutionStore(db, replicas.self());
  }

  /**
   * Opens (creating it if needed) the database at {@code databaseFile} and brings its schema up to
   * date.
   *
   * @param clock decides when nonces and idempotency records have expired while appending
   * @throws StoreException {@code UNAVAILABLE} if another Warden holds the file, if it is a
   *     symbolic link, or if it cannot be opened for writing; {@code CORRUPT} if it is not a Warden
   *     database, was written by a newer Warden, or its log head disagrees with its entries
   */
  public static SqliteStore open(Path databaseFile, Clock clock) throws StoreException {
    return open(databaseFile, clock, DEFAULT_BUSY_TIMEOUT);
  }

  static SqliteStore open(Path databaseFile, Clock clock, Duration busyTimeout)
      throws StoreException {
    return open(databaseFile, clock, busyTimeout, false);
  }

  /**
   * Opens an existing database to audit or export its log, even when its log head disagrees with
   * its entries (the damage is then for the auditor to locate and name, not a reason to refuse).
   * Nothing is migrated: a database at another schema version is refused. Takes the same exclusive
   * lock as {@link #open}, so it fails while a server runs on the file.
   *
   * @throws StoreException {@code UNAVAILABLE} if the file is missing, locked or unreadable; {@code
   *     CORRUPT} if it is not a Warden database at this schema version
   */
  public static SqliteStore openForAudit(Path databaseFile) throws StoreException {
    if (!Files.isRegularFile(databaseFile)) {
      throw new StoreException(Kind.UNAVAILABLE, databaseFile + " does not exist");
    }
    return open(databaseFile, Clock.systemUTC(), DEFAULT_BUSY_TIMEOUT, true);
  }

  private static SqliteStore open(
      Path databaseFile, Clock clock, Duration busyTimeout, boolean forAudit)
      throws StoreException {
    Objects.requireNonNull(clock, "clock");
    Path path = DatabaseFile.resolve(databaseFile);
    ProcessLock lock = ProcessLock.acquire(path);
    Database db = null;
    try {
      DatabaseFile file = DatabaseFile.createOrOpen(path);
      db = Database.open(file, busyTimeout);
      if (forAudit) {
        Migrator.requireLatest(db);
      } else {
        Migrator.migrate(db, clock);
        LogAppend.verifyHead(db);
      }
      return new SqliteStore(lock, file, db, clock);
    } catch (StoreException | RuntimeException | Error e) {
      if (db != null) {
        db.close();
      }
      lock.close();
      throw e;
    }
  }

  @Override
  public AgentStore agents() {
    return agents;
  }

  @Override
  public TokenStore tokens() {
    return tokens;
  }

  @Override
  public LogStore log() {
    return log;
  }

  @Override
  public PolicyStore policies() {
    return policies;
  }

  @Override
  public UsageStore usage() {
    return usage;
  }

  @Override
  public ApprovalStore approvals() {
    return approvals;
  }

  @Override
  public ExecutionStore executions() {
    return executions;
  }

  /** Nothing to tell: this process is the only one that changes the file. */
  @Override
  public AutoCloseable watchDecisions(Consumer<String> changed) {
    return () -> {};
  }

  @Override
  public ResultHandoffs handoffs() {
    return handoffs;
  }

  @Override
  public ReplicaStore replicas() {
    return replicas;
  }

  /**
   * Checks, at the cost of one small fsynced commit, that the database can be written and read now:
   * the path still names the file that was opened (a deleted or replaced file would swallow every
   * later write), this process still holds the lock, a real write transaction commits to disk (a
   * query alone would pass on a full or read-only disk), and a read connection answers.
   */
  @Override
  public void checkHealth() throws StoreException {
    file.checkUnchanged();
    if (!lock.valid()) {
      throw new StoreException(Kind.UNAVAILABLE, "the lock " + lock.file() + " was lost");
    }
    db.write(
        "health check",
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO health (id, checked_at) VALUES (0, ?)"
                      + " ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at")) {
            p.setLong(1, clock.millis());
            p.executeUpdate();
          }
          return null;
        });
    db.read("health check", LogAppend::readHead);
  }

  @Override
  public List<String> integrityProblems() throws StoreException {
    return db.read(
        "integrity check",
        c -> {
          List<String> problems = new ArrayList<>();
          try (Statement st = c.createStatement();
              ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
            while (rs.next()) {
              String row = rs.getString(1);
              if (!"ok".equals(row)) {
                problems.add(row);
              }
            }
          }
          return problems;
        });
  }

  /** The value of a PRAGMA on the write connection, e.g. {@code journal_mode} (for tests). */
  String pragma(String name) throws StoreException {
    return db.writerPragma(name);
  }

  /** Closes the connections and releases the lock; the store is unusable afterwards. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      replicas.leave();
    } catch (StoreException e) {
      // Nothing depends on it: on SQLite every other owner counts as dead anyway.
    }
    try {
      db.close();
    } finally {
      lock.close();
    }
  }
}
