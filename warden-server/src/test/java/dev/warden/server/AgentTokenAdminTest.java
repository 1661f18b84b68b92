package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.server.operator.AgentTokens;
import dev.warden.server.operator.CredentialEvents;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agent tokens through the operator API of a real server on loopback: issuing (logged first),
 * listing, revoking, the refusals, and the cut-off events.
 */
class AgentTokenAdminTest {
  @TempDir Path tmp;

  private final List<String> events = new CopyOnWriteArrayList<>();
  private TestWarden w;

  @BeforeEach
  void start() throws Exception {
    w =
        TestWarden.start(
            tmp,
            "",
            new CredentialEvents() {
              @Override
              public void agentCut(String agentId) {
                events.add("agent:" + agentId);
              }

              @Override
              public void tokenRevoked(String tokenId) {
                events.add("token:" + tokenId);
              }
            });
    w.createAgent("bot-1");
  }

  @AfterEach
  void stop() throws Exception {
    w.close();
  }

  private HttpResponse<String> create(String body) throws Exception {
    return w.admin("POST", "/v1/admin/tokens", body);
  }

  private AgentTokens agentTokens() {
    return new AgentTokens(
        w.server().store().tokens(), w.server().store().agents(), Clock.systemUTC());
  }

  @Test
  void create_agentToken_isShownOnceLoggedFirstAndAuthenticatesTheAgent() throws Exception {
    HttpResponse<String> r =
        create("{\"agent\":\"bot-1\",\"scopes\":[\"mcp\"],\"expires_in\":\"30d\"}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonNode t = TestWarden.json(r);
    String token = t.path("token").asText();
    String id = t.path("id").asText();
    assertThat(token).matches("wda_[A-Za-z0-9_-]{43}");
    assertThat(t.path("agent").asText()).isEqualTo("bot-1");
    assertThat(t.path("subject").asText()).isEqualTo("bot-1");
    assertThat(t.path("scopes").toString()).isEqualTo("[\"mcp\"]");
    assertThat(Instant.parse(t.path("expires_at").asText()))
        .isBetween(
            Instant.now().plus(Duration.ofDays(29)), Instant.now().plus(Duration.ofDays(31)));

    assertThat(w.entries("admin"))
        .anySatisfy(
            e -> {
              assertThat(e.path("op").asText()).isEqualTo("token.create");
              assertThat(e.path("target").asText()).isEqualTo(id);
              assertThat(e.path("details").path("agent").asText()).isEqualTo("bot-1");
              assertThat(e.path("details").path("scopes").asText()).isEqualTo("mcp");
              assertThat(e.toString()).doesNotContain(token);
            });

    JsonNode listed = TestWarden.json(w.admin("GET", "/v1/admin/tokens", null)).path("tokens");
    assertThat(listed)
        .anySatisfy(
            l -> {
              assertThat(l.path("id").asText()).isEqualTo(id);
              assertThat(l.path("agent").asText()).isEqualTo("bot-1");
              assertThat(l.has("token")).isFalse();
            });
    assertThat(listed)
        .filteredOn(l -> !l.path("id").asText().equals(id))
        .allSatisfy(l -> assertThat(l.has("agent")).isFalse());

    AgentTokens.Caller c = agentTokens().authenticate("Bearer " + token);
    assertThat(c.agent().id()).isEqualTo("bot-1");
    assertThat(c.tokenId()).isEqualTo(id);
  }

  @Test
  void operatorEndpoints_withAnAgentToken_areRefusedAsBadToken() throws Exception {
    String token =
        TestWarden.json(create("{\"agent\":\"bot-1\",\"scopes\":[\"mcp\"]}"))
            .path("token")
            .asText();

    for (String path : new String[] {"/v1/admin/agents", "/v1/admin/tokens", "/v1/approvals"}) {
      HttpResponse<String> r =
          w.http.send(
              HttpRequest.newBuilder(w.uri(path))
                  .header("Authorization", "Bearer " + token)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      RefusalTest.assertProblem(r, 401, "auth.bad_token");
    }
  }

  @Test
  void revoke_agentToken_cutsItOffAndTellsTheEvents() throws Exception {
    JsonNode t = TestWarden.json(create("{\"agent\":\"bot-1\",\"scopes\":[\"mcp\"]}"));
    String id = t.path("id").asText();

    assertThat(w.admin("DELETE", "/v1/admin/tokens/" + id, null).statusCode()).isEqualTo(204);

    assertThat(events).containsExactly("token:" + id);
    assertThat(w.entries("admin"))
        .anySatisfy(
            e -> {
              assertThat(e.path("op").asText()).isEqualTo("token.revoke");
              assertThat(e.path("target").asText()).isEqualTo(id);
            });
    assertThatThrownBy(() -> agentTokens().authenticate("Bearer " + t.path("token").asText()))
        .isInstanceOfSatisfying(
            RequestRejected.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTH_BAD_TOKEN));
  }

  @Test
  void revoke_operatorToken_alsoTellsTheEvents() throws Exception {
    String id =
        TestWarden.json(create("{\"subject\":\"carol\",\"scopes\":[\"auditor\"]}"))
            .path("id")
            .asText();

    assertThat(w.admin("DELETE", "/v1/admin/tokens/" + id, null).statusCode()).isEqualTo(204);

    assertThat(events).containsExactly("token:" + id);
  }

  @Test
  void suspendOrRevokeAgent_tellsTheEventsAndCutsItsTokensOff() throws Exception {
    String token =
        TestWarden.json(create("{\"agent\":\"bot-1\",\"scopes\":[\"mcp\"]}"))
            .path("token")
            .asText();

    assertThat(
            w.admin("PATCH", "/v1/admin/agents/bot-1", "{\"status\":\"suspended\"}").statusCode())
        .isEqualTo(200);
    assertThat(events).containsExactly("agent:bot-1");
    assertThatThrownBy(() -> agentTokens().authenticate("Bearer " + token))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTH_AGENT_SUSPENDED));

