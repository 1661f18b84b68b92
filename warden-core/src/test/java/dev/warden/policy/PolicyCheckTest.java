package dev.warden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.policy.PolicyCheck.Finding;
import dev.warden.policy.PolicyCheck.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each class of finding on a policy made to have it, and none on a clean policy. */
class PolicyCheckTest {

  private static final String CLEAN =
      """
      version: 1
      timezone: Europe/Berlin
      budgets:
        - {id: spend, scope: tenant, match: {action: "payments.*"}, window: month,
           limit: "500.00", currency: EUR}
      quotas:
        - {id: mails, scope: agent, match: {action: email.send}, window: day, limit: 100}
      rules:
        - id: allow-payments
          effect: allow
          match: {action: "payments.*", resource: "acct/*"}
          when: usage.budget.spend < 40000
        - id: escalate-transfers
          effect: escalate
          match: {action: payments.transfer, resource: "acct/*"}
          when: request.amount != null && request.amount.value.size() > 6
        - id: deny-wire
          effect: deny
          match: {action: payments.transfer, resource: "wire/*"}
        - id: allow-mail
          effect: allow
          match: {action: email.send, agents: ["mailer-*"]}
        - id: deny-secret-mail
          effect: deny
          match: {action: email.send}
          when: request.classification == "secret"
      """;

  @Test
  void check_cleanPolicy_noFindings() {
    assertThat(PolicyCheck.check(CLEAN)).isEmpty();
  }

  @Test
  void check_syntaxError_oneErrorWithLine() {
    List<Finding> findings = PolicyCheck.check("version: 1\nrules: [\n");

    assertThat(findings).hasSize(1);
    assertThat(findings.get(0).severity()).isEqualTo(Severity.ERROR);
    assertThat(findings.get(0).message()).contains("not valid YAML");
  }

  @Test
  void check_unknownField_errorWithPointerAndLine() {
    List<Finding> findings =
        PolicyCheck.check(
            "version: 1\nrules:\n  - id: r\n    effect: allow\n    match: {action: x}\n"
                + "    priority: 3\n");

    assertThat(findings)
        .containsExactly(
            new Finding(
                Severity.ERROR,
                "/rules/0/priority",
                6,
                "unknown field \"priority\"; allowed: approvers, effect, id, match,"
                    + " min_approvals, reason, ttl, when"));
  }

  @Test
  void check_celTypeError_errorWithRuleAndColumn() {
    List<Finding> findings =
        PolicyCheck.check(
            "version: 1\nrules:\n  - id: r\n    effect: allow\n    match: {action: x}\n"
                + "    when: request.params.n + 1\n");

    assertThat(findings)
        .containsExactly(
            new Finding(
                Severity.ERROR,
                "/rules/0/when",
                6,
                "rule r: CEL error at column 18: expected type 'bool' but found 'int'"));
  }

  @Test
  void check_allowBehindLaterUnconditionalDeny_shadowed() {
    List<Finding> findings =
        PolicyCheck.check(
            """
            version: 1
            rules:
              - id: allow-refunds
                effect: allow
                match: {action: payments.refund, resource: "acct/1*", tenants: [acme]}
                when: request.params.n > 1
              - id: deny-payments
                effect: deny
                match: {action: "payments.*", resource: ["acct/*", "wire/*"]}
            """);

    assertThat(findings)
        .containsExactly(
            new Finding(
                Severity.WARNING,
                "/rules/0",
                3,
                "rule allow-refunds (allow) is shadowed: deny rule deny-payments (line 7) has no"
                    + " condition and matches every request it matches, and deny overrides"
                    + " allow"));
  }

