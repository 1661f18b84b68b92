package dev.warden.store;

import java.util.List;
import java.util.function.Consumer;

/**
 * One Warden database. Thread-safe. Every method either completes durably or throws {@link
 * StoreException}; nothing is half-written.
 */
public interface Store extends AutoCloseable {

  AgentStore agents();

  TokenStore tokens();

  LogStore log();

  PolicyStore policies();

  /** Budget and quota counters and their reservations. */
  UsageStore usage();

  /** Approvals of escalated decisions (written only with their log entries). */
  ApprovalStore approvals();

  /** Executions of allowed actions by adapters (written only with their log entries). */
  ExecutionStore executions();

  /**
   * Tells {@code changed} the id of each decision whose approval or execution another replica
   * changed, soon after it committed, until the returned handle is closed. Best effort: nothing is
   * told on SQLite (one process, whose own changes its callers already see), and on PostgreSQL a
   * change made while the notification connection is broken is never told, so whoever waits on it
   * also reads the database again at a bounded interval.
   */
  AutoCloseable watchDecisions(Consumer<String> changed);

  /** Results of approved actions on their way to the replica whose call waits for them. */
  ResultHandoffs handoffs();

  /** This process as one of the replicas sharing the database, and its lease. */
  ReplicaStore replicas();

  /**
   * Checks that the database can be read and written now.
   *
   * @throws StoreException of kind {@code UNAVAILABLE} when it cannot
   */
  void checkHealth() throws StoreException;

  /**
   * Checks the database's own integrity, read-only: SQLite's {@code PRAGMA quick_check}, or the
   * data checksum failures PostgreSQL has counted for the database. For {@code warden doctor}.
   *
   * @return each problem found, as the database words it; empty when none
   */
  List<String> integrityProblems() throws StoreException;

  @Override
  void close();
}
