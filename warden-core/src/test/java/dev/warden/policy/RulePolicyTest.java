package dev.warden.policy;

import static dev.warden.policy.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.policy.PolicyDecision.Reason;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RulePolicyTest {

  private static final String PAYMENTS =
      """
      version: 1
      rules:
        - id: allow-payments
          effect: allow
          match: {action: "payments.*"}
          reason: payments are fine
        - id: escalate-transfers
          effect: escalate
          match: {action: payments.transfer}
          approvers: [ops, finance]
          min_approvals: 2
          ttl: 1h
        - id: deny-wire
          effect: deny
          match: {action: payments.transfer, resource: "wire/*"}
          reason: transfers over the wire need a human
        - id: allow-reads
          effect: allow
          match: {action: ["*.read", "*.list"]}
      """;

  private static RulePolicy load(String yaml) throws PolicyException {
    return PolicyLoader.load(yaml);
  }

  @Test
  void evaluate_denyAndEscalateAndAllowMatch_denyWins() throws PolicyException {
    PolicyDecision decision = load(PAYMENTS).evaluate(request("payments.transfer", "wire/42"));

    assertThat(decision.effect()).isEqualTo(Effect.DENY);
    assertThat(decision.reasons())
        .containsExactly(
            new Reason("deny-wire", "policy.deny", "transfers over the wire need a human"));
  }

  @Test
  void evaluate_escalateAndAllowMatch_escalateWins() throws PolicyException {
    PolicyDecision decision = load(PAYMENTS).evaluate(request("payments.transfer", "acct/1"));

    assertThat(decision.effect()).isEqualTo(Effect.ESCALATE);
    assertThat(decision.reasons())
        .containsExactly(
            new Reason("escalate-transfers", "policy.escalate", "rule escalate-transfers matched"));
  }

  @Test
  void evaluate_onlyAllowMatches_allows() throws PolicyException {
    PolicyDecision decision = load(PAYMENTS).evaluate(request("payments.refund", "acct/1"));

    assertThat(decision.effect()).isEqualTo(Effect.ALLOW);
    assertThat(decision.reasons())
        .containsExactly(new Reason("allow-payments", "policy.allow", "payments are fine"));
  }

  @Test
  void evaluate_noMatch_defaultDeny() throws PolicyException {
    PolicyDecision decision = load(PAYMENTS).evaluate(request("email.send", "x"));

    assertThat(decision.effect()).isEqualTo(Effect.DENY);
    assertThat(decision.reasons())
        .containsExactly(
            new Reason("default", "policy.no_match", "no rule matched; default is deny"));
  }

  @Test
  void evaluate_noMatch_defaultEscalate() throws PolicyException {
    RulePolicy policy = load("version: 1\ndefault: escalate\nrules: []\n");

    PolicyDecision decision = policy.evaluate(request("anything", "x"));

    assertThat(policy.defaultEffect()).isEqualTo(Effect.ESCALATE);
    assertThat(decision.effect()).isEqualTo(Effect.ESCALATE);
    assertThat(decision.reasons())
        .containsExactly(
            new Reason("default", "policy.no_match", "no rule matched; default is escalate"));
  }

  @Test
  void evaluate_severalRulesOfWinningEffect_allListedInDocumentOrder() throws PolicyException {
    RulePolicy policy =
        load(
            """
            version: 1
            rules:
              - {id: z-last-by-name, effect: deny, match: {action: "a.*"}}
              - {id: allow-all, effect: allow, match: {action: "*"}}
              - {id: a-first-by-name, effect: deny, match: {action: "*.b"}}
              - {id: exact, effect: deny, match: {action: a.b}}
            """);

    PolicyDecision decision = policy.evaluate(request("a.b", "r"));

    assertThat(decision.reasons())
        .extracting(Reason::rule)
        .containsExactly("z-last-by-name", "a-first-by-name", "exact");
  }

  @Test
  void evaluate_ruleWithTwoActionGlobsBothMatching_listedOnce() throws PolicyException {
    RulePolicy policy =
        load(
            "version: 1\nrules:\n  - {id: r, effect: allow, match: {action: [\"a*\", \"ab*\","
                + " \"*\"]}}\n");

    assertThat(policy.evaluate(request("abc", "x")).reasons()).hasSize(1);
  }

  @Test
  void evaluate_resourceList_anyGlobMatches() throws PolicyException {
    RulePolicy policy =
        load(
            "version: 1\nrules:\n  - {id: r, effect: allow, match: {action: read, resource:"
                + " [\"acct/*\", \"card/?\"]}}\n");

    assertThat(policy.evaluate(request("read", "acct/1")).effect()).isEqualTo(Effect.ALLOW);
    assertThat(policy.evaluate(request("read", "card/7")).effect()).isEqualTo(Effect.ALLOW);
    assertThat(policy.evaluate(request("read", "card/77")).effect()).isEqualTo(Effect.DENY);
    assertThat(policy.evaluate(request("read", "user/1")).effect()).isEqualTo(Effect.DENY);
  }

  @Test
  void evaluate_agents_onlyListedAgentsMatch() throws PolicyException {
    RulePolicy policy =
        load(
            "version: 1\nrules:\n  - {id: r, effect: allow, match: {action: '*', agents:"
                + " [agent-1, \"bot-*\"]}}\n");

    assertThat(policy.evaluate(request("agent-1", "t", "a", "r", Map.of())).effect())
        .isEqualTo(Effect.ALLOW);
    assertThat(policy.evaluate(request("bot-7", "t", "a", "r", Map.of())).effect())
        .isEqualTo(Effect.ALLOW);
    assertThat(policy.evaluate(request("agent-2", "t", "a", "r", Map.of())).effect())
        .isEqualTo(Effect.DENY);
  }

  @Test
  void evaluate_tenants_onlyListedTenantsMatch() throws PolicyException {
    RulePolicy policy =
        load(
            "version: 1\nrules:\n  - {id: r, effect: allow, match: {action: '*', tenants: [acme]}}\n");

    assertThat(policy.evaluate(request("a", "acme", "x", "r", Map.of())).effect())
        .isEqualTo(Effect.ALLOW);
    assertThat(policy.evaluate(request("a", "acme2", "x", "r", Map.of())).effect())
        .isEqualTo(Effect.DENY);
  }

  @Test
  void evaluate_labels_everyListedLabelMustMatch() throws PolicyException {
    RulePolicy policy =
        load(
            "version: 1\nrules:\n  - {id: r, effect: allow, match: {action: '*', labels: {env:"
                + " prod, team: \"pay*\"}}}\n");

    assertThat(eval(policy, Map.of("env", "prod", "team", "payments"))).isEqualTo(Effect.ALLOW);
    assertThat(eval(policy, Map.of("env", "prod", "team", "payments", "x", "y")))
        .isEqualTo(Effect.ALLOW);
    assertThat(eval(policy, Map.of("env", "prod"))).as("missing label").isEqualTo(Effect.DENY);
    assertThat(eval(policy, Map.of("env", "dev", "team", "payments"))).isEqualTo(Effect.DENY);
    assertThat(eval(policy, Map.of())).isEqualTo(Effect.DENY);
  }

  private static Effect eval(RulePolicy policy, Map<String, String> labels) {
    return policy.evaluate(request("a", "t", "x", "r", labels)).effect();
  }

  @Test
  void evaluate_actionShorterThanIndexedPrefixes_stillFindsWildcardRules() throws PolicyException {
    RulePolicy policy =
        load(
            """
            version: 1
            rules:
              - {id: long, effect: deny, match: {action: "payments.transfer.*"}}
              - {id: any, effect: allow, match: {action: "*"}}
              - {id: empty-prefix, effect: escalate, match: {action: "?"}}
            """);

    assertThat(policy.evaluate(request("", "r")).reasons())
        .extracting(Reason::rule)
        .containsExactly("any");
    assertThat(policy.evaluate(request("p", "r")).reasons())
        .extracting(Reason::rule)
        .containsExactly("empty-prefix");
    assertThat(policy.evaluate(request("payments.transfer.x", "r")).effect())
        .isEqualTo(Effect.DENY);
  }

  @Test
  void evaluate_manyRulesWithDistinctActions_findsTheOneThatMatches() throws PolicyException {
    StringBuilder yaml = new StringBuilder("version: 1\nrules:\n");
    for (int i = 0; i < 5000; i++) {
      yaml.append("  - {id: r")
          .append(i)
          .append(", effect: ")
          .append(i % 2 == 0 ? "allow" : "deny")
          .append(", match: {action: \"svc")
          .append(i)
          .append(".*\"}}\n");
    }
    RulePolicy policy = load(yaml.toString());

    assertThat(policy.evaluate(request("svc4242.call", "r")).reasons())
        .extracting(Reason::rule)
        .containsExactly("r4242");
    assertThat(policy.evaluate(request("svc4243.call", "r")).effect()).isEqualTo(Effect.DENY);
    assertThat(policy.evaluate(request("svc42", "r")).reasons())
        .extracting(Reason::code)
        .containsExactly("policy.no_match");
  }

  @Test
  void rule_escalation_keptForTheApprovalWorkflow() throws PolicyException {
    RulePolicy policy = load(PAYMENTS);

    Escalation escalation = policy.rule("escalate-transfers").orElseThrow().escalation();

    assertThat(escalation)
        .isEqualTo(new Escalation(List.of("ops", "finance"), 2, Duration.ofHours(1)));
    assertThat(policy.rule("deny-wire").orElseThrow().escalation()).isNull();
    assertThat(policy.rule("nope")).isEmpty();
    assertThat(policy.rules())
        .extracting(Rule::id)
        .containsExactly("allow-payments", "escalate-transfers", "deny-wire", "allow-reads");
  }

  @Test
  void rule_escalationDefaults_anyApproverOneApprovalFifteenMinutes() throws PolicyException {
    RulePolicy policy =
        load("version: 1\nrules:\n  - {id: e, effect: escalate, match: {action: x}}\n");

    assertThat(policy.rule("e").orElseThrow().escalation())
        .isEqualTo(new Escalation(List.of(), 1, Duration.ofMinutes(15)));
  }

  @Test
  void text_isTheDocumentAsLoaded() throws PolicyException {
    assertThat(load(PAYMENTS).text()).isEqualTo(PAYMENTS);
  }
}
