package dev.warden.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the policy sees of one authenticated action request.
 *
 * @param agentId the authenticated agent's id
 * @param tenant the agent's tenant
 * @param agentLabels labels registered with the agent (for conditions in a later policy engine)
 * @param action the requested action, e.g. {@code payments.transfer}
 * @param resource the resource acted on, e.g. {@code acct/123}
 * @param labels labels the request carries
 * @param classification the request's data classification, if given. An {@code Optional} component,
 *     against the house rule, because the record is the policy engine's stable input and a nullable
 *     accessor is easier to misuse there.
 * @param body the whole request body as strictly parsed JSON
 * @param now the time of the decision ({@code now} in conditions; picks budget windows)
 * @param usage what the agent and tenant have used of the policy's budgets and quotas
 */
public record PolicyRequest(
    String agentId,
    String tenant,
    Map<String, String> agentLabels,
    String action,
    String resource,
    Map<String, String> labels,
    Optional<String> classification,
    JsonNode body,
    Instant now,
    Usage usage) {

  /** Copies the maps; nothing may be null. */
  public PolicyRequest {
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(tenant, "tenant");
    agentLabels = Map.copyOf(agentLabels);
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(resource, "resource");
    labels = Map.copyOf(labels);
    Objects.requireNonNull(classification, "classification");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(usage, "usage");
  }
}
