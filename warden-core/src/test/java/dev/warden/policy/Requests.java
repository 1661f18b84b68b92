package dev.warden.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Builds {@link PolicyRequest}s for tests. */
final class Requests {

  static final Instant NOON = Instant.parse("2026-11-21T12:00:00Z");

  private static final ObjectMapper JSON = new ObjectMapper();

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
        NOON,
        Usage.NONE);
  }

  /** A request of agent-1 of tenant acme with {@code body} (JSON) as its body. */
  static PolicyRequest request(
      String action, String resource, String body, Instant now, Usage usage) {
    try {
      return new PolicyRequest(
          "agent-1",
          "acme",
          Map.of("team", "billing"),
          action,
          resource,
          Map.of("env", "prod"),
          Optional.of("internal"),
          JSON.readTree(body),
          now,
          usage);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
