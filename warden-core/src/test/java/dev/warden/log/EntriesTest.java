package dev.warden.log;

import static dev.warden.log.ParamsModeTest.KEY;
import static dev.warden.log.ParamsModeTest.hmac;
import static dev.warden.log.ParamsModeTest.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.json.Canonical;
import dev.warden.json.JsonLimits;
import dev.warden.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Entries}: every kind is canonical JSON with the fields LOG-FORMAT.md documents. */
class EntriesTest {
  private static final String TS_PATTERN = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";
  private static final Instant TS = Instant.parse("2026-11-21T23:40:01.123999999Z");
  private static final String REQUEST =
      "{\"action\":\"payments.transfer\",\"resource\":\"acct:é\\u2028😀\","
          + "\"params\":{\"to\":\"bob\",\"cents\":1250},"
          + "\"amount\":{\"value\":\"12.50\",\"currency\":\"USD\"},"
          + "\"labels\":{\"env\":\"prod\"},\"classification\":\"internal\"}";

  @Test
  void decision_hmacMode_isCanonicalWithDocumentedFields() throws Exception {
    Entries entries = new Entries(KEY, ParamsMode.HMAC);
    byte[] e =
        Canonical.bytes(
            entries.decision(
                TS,
                subject(parse(REQUEST)),
                "allow",
                List.of(new Entries.Reason("r1", "policy.allow", "allowed by r1")),
                List.of(new Entries.Matched("r0", "allow"), new Entries.Matched("r1", "allow")),
                "sha256:" + "ab".repeat(32),
                TS.plusSeconds(300),
                null));

    JsonNode n = assertCanonical(e);
    assertThat(n.get("v").isIntegralNumber()).isTrue();
    assertThat(n.get("v").asInt()).isEqualTo(1);
    assertThat(n.get("kind").asText()).isEqualTo("decision");
    assertThat(n.get("ts").asText()).isEqualTo("2026-11-21T23:40:01.123Z");
    assertThat(n.get("decision_id").asText()).isEqualTo("01JDECISION0000000000000000");
    assertThat(n.get("agent").asText()).isEqualTo("agent-1");
    assertThat(n.get("tenant").asText()).isEqualTo("acme");
    assertThat(n.get("key_id").asText()).isEqualTo("k1");
    assertThat(n.get("action").asText()).isEqualTo("payments.transfer");
    assertThat(n.get("resource").asText()).isEqualTo("acct:é\u2028😀");
    assertThat(n.get("request_digest").asText()).isEqualTo("sha256:" + "cd".repeat(32));
    assertThat(n.get("decision").asText()).isEqualTo("allow");
    assertThat(n.get("reasons"))
        .isEqualTo(
            parse("[{\"rule\":\"r1\",\"code\":\"policy.allow\",\"message\":\"allowed by r1\"}]"));
    assertThat(n.get("matched"))
        .isEqualTo(
            parse(
                "[{\"rule\":\"r0\",\"effect\":\"allow\"},{\"rule\":\"r1\",\"effect\":\"allow\"}]"));
    assertThat(n.get("policy_hash").asText()).isEqualTo("sha256:" + "ab".repeat(32));
    assertThat(n.get("expires").asText()).isEqualTo("2026-11-21T23:45:01.123Z");
    assertThat(n.get("params").get("to").asText()).isEqualTo(hmac("\"bob\""));
    assertThat(n.get("params").get("cents").asText()).isEqualTo(hmac("1250"));
    assertThat(n.get("amount")).isEqualTo(parse("{\"value\":\"12.50\",\"currency\":\"USD\"}"));
    assertThat(n.get("labels")).isEqualTo(parse("{\"env\":\"prod\"}"));
    assertThat(n.get("classification").asText()).isEqualTo("internal");
    assertThat(fieldNames(n))
        .containsExactlyInAnyOrder(
            "v",
            "kind",
            "ts",
            "decision_id",
            "agent",
            "tenant",
            "key_id",
            "action",
            "resource",
            "request_digest",
            "decision",
            "reasons",
            "matched",
            "policy_hash",
            "expires",
            "params",
            "params_key",
            "amount",
            "labels",
            "classification");
  }

