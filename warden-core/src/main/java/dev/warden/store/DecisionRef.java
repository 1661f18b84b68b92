package dev.warden.store;

import java.util.Objects;

/** Where a decision's entry is in the log, and which agent it belongs to. */
public record DecisionRef(String decisionId, String agentId, long index) {
  public DecisionRef {
    Objects.requireNonNull(decisionId, "decisionId");
    Objects.requireNonNull(agentId, "agentId");
    if (index < 0) {
      throw new IllegalArgumentException("index < 0");
    }
  }
}
