package dev.warden.policy;

import static dev.warden.policy.Refusals.refusal;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.policy.PolicyException.Reason;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PolicyLoaderTest {

  @Test
  void load_jsonDuplicateKey_refusedByStrictJson() {
    PolicyException e = refusal("{\"version\":1,\"rules\":[{\"id\":\"r\",\"id\":\"s\"}]}");

    assertThat(e.reason()).isEqualTo(Reason.SYNTAX);
    assertThat(e.pointer()).isEqualTo("/rules/0/id");
    assertThat(e.line()).isEmpty();
    assertThat(e.getMessage())
        .isEqualTo("policy JSON: duplicate member name \"id\" in the object at /rules/0");
  }

  @Test
  void load_jsonSchemaError_namesFieldWithoutLine() {
    PolicyException e =
        refusal(
            "  {\"version\": 1, \"rules\": [{\"id\": \"r\", \"effect\": \"maybe\","
                + " \"match\": {\"action\": \"x\"}}]}");

    assertThat(e.reason()).isEqualTo(Reason.SCHEMA);
    assertThat(e.line()).isEmpty();
    assertThat(e.getMessage())
        .isEqualTo(
            "/rules/0/effect (rule r): effect must be allow, deny or escalate, got \"maybe\"");
  }

  @Test
  void load_jsonWithTrailingComma_refused() {
    assertThat(refusal("{\"version\": 1, \"rules\": [],}").reason()).isEqualTo(Reason.SYNTAX);
  }

  @Test
  void load_jsonWithUnpairedSurrogate_refusedNotReplaced() {
    PolicyException e = refusal("{\"version\": 1, \"rules\": [], \"x\": \"\ud800\"}");

    assertThat(e.getMessage()).contains("not valid Unicode");
  }

  // ---- the policy hash ----

  private static final String YAML =
      """
      # Payments policy
      version: 1
      default: deny
      rules:
        - id: allow-small
          effect: allow
          match:
            action: "payments.*"
            resource: acct/*
            labels: {env: prod}
          reason: small payments are fine
        - id: review
          effect: escalate
          match: {action: payments.transfer}
          approvers: [ops]
          min_approvals: 1
          ttl: 15m
      """;

  private static final String JSON =
      """
      {"version": 1, "default": "deny", "rules": [
        {"id": "allow-small", "effect": "allow",
         "match": {"resource": "acct/*", "action": "payments.*", "labels": {"env": "prod"}},
         "reason": "small payments are fine"},
        {"effect": "escalate", "id": "review", "match": {"action": "payments.transfer"},
         "approvers": ["ops"], "min_approvals": 1, "ttl": "15m"}]}
      """;

  @Test
  void hash_yamlAndJsonForms_equal() throws PolicyException {
    RulePolicy yaml = PolicyLoader.load(YAML);
    RulePolicy json = PolicyLoader.load(JSON);

    assertThat(yaml.hash()).isEqualTo(json.hash()).matches("sha256:[0-9a-f]{64}");
    assertThat(yaml.text()).isNotEqualTo(json.text());
  }

  @Test
  void hash_isSha256OfTheCanonicalJson() throws PolicyException, NoSuchAlgorithmException {
    String canonical =
        "{\"default\":\"deny\",\"rules\":[{\"effect\":\"allow\",\"id\":\"allow-small\","
            + "\"match\":{\"action\":\"payments.*\",\"labels\":{\"env\":\"prod\"},"
            + "\"resource\":\"acct/*\"},\"reason\":\"small payments are fine\"},"
            + "{\"approvers\":[\"ops\"],\"effect\":\"escalate\",\"id\":\"review\","
            + "\"match\":{\"action\":\"payments.transfer\"},\"min_approvals\":1,\"ttl\":\"15m\"}],"
            + "\"version\":1}";
    String expected =
        "sha256:"
            + HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(UTF_8)));

    assertThat(PolicyLoader.load(YAML).hash()).isEqualTo(expected);
  }

  @Test
  void hash_formattingCommentsAndQuoting_doNotChangeIt() throws PolicyException {
    String reformatted =
        "version: 1\n"
            + "rules:   # the rules\n"
            + "- {id: 'allow-small', effect: allow, reason: \"small payments are fine\","
            + " match: {labels: {'env': prod}, action: payments.*, resource: \"acct/*\"}}\n"
            + "- id: review\n  effect: escalate\n  ttl: '15m'\n  min_approvals: 1\n"
            + "  approvers:\n  - ops\n  match:\n    action: payments.transfer\n"
            + "default: deny\n";

    assertThat(PolicyLoader.load(reformatted).hash()).isEqualTo(PolicyLoader.load(YAML).hash());
  }

  @Test
  void hash_ruleChanged_changes() throws PolicyException {
    String original = PolicyLoader.load(YAML).hash();

    assertThat(PolicyLoader.load(YAML.replace("acct/*", "acct/1*")).hash()).isNotEqualTo(original);
    assertThat(PolicyLoader.load(YAML.replace("effect: allow", "effect: deny")).hash())
        .isNotEqualTo(original);
    assertThat(PolicyLoader.load(YAML.replace("ttl: 15m", "ttl: 16m")).hash())
        .isNotEqualTo(original);
    assertThat(PolicyLoader.load(YAML.replace("default: deny\n", "")).hash())
        .as("an explicit default is part of the document")
        .isNotEqualTo(original);
  }

  @Test
  void hash_ruleOrderChanged_changes() throws PolicyException {
    String a =
        "version: 1\nrules:\n  - {id: a, effect: allow, match: {action: x}}\n"
            + "  - {id: b, effect: allow, match: {action: y}}\n";
    String b =
        "version: 1\nrules:\n  - {id: b, effect: allow, match: {action: y}}\n"
            + "  - {id: a, effect: allow, match: {action: x}}\n";

    assertThat(PolicyLoader.load(a).hash()).isNotEqualTo(PolicyLoader.load(b).hash());
  }
}
