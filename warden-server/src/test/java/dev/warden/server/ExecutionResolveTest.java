package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/executions/{id}/resolve}: an operator resolves an {@code outcome_unknown}
 * execution after checking the upstream; the budget follows the verdict.
 */
final class ExecutionResolveTest {
  private static final String POLICY =
      """
      version: 1
      default: deny
      rules:
        - {id: payments, effect: allow, match: {action: "payments.transfer"}}
      budgets:
        - {id: daily, scope: agent, match: {action: "payments.*"}, window: day, limit: "100.00", currency: EUR}
      """;

  @TempDir Path tmp;
  private final AtomicInteger calls = new AtomicInteger();
  private volatile CountDownLatch hold = new CountDownLatch(0);
  private final CountDownLatch arrived = new CountDownLatch(1);
  private HttpServer upstream;
  private TestWarden w;
  private TestWarden.Agent agent;

  @BeforeEach
  void start() throws Exception {
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    upstream.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    upstream.createContext(
        "/",
        exchange -> {
          try (exchange) {
            calls.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            arrived.countDown();
            try {
              hold.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          }
        });
    upstream.start();
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
            """
                .formatted(upstream.getAddress().getPort()));
    assertThat(w.admin("PUT", "/v1/admin/policy", POLICY).statusCode()).isEqualTo(200);
    agent = w.createAgent("agent-1");
  }

  @AfterEach
  void stop() {
    hold.countDown();
    w.close();
    upstream.stop(0);
  }

  private HttpResponse<String> pay(String value) throws Exception {
    return w.send(agent.key(), payReq(value));
  }

  private TestWarden.Req payReq(String value) {
    TestWarden.Req r =
        TestWarden.req(
            "{\"action\":\"payments.transfer\",\"resource\":\"acct-1\","
                + "\"amount\":{\"value\":\""
                + value
                + "\",\"currency\":\"EUR\"}}");
    r.path = "/v1/actions";
    return r;
  }

  /**
   * A 60 EUR transfer whose outcome is unknown: the upstream holds it while the execution is
   * recorded as {@code outcome_unknown} exactly as Warden does at start after a crash.
   */
  private String unknownTransfer() throws Exception {
    hold = new CountDownLatch(1);
    CompletableFuture<HttpResponse<String>> running =
        w.http.sendAsync(
            w.signed(agent.key(), payReq("60.00")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(w.recoverAsIfCrashed()).isEqualTo(1);
    hold.countDown();
    HttpResponse<String> answer = running.get(30, TimeUnit.SECONDS);
    assertThat(answer.statusCode()).as("the outcome came after it was recorded").isEqualTo(503);
    JsonNode unknown =
        TestWarden.json(w.admin("GET", "/v1/executions?state=outcome_unknown", null));
    assertThat(unknown.path("executions")).hasSize(1);
    return unknown.path("executions").path(0).path("decision_id").asText();
  }

  private HttpResponse<String> resolve(String id, String body) throws Exception {
    return w.admin("POST", "/v1/executions/" + id + "/resolve", body);
  }

  @Test
  void resolve_failed_logsTheOperatorsStepAndReleasesTheBudget() throws Exception {
    String id = unknownTransfer();
    assertThat(pay("60.00").statusCode()).as("the unknown 60 keeps its reservation").isEqualTo(403);

    HttpResponse<String> r =
        resolve(id, "{\"outcome\":\"failed\",\"reason\":\"no transfer t-1 at the bank\"}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(TestWarden.json(r).path("state").asText()).isEqualTo("failed");
    JsonNode e = w.entries("execution").getLast();
    assertThat(e.path("decision_id").asText()).isEqualTo(id);
    assertThat(e.path("step").asText()).isEqualTo("resolve");
    assertThat(e.path("outcome").asText()).isEqualTo("failed");
    assertThat(e.path("operator").asText()).isNotEmpty();
    assertThat(e.path("detail").asText()).isEqualTo("no transfer t-1 at the bank");
    assertThat(
            TestWarden.json(w.admin("GET", "/v1/executions?state=outcome_unknown", null))
                .path("executions"))
        .isEmpty();
    HttpResponse<String> again = pay("60.00");
    assertThat(again.statusCode()).as("released: " + again.body()).isEqualTo(200);
  }

  @Test
  void resolve_succeeded_spendsTheBudget() throws Exception {
    String id = unknownTransfer();

    HttpResponse<String> r =
        resolve(id, "{\"outcome\":\"succeeded\",\"reason\":\"transfer t-1 is booked\"}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(TestWarden.json(r).path("state").asText()).isEqualTo("succeeded");
    assertThat(pay("60.00").statusCode()).as("the 60 was spent").isEqualTo(403);
    assertThat(pay("40.00").statusCode()).isEqualTo(200);
  }

  @Test
  void resolve_twiceOrBadInputOrWithoutToken_isRefusedAndChangesNothing() throws Exception {
    String id = unknownTransfer();
    assertThat(resolve(id, "{\"outcome\":\"outcome_unknown\",\"reason\":\"x\"}").statusCode())
        .isEqualTo(400);
    assertThat(resolve(id, "{\"outcome\":\"failed\"}").statusCode()).isEqualTo(400);
    assertThat(resolve(id, "{\"outcome\":\"failed\",\"reason\":\"x\",\"more\":1}").statusCode())
        .isEqualTo(400);
    assertThat(
            resolve("01NOSUCHDECISION", "{\"outcome\":\"failed\",\"reason\":\"x\"}").statusCode())
        .isEqualTo(404);
    HttpResponse<String> anonymous =
        w.http.send(
            HttpRequest.newBuilder(w.uri("/v1/executions/" + id + "/resolve"))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"outcome\":\"failed\",\"reason\":\"x\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);

    assertThat(resolve(id, "{\"outcome\":\"succeeded\",\"reason\":\"booked\"}").statusCode())
        .isEqualTo(200);
    HttpResponse<String> twice = resolve(id, "{\"outcome\":\"failed\",\"reason\":\"x\"}");
    assertThat(twice.statusCode()).isEqualTo(409);
    assertThat(TestWarden.json(twice).path("code").asText()).isEqualTo("admin.conflict");
    assertThat(w.entries("execution").stream().filter(e -> e.has("step")).count()).isEqualTo(1);
    assertThat(calls.get()).as("resolving never calls the upstream").isEqualTo(1);
  }
}
