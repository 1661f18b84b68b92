package dev.warden.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A change to an approval that is written in the same transaction as the log entry recording it
 * ({@link ApprovalWrite}), so the log and the approval never disagree after a crash.
 */
public sealed interface ApprovalChange {

  /** The decision id the change is about. */
  String decisionId();

  /** A new pending approval, with the pending decision entry. */
  record Open(ApprovalRequest request) implements ApprovalChange {
    public Open {
      Objects.requireNonNull(request, "request");
    }

    @Override
    public String decisionId() {
      return request.decisionId();
    }
  }

  /**
   * A step of a pending approval: an approval counted, or its resolution. The store applies it only
   * while the approval is still pending, and otherwise refuses the whole batch with {@link
   * StoreException.Conflict#APPROVAL}.
   *
   * @param state the state after the step ({@link ApprovalState#PENDING} if more approvals are
   *     needed)
   * @param approvedBy every distinct approver after the step
   * @param rebind for a re-evaluation that escalates again under a new policy: the policy and its
   *     approval terms the approval is bound to from now on; null otherwise
   */
  record Step(
      String decisionId,
      ApprovalState state,
      List<String> approvedBy,
      Instant at,
      @Nullable Rebind rebind)
      implements ApprovalChange {
    public Step {
      Objects.requireNonNull(decisionId, "decisionId");
      Objects.requireNonNull(state, "state");
      approvedBy = List.copyOf(approvedBy);
      Objects.requireNonNull(at, "at");
      if (rebind != null && state != ApprovalState.PENDING) {
        throw new IllegalArgumentException("only a pending approval is rebound");
      }
    }
  }

  /**
   * New terms of a pending approval after a re-evaluation escalated it again: the new policy, its
   * approvers and how many approvals it needs. The expiry stays: the agent is already waiting.
   */
  record Rebind(String policyHash, List<String> approvers, int minApprovals) {
    public Rebind {
      Objects.requireNonNull(policyHash, "policyHash");
      approvers = List.copyOf(approvers);
      if (minApprovals < 1) {
        throw new IllegalArgumentException("min_approvals is at least 1");
      }
    }
  }
}
