package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.httpsig.SigningKey;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decision path end to end, on the real server with the starter policy of {@code warden init}.
 */
class DecisionFlowTest {
  static final String PAY =
      "{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\",\"amount\":{\"value\":\"12.50\",\"currency\":\"USD\"}}";

  @TempDir Path tmp;
  TestWarden w;
  TestWarden.Agent agent;

  @BeforeEach
  void start() throws Exception {
    w = TestWarden.start(tmp);
    agent = w.createAgent("agent-1");
  }

  @AfterEach
  void stop() {
    w.close();
  }

  @Test
  void decide_allowedAction_200AllowLoggedBeforeAnswer() throws Exception {
    HttpResponse<String> r = w.send(agent.key(), TestWarden.req(PAY));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode d = TestWarden.json(r);
    assertThat(d.path("decision").asText()).isEqualTo("allow");
    assertThat(d.path("reasons").path(0).path("rule").asText()).isEqualTo("small-payments");
    assertThat(d.path("policy_hash").asText()).matches("sha256:[0-9a-f]{64}");
    assertThat(d.path("decision_id").asText()).matches("[0-7][0-9A-HJKMNP-TV-Z]{25}");
    long index = d.path("log_index").asLong();
    JsonNode entry = w.entries().get((int) index);
    assertThat(entry.path("kind").asText()).isEqualTo("decision");
    assertThat(entry.path("decision_id").asText()).isEqualTo(d.path("decision_id").asText());
    assertThat(entry.path("request_digest").asText()).isEqualTo(d.path("request_digest").asText());
    assertThat(entry.path("amount").path("value").asText()).isEqualTo("12.50");
  }

  @Test
  void decide_deniedAction_200DenyWithRule() throws Exception {
    HttpResponse<String> r =
        w.send(
            agent.key(),
            TestWarden.req(
                "{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\",\"labels\":{\"channel\":\"wire\"}}"));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode d = TestWarden.json(r);
    assertThat(d.path("decision").asText()).isEqualTo("deny");
    assertThat(d.path("reasons").path(0).path("rule").asText()).isEqualTo("no-wire-transfers");
  }

  @Test
  void decide_noRuleMatches_denyByDefault() throws Exception {
    JsonNode d =
        TestWarden.json(
            w.send(
                agent.key(),
                TestWarden.req("{\"action\":\"rockets.launch\",\"resource\":\"pad/39a\"}")));
    assertThat(d.path("decision").asText()).isEqualTo("deny");
    assertThat(d.path("reasons").path(0).path("code").asText()).isEqualTo("policy.no_match");
  }

  @Test
  void decide_escalation_202PendingWithLocation() throws Exception {
    HttpResponse<String> r =
        w.send(
            agent.key(),
            TestWarden.req("{\"action\":\"files.delete\",\"resource\":\"reports/q3\"}"));
    assertThat(r.statusCode()).isEqualTo(202);
    JsonNode d = TestWarden.json(r);
    assertThat(d.path("decision").asText()).isEqualTo("pending");
    assertThat(r.headers().firstValue("Location"))
        .hasValue("/v1/decisions/" + d.path("decision_id").asText());
  }

  @Test
  void getDecision_ownDecision_sameDocument_otherAgent404() throws Exception {
    HttpResponse<String> r = w.send(agent.key(), TestWarden.req(PAY));
    String id = TestWarden.json(r).path("decision_id").asText();
    TestWarden.Req get = TestWarden.req("");
    get.method = "GET";
    get.path = "/v1/decisions/" + id;
    get.headers.clear();
    HttpResponse<String> g = w.send(agent.key(), get);
    assertThat(g.statusCode()).as(g.body()).isEqualTo(200);
    assertThat(g.body()).isEqualTo(r.body());

    TestWarden.Agent other = w.createAgent("agent-2");
    get.nonce = TestWarden.newNonce();
    RefusalTest.assertProblem(w.send(other.key(), get), 404, "request.not_found");
  }

