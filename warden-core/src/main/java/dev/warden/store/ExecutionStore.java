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

  /** How many executions are in {@code state}. */
  long count(ExecutionState state) throws StoreException;
}
