package dev.warden.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.store.ExecutionState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An execution's outcome as the agent sees it.
 *
 * @param outcome a final state
 * @param status the upstream's HTTP status; null when there was no response
 * @param durationMs how long the adapter ran; null when unknown (a crash)
 * @param responseDigest {@code sha256:…} of the response body; null without a response
 * @param body the response body; null when answered from the log (an idempotent replay), which
 *     never keeps bodies
 * @param reason why it failed without a response; null otherwise
 * @param detail for operators; null when there is none
 */
public record ExecutionView(
    ExecutionState outcome,
    @Nullable Integer status,
    @Nullable Long durationMs,
    @Nullable String responseDigest,
    byte @Nullable [] body,
    @Nullable String reason,
    @Nullable String detail) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public ExecutionView {
    Objects.requireNonNull(outcome, "outcome");
    if (outcome == ExecutionState.IN_FLIGHT) {
      throw new IllegalArgumentException("an execution view shows a final outcome");
    }
    body = body == null ? null : body.clone();
  }

  @Override
  public byte @Nullable [] body() {
    return body == null ? null : body.clone();
  }

  /** True when the upstream answered 2xx. */
  public boolean succeeded() {
    return outcome == ExecutionState.SUCCEEDED;
  }

  /** The outcome of a run that just happened. */
  static ExecutionView of(ExecutionState outcome, ActionResult result) {
    return switch (result) {
      case ActionResult.Completed c ->
          new ExecutionView(
              outcome,
              c.status(),
              c.durationMillis(),
              c.responseDigest(),
              c.body(),
              c.successful() ? null : "upstream_status",
              c.successful() ? null : "the upstream answered " + c.status());
      case ActionResult.Failed f ->
          new ExecutionView(outcome, null, f.durationMillis(), null, null, f.reason(), f.detail());
    };
  }

  /** The outcome recorded by an {@code execution} entry, without a body. */
  static ExecutionView fromEntry(byte[] entry) {
    try {
      JsonNode e = JSON.readTree(entry);
      return new ExecutionView(
          ExecutionState.fromWire(e.path("outcome").asText()),
          e.has("status") ? e.get("status").intValue() : null,
          e.has("duration_ms") ? e.get("duration_ms").longValue() : null,
          e.has("response_digest") ? e.get("response_digest").textValue() : null,
          null,
          e.has("reason") ? e.get("reason").textValue() : null,
          e.has("detail") ? e.get("detail").textValue() : null);
    } catch (IOException e) {
      throw new UncheckedIOException("a stored execution entry is not JSON", e);
    }
  }
}
