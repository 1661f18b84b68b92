package dev.warden.policy;

import static dev.warden.policy.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link RulePolicy#mayPermit}: what the MCP gateway may hide from an agent. */
class RulePolicyMayPermitTest {

  private static RulePolicy load(String rules) throws PolicyException {
    return PolicyLoader.load("version: 1\nrules:\n" + rules);
  }

  @Test
  void mayPermit_unconditionalDenyMatches_false() throws PolicyException {
    RulePolicy policy =
        load(
            """
              - {id: allow-all, effect: allow, match: {action: "*"}}
              - {id: escalate-mail, effect: escalate, match: {action: "mail.*"}}
              - {id: no-delete, effect: deny, match: {action: "mail.delete"}}
            """);

    assertThat(policy.mayPermit(request("mail.delete", "inbox"))).isFalse();
    assertThat(policy.mayPermit(request("mail.send", "inbox"))).isTrue();
  }

  @Test
  void mayPermit_conditionalDenyMatches_true() throws PolicyException {
    RulePolicy policy =
        load(
            """
              - {id: allow-all, effect: allow, match: {action: "*"}}
              - id: big-deletes
                effect: deny
                match: {action: "mail.delete"}
                when: request.params.n > 10
            """);

    assertThat(policy.mayPermit(request("mail.delete", "inbox"))).isTrue();
  }

  @Test
  void mayPermit_conditionalAllowMatches_trueEvenWhenTheConditionFails() throws PolicyException {
    RulePolicy policy =
        load(
            """
              - id: small-refunds
                effect: allow
                match: {action: "payments.refund"}
                when: request.params.n < 10
            """);
    PolicyRequest large =
        request(
            "payments.refund", "acct/1", "{\"params\": {\"n\": 50}}", Instant.now(), Usage.NONE);

    assertThat(policy.evaluate(large).effect()).isEqualTo(Effect.DENY);
    assertThat(policy.mayPermit(large)).isTrue();
    assertThat(policy.mayPermit(request("payments.transfer", "acct/1"))).isFalse();
  }

  @Test
  void mayPermit_conditionalDenyOnly_defaultDeny_false() throws PolicyException {
    RulePolicy policy =
        load(
            """
              - id: big-deletes
                effect: deny
                match: {action: "mail.delete"}
                when: request.params.n > 10
            """);

    assertThat(policy.mayPermit(request("mail.delete", "inbox"))).isFalse();
  }

  @Test
  void mayPermit_noRuleMatches_defaultDeny_false() throws PolicyException {
    RulePolicy policy = load("  - {id: reads, effect: allow, match: {action: \"*.read\"}}\n");

    assertThat(policy.mayPermit(request("mail.send", "inbox"))).isFalse();
    assertThat(policy.mayPermit(request("mail.read", "inbox"))).isTrue();
  }

  @Test
  void mayPermit_noRuleMatches_defaultEscalate_true() throws PolicyException {
    RulePolicy policy =
        PolicyLoader.load(
            """
            version: 1
            default: escalate
            rules:
              - {id: reads, effect: allow, match: {action: "*.read"}}
              - {id: big-deletes, effect: deny, match: {action: "mail.delete"}, when: "request.params.n > 10"}
              - {id: no-drop, effect: deny, match: {action: "db.drop"}}
            """);

    assertThat(policy.mayPermit(request("mail.send", "inbox"))).isTrue();
    assertThat(policy.mayPermit(request("mail.delete", "inbox"))).isTrue();
    assertThat(policy.mayPermit(request("db.drop", "main"))).isFalse();
  }

  @Test
  void mayPermit_agentAndTenantGlobs_onlyTheirRequestsMayBePermitted() throws PolicyException {
    RulePolicy policy =
        load(
            """
              - {id: ops, effect: allow, match: {action: "deploy.*", agents: ["ops-*"], tenants: [acme]}}
              - {id: no-intern, effect: deny, match: {action: "*", agents: ["ops-intern"]}}
            """);

    assertThat(policy.mayPermit(request("ops-1", "acme", "deploy.run", "svc", Map.of()))).isTrue();
    assertThat(policy.mayPermit(request("dev-1", "acme", "deploy.run", "svc", Map.of()))).isFalse();
    assertThat(policy.mayPermit(request("ops-1", "beta", "deploy.run", "svc", Map.of()))).isFalse();
    assertThat(policy.mayPermit(request("ops-intern", "acme", "deploy.run", "svc", Map.of())))
        .isFalse();
  }

  @Test
  void mayPermit_labelMatch_usesTheLabelsAsGiven() throws PolicyException {
    RulePolicy policy =
        load(
            """
              - {id: dev, effect: allow, match: {action: "*", labels: {env: "dev*"}}}
              - {id: no-prod, effect: deny, match: {action: "*", labels: {env: prod}}}
              - {id: secret, effect: deny, match: {action: "*"}, when: "request.classification == 'secret'"}
            """);

    assertThat(policy.mayPermit(request("a1", "acme", "x.y", "r", Map.of("env", "dev-1"))))
        .isTrue();
    assertThat(policy.mayPermit(request("a1", "acme", "x.y", "r", Map.of("env", "prod"))))
        .isFalse();
    // A request without the label matches neither rule: nothing allows it.
    assertThat(policy.mayPermit(request("a1", "acme", "x.y", "r", Map.of()))).isFalse();
  }
}