  @Test
  void decision_digestMode_paramsIsSha256OfCanonicalParams() throws Exception {
    byte[] e =
        Canonical.bytes(
            new Entries(KEY, ParamsMode.DIGEST)
                .decision(
                    TS,
                    subject(parse(REQUEST)),
                    "deny",
                    List.of(),
                    List.of(),
                    "sha256:x",
                    null,
                    null));
    JsonNode n = assertCanonical(e);
    byte[] sha =
        java.security.MessageDigest.getInstance("SHA-256")
            .digest("{\"cents\":1250,\"to\":\"bob\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(n.get("params").asText())
        .isEqualTo("sha256:" + java.util.HexFormat.of().formatHex(sha));
  }

  @Test
  void decision_plainMode_paramsAsSent() throws Exception {
    byte[] e =
        Canonical.bytes(
            new Entries(KEY, ParamsMode.PLAIN)
                .decision(
                    TS,
                    subject(parse(REQUEST)),
                    "pending",
                    List.of(),
                    List.of(),
                    "sha256:x",
                    null,
                    null));
    assertThat(assertCanonical(e).get("params"))
        .isEqualTo(parse("{\"to\":\"bob\",\"cents\":1250}"));
  }

  @Test
  void decision_requestWithoutOptionalFields_hasNoParamsAmountLabelsClassification()
      throws Exception {
    JsonNode request = parse("{\"action\":\"a.b\",\"resource\":\"r\"}");
    byte[] e =
        Canonical.bytes(
            new Entries(KEY, ParamsMode.HMAC)
                .decision(TS, subject(request), "deny", List.of(), List.of(), "h", null, null));
    JsonNode n = assertCanonical(e);
    assertThat(fieldNames(n)).doesNotContain("params", "amount", "labels", "classification");
    assertThat(n.get("reasons").isArray()).isTrue();
    assertThat(n.get("reasons")).isEmpty();
  }

  @Test
  void refusal_withAndWithoutDigest_hasDenyAndOneReasonWithoutRule() throws Exception {
    Entries entries = new Entries(KEY, ParamsMode.HMAC);
    Entries.Reason reason = new Entries.Reason(null, "replay.nonce_reused", "used \"twice\"");

    JsonNode with =
        assertCanonical(entries.refusal(TS, "01JD", "agent-1", "acme", "sha256:00", reason));
    JsonNode without =
        assertCanonical(entries.refusal(TS, "01JD", "agent-1", "acme", null, reason));

    assertThat(with.get("kind").asText()).isEqualTo("refusal");
    assertThat(with.get("decision").asText()).isEqualTo("deny");
    assertThat(with.get("request_digest").asText()).isEqualTo("sha256:00");
    assertThat(with.get("reasons"))
        .isEqualTo(
            parse("[{\"code\":\"replay.nonce_reused\",\"message\":\"used \\\"twice\\\"\"}]"));
    assertThat(fieldNames(without))
        .containsExactlyInAnyOrder(
            "v", "kind", "ts", "decision_id", "agent", "tenant", "decision", "reasons");
  }

  @Test
  void refusalSummary_tsIsWindowEndAndWindowBoundsFormatted() throws Exception {
    Instant start = Instant.parse("2026-11-21T23:40:00Z");
    Instant end = Instant.parse("2026-11-21T23:40:10.5Z");
    JsonNode n =
        assertCanonical(
            new Entries(KEY, ParamsMode.HMAC)
                .refusalSummary(start, end, "auth.bad_signature", "192.0.2.1", 42));
    assertThat(n.get("kind").asText()).isEqualTo("refusal_summary");
    assertThat(n.get("ts").asText()).isEqualTo("2026-11-21T23:40:10.500Z");
    assertThat(n.get("window_start").asText()).isEqualTo("2026-11-21T23:40:00.000Z");
    assertThat(n.get("window_end").asText()).isEqualTo("2026-11-21T23:40:10.500Z");
    assertThat(n.get("code").asText()).isEqualTo("auth.bad_signature");
    assertThat(n.get("source").asText()).isEqualTo("192.0.2.1");
    assertThat(n.get("count").asLong()).isEqualTo(42);
  }

  @Test
  void adminAndPolicy_areCanonicalWithTheirFields() throws Exception {
    Entries entries = new Entries(KEY, ParamsMode.HMAC);
    Map<String, String> details = new LinkedHashMap<>();
    details.put("z", "last");
    details.put("a", "first");
    JsonNode admin =
        assertCanonical(entries.admin(TS, "ops@example", "agent.create", "agent-1", details));
    assertThat(admin.get("kind").asText()).isEqualTo("admin");
    assertThat(admin.get("operator").asText()).isEqualTo("ops@example");
    assertThat(admin.get("op").asText()).isEqualTo("agent.create");
    assertThat(admin.get("target").asText()).isEqualTo("agent-1");
    assertThat(admin.get("details")).isEqualTo(parse("{\"a\":\"first\",\"z\":\"last\"}"));

    JsonNode policy =
        assertCanonical(entries.policy(TS, "ops@example", "sha256:ff", "rules:\n  - id: r1\n"));
    assertThat(policy.get("kind").asText()).isEqualTo("policy");
    assertThat(policy.get("text").asText()).isEqualTo("rules:\n  - id: r1\n");
    assertThat(policy.get("policy_hash").asText()).isEqualTo("sha256:ff");
  }

  @Test
  void format_truncatesToMillisecondsInUtc() {
    assertThat(Entries.format(Instant.parse("2026-11-21T23:40:01Z")))
        .isEqualTo("2026-11-21T23:40:01.000Z");
    assertThat(Entries.format(Instant.parse("2026-11-21T23:40:01.999999999Z")))
        .isEqualTo("2026-11-21T23:40:01.999Z");
    assertThat(Entries.format(Instant.parse("1970-01-01T00:00:00.001Z")))
        .isEqualTo("1970-01-01T00:00:00.001Z")
        .matches(TS_PATTERN);
  }

  private static Entries.Subject subject(JsonNode request) {
    return new Entries.Subject(
        "01JDECISION0000000000000000",
        "agent-1",
        "acme",
        "k1",
        request.get("action").asText(),
        request.get("resource").asText(),
        "sha256:" + "cd".repeat(32),
        request);
  }

  /** Parses the entry strictly and checks that its bytes are its canonical form. */
  private static JsonNode assertCanonical(byte[] entry) throws Exception {
    JsonNode n = StrictJson.parse(entry, JsonLimits.defaults());
    assertThat(new String(Canonical.bytes(n), StandardCharsets.UTF_8))
        .isEqualTo(new String(entry, StandardCharsets.UTF_8));
    assertThat(n.get("ts").asText()).matches(TS_PATTERN);
    return n;
  }

  private static List<String> fieldNames(JsonNode n) {
    return n.properties().stream().map(Map.Entry::getKey).toList();
  }
}
