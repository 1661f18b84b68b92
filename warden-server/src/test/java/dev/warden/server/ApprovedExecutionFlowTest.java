package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An escalation of {@code POST /v1/actions} runs through its adapter once approved (SPEC §8),
 * against a real loopback upstream; one of {@code POST /v1/decisions} only decides.
 */
final class ApprovedExecutionFlowTest {
  private static final String POLICY =
      """
      version: 1
      default: deny
      rules:
        - id: transfers
          effect: escalate
          match: {action: "payments.transfer"}
          min_approvals: 1
          ttl: 15m
      budgets:
        - id: payments-daily
          scope: agent
          match: {action: "payments.*"}
          window: day
          limit: "100.00"
          currency: EUR
      """;

  @TempDir Path tmp;
  private final String secret = "tok-" + TestWarden.newNonce();
  private final ConcurrentLinkedQueue<Map<String, List<String>>> received =
      new ConcurrentLinkedQueue<>();
  private final AtomicInteger upstreamStatus = new AtomicInteger(201);
  private volatile CountDownLatch hold = new CountDownLatch(0);
  private final CountDownLatch arrived = new CountDownLatch(1);
  private HttpServer upstream;
  private TestWarden w;
  private TestWarden.Agent agent;

  @BeforeEach
  void start() throws Exception {
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          try (exchange) {
            received.add(Map.copyOf(exchange.getRequestHeaders()));
            exchange.getRequestBody().readAllBytes();
            arrived.countDown();
            try {
              hold.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            byte[] body = "{\"transfer\":\"t-1\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(upstreamStatus.get(), body.length);
            exchange.getResponseBody().write(body);
          }
        });
    upstream.setExecutor(Executors.newCachedThreadPool());
    upstream.start();
    Path secretFile = tmp.resolve("payments-token");
    Files.writeString(secretFile, secret);
    Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-------"));
    w =
        TestWarden.start(
            tmp,
            """
            adapters:
              - id: payments-api
                type: http
                actions: ["payments.*"]
                method: POST
                url: "http://127.0.0.1:%d/v1/transfers/{resource}"
                allow_private: true
                body: params
                headers:
                  Authorization: "Bearer {secret:token}"
            secrets:
              token: {file: %s}
            """
                .formatted(upstream.getAddress().getPort(), secretFile));
    HttpResponse<String> put = w.admin("PUT", "/v1/admin/policy", POLICY);
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    agent = w.createAgent("agent-1");
  }

  @AfterEach
  void stop() {
    hold.countDown();
    w.close();
    upstream.stop(0);
  }

  private static String transfer(String value) {
    return "{\"action\":\"payments.transfer\",\"resource\":\"acct-1\",\"params\":{\"to\":\"x\"},"
        + "\"amount\":{\"value\":\""
        + value
        + "\",\"currency\":\"EUR\"}}";
  }

  /** Sends {@code json} to {@code path} and returns the id of the pending decision. */
  private String escalate(String path, String json) throws Exception {
    TestWarden.Req r = TestWarden.req(json);
    r.path = path;
    HttpResponse<String> pending = w.send(agent.key(), r);
    assertThat(pending.statusCode()).as(pending.body()).isEqualTo(202);
    assertThat(TestWarden.json(pending).path("decision").asText()).isEqualTo("pending");
    return TestWarden.json(pending).path("decision_id").asText();
  }

  private TestWarden.Req get(String id, String query) {
    TestWarden.Req get = TestWarden.req("");
    get.method = "GET";
    get.path = "/v1/decisions/" + id + query;
    get.headers.remove("Content-Type");
    return get;
  }

  private HttpResponse<String> approve(String id) throws Exception {
    return w.admin("POST", "/v1/approvals/" + id + "/approve", null);
  }

  @Test
  void approved_action_reachesUpstreamOnceWithCredentialAndGetAnswersTheOutcome() throws Exception {
    String id = escalate("/v1/actions", transfer("10.00"));
    assertThat(received).as("a pending action never reaches the upstream").isEmpty();

    HttpResponse<String> approved = approve(id);

    assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
    assertThat(TestWarden.json(approved).path("state").asText()).isEqualTo("approved");
    assertThat(received).hasSize(1);
    assertThat(received.peek().get("Authorization")).containsExactly("Bearer " + secret);

    HttpResponse<String> answer = w.send(agent.key(), get(id, ""));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(answer.body()).doesNotContain(secret);
    JsonNode doc = TestWarden.json(answer);
    assertThat(doc.path("decision").asText()).isEqualTo("approved");
    assertThat(doc.path("execution").path("outcome").asText()).isEqualTo("succeeded");
    assertThat(doc.path("execution").path("status").asInt()).isEqualTo(201);

    // The approval entry started the execution; the execution entry finished it.
    List<JsonNode> all = w.entries();
    JsonNode step = w.entries("approval").getLast();
    assertThat(step.path("decision").asText()).isEqualTo("approved");
    JsonNode execution = w.entries("execution").getFirst();
    assertThat(w.entries("execution")).hasSize(1);
    assertThat(execution.path("decision_id").asText()).isEqualTo(id);
    assertThat(execution.path("outcome").asText()).isEqualTo("succeeded");
    assertThat(all.indexOf(execution)).isGreaterThan(all.indexOf(step));
    JsonNode listed = TestWarden.json(w.admin("GET", "/v1/executions?state=succeeded", null));
    assertThat(listed.path("executions").path(0).path("decision_id").asText()).isEqualTo(id);
    assertThat(listed.path("executions").path(0).path("started_index").asLong())
        .isEqualTo(all.indexOf(step));

    assertThat(approve(id).statusCode()).as("single use").isEqualTo(409);
    assertThat(received).hasSize(1);
  }

  @Test
  void waitingAgent_isAnsweredWithTheOutcome() throws Exception {
    String id = escalate("/v1/actions", transfer("10.00"));
    CompletableFuture<HttpResponse<String>> waiting =
        w.http.sendAsync(
            w.signed(agent.key(), get(id, "?wait=30s")).build(),
            HttpResponse.BodyHandlers.ofString());
    Thread.sleep(300);

    approve(id);

    HttpResponse<String> answered = waiting.get();
    assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
    JsonNode doc = TestWarden.json(answered);
    assertThat(doc.path("decision").asText()).isEqualTo("approved");
    assertThat(doc.path("execution").path("outcome").asText()).isEqualTo("succeeded");
    assertThat(received).hasSize(1);
  }

  @Test
  void reevaluated_toAllow_runsTheActionOnce() throws Exception {
    String id = escalate("/v1/actions", transfer("10.00"));
    String allowing =
        POLICY
            .replace("effect: escalate", "effect: allow")
            .replace("    min_approvals: 1\n    ttl: 15m\n", "");
    HttpResponse<String> put = w.admin("PUT", "/v1/admin/policy", allowing);
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

    HttpResponse<String> r = w.admin("POST", "/v1/approvals/" + id + "/reevaluate", null);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(TestWarden.json(r).path("state").asText()).isEqualTo("approved");
    assertThat(received).hasSize(1);
    JsonNode doc = TestWarden.json(w.send(agent.key(), get(id, "")));
    assertThat(doc.path("execution").path("outcome").asText()).isEqualTo("succeeded");
  }

  @Test
  void interruptedAfterApproval_isRecordedOutcomeUnknownFromTheApprovalEntry() throws Exception {
    String id = escalate("/v1/actions", transfer("10.00"));
    hold = new CountDownLatch(1);
    CompletableFuture<HttpResponse<String>> approving =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return approve(id);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
    // What the next start does after a crash here: the approval entry started the execution.
    assertThat(w.recoverAsIfCrashed()).isEqualTo(1);
    hold.countDown();
    approving.get(30, TimeUnit.SECONDS);

    JsonNode x = w.entries("execution").getFirst();
    assertThat(x.path("decision_id").asText()).isEqualTo(id);
    assertThat(x.path("outcome").asText()).isEqualTo("outcome_unknown");
    assertThat(x.path("action").asText()).isEqualTo("payments.transfer");
    assertThat(w.entries("execution")).hasSize(1);
    HttpResponse<String> answer = w.send(agent.key(), get(id, ""));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(502);
    assertThat(TestWarden.json(answer).path("execution").path("outcome").asText())
        .isEqualTo("outcome_unknown");
  }

  @Test
  void rejected_action_neverReachesUpstream() throws Exception {
    String id = escalate("/v1/actions", transfer("10.00"));

    HttpResponse<String> rejected =
        w.admin("POST", "/v1/approvals/" + id + "/reject", "{\"reason\":\"not today\"}");

    assertThat(rejected.statusCode()).as(rejected.body()).isEqualTo(200);
    JsonNode doc = TestWarden.json(w.send(agent.key(), get(id, "")));
    assertThat(doc.path("decision").asText()).isEqualTo("rejected");
    assertThat(doc.has("execution")).isFalse();
    assertThat(received).isEmpty();
    assertThat(w.entries("execution")).isEmpty();
  }

  @Test
  void decisionsOnlyEscalation_approved_neverReachesUpstream() throws Exception {
    String id = escalate("/v1/decisions", transfer("10.00"));

    HttpResponse<String> approved = approve(id);

    assertThat(TestWarden.json(approved).path("state").asText()).isEqualTo("approved");
    JsonNode doc = TestWarden.json(w.send(agent.key(), get(id, "")));
    assertThat(doc.path("decision").asText()).isEqualTo("approved");
    assertThat(doc.has("execution")).isFalse();
    assertThat(received).isEmpty();
    assertThat(w.entries("execution")).isEmpty();
  }

  @Test
  void approved_upstreamFails_502ToTheAgentAndBudgetReleasedWhileSuccessSpendsIt()
      throws Exception {
    upstreamStatus.set(500);
    String failed = escalate("/v1/actions", transfer("60.00"));
    approve(failed);

    HttpResponse<String> answer = w.send(agent.key(), get(failed, ""));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(502);
    JsonNode p = TestWarden.json(answer);
    assertThat(p.path("code").asText()).isEqualTo("adapter.failed");
    assertThat(p.path("decision_id").asText()).isEqualTo(failed);
    assertThat(p.path("execution").path("outcome").asText()).isEqualTo("failed");
    assertThat(p.path("execution").path("status").asInt()).isEqualTo(500);

    upstreamStatus.set(200);
    String paid = escalate("/v1/actions", transfer("60.00"));
    assertThat(TestWarden.json(approve(paid)).path("state").asText())
        .as("the failed 60 was released")
        .isEqualTo("approved");
    String over = escalate("/v1/actions", transfer("60.00"));
    assertThat(TestWarden.json(approve(over)).path("state").asText())
        .as("the paid 60 was spent")
        .isEqualTo("rejected");
    assertThat(received).hasSize(2);
  }
}
