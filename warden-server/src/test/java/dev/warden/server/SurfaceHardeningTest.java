package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Security headers on every answer, /metrics behind its scope, and what /readyz reports. */
class SurfaceHardeningTest extends OneWardenTest {
  static final Map<String, String> SECURITY_HEADERS =
      Map.of(
          "X-Content-Type-Options", "nosniff",
          "Cache-Control", "no-store",
          "Referrer-Policy", "no-referrer",
          "X-Frame-Options", "DENY");

  private HttpResponse<String> get(String path, @Nullable String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(w.uri(path)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return w.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String token(String... scopes) throws Exception {
    StringBuilder s = new StringBuilder();
    for (String sc : scopes) {
      s.append(s.isEmpty() ? "" : ",").append('"').append(sc).append('"');
    }
    HttpResponse<String> r =
        w.admin(
            "POST",
            "/v1/admin/tokens",
            "{\"subject\":\"ops-" + String.join("-", scopes) + "\",\"scopes\":[" + s + "]}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return TestWarden.json(r).path("token").asText();
  }

  static void assertSecurityHeaders(HttpResponse<?> r) {
    SECURITY_HEADERS.forEach(
        (name, value) -> assertThat(r.headers().firstValue(name)).as(name).hasValue(value));
    assertThat(r.headers().firstValue("Content-Security-Policy").orElse(""))
        .startsWith("default-src 'none'");
  }

  @Test
  void everyAnswer_carriesSecurityHeaders_problemsAndJettyRefusalsIncluded() throws Exception {
    assertSecurityHeaders(get("/healthz", null));
    assertSecurityHeaders(get("/v1/log/checkpoint", null));
    HttpResponse<String> notFound = get("/nope", null);
    assertThat(notFound.statusCode()).isEqualTo(404);
    assertSecurityHeaders(notFound);
    HttpResponse<String> unauthorized = get("/v1/admin/agents", null);
    assertThat(unauthorized.statusCode()).isEqualTo(401);
    assertSecurityHeaders(unauthorized);
    HttpResponse<String> decision =
        w.send(
            agent.key(),
            TestWarden.req(
                "{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\",\"amount\":{\"value\":\"1.00\",\"currency\":\"USD\"}}"));
    assertThat(decision.statusCode()).as(decision.body()).isEqualTo(200);
    assertSecurityHeaders(decision);
    // Refused by Jetty before any handler runs: the error handler sets them too.
    HttpResponse<String> tooLarge =
        w.http.send(
            HttpRequest.newBuilder(w.uri("/healthz")).header("X-Big", "a".repeat(20_000)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(tooLarge.statusCode()).isEqualTo(431);
    assertSecurityHeaders(tooLarge);
    assertThat(decision.headers().firstValue("Strict-Transport-Security"))
        .as("no HSTS over plain HTTP")
        .isEmpty();
  }

  @Test
  void metrics_needsTheMetricsScope() throws Exception {
    RefusalTest.assertProblem(get("/metrics", null), 401, "auth.missing_token");
    RefusalTest.assertProblem(get("/metrics", token("approver")), 403, "auth.insufficient_scope");
    RefusalTest.assertProblem(get("/metrics", token("admin")), 403, "auth.insufficient_scope");
    RefusalTest.assertProblem(get("/metrics", token("auditor")), 403, "auth.insufficient_scope");
    HttpResponse<String> ok = get("/metrics", token("metrics"));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertSecurityHeaders(ok);
  }

  @Test
  void metricsToken_cannotApproveOrAdminister() throws Exception {
    String metrics = token("metrics");
    HttpResponse<String> approve =
        w.http.send(
            HttpRequest.newBuilder(w.uri("/v1/approvals/01JABCDEFGHJKMNPQRSTVWXYZ0/approve"))
                .header("Authorization", "Bearer " + metrics)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    RefusalTest.assertProblem(approve, 403, "auth.insufficient_scope");
    RefusalTest.assertProblem(get("/v1/admin/agents", metrics), 403, "auth.insufficient_scope");
  }

  @Test
  void metrics_countDecisionsRefusalsLatencyBatchesAndJvm() throws Exception {
    String metrics = token("metrics");
    String before = get("/metrics", metrics).body();
    HttpResponse<String> allow =
        w.send(
            agent.key(),
            TestWarden.req(
                "{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\",\"amount\":{\"value\":\"2.00\",\"currency\":\"USD\"}}"));
    assertThat(TestWarden.json(allow).path("decision").asText()).isEqualTo("allow");
    HttpResponse<String> deny =
        w.send(
            agent.key(),
            TestWarden.req("{\"action\":\"rockets.launch\",\"resource\":\"pad/39a\"}"));
    assertThat(TestWarden.json(deny).path("decision").asText()).isEqualTo("deny");
    get("/v1/admin/agents", "wdn_" + "A".repeat(43)); // auth.bad_token
    String after = get("/metrics", metrics).body();

    assertThat(value(after, "warden_decisions_total\\{outcome=\"allow\"\\}"))
        .isEqualTo(value(before, "warden_decisions_total\\{outcome=\"allow\"\\}") + 1);
    assertThat(value(after, "warden_decisions_total\\{outcome=\"deny\"\\}"))
        .isEqualTo(value(before, "warden_decisions_total\\{outcome=\"deny\"\\}") + 1);
    assertThat(value(after, "warden_refusals_total\\{code=\"auth.bad_token\"\\}"))
        .isEqualTo(value(before, "warden_refusals_total\\{code=\"auth.bad_token\"\\}") + 1);
    assertThat(value(after, "warden_http_requests_seconds_count\\{status=\"2xx\"\\}"))
        .isGreaterThan(value(before, "warden_http_requests_seconds_count\\{status=\"2xx\"\\}"));
    assertThat(after).contains("warden_http_requests_seconds_bucket{status=\"2xx\",le=");
    assertThat(value(after, "warden_log_group_commit_batch_size_entries_count"))
        .isGreaterThan(value(before, "warden_log_group_commit_batch_size_entries_count"));
    assertThat(value(after, "warden_log_size_entries"))
        .isEqualTo((double) w.server().commitLog().head().size());
    assertThat(after)
        .contains("jvm_memory_used_bytes", "process_uptime_seconds", "jvm_threads_live");
    assertThat(after).as("no agent id is ever a label").doesNotContain("agent-1");
  }

  private static double value(String scrape, String series) {
    Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(scrape);
    assertThat(m.find()).as(series + " in\n" + scrape).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void readyz_reportsEachCheck() throws Exception {
    HttpResponse<String> r = get("/readyz", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode j = TestWarden.json(r);
    assertThat(j.path("status").asText()).isEqualTo("ready");
    for (String check : new String[] {"store", "log", "signer", "disk", "clock"}) {
      assertThat(j.path("checks").path(check).asText()).as(check).isEqualTo("ok");
    }
    assertThat(j.path("disk_free_bytes").asLong()).isPositive();
    assertThat(j.has("log_size")).isTrue();
    assertThat(j.has("executions_outcome_unknown")).isTrue();
    assertSecurityHeaders(r);
  }

  @Test
  void rawHttp11_answeredWithSecurityHeadersAndNoServerBanner() throws Exception {
    try (Socket s = new Socket("127.0.0.1", w.server().port())) {
      OutputStream out = s.getOutputStream();
      out.write(
          "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(answer)
          .startsWith("HTTP/1.1 200")
          .contains("X-Content-Type-Options: nosniff")
          .doesNotContain("Server:");
    }
  }
}
