package dev.warden.store;

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
   * Checks that the database can be read and written now.
   *
   * @throws StoreException of kind {@code UNAVAILABLE} when it cannot
   */
  void checkHealth() throws StoreException;

  @Override
  void close();
}