  @Test
  void idempotency_sameKeySameBody_replayedByteForByte() throws Exception {
    TestWarden.Req first = TestWarden.req(PAY);
    first.headers.put("Idempotency-Key", "\"pay-1\"");
    HttpResponse<String> a = w.send(agent.key(), first);
    TestWarden.Req retry = TestWarden.req(PAY);
    retry.headers.put("Idempotency-Key", "\"pay-1\"");
    HttpResponse<String> b = w.send(agent.key(), retry);
    assertThat(b.statusCode()).isEqualTo(200);
    assertThat(b.body()).isEqualTo(a.body());
    assertThat(b.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(a.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(w.entries("decision")).hasSize(1);
  }

  @Test
  void idempotency_sameKeyDifferentBody_422() throws Exception {
    TestWarden.Req first = TestWarden.req(PAY);
    first.headers.put("Idempotency-Key", "pay-2");
    assertThat(w.send(agent.key(), first).statusCode()).isEqualTo(200);
    TestWarden.Req other = TestWarden.req(PAY.replace("12.50", "99.00"));
    other.headers.put("Idempotency-Key", "pay-2");
    RefusalTest.assertProblem(w.send(agent.key(), other), 422, "idempotency.key_reused");
  }

  @Test
  void idempotency_fiftyConcurrentRequests_exactlyOneDecision() throws Exception {
    List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      TestWarden.Req r = TestWarden.req(PAY);
      r.headers.put("Idempotency-Key", "\"concurrent\"");
      calls.add(() -> w.send(agent.key(), r));
    }
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    List<HttpResponse<String>> results = new ArrayList<>();
    for (Future<HttpResponse<String>> f : pool.invokeAll(calls)) {
      results.add(f.get());
    }
    pool.shutdown();
    assertThat(w.entries("decision")).hasSize(1);
    String decisionId = w.entries("decision").get(0).path("decision_id").asText();
    for (HttpResponse<String> r : results) {
      if (r.statusCode() == 200) {
        assertThat(TestWarden.json(r).path("decision_id").asText()).isEqualTo(decisionId);
      } else {
        RefusalTest.assertProblem(r, 409, "idempotency.in_flight");
      }
    }
  }

  @Test
  void replay_afterRestart_stillRefused() throws Exception {
    TestWarden.Req req = TestWarden.req(PAY);
    assertThat(w.send(agent.key(), req).statusCode()).isEqualTo(200);
    w.restart();
    TestWarden.Req again = TestWarden.req(PAY);
    again.nonce = req.nonce;
    RefusalTest.assertProblem(w.send(agent.key(), again), 409, "replay.nonce_reused");
  }

  @Test
  void idempotency_afterRestart_stillReplays() throws Exception {
    TestWarden.Req first = TestWarden.req(PAY);
    first.headers.put("Idempotency-Key", "restart-1");
    HttpResponse<String> a = w.send(agent.key(), first);
    w.restart();
    TestWarden.Req retry = TestWarden.req(PAY);
    retry.headers.put("Idempotency-Key", "restart-1");
    HttpResponse<String> b = w.send(agent.key(), retry);
    assertThat(b.body()).isEqualTo(a.body());
  }

  @Test
  void suspendedAgent_403_thenActiveAgain() throws Exception {
    assertThat(
            w.admin("PATCH", "/v1/admin/agents/agent-1", "{\"status\":\"suspended\"}").statusCode())
        .isEqualTo(200);
    HttpResponse<String> r = w.send(agent.key(), TestWarden.req(PAY));
    RefusalTest.assertProblem(r, 403, "auth.agent_suspended");
    assertThat(TestWarden.json(r).path("decision_id").asText()).isNotEmpty();
    assertThat(w.admin("PATCH", "/v1/admin/agents/agent-1", "{\"status\":\"active\"}").statusCode())
        .isEqualTo(200);
    assertThat(w.send(agent.key(), TestWarden.req(PAY)).statusCode()).isEqualTo(200);
  }

  @Test
  void revokedAgent_403_andFinal() throws Exception {
    assertThat(
            w.admin("PATCH", "/v1/admin/agents/agent-1", "{\"status\":\"revoked\"}").statusCode())
        .isEqualTo(200);
    RefusalTest.assertProblem(w.send(agent.key(), TestWarden.req(PAY)), 403, "auth.agent_revoked");
    RefusalTest.assertProblem(
        w.admin("PATCH", "/v1/admin/agents/agent-1", "{\"status\":\"active\"}"),
        409,
        "admin.conflict");
  }

  @Test
  void unauthenticatedRefusals_summarisedPerReasonAndSource() throws Exception {
    byte[] seed = new byte[32];
    TestWarden.RANDOM.nextBytes(seed);
    for (int i = 0; i < 5; i++) {
      w.send(SigningKey.ed25519("agent-1", seed), TestWarden.req(PAY));
    }
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    List<JsonNode> summaries = List.of();
    while (Instant.now().isBefore(deadline)) {
      summaries = w.entries("refusal_summary");
      if (summaries.stream().mapToLong(s -> s.path("count").asLong()).sum() >= 5) {
        break;
      }
      Thread.sleep(200);
    }
    assertThat(summaries).isNotEmpty();
    assertThat(summaries)
        .allSatisfy(
            s -> {
              assertThat(s.path("code").asText()).isEqualTo("auth.bad_signature");
              assertThat(s.path("source").asText()).isEqualTo("127.0.0.1");
            });
    assertThat(summaries.stream().mapToLong(s -> s.path("count").asLong()).sum()).isEqualTo(5);
    assertThat(w.entries("refusal")).isEmpty();
  }

  @Test
  void admin_withoutToken_401_withAgentOnlyScope_403() throws Exception {
    HttpResponse<String> r =
        w.http.send(
            java.net.http.HttpRequest.newBuilder(w.uri("/v1/admin/agents")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    RefusalTest.assertProblem(r, 401, "auth.missing_token");
    HttpResponse<String> t =
        w.admin("POST", "/v1/admin/tokens", "{\"subject\":\"alice\",\"scopes\":[\"approver\"]}");
    assertThat(t.statusCode()).isEqualTo(201);
    String token = TestWarden.json(t).path("token").asText();
    HttpResponse<String> denied =
        w.http.send(
            java.net.http.HttpRequest.newBuilder(w.uri("/v1/admin/agents"))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    RefusalTest.assertProblem(denied, 403, "auth.insufficient_scope");
    assertThat(w.entries("admin"))
        .anySatisfy(e -> assertThat(e.path("op").asText()).isEqualTo("token.create"));
  }
}