  @Test
  void check_escalateBehindDenyAndAllowBehindEscalate_bothShadowed() {
    List<Finding> findings =
        PolicyCheck.check(
            """
            version: 1
            rules:
              - {id: deny-all, effect: deny, match: {action: "*"}, when: "1 == 1"}
              - {id: esc, effect: escalate, match: {action: "*.delete"}}
              - {id: ok, effect: allow, match: {action: files.delete, labels: {env: prod}}}
            """);

    assertThat(findings)
        .extracting(Finding::pointer, Finding::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "/rules/1",
                "rule esc (escalate) is shadowed: deny rule deny-all (line 3) has no condition"
                    + " and matches every request it matches, and deny overrides escalate"),
            org.assertj.core.groups.Tuple.tuple(
                "/rules/2",
                "rule ok (allow) is shadowed: deny rule deny-all (line 3) has no condition and"
                    + " matches every request it matches, and deny overrides allow"));
  }

  @Test
  void check_coverageNotProvable_notReported() {
    // deny covers only some of what allow matches: agents, labels, a broader resource, a glob
    // with an inner star, and a conditional deny are all not coverage.
    List<Finding> findings =
        PolicyCheck.check(
            """
            version: 1
            rules:
              - {id: a1, effect: allow, match: {action: x.read}}
              - {id: d1, effect: deny, match: {action: x.read, agents: [bot-1]}}
              - {id: a2, effect: allow, match: {action: y.read}}
              - {id: d2, effect: deny, match: {action: y.read, labels: {env: prod}}}
              - {id: a3, effect: allow, match: {action: "z.read*"}}
              - {id: d3, effect: deny, match: {action: "z*d"}}
              - {id: a4, effect: allow, match: {action: w.read}}
              - {id: d4, effect: deny, match: {action: w.read}, when: request.params.x == 1}
              - {id: a5, effect: allow, match: {action: v.read, resource: "*"}}
              - {id: d5, effect: deny, match: {action: v.read, resource: "acct/*"}}
            """);

    assertThat(findings).isEmpty();
  }

  @Test
  void check_constantFalseCondition_unreachable() {
    List<Finding> findings =
        PolicyCheck.check(
            "version: 1\nrules:\n  - {id: r, effect: allow, match: {action: x}, when: '1 > 2'}\n");

    assertThat(findings)
        .containsExactly(
            new Finding(
                Severity.WARNING,
                "/rules/0/when",
                3,
                "rule r is unreachable: its condition reads no variable and is false"));
  }

  @Test
  void check_constantFailingCondition_warned() {
    List<Finding> findings =
        PolicyCheck.check(
            "version: 1\nrules:\n  - {id: r, effect: deny, match: {action: x}, when: '1/0 == 1'}\n");

    assertThat(findings).hasSize(1);
    assertThat(findings.get(0).message())
        .isEqualTo(
            "rule r's condition reads no variable and always fails (/ by zero (at character"
                + " 2)): every request the rule matches is denied with policy.evaluation_error");
  }

  @Test
  void check_agentGlobNoIdCanMatch_unreachable() {
    List<Finding> findings =
        PolicyCheck.check(
            "version: 1\nrules:\n  - {id: r, effect: allow, match: {action: x, agents: [Bot-1,"
                + " '-x*', a]}}\n  - {id: t, effect: allow, match: {action: y, tenants: [ACME]}}\n");

    assertThat(findings)
        .extracting(Finding::pointer, Finding::line)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("/rules/0/match/agents", 3),
            org.assertj.core.groups.Tuple.tuple("/rules/1/match/tenants", 4));
    assertThat(findings.get(0).message())
        .startsWith("rule r is unreachable: no agent id can match its agents globs");
  }

  @Test
  void check_exactDuplicate_warnedOnTheLaterRule() {
    List<Finding> findings =
        PolicyCheck.check(
            """
            version: 1
            rules:
              - {id: a, effect: allow, match: {action: [x, y]}, when: request.params.n == 1}
              - {id: b, effect: allow, match: {action: [y, x]}, when: " request.params.n == 1 "}
              - {id: c, effect: allow, match: {action: [y, x]}, when: request.params.n == 2}
            """);

    assertThat(findings)
        .containsExactly(
            new Finding(
                Severity.WARNING,
                "/rules/1",
                4,
                "rule b is unreachable as a reason: it repeats rule a (line 3) (same effect,"
                    + " match and condition)"));
  }

  @Test
  void check_budgetNoAllowRuleCanSelect_warned() {
    List<Finding> findings =
        PolicyCheck.check(
            """
            version: 1
            budgets:
              - {id: spend, scope: agent, match: {action: "payments.*"}, window: day,
                 limit: "1.00", currency: EUR}
            quotas:
              - {id: used, scope: agent, match: {action: "email.*"}, window: day, limit: 1}
              - {id: unused, scope: agent, match: {action: "files.*"}, window: day, limit: 1}
            rules:
              - {id: deny-pay, effect: deny, match: {action: "payments.*"}}
              - {id: mail, effect: allow, match: {action: email.send}}
              - {id: never, effect: allow, match: {action: files.read}, when: "false"}
            """);

    assertThat(findings)
        .extracting(Finding::pointer, Finding::message)
        .contains(
            org.assertj.core.groups.Tuple.tuple(
                "/budgets/0",
                "budget spend is never charged: no allow or escalate rule can match a request"
                    + " its match selects"),
            org.assertj.core.groups.Tuple.tuple(
                "/quotas/1",
                "quota unused is never charged: no allow or escalate rule can match a request"
                    + " its match selects"))
        .noneMatch(t -> t.toList().contains("/quotas/0"));
  }
}
