package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.httpsig.MessageSigner;
import dev.warden.httpsig.SigningKey;
import dev.warden.server.DataDir;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A crash between decide and act (SPEC §9): {@code warden serve} runs as a child JVM, an allowed
 * action reaches an upstream in this JVM that holds the request, and the child is killed with
 * SIGKILL while it waits. After a restart the execution is recorded once as {@code
 * outcome_unknown}, never run again, and reported by {@code /readyz}, {@code GET /v1/executions}
 * and {@code warden approvals list --attention}; {@code warden approvals resolve} settles it.
 */
@ResourceLock("java.lang.System.out")
final class ExecutionCrashTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AGENT = "crash-agent";
  private static final String PAY =
      "{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\",\"params\":{\"to\":\"x\"}}";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(40);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path tmp;
  private final List<Process> children = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private HoldingUpstream upstream;
  private int generation;

  @BeforeEach
  void startUpstream() throws IOException {
    upstream = new HoldingUpstream();
  }

  @AfterEach
  void stopAll() throws InterruptedException {
    upstream.close();
    for (Process p : children) {
      p.toHandle().destroyForcibly();
    }
    for (Process p : children) {
      p.waitFor(10, TimeUnit.SECONDS);
    }
    http.shutdownNow();
  }

  @Test
  void kill9_whileUpstreamHoldsTheRequest_restartRecordsOneOutcomeUnknownAndNeverReruns()
      throws Exception {
    DataDir data =
        DataDir.init(
            tmp.resolve("data"),
            "127.0.0.1:0",
            new SecureRandom(),
            Clock.systemUTC(),
            TestKeys.PROTECTION);
    Files.writeString(data.config(), Files.readString(data.config()) + upstream.adapterConfig());
    byte[] seed = new byte[32];
    new SecureRandom().nextBytes(seed);
    SigningKey key = SigningKey.ed25519(AGENT, seed);

    ChildJvm.Server first = start(data);
    registerAgent(first, data, key);
    var inFlight =
        http.sendAsync(signedAction(first, key, "crash-1"), HttpResponse.BodyHandlers.ofString());
    if (!upstream.awaitRequest(30)) {
      fail("the upstream never received the action; stderr:%n%s", first.stderrTail());
    }
    first.kill();
    upstream.release();
    assertThat(inFlight)
        .as("the agent got no answer from the killed server")
        .failsWithin(Duration.ofSeconds(10));

    ChildJvm.Server second = start(data);
    JsonNode ready = get(second, "/readyz", null);
    assertThat(ready.path("executions_outcome_unknown").asLong()).isEqualTo(1);
    JsonNode listed =
        get(second, "/v1/executions?state=outcome_unknown", "Bearer " + data.loadAdminToken());
    assertThat(listed.path("executions")).hasSize(1);
    String decisionId = listed.path("executions").path(0).path("decision_id").asText();
    assertThat(executionEntries(second))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.path("decision_id").asText()).isEqualTo(decisionId);
              assertThat(e.path("outcome").asText()).isEqualTo("outcome_unknown");
              assertThat(e.path("adapter").asText()).isEqualTo("payments-api");
            });

    HttpResponse<String> retry =
        http.send(signedAction(second, key, "crash-1"), HttpResponse.BodyHandlers.ofString());
    assertThat(retry.statusCode()).as(retry.body()).isEqualTo(502);
    JsonNode problem = JSON.readTree(retry.body());
    assertThat(problem.path("code").asText()).isEqualTo("adapter.failed");
    assertThat(problem.path("decision_id").asText()).isEqualTo(decisionId);
    assertThat(problem.path("execution").path("outcome").asText()).isEqualTo("outcome_unknown");

    second.kill();
    ChildJvm.Server third = start(data);
    assertThat(get(third, "/readyz", null).path("executions_outcome_unknown").asLong())
        .isEqualTo(1);
    assertThat(executionEntries(third)).as("recorded once, not at every start").hasSize(1);
    assertThat(upstream.requests()).as("the action was never run again").isEqualTo(1);

    // An operator checks the upstream and resolves it from the command line.
    String dd = tmp.resolve("data").toString();
    CliTest.Run attention = CliTest.run("approvals", "list", "--attention", "--data-dir", dd);
    assertThat(attention.exit()).as(attention.err()).isZero();
    assertThat(attention.out()).contains(decisionId).contains("outcome_unknown");
    assertThat(
            CliTest.run(
                    "approvals",
                    "resolve",
                    decisionId,
                    "--outcome",
                    "maybe",
                    "--reason",
                    "x",
                    "--data-dir",
                    dd)
                .exit())
        .isEqualTo(2);
    CliTest.Run resolved =
        CliTest.run(
            "approvals",
            "resolve",
            decisionId,
            "--outcome",
            "failed",
            "--reason",
            "no transfer at the upstream",
            "--data-dir",
            dd);
    assertThat(resolved.exit()).as(resolved.err()).isZero();
    assertThat(JSON.readTree(resolved.out()).path("state").asText()).isEqualTo("failed");
    assertThat(CliTest.run("approvals", "list", "--attention", "--data-dir", dd).out())
        .doesNotContain(decisionId);
    assertThat(get(third, "/readyz", null).path("executions_outcome_unknown").asLong()).isZero();
    assertThat(executionEntries(third).getLast().path("step").asText()).isEqualTo("resolve");
    CliTest.Run again =
        CliTest.run(
            "approvals",
            "resolve",
            decisionId,
            "--outcome",
            "succeeded",
            "--reason",
            "x",
            "--data-dir",
            dd);
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("admin.conflict");
  }

  private List<JsonNode> executionEntries(ChildJvm.Server server) throws Exception {
    JsonNode page = get(server, "/v1/log/entries?start=0&end=1000", null);
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode e : page.path("entries")) {
      JsonNode entry = JSON.readTree(e.path("entry").asText());
      if (entry.path("kind").asText().equals("execution")) {
        out.add(entry);
      }
    }
    return out;
  }

  private JsonNode get(ChildJvm.Server server, String path, String authorization) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(server.base().resolve(path)).timeout(REQUEST_TIMEOUT).GET();
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private HttpRequest signedAction(ChildJvm.Server server, SigningKey key, String idempotencyKey) {
    URI target = server.base().resolve("/v1/actions");
    byte[] body = PAY.getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Idempotency-Key", idempotencyKey);
    Map<String, String> added =
        MessageSigner.of(key)
            .sign(
                "POST",
                target,
                headers,
                body,
                System.currentTimeMillis() / 1000,
                null,
                CrashLoad.newNonce());
    HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(60));
    headers.forEach(b::header);
    added.forEach(b::header);
    return b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
  }

  private void registerAgent(ChildJvm.Server server, DataDir data, SigningKey key)
      throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(server.base().resolve("/v1/admin/agents"))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + data.loadAdminToken())
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        AuditFixture.agentJson(AGENT, key.publicKey().orElseThrow())))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("agent create: %s", r.body()).isEqualTo(201);
  }

  private ChildJvm.Server start(DataDir data) throws Exception {
    return ChildJvm.serve(
        tmp,
        "child-" + ++generation,
        List.of("--data-dir", data.root().toString()),
        http,
        children,
        START_TIMEOUT);
  }
}
