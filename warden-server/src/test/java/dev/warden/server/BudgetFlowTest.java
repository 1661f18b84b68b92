package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Budgets, quotas and CEL conditions through the real server (SPEC §6, §7). */
final class BudgetFlowTest {
  private static final String POLICY =
      """
      version: 1
      timezone: Europe/Berlin
      rules:
        - id: payments
          effect: allow
          match: {action: "payments.transfer"}
        - id: emails
          effect: allow
          match: {action: "email.send"}
        - id: no-large-payments
          effect: deny
          match: {action: "payments.transfer"}
          when: "request.amount != null && double(request.amount.value) > 1000.0"
          reason: "large payments are never made by agents"
      budgets:
        - id: payments-daily
          scope: agent
          match: {action: "payments.*"}
          window: day
          limit: "70.00"
          currency: EUR
      quotas:
        - id: emails-hourly
          scope: tenant
          match: {action: "email.send"}
          window: hour
          limit: 3
      """;

  @TempDir Path tmp;
  private TestWarden w;
  private TestWarden.Agent agent;

  @BeforeEach
  void start() throws Exception {
    w = TestWarden.start(tmp);
    HttpResponse<String> put = w.admin("PUT", "/v1/admin/policy", POLICY);
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    agent = w.createAgent("agent-1");
  }

  @AfterEach
  void stop() {
    w.close();
  }

  private JsonNode pay(String value, String currency) throws Exception {
    return TestWarden.json(
        w.send(
            agent.key(),
            TestWarden.req(
                "{\"action\":\"payments.transfer\",\"resource\":\"acct/1\",\"amount\":{\"value\":\""
                    + value
                    + "\",\"currency\":\""
                    + currency
                    + "\"}}")));
  }

  @Test
  void budget_allowsUntilSpentThenDeniesNamingWhatIsLeft() throws Exception {
    assertThat(pay("30.00", "EUR").path("decision").asText()).isEqualTo("allow");
    assertThat(pay("30.00", "EUR").path("decision").asText()).isEqualTo("allow");

    JsonNode over = pay("10.01", "EUR");

    assertThat(over.path("decision").asText()).isEqualTo("deny");
    JsonNode reason = over.path("reasons").get(0);
    assertThat(reason.path("rule").asText()).isEqualTo("payments-daily");
    assertThat(reason.path("code").asText()).isEqualTo("budget.exceeded");
    assertThat(reason.path("message").asText()).contains("10.00 EUR").contains("10.01 EUR");
    // What is left still fits.
    assertThat(pay("10.00", "EUR").path("decision").asText()).isEqualTo("allow");
    // The budget deny is a logged decision with the rules that matched before the budget refused.
    JsonNode logged = w.entries("decision").get(2);
    assertThat(logged.path("decision").asText()).isEqualTo("deny");
    assertThat(logged.has("expires")).as("a deny is no warrant").isFalse();
    JsonNode allowed = w.entries("decision").get(0);
    assertThat(java.time.Instant.parse(allowed.path("expires").asText()))
        .isEqualTo(java.time.Instant.parse(allowed.path("ts").asText()).plusSeconds(300));
    assertThat(logged.path("matched").get(0).path("rule").asText()).isEqualTo("payments");
  }

  @Test
  void budget_wrongCurrencyOrNoAmount_isDeniedFailClosed() throws Exception {
    assertThat(pay("1.00", "USD").path("reasons").get(0).path("code").asText())
        .isEqualTo("budget.currency_mismatch");
    JsonNode none =
        TestWarden.json(
            w.send(
                agent.key(),
                TestWarden.req("{\"action\":\"payments.transfer\",\"resource\":\"acct/1\"}")));
    assertThat(none.path("decision").asText()).isEqualTo("deny");
    assertThat(none.path("reasons").get(0).path("code").asText())
        .isEqualTo("budget.amount_missing");
  }

  @Test
  void condition_thatFailsToEvaluate_deniesWithEvaluationError() throws Exception {
    w.admin("PUT", "/v1/admin/policy", POLICY.replace("request.amount != null && ", ""));
    JsonNode none =
        TestWarden.json(
            w.send(
                agent.key(),
                TestWarden.req("{\"action\":\"payments.transfer\",\"resource\":\"acct/1\"}")));

    assertThat(none.path("decision").asText()).isEqualTo("deny");
    assertThat(none.path("reasons").get(0).path("code").asText())
        .isEqualTo("policy.evaluation_error");
    assertThat(none.path("reasons").get(0).path("rule").asText()).isEqualTo("no-large-payments");
  }

  @Test
  void condition_denyOverridesTheAllowWithoutChargingTheBudget() throws Exception {
    JsonNode large = pay("5000.00", "EUR");

    assertThat(large.path("decision").asText()).isEqualTo("deny");
    assertThat(large.path("reasons").get(0).path("rule").asText()).isEqualTo("no-large-payments");
    assertThat(pay("70.00", "EUR").path("decision").asText()).isEqualTo("allow");
  }

  @Test
  void budget_concurrentRequests_allowExactlyWhatFits() throws Exception {
    int requests = 40;
    List<Future<JsonNode>> answers = new ArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < requests; i++) {
        answers.add(
            pool.submit(
                () -> {
                  go.await();
                  return pay("10.00", "EUR");
                }));
      }
      go.countDown();
      int allowed = 0;
      for (Future<JsonNode> a : answers) {
        if (a.get().path("decision").asText().equals("allow")) {
          allowed++;
        } else {
          assertThat(a.get().path("reasons").get(0).path("code").asText())
              .isEqualTo("budget.exceeded");
        }
      }
      assertThat(allowed).isEqualTo(7);
    }
  }

  @Test
  void quota_countsPerTenantAcrossAgents() throws Exception {
    TestWarden.Agent other = w.createAgent("agent-2");
    String mail = "{\"action\":\"email.send\",\"resource\":\"mailbox/ops\"}";
    for (TestWarden.Agent a : List.of(agent, other, agent)) {
      assertThat(TestWarden.json(w.send(a.key(), TestWarden.req(mail))).path("decision").asText())
          .isEqualTo("allow");
    }

    JsonNode fourth = TestWarden.json(w.send(other.key(), TestWarden.req(mail)));

    assertThat(fourth.path("decision").asText()).isEqualTo("deny");
    assertThat(fourth.path("reasons").get(0).path("code").asText()).isEqualTo("quota.exceeded");
    assertThat(fourth.path("reasons").get(0).path("message").asText()).contains("0");
  }
}
