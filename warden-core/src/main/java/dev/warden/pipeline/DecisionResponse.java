package dev.warden.pipeline;

import java.util.Map;
import java.util.Objects;

/**
 * What the pipeline answers for a completed decision.
 *
 * @param status 200 for allow and deny, 202 for pending
 * @param body the decision document (JSON), byte for byte the same on an idempotent replay
 * @param decisionId for the {@code Location} header of a pending decision
 * @param replayed true when an Idempotency-Key replayed an earlier decision
 * @param headers more response headers, such as {@code RateLimit} and {@code RateLimit-Policy}
 */
public record DecisionResponse(
    int status, byte[] body, String decisionId, boolean replayed, Map<String, String> headers) {

  public DecisionResponse {
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(decisionId, "decisionId");
    headers = Map.copyOf(headers);
  }

  /** The same response with {@code more} headers. */
  public DecisionResponse withHeaders(Map<String, String> more) {
    Map<String, String> all = new java.util.LinkedHashMap<>(headers);
    all.putAll(more);
    return new DecisionResponse(status, body, decisionId, replayed, all);
  }
}
