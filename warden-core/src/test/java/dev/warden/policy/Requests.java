package dev.warden.policy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Map;
import java.util.Optional;

/** Builds {@link PolicyRequest}s for tests. */
final class Requests {

  private Requests() {}

  static PolicyRequest request(String action, String resource) {
    return request("agent-1", "acme", action, resource, Map.of());
  }

  static PolicyRequest request(
      String agent, String tenant, String action, String resource, Map<String, String> labels) {
    return new PolicyRequest(
        agent,
        tenant,
        Map.of(),
        action,
        resource,
        labels,
        Optional.empty(),
        JsonNodeFactory.instance.objectNode(),
        java.time.Instant.parse("2026-11-21T12:00:00Z"),
        Usage.NONE);
  }
}
