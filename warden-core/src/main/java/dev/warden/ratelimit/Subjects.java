package dev.warden.ratelimit;

import dev.warden.policy.Scope;
import org.jspecify.annotations.Nullable;

/**
 * Who a request counts against, one subject per {@link Scope}. A rule whose scope has no subject
 * here does not apply: an agent's request has no operator token, an admin call has no agent.
 *
 * @param agentId the authenticated agent, or null
 * @param tenant the agent's tenant, or null
 * @param operatorTokenId the id (never the secret) of the operator token, or null
 */
public record Subjects(
    @Nullable String agentId, @Nullable String tenant, @Nullable String operatorTokenId) {

  /** Each subject that is given is not empty. */
  public Subjects {
    requireNonEmpty(agentId, "agentId");
    requireNonEmpty(tenant, "tenant");
    requireNonEmpty(operatorTokenId, "operatorTokenId");
  }

  /** An agent's request: the agent's and its tenant's buckets apply. */
  public static Subjects agent(String agentId, String tenant) {
    return new Subjects(agentId, tenant, null);
  }

  /** An admin API call made with an operator token: only operator buckets apply. */
  public static Subjects operator(String operatorTokenId) {
    return new Subjects(null, null, operatorTokenId);
  }

  /** The subject whose bucket a rule of {@code scope} uses, or null if there is none. */
  public @Nullable String of(Scope scope) {
    return switch (scope) {
      case AGENT -> agentId;
      case TENANT -> tenant;
      case OPERATOR -> operatorTokenId;
    };
  }

  private static void requireNonEmpty(@Nullable String subject, String name) {
    if (subject != null && subject.isEmpty()) {
      throw new IllegalArgumentException(name + " is empty; pass null when it does not apply");
    }
  }
}
