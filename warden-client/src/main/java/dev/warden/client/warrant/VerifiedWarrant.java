package dev.warden.client.warrant;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * What {@link WarrantVerifier#verify} established: Warden allowed this request, the warrant is
 * within its validity, and this is its first use here. The executor still checks that the action,
 * resource and tenant are ones it performs for this caller.
 *
 * @param decisionId the decision's id (a ULID), which made the warrant single use
 * @param agent the agent Warden authenticated
 * @param tenant the agent's tenant
 * @param action the allowed action, like {@code payments.transfer}
 * @param resource the resource it acts on
 * @param policyHash {@code sha256:} + hex of the policy that allowed it
 * @param logIndex the decision entry's index in Warden's log, from 0
 * @param logOrigin the origin of that log
 * @param expires the end of the warrant's validity (before clock skew)
 */
public record VerifiedWarrant(
    String decisionId,
    String agent,
    String tenant,
    String action,
    String resource,
    String policyHash,
    long logIndex,
    String logOrigin,
    Instant expires) {

  /**
   * @throws IllegalArgumentException if a string is empty or {@code logIndex} is negative
   */
  public VerifiedWarrant {
    for (String s : new String[] {decisionId, agent, tenant, action, resource, policyHash}) {
      if (requireNonNull(s).isEmpty()) {
        throw new IllegalArgumentException("warrant fields are not empty");
      }
    }
    if (requireNonNull(logOrigin, "logOrigin").isEmpty()) {
      throw new IllegalArgumentException("logOrigin is not empty");
    }
    if (logIndex < 0) {
      throw new IllegalArgumentException("logIndex is not negative: " + logIndex);
    }
    requireNonNull(expires, "expires");
  }
}
