package dev.warden.policy;

import static dev.warden.policy.Requests.NOON;
import static dev.warden.policy.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.policy.PolicyDecision.Matched;
import dev.warden.policy.PolicyDecision.Reason;
import dev.warden.store.StoreException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Deny over escalate over allow, defaults, and conditions that hold, fail or fail to evaluate. */
class PolicySemanticsTest {

  private static final String BODY =
      """
      {"action": "payments.transfer", "resource": "acct/1",
       "params": {"to": "acct/2", "n": 3, "items": [1, 2, 3], "nested": {"ok": true}},
       "amount": {"value": "12.50", "currency": "EUR"}}
      """;

  /** One row: rules (YAML list items), the default, and the expected decision. */
  record Row(
      String name,
      String rules,
      String dflt,
      Effect effect,
      String code,
      List<String> reasonRules,
      List<String> matched) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> table() {
    return Stream.of(
        new Row(
            "deny-overrides-escalate-and-allow",
            rule("a", "allow", "true") + rule("e", "escalate", "true") + rule("d", "deny", "true"),
            "deny",
            Effect.DENY,
            PolicyDecision.DENY,
            List.of("d"),
            List.of("a", "e", "d")),
        new Row(
            "escalate-overrides-allow",
            rule("a", "allow", null) + rule("e", "escalate", "request.params.n == 3"),
            "deny",
            Effect.ESCALATE,
            PolicyDecision.ESCALATE,
            List.of("e"),
            List.of("a", "e")),
        new Row(
            "false-condition-does-not-apply",
            rule("a", "allow", null) + rule("d", "deny", "request.params.n > 3"),
            "deny",
            Effect.ALLOW,
            PolicyDecision.ALLOW,
            List.of("a"),
            List.of("a")),
        new Row(
            "all-allows-are-reasons",
            rule("a1", "allow", null) + rule("a2", "allow", "request.amount.currency == 'EUR'"),
            "deny",
            Effect.ALLOW,
            PolicyDecision.ALLOW,
            List.of("a1", "a2"),
            List.of("a1", "a2")),
        new Row(
            "no-match-default-deny",
            rule("a", "allow", "request.params.n == 4"),
            "deny",
            Effect.DENY,
            PolicyDecision.NO_MATCH,
            List.of("default"),
            List.of()),
        new Row(
            "no-match-default-escalate",
            rule("a", "allow", "false"),
            "escalate",
            Effect.ESCALATE,
            PolicyDecision.NO_MATCH,
            List.of("default"),
            List.of()),
        new Row(
            "missing-key-denies-with-evaluation-error",
            rule("a", "allow", null) + rule("e", "allow", "request.params.missing == 1"),
            "deny",
            Effect.DENY,
            PolicyDecision.EVALUATION_ERROR,
            List.of("e"),
            List.of("a")),
        new Row(
            "error-beats-a-matching-allow-after-it",
            rule("e", "allow", "int(request.params.to) > 0") + rule("a", "allow", null),
            "deny",
            Effect.DENY,
            PolicyDecision.EVALUATION_ERROR,
            List.of("e"),
            List.of()),
        new Row(
            "non-bool-result-is-an-error",
            rule("e", "allow", "request.params.n"),
            "deny",
            Effect.DENY,
            PolicyDecision.EVALUATION_ERROR,
            List.of("e"),
            List.of()),
        new Row(
            "iteration-limit-overrun-denies",
            rule(
                "e",
                "allow",
                "request.params.items.all(x, request.params.items.all(y,"
                    + " request.params.items.all(z, request.params.items.all(w,"
                    + " request.params.items.all(v, request.params.items.all(u,"
                    + " request.params.items.all(t, x + y + z + w + v + u + t > 0)))))))"),
            "deny",
            Effect.DENY,
            PolicyDecision.EVALUATION_ERROR,
            List.of("e"),
            List.of()),
        new Row(
            "condition-of-a-non-matching-rule-is-not-evaluated",
            "  - {id: x, effect: deny, match: {action: other}, when: \"1/0 == 1\"}\n"
                + rule("a", "allow", null),
            "deny",
            Effect.ALLOW,
            PolicyDecision.ALLOW,
            List.of("a"),
            List.of("a")),
        new Row(
            "request-agent-tenant-variables",
            rule(
                "a",
                "allow",
                "request.action == 'payments.transfer' && request.resource == 'acct/1'"
                    + " && request.labels.env == 'prod' && request.classification == 'internal'"
                    + " && agent.id == 'agent-1' && agent.tenant == 'acme'"
                    + " && agent.labels.team == 'billing' && tenant.id == 'acme'"
                    + " && request.params.nested.ok && request.amount.value == '12.50'"),
            "deny",
            Effect.ALLOW,
            PolicyDecision.ALLOW,
            List.of("a"),
            List.of("a")));
  }

