package dev.warden.pipeline;

import java.util.Objects;

/** What {@code POST /v1/actions} answers, before it is rendered for HTTP. */
public sealed interface ActionResponse {

  /** The decision document (its status, headers and replay flag included). */
  DecisionResponse decision();

  /**
   * Answered exactly as {@code POST /v1/decisions}: a pending escalation, or an allow no adapter
   * executes (the receipt is the warrant).
   */
  record Decided(DecisionResponse decision) implements ActionResponse {
    public Decided {
      Objects.requireNonNull(decision, "decision");
    }
  }

  /** The policy (or a budget) denied it: {@code 403 policy.denied} with the decision's reasons. */
  record Denied(DecisionResponse decision) implements ActionResponse {
    public Denied {
      Objects.requireNonNull(decision, "decision");
    }
  }

  /** The allow was executed by an adapter; {@code execution} says how it went. */
  record Executed(DecisionResponse decision, ExecutionView execution) implements ActionResponse {
    public Executed {
      Objects.requireNonNull(decision, "decision");
      Objects.requireNonNull(execution, "execution");
    }
  }
}
