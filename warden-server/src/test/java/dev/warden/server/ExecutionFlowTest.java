package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.warden.crypto.Digests;
import dev.warden.store.StoredEntry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** {@code POST /v1/actions} through the real server against a real loopback upstream (SPEC §9). */
final class ExecutionFlowTest {
  private static final String POLICY =
      """
      version: 1
      default: deny
      rules:
        - id: payments
          effect: allow
          match: {action: "payments.transfer"}
        - id: no-wire
          effect: deny
          match: {action: "payments.transfer", labels: {channel: wire}}
          reason: "wire transfers are never made by agents"
        - id: reads
          effect: allow
          match: {action: "files.read"}
        - id: deletes
          effect: escalate
          match: {action: "files.delete"}
          approvers: ["ops"]
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
  private final ConcurrentLinkedQueue<byte[]> receivedBodies = new ConcurrentLinkedQueue<>();
  private final AtomicInteger upstreamStatus = new AtomicInteger(201);
  private final AtomicReference<byte[]> upstreamBody =
      new AtomicReference<>("{\"transfer\":\"t-1\"}".getBytes(StandardCharsets.UTF_8));
  private HttpServer upstream;
  private TestWarden w;
  private TestWarden.Agent agent;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final Logger warden = (Logger) LoggerFactory.getLogger("dev.warden");
  private Level wardenLevel;

  @BeforeEach
  void start() throws Exception {
    logs.start();
    root.addAppender(logs);
    // Everything Warden logs, down to debug (the adapter logs each call), is captured.
    wardenLevel = warden.getLevel();
    warden.setLevel(Level.DEBUG);
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          try (exchange) {
            received.add(Map.copyOf(exchange.getRequestHeaders()));
            receivedBodies.add(exchange.getRequestBody().readAllBytes());
            byte[] body = upstreamBody.get();
            exchange.sendResponseHeaders(upstreamStatus.get(), body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
          }
        });
    upstream.start();
    Path secretFile = tmp.resolve("payments-token");
    Files.writeString(secretFile, secret);
    Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-------"));
    w =
        TestWarden.start(
            tmp,
            """
            adapters:
              - id: reads
                type: none
                actions: ["files.read"]
              - id: payments-api
                type: http
                actions: ["payments.*", "files.*"]
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
    root.detachAppender(logs);
    warden.setLevel(wardenLevel);
    w.close();
    upstream.stop(0);
  }

  private HttpResponse<String> act(String json, String idempotencyKey) throws Exception {
    TestWarden.Req r = TestWarden.req(json);
    r.path = "/v1/actions";
    if (idempotencyKey != null) {
      r.headers.put("Idempotency-Key", idempotencyKey);
    }
    return w.send(agent.key(), r);
  }

  private HttpResponse<String> pay(String value, String labels, String key) throws Exception {
    return act(
        "{\"action\":\"payments.transfer\",\"resource\":\"acct-1\",\"params\":{\"to\":\"x\"},"
            + "\"amount\":{\"value\":\""
            + value
            + "\",\"currency\":\"EUR\"}"
            + labels
            + "}",
        key);
  }

  @Test
  void act_allowed_upstreamCalledOnceWithCredentialAndAnswerCarriesExecution() throws Exception {
    HttpResponse<String> r = pay("10.00", "", null);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode doc = TestWarden.json(r);
    assertThat(doc.path("decision").asText()).isEqualTo("allow");
    assertThat(doc.path("receipt").isObject()).isTrue();
    JsonNode x = doc.path("execution");
    assertThat(x.path("outcome").asText()).isEqualTo("succeeded");
    assertThat(x.path("status").asInt()).isEqualTo(201);
    assertThat(x.path("body").asText()).isEqualTo("{\"transfer\":\"t-1\"}");
    assertThat(x.path("response_digest").asText())
        .isEqualTo(Digests.prefixed(Digests.sha256(upstreamBody.get())));
    assertThat(received).hasSize(1);
    assertThat(received.peek().get("Authorization")).containsExactly("Bearer " + secret);
    assertThat(new String(receivedBodies.peek(), StandardCharsets.UTF_8)).contains("\"to\"");

    List<JsonNode> executions = w.entries("execution");
    assertThat(executions).hasSize(1);
    JsonNode e = executions.getFirst();
    assertThat(e.path("decision_id").asText()).isEqualTo(doc.path("decision_id").asText());
    assertThat(e.path("outcome").asText()).isEqualTo("succeeded");
    assertThat(e.path("adapter").asText()).isEqualTo("payments-api");
    assertThat(e.path("status").asInt()).isEqualTo(201);
    assertThat(e.has("body")).isFalse();
    assertThat(w.entries("decision").getLast().path("decision").asText()).isEqualTo("allow");
  }

  @Test
  void act_anyOutcome_secretInNoAnswerNoEntryAndNoLogLine() throws Exception {
    List<String> answers = new ArrayList<>();
    answers.add(pay("10.00", "", "k-1").body());
    answers.add(pay("10.00", "", "k-1").body());
    upstreamStatus.set(500);
    answers.add(pay("10.00", "", null).body());
    answers.add(pay("10.00", ",\"labels\":{\"channel\":\"wire\"}", null).body());

    assertThat(received).isNotEmpty();
    assertThat(answers).noneMatch(a -> a.contains(secret));
    for (StoredEntry e : w.server().store().log().read(0, Long.MAX_VALUE)) {
      assertThat(new String(e.entry(), StandardCharsets.UTF_8)).doesNotContain(secret);
    }
    assertThat(logs.list).isNotEmpty();
    for (ILoggingEvent ev : logs.list) {
      assertThat(ev.getFormattedMessage()).doesNotContain(secret);
      if (ev.getThrowableProxy() != null) {
        assertThat(String.valueOf(ev.getThrowableProxy().getMessage())).doesNotContain(secret);
      }
    }
  }

  @Test
  void act_denied_403WithReasonsAndReceiptAndUpstreamReceivedNothing() throws Exception {
    HttpResponse<String> r = pay("10.00", ",\"labels\":{\"channel\":\"wire\"}", null);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode p = TestWarden.json(r);
    assertThat(p.path("code").asText()).isEqualTo("policy.denied");
    assertThat(p.path("detail").asText()).isEqualTo("wire transfers are never made by agents");
    assertThat(p.path("reasons").path(0).path("rule").asText()).isEqualTo("no-wire");
    assertThat(p.path("receipt").isObject()).isTrue();
    assertThat(p.path("decision_id").asText())
        .isEqualTo(w.entries("decision").getLast().path("decision_id").asText());
    assertThat(received).isEmpty();
    assertThat(w.entries("execution")).isEmpty();
  }

  @Test
  void act_pending_202AndUpstreamReceivedNothing() throws Exception {
    HttpResponse<String> r = act("{\"action\":\"files.delete\",\"resource\":\"reports/q3\"}", null);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    assertThat(TestWarden.json(r).path("decision").asText()).isEqualTo("pending");
    assertThat(r.headers().firstValue("Location")).isPresent();
    assertThat(received).isEmpty();
  }

  @Test
  void act_noneAdapter_answersAsDecisionsAndCallsNothing() throws Exception {
    HttpResponse<String> r = act("{\"action\":\"files.read\",\"resource\":\"reports/q3\"}", null);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode doc = TestWarden.json(r);
    assertThat(doc.path("decision").asText()).isEqualTo("allow");
    assertThat(doc.has("execution")).isFalse();
    assertThat(received).isEmpty();
    assertThat(w.entries("execution")).isEmpty();
  }

  @Test
  void act_idempotentRetry_answersFromTheLogWithoutCallingAgain() throws Exception {
    HttpResponse<String> first = pay("10.00", "", "retry-1");
    HttpResponse<String> again = pay("10.00", "", "retry-1");

    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(received).hasSize(1);
    JsonNode a = TestWarden.json(first);
    JsonNode b = TestWarden.json(again);
    assertThat(b.path("decision_id")).isEqualTo(a.path("decision_id"));
    JsonNode x = b.path("execution");
    assertThat(x.path("outcome").asText()).isEqualTo("succeeded");
    assertThat(x.path("status").asInt()).isEqualTo(201);
    assertThat(x.path("response_digest")).isEqualTo(a.path("execution").path("response_digest"));
    assertThat(x.path("body_replayed").asBoolean()).isFalse();
    assertThat(x.has("body")).isFalse();
    assertThat(w.entries("execution")).hasSize(1);
  }

  @Test
  void act_keyFirstUsedToDecide_isRefusedAsReusedAndCallsNothing() throws Exception {
    String body =
        "{\"action\":\"payments.transfer\",\"resource\":\"acct-1\",\"params\":{\"to\":\"x\"},"
            + "\"amount\":{\"value\":\"10.00\",\"currency\":\"EUR\"}}";
    TestWarden.Req decide = TestWarden.req(body);
    decide.headers.put("Idempotency-Key", "shared-1");
    assertThat(w.send(agent.key(), decide).statusCode()).isEqualTo(200);

    HttpResponse<String> acted = act(body, "shared-1");

    assertThat(acted.statusCode()).isEqualTo(422);
    assertThat(TestWarden.json(acted).path("code").asText()).isEqualTo("idempotency.key_reused");
    assertThat(received).isEmpty();
  }

  @Test
  void act_upstream500_502AdapterFailedAndBudgetReleased() throws Exception {
    upstreamStatus.set(500);
    upstreamBody.set(new byte[] {(byte) 0xff, 0x00, 0x01});

    HttpResponse<String> failed = pay("60.00", "", null);

    assertThat(failed.statusCode()).as(failed.body()).isEqualTo(502);
    JsonNode p = TestWarden.json(failed);
    assertThat(p.path("code").asText()).isEqualTo("adapter.failed");
    assertThat(p.path("decision_id").asText()).isNotEmpty();
    assertThat(p.path("execution").path("outcome").asText()).isEqualTo("failed");
    assertThat(p.path("execution").path("status").asInt()).isEqualTo(500);
    assertThat(p.path("execution").path("body_encoding").asText()).isEqualTo("base64");
    assertThat(w.entries("execution").getFirst().path("outcome").asText()).isEqualTo("failed");

    upstreamStatus.set(200);
    HttpResponse<String> paid = pay("60.00", "", null);
    assertThat(paid.statusCode()).as("60 of 100 is free again: " + paid.body()).isEqualTo(200);
    HttpResponse<String> over = pay("60.00", "", null);
    assertThat(over.statusCode()).as("the paid 60 was spent: " + over.body()).isEqualTo(403);
    assertThat(TestWarden.json(over).path("reasons").path(0).path("rule").asText())
        .isEqualTo("payments-daily");
    assertThat(received).hasSize(2);
  }

  @Test
  void act_upstreamDown_502WithReasonLoggedAsFailedAndBudgetReleased() throws Exception {
    upstream.stop(0); // nothing listens any more: no response at all

    HttpResponse<String> failed = pay("60.00", "", null);

    assertThat(failed.statusCode()).as(failed.body()).isEqualTo(502);
    JsonNode p = TestWarden.json(failed);
    assertThat(p.path("code").asText()).isEqualTo("adapter.failed");
    assertThat(p.path("execution").path("outcome").asText()).isEqualTo("failed");
    assertThat(p.path("execution").path("reason").asText()).isNotEmpty();
    JsonNode entry = w.entries("execution").getFirst();
    assertThat(entry.path("outcome").asText()).isEqualTo("failed");
    assertThat(entry.has("response_bytes")).isFalse();
    HttpResponse<String> again = pay("60.00", "", null);
    assertThat(TestWarden.json(again).path("reasons").path(0).path("rule").asText())
        .as("the failed 60 was given back, so the next 60 is not over budget")
        .isNotEqualTo("payments-daily");
  }

  @Test
  void readyz_noCrash_reportsZeroUnknownOutcomes() throws Exception {
    HttpResponse<String> r =
        w.http.send(
            java.net.http.HttpRequest.newBuilder(w.uri("/readyz")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(TestWarden.json(r).path("executions_outcome_unknown").asLong()).isZero();
    HttpResponse<String> list = w.admin("GET", "/v1/executions?state=outcome_unknown", null);
    assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
    assertThat(TestWarden.json(list).path("executions").isEmpty()).isTrue();
  }

  @Test
  void listExecutions_withoutToken_401AndAfterAFailureListsIt() throws Exception {
    HttpResponse<String> anonymous =
        w.http.send(
            java.net.http.HttpRequest.newBuilder(w.uri("/v1/executions")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    upstreamStatus.set(503);

    String decisionId = TestWarden.json(pay("10.00", "", null)).path("decision_id").asText();

    JsonNode failed = TestWarden.json(w.admin("GET", "/v1/executions?state=failed", null));
    assertThat(failed.path("executions")).hasSize(1);
    JsonNode x = failed.path("executions").path(0);
    assertThat(x.path("decision_id").asText()).isEqualTo(decisionId);
    assertThat(x.path("adapter").asText()).isEqualTo("payments-api");
    assertThat(x.path("state").asText()).isEqualTo("failed");
    assertThat(w.admin("GET", "/v1/executions?state=bogus", null).statusCode()).isEqualTo(400);
  }
}
