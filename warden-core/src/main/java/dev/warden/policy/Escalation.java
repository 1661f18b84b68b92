package dev.warden.policy;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How an escalate rule's request is approved (SPEC §8). Kept for the approval workflow; the policy
 * itself only decides that approval is needed.
 *
 * @param approvers groups or operator subjects that may approve; empty means any operator with the
 *     {@code approver} scope
 * @param minApprovals distinct approvals needed, at least 1
 * @param ttl how long the request waits before it expires (a deny)
 */
public record Escalation(List<String> approvers, int minApprovals, Duration ttl) {

  /** The wait when a rule gives no {@code ttl}. */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(15);

  public Escalation {
    approvers = List.copyOf(approvers);
    Objects.requireNonNull(ttl, "ttl");
    if (minApprovals < 1) {
      throw new IllegalArgumentException("min_approvals must be at least 1, got " + minApprovals);
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive, got " + ttl);
    }
  }
}
