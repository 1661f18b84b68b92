package dev.warden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.policy.PolicyException.Reason;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Conditions refused at load: the YAML line of the when field and the column in the condition. */
class CelConditionsTest {

  private static final String HEAD =
      """
      version: 1
      budgets:
        - {id: spend, scope: agent, match: {action: "*"}, window: day, limit: "1.00",
           currency: EUR}
      quotas:
        - {id: calls, scope: agent, match: {action: "*"}, window: day, limit: 5}
      rules:
        - id: r
          effect: allow
          match: {action: x}
      """;

  /** The when line is line 11 of every case. */
  record Bad(String name, String when, String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Bad> refusals() {
    return Stream.of(
        new Bad(
            "parse-error", "request.action ==", "column 18: mismatched input '<EOF>' expecting"),
        new Bad(
            "type-error",
            "request.params.n == 1 && 1 + 'a' == 2",
            "column 28: found no matching overload for '_+_' applied to '(int, string)'"),
        new Bad("not-bool", "1 + 2", "column 3: expected type 'bool' but found 'int'"),
        new Bad(
            "undeclared", "requests.action == 'x'", "column 1: undeclared reference to 'requests'"),
        new Bad(
            "unknown-request-field",
            "request.acton == 'x'",
            "column 9: unknown field acton on request; known: action, resource, params, amount,"
                + " labels, classification"),
        new Bad(
            "unknown-request-field-indexed",
            "request['acton'] == 'x'",
            "column 9: unknown field acton on request; known: action, resource, params, amount,"
                + " labels, classification"),
        new Bad(
            "unknown-field-in-has",
            "has(request.clasification)",
            "column 13: unknown field clasification on request; known: action, resource,"
                + " params, amount, labels, classification"),
        new Bad(
            "unknown-amount-field",
            "request.amount.currencyCode == 'EUR'",
            "column 16: unknown field currencyCode on request.amount; known: value, currency"),
        new Bad(
            "field-of-a-string",
            "request.action.name == 'x'",
            "column 16: request.action is a string and has no field name"),
        new Bad(
            "unknown-agent-field",
            "agent.name == 'x'",
            "column 7: unknown field name on agent; known: id, tenant, labels"),
        new Bad(
            "unknown-tenant-field",
            "tenant.labels.x == 'y'",
            "column 8: unknown field labels on tenant; known: id"),
        new Bad(
            "unknown-budget",
            "usage.budget.spent < 10",
            "column 14: unknown budget spent in usage.budget; known: spend"),
        new Bad(
            "unknown-quota-indexed",
            "usage.count[\"call\"] < 10",
            "column 13: unknown quota call in usage.count; known: calls"),
        new Bad(
            "quota-under-budget",
            "usage.budget.calls < 10",
            "column 14: unknown budget calls in usage.budget; known: spend"),
        new Bad(
            "unknown-usage-field",
            "usage.money.spend < 10",
            "column 7: unknown field money on usage; known: budget, count"),
        new Bad(
            "too-deep",
            "1" + " + 1".repeat(120) + " > 0",
            "column 1: Expression recursion limit exceeded. limit: 100"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void load_badCondition_refusedWithWhenLineAndColumn(Bad bad) {
    String text = HEAD + "    when: '" + bad.when().replace("'", "''") + "'\n";

    PolicyException e = Refusals.refusal(text);

    assertThat(e.reason()).isEqualTo(Reason.CEL);
    assertThat(e.pointer()).isEqualTo("/rules/0/when");
    assertThat(e.line()).hasValue(11);
    assertThat(e.getMessage())
        .startsWith("line 11, /rules/0/when (rule r): CEL error at " + bad.message());
  }

  @Test
  void load_multiLineCondition_namesLineAndColumnInsideIt() {
    String text =
        HEAD
            + "    when: |\n"
            + "      request.action == 'x' &&\n"
            + "        request.resourse == 'y'\n";

    PolicyException e = Refusals.refusal(text);

    assertThat(e.line()).hasValue(11);
    assertThat(e.getMessage())
        .isEqualTo(
            "line 11, /rules/0/when (rule r): CEL error at line 2, column 11 of the condition:"
                + " unknown field resourse on request; known: action, resource, params, amount,"
                + " labels, classification");
  }

  @Test
  void load_knownFieldsAndIds_accepted() throws PolicyException {
    String when =
        "request.action == 'x' && request.params.anything.goes == 1"
            + " && request.labels.any == 'v' && agent.labels['k'] == 'v'"
            + " && usage.budget.spend < 100 && usage.count['calls'] < 5"
            + " && usage.budget.exists(k, usage.budget[k] > 0)"
            + " && [{'acton': 1}].exists(request, request.acton == 1)"; // shadowed

    RulePolicy policy = PolicyLoader.load(HEAD + "    when: \"" + when + "\"\n");

    assertThat(policy.rules().get(0).when()).isEqualTo(when);
  }

  @Test
  void load_jsonDocument_refusalHasNoLineButColumn() {
    String json =
        "{\"version\": 1, \"rules\": [{\"id\": \"r\", \"effect\": \"allow\","
            + " \"match\": {\"action\": \"x\"}, \"when\": \"agent.ident == 'a'\"}]}";

    PolicyException e = Refusals.refusal(json);

    assertThat(e.line()).isEmpty();
    assertThat(e.getMessage())
        .isEqualTo(
            "/rules/0/when (rule r): CEL error at column 7: unknown field ident on agent; known:"
                + " id, tenant, labels");
  }
}
