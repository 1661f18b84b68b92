package dev.warden.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What an approval is bound to (SPEC §8): the decision, the agent, the exact request (its digest
 * and its canonical text, to evaluate it again and to act on it when approved), the policy that
 * escalated it, and until when it may be approved.
 *
 * @param request the canonical JSON text of the action request body
 * @param approvers operator subjects who may approve; empty means any holder of the {@code
 *     approver} scope
 * @param minApprovals distinct approvals needed, at least 1
 * @param act whether the request came through {@code POST /v1/actions}: once approved, its action
 *     runs through its adapter (SPEC §8); a {@code POST /v1/decisions} escalation only decides
 */
public record ApprovalRequest(
    String decisionId,
    String agentId,
    String tenant,
    String action,
    String resource,
    String requestDigest,
    String policyHash,
    String request,
    List<String> approvers,
    int minApprovals,
    Instant expiresAt,
    boolean act) {

  public ApprovalRequest {
    Objects.requireNonNull(decisionId, "decisionId");
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(requestDigest, "requestDigest");
    Objects.requireNonNull(policyHash, "policyHash");
    Objects.requireNonNull(request, "request");
    approvers = List.copyOf(approvers);
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (minApprovals < 1) {
      throw new IllegalArgumentException("min_approvals is at least 1");
    }
  }
}
