package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import picocli.CommandLine;

/** {@code warden policy check|test|explain}: exit 0 ok, 1 check failed, 2 usage or I/O error. */
@ResourceLock("java.lang.System.out")
class PolicyCommandTest {

  private static final String POLICY =
      """
      version: 1
      budgets:
        - {id: spend, scope: tenant, match: {action: "payments.*"}, window: day,
           limit: "500.00", currency: EUR}
      rules:
        - id: allow-small
          effect: allow
          match: {action: "payments.*"}
          when: request.amount != null && request.amount.value.size() <= 5
          reason: small payments are fine
        - id: deny-wire
          effect: deny
          match: {action: payments.transfer, resource: "wire/*"}
      """;

  @TempDir Path tmp;

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new PolicyCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private Path file(String name, String text) throws IOException {
    return Files.writeString(tmp.resolve(name), text, StandardCharsets.UTF_8);
  }

  @Test
  void check_cleanPolicy_exits0() throws IOException {
    Path policy = file("policy.yaml", POLICY);

    Run r = run("check", policy.toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo(policy + ": ok\n");
  }

  @Test
  void check_unknownField_exits1WithFileLineAndPointer() throws IOException {
    Path policy = file("bad.yaml", POLICY.replace("reason:", "reasn:"));

    Run r = run("check", policy.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out())
        .startsWith(
            policy
                + ":10: error: unknown field \"reasn\"; allowed: approvers,"
                + " effect, id, match, min_approvals, reason, ttl, when (at /rules/0/reasn)");
  }

  @Test
  void check_warningOnly_exits0ButStrictExits1() throws IOException {
    Path policy =
        file(
            "shadow.yaml",
            POLICY
                + "  - {id: wire-ok, effect: allow, match: {action: payments.transfer,"
                + " resource: wire/1}}\n");

    Run lenient = run("check", policy.toString());
    Run strict = run("check", "--strict", policy.toString());

    assertThat(lenient.exit()).isZero();
    assertThat(lenient.out())
        .startsWith(policy + ":14: warning: rule wire-ok (allow) is shadowed: deny rule deny-wire");
    assertThat(strict.exit()).isEqualTo(1);
    assertThat(strict.out()).isEqualTo(lenient.out());
  }

  @Test
  void check_missingFile_exits2NamingIt() {
    Run r = run("check", tmp.resolve("nope.yaml").toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("cannot read policy").contains("nope.yaml");
  }

  @Test
  void test_casesPassAndFail_linePerCaseAndExit1() throws IOException {
    Path policy = file("policy.yaml", POLICY);
    Path cases =
        file(
            "cases.yaml",
            """
            cases:
              - name: small
                request: {agent: a1, tenant: acme, action: payments.transfer, resource: acct/1,
                          amount: {value: "12.00", currency: EUR}}
                now: "2026-03-01T09:30:00Z"
                expect: allow
                rules: [allow-small]
              - name: wire
                request: {agent: a1, tenant: acme, action: payments.transfer, resource: wire/1,
                          amount: {value: "12.00", currency: EUR}}
                now: "2026-03-01T09:30:00Z"
                expect: allow
            """);

    Run r = run("test", policy.toString(), "--cases", cases.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out())
        .isEqualTo(
            "PASS small\n"
                + "FAIL wire ("
                + cases
                + ":8): expected allow, got deny (policy.deny, rule deny-wire: rule deny-wire"
                + " matched)\n"
                + "1 passed, 1 failed ("
                + policy
                + ")\n");
  }

  @Test
  void test_allPass_exits0() throws IOException {
    Path policy = file("policy.yaml", POLICY);
    Path cases =
        file(
            "cases.yaml",
            "cases:\n  - {name: big, request: {agent: a1, tenant: t, action: payments.x,"
                + " resource: r, amount: {value: \"1000.00\", currency: EUR}},"
                + " now: \"2026-03-01T09:30:00Z\", expect: deny, rules: []}\n");

    Run r = run("test", policy.toString(), "--cases", cases.toString());

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).isEqualTo("PASS big\n1 passed, 0 failed (" + policy + ")\n");
  }

  @Test
  void test_badCasesFile_exits2WithFix() throws IOException {
    Path policy = file("policy.yaml", POLICY);
    Path cases = file("cases.yaml", "cases:\n  - {name: x, expect: allow}\n");

    Run r = run("test", policy.toString(), "--cases", cases.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains("the cases file " + cases + " is not valid")
        .contains("request is required")
        .contains("--help");
  }

  @Test
  void test_missingCasesOption_exits2() throws IOException {
    Run r = run("test", file("policy.yaml", POLICY).toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--cases");
  }

  @Test
  void explain_text_listsEveryRuleAndDecisionLast() throws IOException {
    Path policy = file("policy.yaml", POLICY);
    Path request =
        file(
            "req.json",
            "{\"action\": \"payments.transfer\", \"resource\": \"acct/1\","
                + " \"amount\": {\"value\": \"12.00\", \"currency\": \"EUR\"}}");

    Run r =
        run(
            "explain",
            "--policy",
            policy.toString(),
            "--request",
            request.toString(),
            "--agent",
            "bot-1",
            "--tenant",
            "acme",
            "--now",
            "2026-03-01T09:30:00Z");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains(
            "request: agent bot-1 (tenant acme) payments.transfer on acct/1 at"
                + " 2026-03-01T09:30:00Z")
        .contains("rule allow-small (allow): applies\n  match: holds\n  when: true\n")
        .contains(
            "rule deny-wire (deny): does not apply\n  match: fails on resource: \"acct/1\""
                + " matches none of [wire/*]\n  when: none\n")
        .contains("  budget spend: tenant, per day, limit 500.00 EUR\n")
        .endsWith(
            "decision: ALLOW\n  reason: allow-small (policy.allow): small payments are fine\n"
                + "  matched: allow-small (allow)\n");
  }

  @Test
  void explain_json_parsesAndCarriesTheDecision() throws IOException {
    Path policy = file("policy.yaml", POLICY);
    Path request =
        file("req.json", "{\"action\": \"payments.transfer\", \"resource\": \"wire/9\"}");

    Run r =
        run("explain", "--policy", policy.toString(), "--request", request.toString(), "--json");

    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode o = new ObjectMapper().readTree(r.out());
    assertThat(o.at("/decision/effect").asText()).isEqualTo("deny");
    // No amount: request.amount is null, so allow-small's condition is false.
    assertThat(o.at("/decision/reasons/0/code").asText()).isEqualTo("policy.deny");
    assertThat(o.at("/rules/0/condition").asText()).isEqualTo("false");
    assertThat(o.at("/rules/1/mismatch").isMissingNode()).isTrue();
    assertThat(o.at("/rules/1/applies").asBoolean()).isTrue();
    assertThat(o.at("/budgets/0/id").asText()).isEqualTo("spend");
  }

  @Test
  void explain_requestWithoutAction_exits2NamingField() throws IOException {
    Path policy = file("policy.yaml", POLICY);
    Path request = file("req.json", "{\"resource\": \"acct/1\"}");

    Run r = run("explain", "--policy", policy.toString(), "--request", request.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("/action must be a string");
  }

  @Test
  void explain_badNow_exits2() throws IOException {
    Path policy = file("policy.yaml", POLICY);
    Path request = file("req.json", "{\"action\": \"a\", \"resource\": \"r\"}");

    Run r =
        run(
            "explain",
            "--policy",
            policy.toString(),
            "--request",
            request.toString(),
            "--now",
            "noon");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--now must be an RFC 3339 time");
  }

  @Test
  void help_listsExamples() {
    Run r = run("--help");

    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("warden policy check policy.yaml").contains("explain");
  }
}
