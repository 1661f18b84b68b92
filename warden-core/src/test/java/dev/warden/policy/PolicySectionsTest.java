package dev.warden.policy;

import static dev.warden.policy.Refusals.schema;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.budget.Money;
import dev.warden.budget.Window;
import dev.warden.policy.Refusals.Case;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The timezone, when, budgets, quotas and limits fields: read right, and each broken once. */
class PolicySectionsTest {

  private static final String HEAD = "version: 1\nrules: []\n";

  static Stream<Case> refusals() {
    return Stream.of(
        schema(
            "timezone-offset",
            HEAD + "timezone: '+02:00'\n",
            "/timezone",
            3,
            "line 3, /timezone: timezone \"+02:00\" is a fixed UTC offset, which ignores daylight"
                + " saving time; write an IANA zone like Europe/Berlin, or UTC"),
        schema(
            "timezone-gmt-offset",
            HEAD + "timezone: GMT+2\n",
            "/timezone",
            3,
            "line 3, /timezone: timezone \"GMT+2\" is a fixed UTC offset, which ignores daylight"
                + " saving time; write an IANA zone like Europe/Berlin, or UTC"),
        schema(
            "timezone-unknown",
            HEAD + "timezone: Mars/Olympus\n",
            "/timezone",
            3,
            "line 3, /timezone: timezone \"Mars/Olympus\" is not an IANA time zone; write a region"
                + " like Europe/Berlin, or UTC"),
        schema(
            "timezone-number",
            HEAD + "timezone: 1\n",
            "/timezone",
            3,
            "line 3, /timezone: must be a string, got the number 1"),
        schema(
            "when-number",
            "version: 1\nrules:\n  - {id: r, effect: allow, match: {action: x}, when: 1}\n",
            "/rules/0/when",
            3,
            "line 3, /rules/0/when (rule r): must be a string, got the number 1"),
        schema(
            "when-blank",
            "version: 1\nrules:\n  - {id: r, effect: allow, match: {action: x}, when: ' '}\n",
            "/rules/0/when",
            3,
            "line 3, /rules/0/when (rule r): when must not be blank; leave it out instead"),
        schema(
            "when-too-long",
            "version: 1\nrules:\n  - {id: r, effect: allow, match: {action: x}, when: '"
                + "true && ".repeat(600)
                + "true'}\n",
            "/rules/0/when",
            3,
            "line 3, /rules/0/when (rule r): when has 4804 characters; at most 4096 (split the"
                + " rule)"),
        schema(
            "budgets-mapping",
            HEAD + "budgets: {}\n",
            "/budgets",
            3,
            "line 3, /budgets: budgets must be a list, got a mapping"),
        schema(
            "budget-unknown-field",
            HEAD
                + "budgets:\n  - {id: b, scope: agent, match: {action: x}, window: day,"
                + " limit: '1.00', currency: EUR, cap: 3}\n",
            "/budgets/0/cap",
            4,
            "line 4, /budgets/0/cap: unknown field \"cap\"; allowed: currency, id, limit, match,"
                + " scope, window"),
        schema(
            "budget-scope-operator",
            HEAD
                + "budgets:\n  - {id: b, scope: operator, match: {action: x}, window: day,"
                + " limit: '1.00', currency: EUR}\n",
            "/budgets/0/scope",
            4,
            "line 4, /budgets/0/scope (budget b): scope must be agent or tenant, got"
                + " \"operator\""),
        schema(
            "budget-window-week",
            HEAD
                + "budgets:\n  - id: b\n    scope: agent\n    match: {action: x}\n"
                + "    window: week\n    limit: '1.00'\n    currency: EUR\n",
            "/budgets/0/window",
            7,
            "line 7, /budgets/0/window (budget b): window must be request, hour, day or month,"
                + " got \"week\""),
        schema(
            "budget-limit-number",
            HEAD
                + "budgets:\n  - id: b\n    scope: agent\n    match: {action: x}\n"
                + "    window: day\n    limit: 500.00\n    currency: EUR\n",
            "/budgets/0/limit",
            8,
            "line 8, /budgets/0/limit (budget b): limit must be a decimal string like \"500.00\""
                + " (quoted: money is never a float), got the number 500.00"),
        schema(
            "budget-limit-too-precise",
            HEAD
                + "budgets:\n  - {id: b, scope: agent, match: {action: x}, window: day,"
                + " limit: '1.005', currency: EUR}\n",
            "/budgets/0/limit",
            4,
            "line 4, /budgets/0/limit (budget b): 1.005 has more decimals than EUR has minor"
                + " units (2)"),
        schema(
            "budget-currency-unknown",
            HEAD
                + "budgets:\n  - {id: b, scope: agent, match: {action: x}, window: day,"
                + " limit: '1.00', currency: EURO}\n",
            "/budgets/0/currency",
            4,
            "line 4, /budgets/0/currency (budget b): a currency is three upper-case letters like"
                + " USD"),
        schema(
            "budget-match-missing",
            HEAD
                + "budgets:\n  - {id: b, scope: agent, window: day, limit: '1.00',"
                + " currency: EUR}\n",
            "/budgets/0",
            4,
            "line 4, /budgets/0 (budget b): match is required"),
        schema(
            "quota-window-request",
            HEAD
                + "quotas:\n  - {id: q, scope: agent, match: {action: x}, window: request,"
                + " limit: 3}\n",
            "/quotas/0/window",
            4,
            "line 4, /quotas/0/window (quota q): window must be hour, day or month, got"
                + " \"request\" (a quota counts over a period)"),
        schema(
            "quota-limit-string",
            HEAD
                + "quotas:\n  - {id: q, scope: agent, match: {action: x}, window: day,"
                + " limit: '3'}\n",
            "/quotas/0/limit",
            4,
            "line 4, /quotas/0/limit (quota q): limit must be a whole number from 0 to"
                + " 9223372036854775807, got the string \"3\""),
        schema(
            "quota-id-clashes-with-budget",
            HEAD
                + "budgets:\n  - {id: b, scope: agent, match: {action: x}, window: day,"
                + " limit: '1.00', currency: EUR}\n"
                + "quotas:\n  - {id: b, scope: agent, match: {action: x}, window: day,"
                + " limit: 3}\n",
            "/quotas/0/id",
            6,
            "line 6, /quotas/0/id (quota b): duplicate budget or quota id (they share one"
                + " namespace); first used at line 4, /budgets/0"),
        schema(
            "limit-refill-unit",
            HEAD + "limits:\n  - {id: l, scope: agent, capacity: 20, refill: 10/d}\n",
            "/limits/0/refill",
            4,
            "line 4, /limits/0/refill (limit l): refill must be a whole number from 1 to"
                + " 1000000000 of tokens per s, m or h, like 10/s, 100/m or 1000/h; got \"10/d\""),
        schema(
            "limit-capacity-zero",
            HEAD + "limits:\n  - {id: l, scope: agent, capacity: 0, refill: 10/s}\n",
            "/limits/0/capacity",
            4,
            "line 4, /limits/0/capacity (limit l): capacity must be a whole number from 1 to"
                + " 1000000000, got the number 0"),
        schema(
            "limit-scope-unknown",
            HEAD + "limits:\n  - {id: l, scope: user, capacity: 1, refill: 1/s}\n",
            "/limits/0/scope",
            4,
            "line 4, /limits/0/scope (limit l): scope must be agent, tenant or operator, got"
                + " \"user\""),
        schema(
            "limit-duplicate-id",
            HEAD
                + "limits:\n  - {id: l, scope: agent, capacity: 1, refill: 1/s}\n"
                + "  - {id: l, scope: tenant, capacity: 1, refill: 1/s}\n",
            "/limits/1/id",
            5,
            "line 5, /limits/1/id (limit l): duplicate limit id; first used at line 4,"
                + " /limits/0"),
        schema(
            "limit-refill-missing",
            HEAD + "limits:\n  - {id: l, scope: agent, capacity: 1}\n",
            "/limits/0",
            4,
            "line 4, /limits/0 (limit l): refill is required (like 10/s, 100/m or 1000/h)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void load_brokenSection_throwsNamingLineFieldAndProblem(Case c) {
    Refusals.assertRefusedAsDescribed(c);
  }

  @Test
  void load_everySection_readsValuesInDocumentOrder() throws PolicyException {
    RulePolicy policy =
        PolicyLoader.load(
            """
            version: 1
            timezone: Europe/Berlin
            budgets:
              - {id: spend, scope: tenant, match: {action: "payments.*"}, window: month,
                 limit: "500.00", currency: EUR}
              - {id: yen, scope: agent, match: {action: "payments.*"}, window: request,
                 limit: "1200", currency: JPY}
            quotas:
              - {id: mails, scope: agent, match: {action: email.send}, window: day, limit: 100}
            limits:
              - {id: burst, scope: agent, capacity: 20, refill: 10/s}
              - {id: admin, scope: operator, capacity: 5, refill: 60/m}
              - {id: slow, scope: tenant, capacity: 1, refill: 1/h}
            rules: []
            """);

    assertThat(policy.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(policy.budgets())
        .extracting(BudgetRule::id, BudgetRule::scope, BudgetRule::window, BudgetRule::limit)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("spend", Scope.TENANT, Window.MONTH, 50_000L),
            org.assertj.core.groups.Tuple.tuple("yen", Scope.AGENT, Window.REQUEST, 1_200L),
            org.assertj.core.groups.Tuple.tuple("mails", Scope.AGENT, Window.DAY, 100L));
    assertThat(policy.budgets().get(0).currency()).isEqualTo(Money.currency("EUR"));
    assertThat(policy.budgets().get(2).isQuota()).isTrue();
    assertThat(policy.rateLimits())
        .containsExactly(
            new RateLimitRule("burst", Scope.AGENT, 20, 10, Duration.ofSeconds(1)),
            new RateLimitRule("admin", Scope.OPERATOR, 5, 60, Duration.ofMinutes(1)),
            new RateLimitRule("slow", Scope.TENANT, 1, 1, Duration.ofHours(1)));
  }

  @Test
  void load_noTimezone_isUtcAndSectionsEmpty() throws PolicyException {
    RulePolicy policy = PolicyLoader.load(HEAD);

    assertThat(policy.zone().normalized()).isEqualTo(ZoneOffset.UTC);
    assertThat(policy.budgets()).isEmpty();
    assertThat(policy.rateLimits()).isEmpty();
  }

  @Test
  void load_timezoneUtc_accepted() throws PolicyException {
    assertThat(PolicyLoader.load(HEAD + "timezone: UTC\n").zone().normalized())
        .isEqualTo(ZoneOffset.UTC);
  }
}