  private static String rule(String id, String effect, String when) {
    return "  - id: "
        + id
        + "\n    effect: "
        + effect
        + "\n    match: {action: \"payments.*\"}\n"
        + (when == null ? "" : "    when: \"" + when + "\"\n");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void evaluate_table_decidesAsListed(Row row) throws PolicyException {
    RulePolicy policy =
        PolicyLoader.load("version: 1\ndefault: " + row.dflt() + "\nrules:\n" + row.rules());

    PolicyDecision decision =
        policy.evaluate(request("payments.transfer", "acct/1", BODY, NOON, Usage.NONE));

    assertThat(decision.effect()).isEqualTo(row.effect());
    assertThat(decision.reasons()).extracting(Reason::code).containsOnly(row.code());
    assertThat(decision.reasons()).extracting(Reason::rule).isEqualTo(row.reasonRules());
    assertThat(decision.matched()).extracting(Matched::rule).isEqualTo(row.matched());
    assertThat(
            policy
                .explain(request("payments.transfer", "acct/1", BODY, NOON, Usage.NONE))
                .decision())
        .isEqualTo(decision);
  }

  @Test
  void evaluate_missingKey_messageNamesRuleAndKeyButNoRequestValue() throws PolicyException {
    RulePolicy policy =
        PolicyLoader.load(
            "version: 1\nrules:\n" + rule("e", "allow", "int(request.params.to) > 0"));

    PolicyDecision decision =
        policy.evaluate(request("payments.transfer", "acct/1", BODY, NOON, Usage.NONE));

    Reason reason = decision.reasons().get(0);
    assertThat(reason.message())
        .startsWith("the condition of rule e could not be evaluated: ")
        .doesNotContain("acct/2");
  }

  @Test
  void evaluate_iterationLimit_reasonSaysSo() throws PolicyException {
    Row row = table().filter(r -> r.name().startsWith("iteration")).findFirst().orElseThrow();
    RulePolicy policy = PolicyLoader.load("version: 1\nrules:\n" + row.rules());

    PolicyDecision decision =
        policy.evaluate(request("payments.transfer", "acct/1", BODY, NOON, Usage.NONE));

    assertThat(decision.reasons().get(0).message()).contains("Iteration budget exceeded: 1000");
  }

  @Test
  void evaluate_nowInCondition_followsTheRequestTime() throws PolicyException {
    RulePolicy policy =
        PolicyLoader.load(
            "version: 1\nrules:\n"
                + rule(
                    "office-hours",
                    "allow",
                    "now.getHours('Europe/Berlin') >= 8"
                        + " && now.getHours('Europe/Berlin') < 18"));

    Instant morningInBerlin = Instant.parse("2026-11-21T07:30:00Z"); // 08:30 CET
    Instant nightInBerlin = Instant.parse("2026-11-21T22:00:00Z");
    assertThat(
            policy.evaluate(request("payments.x", "r", "{}", morningInBerlin, Usage.NONE)).effect())
        .isEqualTo(Effect.ALLOW);
    assertThat(
            policy.evaluate(request("payments.x", "r", "{}", nightInBerlin, Usage.NONE)).effect())
        .isEqualTo(Effect.DENY);
  }

  private static final String BUDGETED =
      """
      version: 1
      timezone: Europe/Berlin
      budgets:
        - {id: spend, scope: tenant, match: {action: "payments.*"}, window: day,
           limit: "100.00", currency: EUR}
        - {id: monthly, scope: agent, match: {action: "payments.*"}, window: month,
           limit: "900.00", currency: EUR}
      quotas:
        - {id: transfers, scope: agent, match: {action: "payments.*"}, window: hour, limit: 10}
      rules:
        - id: allow-under-budget
          effect: allow
          match: {action: "payments.*"}
          when: usage.budget.spend < 9000 && usage.count["transfers"] < 5
        - id: escalate-heavy-month
          effect: escalate
          match: {action: "payments.*"}
          when: usage.budget.monthly > 50000
      """;

  @Test
  void evaluate_usageInConditions_readsEachBudgetOnceWhateverItsWindow() throws PolicyException {
    RulePolicy policy = PolicyLoader.load(BUDGETED);
    Map<String, Long> used = Map.of("spend", 8999L, "monthly", 60000L, "transfers", 4L);
    Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();
    Usage usage =
        rule -> {
          reads.computeIfAbsent(rule.id(), k -> new AtomicInteger()).incrementAndGet();
          return used.get(rule.id());
        };

    PolicyDecision decision =
        policy.evaluate(request("payments.transfer", "acct/1", "{}", NOON, usage));

    assertThat(decision.effect()).isEqualTo(Effect.ESCALATE);
    assertThat(decision.matched())
        .containsExactly(
            new Matched("allow-under-budget", Effect.ALLOW),
            new Matched("escalate-heavy-month", Effect.ESCALATE));
    assertThat(reads).containsOnlyKeys("spend", "monthly", "transfers");
    assertThat(reads.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
  }

  @Test
  void evaluate_usageOverLimit_conditionFalse() throws PolicyException {
    RulePolicy policy = PolicyLoader.load(BUDGETED);
    Usage usage = rule -> rule.id().equals("spend") ? 9000L : 0L;

    PolicyDecision decision =
        policy.evaluate(request("payments.transfer", "acct/1", "{}", NOON, usage));

    assertThat(decision.effect()).isEqualTo(Effect.DENY);
    assertThat(decision.reasons().get(0).code()).isEqualTo(PolicyDecision.NO_MATCH);
  }

  @Test
  void evaluate_usageUnreadable_deniesWithEvaluationErrorWithoutStoreText() throws PolicyException {
    RulePolicy policy = PolicyLoader.load(BUDGETED);
    Usage broken =
        rule -> {
          throw new StoreException(StoreException.Kind.UNAVAILABLE, "disk on fire at /var/x");
        };

    PolicyDecision decision =
        policy.evaluate(request("payments.transfer", "acct/1", "{}", NOON, broken));

    assertThat(decision.effect()).isEqualTo(Effect.DENY);
    Reason reason = decision.reasons().get(0);
    assertThat(reason.code()).isEqualTo(PolicyDecision.EVALUATION_ERROR);
    assertThat(reason.rule()).isEqualTo("allow-under-budget");
    assertThat(reason.message()).contains("could not be read").doesNotContain("disk on fire");
  }

  @Test
  void evaluate_rulesWithoutUsage_neverReadUsage() throws PolicyException {
    RulePolicy policy =
        PolicyLoader.load(
            "version: 1\nbudgets:\n  - {id: spend, scope: agent, match: {action: '*'},"
                + " window: day, limit: '1.00', currency: EUR}\nrules:\n"
                + rule("a", "allow", "request.params.n == 3")
                + rule("b", "allow", null));
    Usage refusing =
        rule -> {
          throw new AssertionError("usage read for " + rule.id());
        };

    PolicyDecision decision =
        policy.evaluate(request("payments.transfer", "acct/1", BODY, NOON, refusing));

    assertThat(decision.effect()).isEqualTo(Effect.ALLOW);
  }

  @Test
  void evaluate_noConditionMatches_bodyNeverConverted() throws PolicyException {
    // A body nested deeper than the converter accepts: converting it fails the condition.
    String deep = "{\"params\": " + "[".repeat(70) + "]".repeat(70) + "}";
    RulePolicy policy =
        PolicyLoader.load(
            "version: 1\nrules:\n"
                + rule("a", "allow", null)
                + "  - {id: c, effect: deny, match: {action: other.*}, when: request.params.x}\n");

    PolicyDecision plain =
        policy.evaluate(request("payments.transfer", "acct/1", deep, NOON, Usage.NONE));
    PolicyDecision converted =
        policy.evaluate(request("other.thing", "acct/1", deep, NOON, Usage.NONE));

    assertThat(plain.effect()).isEqualTo(Effect.ALLOW);
    assertThat(converted.reasons().get(0).code()).isEqualTo(PolicyDecision.EVALUATION_ERROR);
    assertThat(converted.reasons().get(0).message()).contains("nested deeper than 64");
  }

  @Test
  void budgetsFor_matchingAction_listsBudgetsAndQuotasInDocumentOrder() throws PolicyException {
    RulePolicy policy = PolicyLoader.load(BUDGETED);

    assertThat(policy.budgetsFor(request("payments.refund", "x")))
        .extracting(BudgetRule::id)
        .containsExactly("spend", "monthly", "transfers");
    assertThat(policy.budgetsFor(request("email.send", "x"))).isEmpty();
  }
}