    assertThat(w.admin("PATCH", "/v1/admin/agents/bot-1", "{\"status\":\"active\"}").statusCode())
        .isEqualTo(200);
    assertThat(events).containsExactly("agent:bot-1");
    assertThat(agentTokens().authenticate("Bearer " + token).agent().id()).isEqualTo("bot-1");

    assertThat(w.admin("PATCH", "/v1/admin/agents/bot-1", "{\"status\":\"revoked\"}").statusCode())
        .isEqualTo(200);
    assertThat(events).containsExactly("agent:bot-1", "agent:bot-1");
    assertThatThrownBy(() -> agentTokens().authenticate("Bearer " + token))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTH_AGENT_REVOKED));
  }

  @Test
  void create_unknownAgent_isNotFound() throws Exception {
    RefusalTest.assertProblem(
        create("{\"agent\":\"ghost\",\"scopes\":[\"mcp\"]}"), 404, "admin.not_found");
  }

  @Test
  void create_revokedAgent_isConflict() throws Exception {
    w.admin("PATCH", "/v1/admin/agents/bot-1", "{\"status\":\"revoked\"}");

    HttpResponse<String> r = create("{\"agent\":\"bot-1\",\"scopes\":[\"mcp\"]}");

    RefusalTest.assertProblem(r, 409, "admin.conflict");
    assertThat(TestWarden.json(r).path("detail").asText()).contains("revoked");
  }

  @Test
  void create_mixedOrWrongShapes_areInvalidAndLogNothing() throws Exception {
    int before = w.entries("admin").size();
    for (String body :
        new String[] {
          "{\"agent\":\"bot-1\"}",
          "{\"agent\":\"bot-1\",\"scopes\":[]}",
          "{\"agent\":\"bot-1\",\"scopes\":[\"admin\"]}",
          "{\"agent\":\"bot-1\",\"scopes\":[\"mcp\",\"admin\"]}",
          "{\"agent\":\"bot-1\",\"subject\":\"alice\",\"scopes\":[\"mcp\"]}",
          "{\"agent\":\"Bad Id\",\"scopes\":[\"mcp\"]}",
          "{\"agent\":7,\"scopes\":[\"mcp\"]}",
          "{\"subject\":\"alice\",\"scopes\":[\"mcp\"]}",
          "{\"subject\":\"alice\",\"scopes\":[\"admin\",\"mcp\"]}",
          "{\"scopes\":[\"admin\"]}"
        }) {
      RefusalTest.assertProblem(create(body), 400, "request.invalid");
    }
    assertThat(w.entries("admin")).hasSize(before);
    assertThat(TestWarden.json(create("{\"subject\":\"alice\",\"scopes\":[\"mcp\"]}")).toString())
        .contains("agent");
  }
}
