package dev.warden.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.crypto.HmacKey;
import dev.warden.json.Canonical;
import dev.warden.json.JsonLimits;
import dev.warden.json.StrictJson;
import dev.warden.log.Entries;
import dev.warden.log.ParamsMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link DecisionView}: the decision document is a pure, byte-stable function of the entry. */
class DecisionViewTest {
  /** The receipt is built elsewhere ({@code Receipts}); the view only places it. */
  private static final com.fasterxml.jackson.databind.node.ObjectNode RECEIPT =
      com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("jws", "x");

  private static final String REQUEST =
      "{\"action\":\"payments.transfer\",\"resource\":\"acct:é\",\"params\":{\"to\":\"bob\"},"
          + "\"amount\":{\"value\":\"12.50\",\"currency\":\"USD\"}}";

  @Test
  void render_decisionEntry_mapsFieldsInFixedOrder() throws Exception {
    byte[] view = DecisionView.render(entry("allow"), 41, RECEIPT);

    assertThat(new String(view, StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"decision_id\":\"01JDECISION0000000000000000\",\"decision\":\"allow\","
                + "\"reasons\":[{\"code\":\"policy.allow\",\"message\":\"ok\",\"rule\":\"r1\"}],"
                + "\"policy_hash\":\"sha256:ph\",\"log_index\":41,\"agent\":\"agent-1\","
                + "\"tenant\":\"acme\",\"action\":\"payments.transfer\",\"resource\":\"acct:é\","
                + "\"request_digest\":\"sha256:rd\",\"ts\":\"2026-11-21T23:40:01.123Z\","
                + "\"receipt\":{\"jws\":\"x\"}}");
  }

  @Test
  void render_sameEntryTwice_sameBytes() throws Exception {
    byte[] e = entry("pending");
    assertThat(DecisionView.render(e, 7, RECEIPT))
        .isEqualTo(DecisionView.render(e.clone(), 7, RECEIPT));
  }

  @Test
  void render_otherIndex_onlyLogIndexDiffers() throws Exception {
    JsonNode a = parse(DecisionView.render(entry("deny"), 1, RECEIPT));
    JsonNode b = parse(DecisionView.render(entry("deny"), 2, RECEIPT));
    assertThat(a.get("log_index").asLong()).isEqualTo(1);
    assertThat(b.get("log_index").asLong()).isEqualTo(2);
    ((com.fasterxml.jackson.databind.node.ObjectNode) a).remove("log_index");
    ((com.fasterxml.jackson.databind.node.ObjectNode) b).remove("log_index");
    assertThat(a).isEqualTo(b);
  }

  @Test
  void render_entryWithParamsAndAmount_showsNeitherNorKeyIdNorVersion() throws Exception {
    JsonNode view = parse(DecisionView.render(entry("allow"), 0, RECEIPT));
    assertThat(view.has("params")).isFalse();
    assertThat(view.has("amount")).isFalse();
    assertThat(view.has("key_id")).isFalse();
    assertThat(view.has("v")).isFalse();
    assertThat(view.has("kind")).isFalse();
  }

  @Test
  void decisionOf_entry_returnsDecision() throws Exception {
    assertThat(DecisionView.decisionOf(entry("pending"))).isEqualTo("pending");
    assertThat(DecisionView.decisionOf(entry("deny"))).isEqualTo("deny");
  }

  private static byte[] entry(String decision) throws Exception {
    Entries entries = new Entries(HmacKey.of(new byte[32]), ParamsMode.HMAC);
    JsonNode request = parse(REQUEST.getBytes(StandardCharsets.UTF_8));
    return Canonical.bytes(
        entries.decision(
            Instant.parse("2026-11-21T23:40:01.123Z"),
            new Entries.Subject(
                "01JDECISION0000000000000000",
                "agent-1",
                "acme",
                "k1",
                "payments.transfer",
                "acct:é",
                "sha256:rd",
                request),
            decision,
            List.of(new Entries.Reason("r1", "policy.allow", "ok")),
            List.of(new Entries.Matched("r1", "allow")),
            "sha256:ph",
            null,
            null));
  }

  private static JsonNode parse(byte[] json) throws Exception {
    return StrictJson.parse(json, JsonLimits.defaults());
  }
}
