package dev.warden.store.postgresql;

import dev.warden.store.AgentStore;
import dev.warden.store.ApprovalStore;
import dev.warden.store.ExecutionStore;
import dev.warden.store.LogStore;
import dev.warden.store.PolicyStore;
import dev.warden.store.ReplicaStore;
import dev.warden.store.ResultHandoffs;
import dev.warden.store.Store;
import dev.warden.store.StoreException;
import dev.warden.store.TokenStore;
import dev.warden.store.UsageStore;
import dev.warden.store.jdbc.JdbcPolicyStore;
import dev.warden.store.jdbc.JdbcReplicaStore;
import dev.warden.store.jdbc.JdbcResultHandoffs;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The {@link Store} on PostgreSQL, for N Warden replicas sharing one database (SPEC §18).
 *
 * <p>Guarantees, across every replica on the database: a nonce or idempotency key is accepted once
 * (unique keys, {@code INSERT … ON CONFLICT} and the row count); no counter passes the limit of a
 * charge (one conditional upsert per counter, all of a reservation in one transaction); an approval
 * or execution changes only from the state it must be in ({@code UPDATE … WHERE state = …}); the
 * log is one sequence (each batch is sealed against the head it locks, inside its transaction, so
 * stored checkpoints only grow). Every method returns after its transaction committed ({@code
 * synchronous_commit=on}). Instants are kept to the millisecond (truncated), as in the SQLite
 * store.
 *
 * <p>Agents are not cached in memory (unlike the SQLite store's {@code CachedAgentStore}, which is
 * correct only with one writer): another replica may suspend an agent or revoke a key at any time,
 * and a cache here would keep accepting it. Each authentication reads the agent (one snapshot, two
 * indexed queries).
 *
 * <p>Not guaranteed: if the connection breaks during a commit, its outcome is unknown — reported as
 * {@code UNAVAILABLE}, and the data may or may not be there.
 */
public final class PostgresStore implements Store {
  /** Connections per replica: the group committer, request threads and housekeeping. */
  static final int DEFAULT_POOL_SIZE = 8;

  /** The longest a statement may run, a wait for the log head's lock included. */
  static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(15);

  /** The database's clock in epoch milliseconds, for leases (one clock for every replica). */
  static final String NOW = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";

  private final Database db;
  private final ConnectionUrl url;
  private final Clock clock;
  private final JdbcReplicaStore replicas;
  private final JdbcResultHandoffs handoffs;
  private final PostgresAgentStore agents;
  private final PostgresTokenStore tokens;
  private final PostgresLogStore log;
  private final JdbcPolicyStore policies;
  private final PostgresUsageStore usage;
  private final PostgresApprovalStore approvals;
  private final PostgresExecutionStore executions;
  private final AtomicBoolean closed = new AtomicBoolean();

  private PostgresStore(Database db, ConnectionUrl url, Clock clock) {
    this.db = db;
    this.url = url;
    this.clock = clock;
    this.agents = new PostgresAgentStore(db);
    this.tokens = new PostgresTokenStore(db);
    this.replicas = new JdbcReplicaStore(db, NOW);
    this.handoffs = new JdbcResultHandoffs(db);
    this.log = new PostgresLogStore(db, clock, replicas.self());
    this.policies = new JdbcPolicyStore(db);
    this.usage = new PostgresUsageStore(db);
    this.approvals = new PostgresApprovalStore(db);
    this.executions = new PostgresExecutionStore(db, replicas.self());
  }

