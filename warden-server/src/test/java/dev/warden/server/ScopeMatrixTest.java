package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every operator endpoint refuses every token without its scope (403 {@code
 * auth.insufficient_scope}), and a revoked or expired token (401 {@code auth.bad_token}), before it
 * reads anything else of the request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScopeMatrixTest {
  static final List<String> SCOPES = List.of("admin", "approver", "auditor", "metrics");

  /** An operator endpoint and the one scope it needs. */
  record Endpoint(String method, String path, String scope) {}

  static final List<Endpoint> ENDPOINTS =
      List.of(
          new Endpoint("POST", "/v1/admin/agents", "admin"),
          new Endpoint("GET", "/v1/admin/agents", "admin"),
          new Endpoint("GET", "/v1/admin/agents/agent-1", "admin"),
          new Endpoint("PATCH", "/v1/admin/agents/agent-1", "admin"),
          new Endpoint("POST", "/v1/admin/tokens", "admin"),
          new Endpoint("GET", "/v1/admin/tokens", "admin"),
          new Endpoint("DELETE", "/v1/admin/tokens/tok_0000000000000000", "admin"),
          new Endpoint("GET", "/v1/admin/keys", "admin"),
          new Endpoint("POST", "/v1/admin/keys/rotate", "admin"),
          new Endpoint("POST", "/v1/admin/keys/revoke", "admin"),
          new Endpoint("GET", "/v1/admin/policy", "admin"),
          new Endpoint("PUT", "/v1/admin/policy", "admin"),
          new Endpoint("GET", "/v1/executions", "admin"),
          new Endpoint("POST", "/v1/executions/01JDECISION/resolve", "admin"),
          new Endpoint("GET", "/v1/admin/decisions/01JDECISION", "auditor"),
          new Endpoint("GET", "/v1/approvals", "approver"),
          new Endpoint("GET", "/v1/approvals/01JDECISION", "approver"),
          new Endpoint("POST", "/v1/approvals/01JDECISION/approve", "approver"),
          new Endpoint("POST", "/v1/approvals/01JDECISION/reject", "approver"),
          new Endpoint("POST", "/v1/approvals/01JDECISION/reevaluate", "approver"),
          new Endpoint("GET", "/metrics", "metrics"));

  @TempDir static Path tmp;
  TestWarden w;

  @BeforeAll
  void start() throws Exception {
    w = TestWarden.start(tmp);
  }

  @AfterAll
  void stop() {
    w.close();
  }

  /** A new token with {@code scope}: its secret and its id. */
  private record Issued(String token, String id) {}

  private Issued issue(String scope, String extra) throws Exception {
    HttpResponse<String> r =
        w.admin(
            "POST",
            "/v1/admin/tokens",
            "{\"subject\":\"op-" + scope + "\",\"scopes\":[\"" + scope + "\"]" + extra + "}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return new Issued(
        TestWarden.json(r).path("token").asText(), TestWarden.json(r).path("id").asText());
  }

  private HttpResponse<String> call(Endpoint e, String bearer) throws Exception {
    return w.http.send(
        HttpRequest.newBuilder(w.uri(e.path()))
            .header("Authorization", "Bearer " + bearer)
            .header("Content-Type", "application/json")
            .method(e.method(), HttpRequest.BodyPublishers.ofString("{}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyEndpoint_refusesEveryOtherScope() throws Exception {
    for (String scope : SCOPES) {
      String bearer = issue(scope, "").token();
      for (Endpoint e : ENDPOINTS) {
        if (e.scope().equals(scope)) {
          continue;
        }
        HttpResponse<String> r = call(e, bearer);
        assertThat(r.statusCode())
            .as("%s %s with %s: %s", e.method(), e.path(), scope, r.body())
            .isEqualTo(403);
        assertThat(TestWarden.json(r).path("code").asText()).isEqualTo("auth.insufficient_scope");
      }
    }
  }

  @Test
  void everyEndpoint_refusesRevokedAndExpiredTokens() throws Exception {
    List<Issued> expiring = new ArrayList<>();
    for (Endpoint e : ENDPOINTS) {
      Issued revoked = issue(e.scope(), "");
      HttpResponse<String> del = w.admin("DELETE", "/v1/admin/tokens/" + revoked.id(), null);
      assertThat(del.statusCode()).as(del.body()).isBetween(200, 204);
      HttpResponse<String> r = call(e, revoked.token());
      assertThat(r.statusCode())
          .as("%s %s revoked: %s", e.method(), e.path(), r.body())
          .isEqualTo(401);
      assertThat(TestWarden.json(r).path("code").asText()).isEqualTo("auth.bad_token");
      expiring.add(issue(e.scope(), ",\"expires_in\":\"1s\""));
    }
    Thread.sleep(1_100);
    for (int i = 0; i < ENDPOINTS.size(); i++) {
      Endpoint e = ENDPOINTS.get(i);
      HttpResponse<String> r = call(e, expiring.get(i).token());
      assertThat(r.statusCode())
          .as("%s %s expired: %s", e.method(), e.path(), r.body())
          .isEqualTo(401);
      assertThat(TestWarden.json(r).path("code").asText()).isEqualTo("auth.bad_token");
    }
  }
}
