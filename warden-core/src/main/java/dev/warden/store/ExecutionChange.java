package dev.warden.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A change to an execution that is written in the same transaction as the log entry recording it
 * ({@link ExecutionWrite}): the allow entry starts it, the {@code execution} entry finishes it, so
 * after a crash the log and the execution never disagree.
 */
public sealed interface ExecutionChange {

  /** The decision id the change is about. */
  String decisionId();

  /**
   * A new {@link ExecutionState#IN_FLIGHT} execution, with the allow entry. A decision starts at
   * most once; a second start refuses the batch with {@link StoreException.Conflict#EXECUTION}.
   *
   * @param adapter the id of the adapter that runs it
   */
  record Start(String decisionId, String agentId, String adapter) implements ExecutionChange {
    public Start {
      Objects.requireNonNull(decisionId, "decisionId");
      Objects.requireNonNull(agentId, "agentId");
      Objects.requireNonNull(adapter, "adapter");
    }
  }

  /**
   * The outcome, with the {@code execution} entry. Applied only while the execution is in flight;
   * otherwise the store refuses the whole batch with {@link StoreException.Conflict#EXECUTION}.
   *
   * @param state a final state: never {@link ExecutionState#IN_FLIGHT}
   */
  record Finish(String decisionId, ExecutionState state, Instant at) implements ExecutionChange {
    public Finish {
      Objects.requireNonNull(decisionId, "decisionId");
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(at, "at");
      if (state == ExecutionState.IN_FLIGHT) {
        throw new IllegalArgumentException("an execution finishes in a final state");
      }
    }
  }
}