  /**
   * Connects to the database at {@code url} and brings its schema up to date (once, however many
   * replicas start at the same moment).
   *
   * @param url {@code postgresql://[user[:password]@]host[:port]/database[?user=…&password=…]}
   *     ({@code postgres://} and {@code jdbc:postgresql://} too); other parameters are the
   *     PostgreSQL JDBC driver's, e.g. {@code sslmode} or {@code currentSchema}
   * @param clock decides when nonces and idempotency records have expired while appending
   * @throws IllegalArgumentException if {@code url} is not a PostgreSQL URL
   * @throws StoreException {@code UNAVAILABLE} if the database cannot be reached or written; {@code
   *     CORRUPT} if the schema holds tables that are not Warden's, was written by a newer Warden,
   *     or its log head disagrees with its entries
   */
  public static PostgresStore open(String url, Clock clock) throws StoreException {
    return open(url, clock, DEFAULT_POOL_SIZE, DEFAULT_STATEMENT_TIMEOUT);
  }

  static PostgresStore open(String url, Clock clock, int poolSize, Duration statementTimeout)
      throws StoreException {
    return open(url, clock, poolSize, statementTimeout, false);
  }

  /**
   * Connects to an existing Warden database to audit or export its log, even when its log head
   * disagrees with its entries. Nothing is migrated: a schema at another version is refused.
   */
  public static PostgresStore openForAudit(String url) throws StoreException {
    return open(url, Clock.systemUTC(), 2, DEFAULT_STATEMENT_TIMEOUT.multipliedBy(4), true);
  }

  private static PostgresStore open(
      String url, Clock clock, int poolSize, Duration statementTimeout, boolean forAudit)
      throws StoreException {
    Objects.requireNonNull(clock, "clock");
    ConnectionUrl parsed = ConnectionUrl.parse(url);
    Database db = Database.open(parsed, poolSize, statementTimeout);
    try {
      if (forAudit) {
        Migrator.requireLatest(db);
      } else {
        Migrator.migrate(db, clock);
        LogAppend.verifyHead(db);
      }
      return new PostgresStore(db, parsed, clock);
    } catch (StoreException | RuntimeException | Error e) {
      db.close();
      throw e;
    }
  }

  /** True if {@code store} names a PostgreSQL database rather than an SQLite file. */
  public static boolean isUrl(String store) {
    return store.startsWith("postgresql://")
        || store.startsWith("postgres://")
        || store.startsWith("jdbc:postgresql://");
  }

  /** {@code url} with any password replaced by {@code ***}, for messages and logs. */
  public static String redact(String url) {
    return ConnectionUrl.redact(url);
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

  /** On a dedicated connection of its own, with LISTEN ({@link DecisionWatch}). */
  @Override
  public AutoCloseable watchDecisions(Consumer<String> changed) {
    return DecisionWatch.start(url, changed);
  }

  @Override
  public ResultHandoffs handoffs() {
    return handoffs;
  }

  @Override
  public ReplicaStore replicas() {
    return replicas;
  }

  /** Checks, with one small committed write and a read, that the database can be used now. */
  @Override
  public void checkHealth() throws StoreException {
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
          return LogAppend.readHead(c);
        });
  }

  /**
   * PostgreSQL has no quick check of its own; with data checksums on ({@code initdb -k}), it counts
   * the pages that failed theirs, which is reported here. Without checksums there is nothing to
   * report (the count is null).
   */
  @Override
  public List<String> integrityProblems() throws StoreException {
    return db.read(
        "integrity check",
        c -> {
          try (Statement st = c.createStatement();
              ResultSet rs =
                  st.executeQuery(
                      "SELECT checksum_failures FROM pg_stat_database"
                          + " WHERE datname = current_database()")) {
            long failures = rs.next() ? rs.getLong(1) : 0;
            return failures == 0
                ? List.<String>of()
                : List.of(failures + " data page(s) failed their checksum");
          }
        });
  }

  /** The database's address without its password, for messages. */
  public String describe() {
    return db.name();
  }

  /**
   * Gives up this replica's lease (its in-flight executions are orphans at once) and closes the
   * pool; the store is unusable afterwards.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        replicas.leave();
      } catch (StoreException e) {
        // The lease then expires on its own after ReplicaStore.LEASE.
      } finally {
        db.close();
      }
    }
  }
}
