package dev.warden.store;

import java.util.List;
import java.util.Optional;

/**
 * Reads executions of allowed actions. They are written only with the log entries that record them
 * ({@link SealedBatch#executions()}), never on their own.
 */
public interface ExecutionStore {

  Optional<ExecutionRecord> find(String decisionId) throws StoreException;

  /** Executions in {@code state}, oldest start first, at most {@code limit}. */
  List<ExecutionRecord> list(ExecutionState state, int limit) throws StoreException;

  /**
   * In-flight executions whose owner is not alive, oldest start first, at most {@code limit}: their
   * replica stopped between the allow and the outcome. Never this replica's own ({@link
   * ReplicaStore#self}). On PostgreSQL an owner is alive while its lease is younger than {@link
   * ReplicaStore#LEASE}; on SQLite, which one process holds at a time, every owner but this process
   * is dead.
   */
  List<ExecutionRecord> orphaned(int limit) throws StoreException;

  /** How many executions are in {@code state}. */
  long count(ExecutionState state) throws StoreException;
}
