package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token buckets of the policy's {@code limits} through the real server (SPEC §6). */
final class RateLimitFlowTest {
  private static final String READ = "{\"action\":\"files.read\",\"resource\":\"reports/q3\"}";

  @TempDir Path tmp;
  private TestWarden w;

  @BeforeEach
  void start() throws Exception {
    w = TestWarden.start(tmp);
  }

  @AfterEach
  void stop() {
    w.close();
  }

  private void activate(String limits) throws Exception {
    String policy =
        "version: 1\nrules:\n  - {id: reads, effect: allow, match: {action: \"*.read\"}}\n"
            + "limits:\n"
            + limits;
    HttpResponse<String> put = w.admin("PUT", "/v1/admin/policy", policy);
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
  }

  @Test
  void burstOverCapacity_isRefused429WithHeaders_andRefillRestoresService() throws Exception {
    // One token per 5 s: slow enough that none comes back during the burst on a loaded machine,
    // fast enough to see the refill.
    activate("  - {id: per-agent, scope: agent, capacity: 2, refill: 12/m}\n");
    TestWarden.Agent a = w.createAgent("agent-1");

    HttpResponse<String> first = w.send(a.key(), TestWarden.req(READ));
    HttpResponse<String> second = w.send(a.key(), TestWarden.req(READ));
    HttpResponse<String> third = w.send(a.key(), TestWarden.req(READ));

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("RateLimit-Policy")).contains("\"per-agent\";q=2;w=10");
    assertThat(first.headers().firstValue("RateLimit"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("\"per-agent\";r=1;t="));
    assertThat(second.headers().firstValue("RateLimit"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("\"per-agent\";r=0;t="));
    assertThat(third.statusCode()).isEqualTo(429);
    JsonNode problem = TestWarden.json(third);
    assertThat(problem.path("code").asText()).isEqualTo("limit.rate");
    assertThat(problem.path("detail").asText()).contains("per-agent");
    long retryAfter = Long.parseLong(third.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 5L);
    assertThat(third.headers().firstValue("RateLimit")).isPresent();
    // The refusal is logged like every refusal of an authenticated agent.
    List<JsonNode> refusals = w.entries("refusal");
    assertThat(refusals).isNotEmpty();
    assertThat(refusals.get(refusals.size() - 1).path("reasons").get(0).path("code").asText())
        .isEqualTo("limit.rate");
    assertThat(refusals.get(refusals.size() - 1).path("decision_id").asText())
        .isEqualTo(problem.path("decision_id").asText());

    Thread.sleep(retryAfter * 1000 + 100);

    assertThat(w.send(a.key(), TestWarden.req(READ)).statusCode()).isEqualTo(200);
  }

  @Test
  void refusalBeforeTheRateStage_stillCarriesTheBucketsAsTheyStand() throws Exception {
    activate("  - {id: per-agent, scope: agent, capacity: 5, refill: 1/h}\n");
    TestWarden.Agent a = w.createAgent("agent-1");
    TestWarden.Req once = TestWarden.req(READ);
    assertThat(w.send(a.key(), once).statusCode()).isEqualTo(200);

    // The same nonce again: refused as a replay before any token is taken.
    TestWarden.Req replay = TestWarden.req(READ);
    replay.nonce = once.nonce;
    HttpResponse<String> refused = w.send(a.key(), replay);

    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.headers().firstValue("RateLimit"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("\"per-agent\";r=4;"));
    assertThat(refused.headers().firstValue("Retry-After")).isEmpty();
  }

  @Test
  void tenantBucket_isSharedByTheTenantsAgents() throws Exception {
    activate("  - {id: per-tenant, scope: tenant, capacity: 2, refill: 1/h}\n");
    TestWarden.Agent a = w.createAgent("agent-1");
    TestWarden.Agent b = w.createAgent("agent-2");

    assertThat(w.send(a.key(), TestWarden.req(READ)).statusCode()).isEqualTo(200);
    assertThat(w.send(b.key(), TestWarden.req(READ)).statusCode()).isEqualTo(200);
    HttpResponse<String> third = w.send(a.key(), TestWarden.req(READ));

    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(Long.parseLong(third.headers().firstValue("Retry-After").orElseThrow()))
        .isGreaterThan(1_000);
  }

  @Test
  void operatorBucket_limitsAdminCallsPerToken() throws Exception {
    activate("  - {id: per-operator, scope: operator, capacity: 3, refill: 1/h}\n");

    // The activation call was authorized under the old policy, without limits: three fit.
    for (int i = 0; i < 3; i++) {
      assertThat(w.admin("GET", "/v1/admin/agents", null).statusCode()).isEqualTo(200);
    }
    HttpResponse<String> limited = w.admin("GET", "/v1/admin/agents", null);

    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(TestWarden.json(limited).path("code").asText()).isEqualTo("limit.rate");
    assertThat(limited.headers().firstValue("Retry-After")).isPresent();
  }

  @Test
  void noLimits_noRateLimitHeaders() throws Exception {
    TestWarden.Agent a = w.createAgent("agent-1");

    HttpResponse<String> r = w.send(a.key(), TestWarden.req(READ));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("RateLimit")).isEmpty();
  }
}
