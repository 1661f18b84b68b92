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
   * The outcome, with the {@code execution} entry. Applied only while the execution is in state
   * {@code from}; otherwise the store refuses the whole batch with {@link
   * StoreException.Conflict#EXECUTION}. Two transitions exist: an in-flight execution finishes in
   * any final state (its adapter returned, or a crash interrupted it), and an operator resolves an
   * {@link ExecutionState#OUTCOME_UNKNOWN} one as {@link ExecutionState#SUCCEEDED} or {@link
   * ExecutionState#FAILED} after checking the upstream.
   *
   * @param from the state the execution must be in: {@link ExecutionState#IN_FLIGHT} or {@link
   *     ExecutionState#OUTCOME_UNKNOWN}
   * @param state a final state: never {@link ExecutionState#IN_FLIGHT}; from {@code
   *     outcome_unknown} only {@code succeeded} or {@code failed}
   */
  record Finish(String decisionId, ExecutionState from, ExecutionState state, Instant at)
      implements ExecutionChange {
    public Finish {
      Objects.requireNonNull(decisionId, "decisionId");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(at, "at");
      if (state == ExecutionState.IN_FLIGHT) {
        throw new IllegalArgumentException("an execution finishes in a final state");
      }
      boolean resolves =
          from == ExecutionState.OUTCOME_UNKNOWN
              && (state == ExecutionState.SUCCEEDED || state == ExecutionState.FAILED);
      if (from != ExecutionState.IN_FLIGHT && !resolves) {
        throw new IllegalArgumentException(
            "an execution finishes from in_flight, or is resolved from outcome_unknown as"
                + " succeeded or failed; not from "
                + from.wire()
                + " to "
                + state.wire());
      }
    }

    /** The outcome of an in-flight execution. */
    public Finish(String decisionId, ExecutionState state, Instant at) {
      this(decisionId, ExecutionState.IN_FLIGHT, state, at);
    }
  }
}
