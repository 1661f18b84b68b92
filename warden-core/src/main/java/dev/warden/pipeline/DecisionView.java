package dev.warden.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Renders the decision document (SPEC §16) from a decision entry and its log index. A pure function
 * of the stored entry, so the answer to an idempotent retry or to {@code GET /v1/decisions/{id}} is
 * byte for byte the answer to the original request.
 */
public final class DecisionView {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DecisionView() {}

  public static byte[] render(byte[] entry, long index, ObjectNode receipt) {
    try {
      return render(JSON.readTree(entry), index, receipt);
    } catch (IOException e) {
      throw new UncheckedIOException("a stored decision entry is not JSON", e);
    }
  }

  /** The same, from the entry as a tree. */
  public static byte[] render(JsonNode e, long index, ObjectNode receipt) {
    try {
      ObjectNode out = JSON.createObjectNode();
      out.set("decision_id", e.get("decision_id"));
      out.set("decision", e.get("decision"));
      out.set("reasons", e.get("reasons"));
      out.set("policy_hash", e.get("policy_hash"));
      out.put("log_index", index);
      for (String f :
          new String[] {"agent", "tenant", "action", "resource", "request_digest", "ts"}) {
        out.set(f, e.get(f));
      }
      out.set("receipt", receipt);
      return JSON.writeValueAsBytes(out);
    } catch (IOException x) {
      throw new UncheckedIOException("cannot write a decision document", x);
    }
  }

  /** The HTTP status of a decision document: 202 while it is pending, 200 once decided. */
  public static int status(String decision) {
    return decision.equals("pending") ? 202 : 200;
  }

  /** The {@code decision} field of a stored decision entry. */
  public static String decisionOf(byte[] entry) {
    try {
      return JSON.readTree(entry).path("decision").asText();
    } catch (IOException e) {
      throw new UncheckedIOException("a stored decision entry is not JSON", e);
    }
  }
}
