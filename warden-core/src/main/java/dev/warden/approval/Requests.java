package dev.warden.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.log.Entries;
import dev.warden.policy.PolicyRequest;
import dev.warden.policy.Usage;
import dev.warden.store.ApprovalRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The stored request of an approval, as the policy and the log see it. */
final class Requests {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Requests() {}

  /** The action request body, parsed from its stored canonical text. */
  static JsonNode body(ApprovalRequest r) {
    try {
      return JSON.readTree(r.request());
    } catch (IOException e) {
      throw new UncheckedIOException("a stored approval request is not JSON", e);
    }
  }

  /**
   * The request as the policy sees it at {@code now}. Agent labels are not kept with the approval,
   * so conditions on {@code agent.labels} see none; usage reads 0 (budgets are reserved, not read,
   * on approval).
   */
  static PolicyRequest of(ApprovalRequest r, Instant now) {
    JsonNode body = body(r);
    Map<String, String> labels = new HashMap<>();
    body.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    return new PolicyRequest(
        r.agentId(),
        r.tenant(),
        Map.of(),
        r.action(),
        r.resource(),
        labels,
        Optional.ofNullable(body.path("classification").textValue()),
        body,
        now,
        Usage.NONE);
  }

  /** What every entry about the request records of it. */
  static Entries.Subject subject(ApprovalRequest r) {
    return new Entries.Subject(
        r.decisionId(),
        r.agentId(),
        r.tenant(),
        "",
        r.action(),
        r.resource(),
        r.requestDigest(),
        body(r));
  }
}
