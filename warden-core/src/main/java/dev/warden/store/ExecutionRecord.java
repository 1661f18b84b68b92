package dev.warden.store;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An execution as stored.
 *
 * @param startedIndex the log index of the allow entry that started it
 * @param finishedIndex the log index of its {@code execution} entry; null exactly while in flight
 * @param finishedAt when it finished; null exactly while in flight
 */
public record ExecutionRecord(
    String decisionId,
    String agentId,
    String adapter,
    ExecutionState state,
    long startedIndex,
    @Nullable Long finishedIndex,
    @Nullable Instant finishedAt) {

  public ExecutionRecord {
    Objects.requireNonNull(decisionId, "decisionId");
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(adapter, "adapter");
    Objects.requireNonNull(state, "state");
    boolean inFlight = state == ExecutionState.IN_FLIGHT;
    if (inFlight != (finishedIndex == null) || inFlight != (finishedAt == null)) {
      throw new IllegalArgumentException(
          "finishedIndex and finishedAt are null exactly while the execution is in flight");
    }
    if (startedIndex < 0 || (finishedIndex != null && finishedIndex <= startedIndex)) {
      throw new IllegalArgumentException("an execution finishes after it starts");
    }
  }
}
