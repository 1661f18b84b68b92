package dev.warden.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.warden.policy.PolicyCases.Result;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyCasesTest {

  private static final Clock NIGHT =
      Clock.fixed(Instant.parse("2026-03-02T23:00:00Z"), ZoneOffset.UTC);

  private static final String POLICY =
      """
      version: 1
      budgets:
        - {id: spend, scope: tenant, match: {action: "payments.*"}, window: day,
           limit: "500.00", currency: EUR}
      quotas:
        - {id: mails, scope: agent, match: {action: email.send}, window: day, limit: 100}
      rules:
        - id: allow-small
          effect: allow
          match: {action: "payments.*"}
          when: >-
            usage.budget.spend < 40000 && request.amount.currency == "EUR"
            && now.getHours("UTC") < 18
        - id: escalate-labelled
          effect: escalate
          match: {action: "payments.*", labels: {review: "yes"}}
        - id: allow-mail
          effect: allow
          match: {action: email.send}
          when: usage.count.mails < 3 && agent.labels.team == "ops" && request.params.to != ""
      """;

  private static final String CASES =
      """
      cases:
        - name: small payment
          request:
            agent: agent-1
            tenant: acme
            action: payments.transfer
            resource: acct/1
            amount: {value: "12.00", currency: EUR}
          now: "2026-03-02T09:30:00+01:00"
          usage: {budget: {spend: "399.99"}}
          expect: allow
          rules: [allow-small]
        - name: over budget
          request:
            agent: agent-1
            tenant: acme
            action: payments.transfer
            resource: acct/1
            amount: {value: "12.00", currency: EUR}
          now: "2026-03-02T09:30:00Z"
          usage: {budget: {spend: "400.00"}}
          expect: deny
          rules: []
        - name: labelled
          request:
            agent: agent-1
            tenant: acme
            action: payments.refund
            resource: acct/1
            labels: {review: "yes"}
            amount: {value: "1.00", currency: EUR}
          now: "2026-03-02T09:30:00Z"
          expect: escalate
          rules: [escalate-labelled]
        - name: mail
          request:
            agent: mailer
            tenant: acme
            agent_labels: {team: ops}
            action: email.send
            resource: smtp
            params: {to: "a@example.com"}
            classification: internal
          usage: {count: {mails: 2}}
          expect: allow
      """;

  @Test
  void run_matchingExpectations_allPass() throws PolicyException {
    List<Result> results = PolicyCases.parse(CASES).run(PolicyLoader.load(POLICY), NIGHT);

    assertThat(results).allSatisfy(r -> assertThat(r.problems()).isEmpty());
    assertThat(results).extracting(r -> r.testCase().name()).hasSize(4);
    assertThat(results.get(0).testCase().line()).isEqualTo(2);
  }

  @Test
  void run_wrongEffectAndRules_failWithDetails() throws PolicyException {
    String cases =
        """
        cases:
          - name: expects allow at night
            request: {agent: agent-1, tenant: acme, action: payments.transfer, resource: a,
                      amount: {value: "1.00", currency: EUR}}
            expect: allow
          - name: wrong rule
            request: {agent: agent-1, tenant: acme, action: payments.refund, resource: a,
                      labels: {review: "yes"}, amount: {value: "1.00", currency: EUR}}
            now: "2026-03-02T09:30:00Z"
            expect: escalate
            rules: [allow-small]
        """;

    List<Result> results = PolicyCases.parse(cases).run(PolicyLoader.load(POLICY), NIGHT);

    assertThat(results.get(0).passed()).isFalse();
    assertThat(results.get(0).problems())
        .containsExactly(
            "expected allow, got deny (policy.no_match: no rule matched; default is deny)");
    assertThat(results.get(1).problems())
        .containsExactly("expected rules [allow-small], got [escalate-labelled]");
  }

  @Test
  void run_usageOfUnknownBudget_failsWithoutDecision() throws PolicyException {
    String cases =
        """
        cases:
          - name: bad usage
            request: {agent: agent-1, tenant: acme, action: x, resource: a}
            usage: {budget: {nope: "1.00", mails: "1.00"}, count: {spend: 1}}
            expect: deny
        """;

    Result result = PolicyCases.parse(cases).run(PolicyLoader.load(POLICY), NIGHT).get(0);

    assertThat(result.decision()).isNull();
    assertThat(result.problems())
        .containsExactlyInAnyOrder(
            "usage.budget names nope, which is not a budget of the policy",
            "usage.budget names mails, which is not a budget of the policy",
            "usage.count names spend, which is not a quota of the policy");
  }

  @Test
  void parse_unknownField_refusedWithLineAndPointer() {
    PolicyException e =
        catchThrowableOfType(
            PolicyException.class,
            () ->
                PolicyCases.parse(
                    "cases:\n  - name: a\n    request: {agent: a1, tenant: t, action: x,"
                        + " resource: r, agnet_labels: {}}\n    expect: allow\n"));

    assertThat(e.pointer()).isEqualTo("/cases/0/request/agnet_labels");
    assertThat(e.line()).hasValue(3);
    assertThat(e.getMessage()).contains("(case a): unknown field \"agnet_labels\"");
  }

  @Test
  void parse_badTimeAndEffect_refused() {
    PolicyException time =
        catchThrowableOfType(
            PolicyException.class,
            () ->
                PolicyCases.parse(
                    "cases:\n  - name: a\n    request: {agent: a1, tenant: t, action: x,"
                        + " resource: r}\n    now: yesterday\n    expect: allow\n"));
    PolicyException effect =
        catchThrowableOfType(
            PolicyException.class,
            () ->
                PolicyCases.parse(
                    "cases:\n  - name: a\n    request: {agent: a1, tenant: t, action: x,"
                        + " resource: r}\n    expect: permit\n"));

    assertThat(time.getMessage())
        .isEqualTo(
            "line 4, /cases/0/now (case a): now must be an RFC 3339 time like"
                + " 2026-03-01T09:30:00Z, got \"yesterday\"");
    assertThat(effect.getMessage())
        .isEqualTo(
            "line 4, /cases/0/expect (case a): expect must be allow, deny or escalate, got"
                + " \"permit\"");
  }

  @Test
  void parse_duplicateNames_refused() {
    String one =
        "  - {name: a, request: {agent: a1, tenant: t, action: x, resource: r}, expect: deny}\n";

    PolicyException e =
        catchThrowableOfType(
            PolicyException.class, () -> PolicyCases.parse("cases:\n" + one + one));

    assertThat(e.pointer()).isEqualTo("/cases/1/name");
  }
}
