package dev.warden.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.pipeline.ActionResponse;
import dev.warden.pipeline.DecisionResponse;
import dev.warden.pipeline.ExecutionView;
import dev.warden.server.logging.Redaction;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How {@code POST /v1/actions} answers a denial and an execution: {@code 403 policy.denied} with
 * the decision's {@code reasons}, {@code decision_id} and {@code receipt}; 200 with the decision
 * document and its {@code execution}; {@code 502 adapter.failed} with the {@code decision_id} and
 * the {@code execution} when it did not succeed.
 */
final class ActionAnswers {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ActionAnswers() {}

  static void denied(Context ctx, DecisionResponse d) {
    JsonNode doc = read(d.body());
    ObjectNode more = JSON.createObjectNode();
    more.set("reasons", doc.get("reasons"));
    more.set("receipt", doc.get("receipt"));
    JsonNode first = doc.path("reasons").path(0).path("message");
    String detail = first.isTextual() ? first.asText() : "the policy denies this request";
    if (d.replayed()) {
      ctx.header("Idempotent-Replayed", "true");
    }
    Problems.write(
        ctx,
        new RequestRejected(ErrorCode.POLICY_DENIED, detail)
            .withDecisionId(d.decisionId())
            .withHeaders(d.headers()),
        more);
  }

  static void executed(Context ctx, ActionResponse.Executed e) {
    DecisionResponse d = e.decision();
    ObjectNode execution = render(e.execution(), d.replayed());
    if (d.replayed()) {
      ctx.header("Idempotent-Replayed", "true");
    }
    if (!e.execution().succeeded()) {
      ObjectNode more = JSON.createObjectNode();
      more.set("execution", execution);
      String detail =
          e.execution().detail() != null
              ? e.execution().detail()
              : "the adapter did not complete the action";
      Problems.write(
          ctx,
          new RequestRejected(ErrorCode.ADAPTER_FAILED, detail)
              .withDecisionId(d.decisionId())
              .withHeaders(d.headers()),
          more);
      return;
    }
    ObjectNode doc = (ObjectNode) read(d.body());
    doc.set("execution", execution);
    ctx.status(200);
    d.headers().forEach(ctx::header);
    ctx.contentType("application/json");
    ctx.result(Problems.bytes(doc));
  }

  private static ObjectNode render(ExecutionView x, boolean replayed) {
    ObjectNode o = JSON.createObjectNode();
    o.put("outcome", x.outcome().wire());
    if (x.status() != null) {
      o.put("status", x.status());
    }
    if (x.durationMs() != null) {
      o.put("duration_ms", x.durationMs());
    }
    if (x.responseDigest() != null) {
      o.put("response_digest", x.responseDigest());
    }
    if (x.reason() != null) {
      o.put("reason", x.reason());
    }
    byte[] body = x.body();
    if (replayed || body == null) {
      o.put("body_replayed", false);
    } else {
      String text = utf8(body);
      if (text != null) {
        // An upstream that echoes the credential Warden injected must not hand it to the agent;
        // response_digest stays the digest of what the upstream sent.
        String masked = Redaction.maskSecrets(text);
        o.put("body", masked);
        if (!masked.equals(text)) {
          o.put("body_redacted", true);
        }
      } else {
        o.put("body", Base64.getEncoder().encodeToString(body));
        o.put("body_encoding", "base64");
      }
    }
    return o;
  }

  /** {@code bytes} as a string when they are valid UTF-8, else null. */
  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static JsonNode read(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException("a decision document is not JSON", e);
    }
  }
}
