package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The approval workflow of SPEC §8 through the real server, restarts included. */
final class ApprovalFlowTest {
  private static final String DELETE = "{\"action\":\"files.delete\",\"resource\":\"reports/q3\"}";

  @TempDir Path tmp;
  private TestWarden w;
  private TestWarden.Agent agent;

  @BeforeEach
  void start() throws Exception {
    w = TestWarden.start(tmp);
    agent = w.createAgent("agent-1");
  }

  @AfterEach
  void stop() {
    w.close();
  }

  private void policy(String approvers, int min, String ttl) throws Exception {
    String p =
        "version: 1\nrules:\n  - id: deletes\n    effect: escalate\n"
            + "    match: {action: \"*.delete\"}\n"
            + (approvers.equals("any") ? "" : "    approvers: " + approvers + "\n")
            + "    min_approvals: "
            + min
            + "\n    ttl: "
            + ttl
            + "\n";
    HttpResponse<String> put = w.admin("PUT", "/v1/admin/policy", p);
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
  }

  private String token(String subject, String scopes) throws Exception {
    HttpResponse<String> r =
        w.admin(
            "POST",
            "/v1/admin/tokens",
            "{\"subject\":\"" + subject + "\",\"scopes\":[" + scopes + "]}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return TestWarden.json(r).path("token").asText();
  }

  private HttpResponse<String> as(String token, String method, String path, @Nullable String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(w.uri(path)).header("Authorization", "Bearer " + token);
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return w.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String escalate() throws Exception {
    HttpResponse<String> r = w.send(agent.key(), TestWarden.req(DELETE));
    assertThat(r.statusCode()).isEqualTo(202);
    String id = TestWarden.json(r).path("decision_id").asText();
    assertThat(r.headers().firstValue("Location")).contains("/v1/decisions/" + id);
    return id;
  }

  private JsonNode decision(String id) throws Exception {
    TestWarden.Req get = TestWarden.req("");
    get.method = "GET";
    get.path = "/v1/decisions/" + id;
    get.headers.remove("Content-Type");
    return TestWarden.json(w.send(agent.key(), get));
  }

  @Test
  void twoOfThree_countsDistinctApprovers_thenTheDecisionIsApprovedAndLogged() throws Exception {
    policy("[alice, bob, carol]", 2, "15m");
    String alice = token("alice", "\"approver\"");
    String bob = token("bob", "\"approver\"");
    String id = escalate();

    JsonNode listed = TestWarden.json(as(alice, "GET", "/v1/approvals?status=pending", null));
    assertThat(listed.path("approvals")).hasSize(1);
    assertThat(listed.path("approvals").get(0).path("request").path("resource").asText())
        .isEqualTo("reports/q3");
    JsonNode once = TestWarden.json(as(alice, "POST", "/v1/approvals/" + id + "/approve", null));
    JsonNode twice = TestWarden.json(as(alice, "POST", "/v1/approvals/" + id + "/approve", null));
    assertThat(once.path("state").asText()).isEqualTo("pending");
    assertThat(twice.path("approved_by")).hasSize(1);
    assertThat(decision(id).path("decision").asText()).isEqualTo("pending");

    JsonNode done =
        TestWarden.json(
            as(bob, "POST", "/v1/approvals/" + id + "/approve", "{\"reason\":\"checked\"}"));

    assertThat(done.path("state").asText()).isEqualTo("approved");
    JsonNode now = decision(id);
    assertThat(now.path("decision").asText()).isEqualTo("approved");
    assertThat(now.path("decision_id").asText()).isEqualTo(id);
    assertThat(now.path("receipt").path("jws").asText()).isNotEmpty();
    List<JsonNode> steps = w.entries("approval");
    assertThat(steps).hasSize(2);
    assertThat(steps.get(1).path("approved_by").toString()).isEqualTo("[\"alice\",\"bob\"]");
    assertThat(steps.get(1).path("reasons").get(0).path("message").asText()).isEqualTo("checked");
  }

  @Test
  void approve_outsiderWithoutScopeOrTheAgentItself_isRefused() throws Exception {
    policy("[alice, agent-1]", 1, "15m");
    String mallory = token("mallory", "\"approver\"");
    String auditor = token("alice", "\"auditor\"");
    String agentToken = token("agent-1", "\"approver\"");
    String id = escalate();

    HttpResponse<String> outsider = as(mallory, "POST", "/v1/approvals/" + id + "/approve", null);
    HttpResponse<String> noScope = as(auditor, "POST", "/v1/approvals/" + id + "/approve", null);
    HttpResponse<String> self = as(agentToken, "POST", "/v1/approvals/" + id + "/approve", null);

    assertThat(outsider.statusCode()).isEqualTo(403);
    assertThat(TestWarden.json(outsider).path("code").asText()).isEqualTo("approval.forbidden");
    assertThat(TestWarden.json(noScope).path("code").asText()).isEqualTo("auth.insufficient_scope");
    assertThat(TestWarden.json(self).path("code").asText()).isEqualTo("approval.forbidden");
    assertThat(TestWarden.json(self).path("detail").asText()).contains("its own request");
    assertThat(w.entries("approval")).isEmpty();
  }

  @Test
  void policyChange_refusesApproval_untilReevaluatedUnderTheNewPolicy() throws Exception {
    policy("any", 1, "15m");
    String id = escalate();
    policy("any", 1, "16m");

    HttpResponse<String> refused = w.admin("POST", "/v1/approvals/" + id + "/approve", null);
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(TestWarden.json(refused).path("code").asText()).isEqualTo("approval.policy_changed");

    JsonNode rebound =
        TestWarden.json(w.admin("POST", "/v1/approvals/" + id + "/reevaluate", null));
    assertThat(rebound.path("state").asText()).isEqualTo("pending");
    String active = TestWarden.json(w.admin("GET", "/v1/admin/policy", null)).path("hash").asText();
    assertThat(rebound.path("policy_hash").asText()).isEqualTo(active);
    JsonNode approved = TestWarden.json(w.admin("POST", "/v1/approvals/" + id + "/approve", null));
    assertThat(approved.path("state").asText()).isEqualTo("approved");
  }

  @Test
  void reevaluate_underTheSamePolicy_isRefusedAndKeepsTheApprovalsCounted() throws Exception {
    policy("[alice, bob]", 2, "15m");
    String alice = token("alice", "\"approver\"");
    String id = escalate();
    as(alice, "POST", "/v1/approvals/" + id + "/approve", null);

    HttpResponse<String> r = w.admin("POST", "/v1/approvals/" + id + "/reevaluate", null);

    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(TestWarden.json(r).path("code").asText()).isEqualTo("admin.conflict");
    JsonNode a = TestWarden.json(w.admin("GET", "/v1/approvals/" + id, null));
    assertThat(a.path("approved_by").toString()).isEqualTo("[\"alice\"]");
  }

  @Test
  void reevaluate_underAPolicyThatEscalatesDifferently_takesItsApprovers() throws Exception {
    policy("[alice]", 1, "15m");
    String id = escalate();
    policy("[bob, carol]", 2, "15m");

    JsonNode rebound =
        TestWarden.json(w.admin("POST", "/v1/approvals/" + id + "/reevaluate", null));

    assertThat(rebound.path("approvers").toString()).isEqualTo("[\"bob\",\"carol\"]");
    assertThat(rebound.path("min_approvals").asInt()).isEqualTo(2);
    String alice = token("alice", "\"approver\"");
    assertThat(
            TestWarden.json(as(alice, "POST", "/v1/approvals/" + id + "/approve", null))
                .path("code")
                .asText())
        .isEqualTo("approval.forbidden");
  }

  @Test
  void reevaluate_underAPolicyThatDenies_rejects() throws Exception {
    policy("any", 1, "15m");
    String id = escalate();
    w.admin("PUT", "/v1/admin/policy", "version: 1\nrules: []\n");

    JsonNode r = TestWarden.json(w.admin("POST", "/v1/approvals/" + id + "/reevaluate", null));

    assertThat(r.path("state").asText()).isEqualTo("rejected");
    assertThat(decision(id).path("decision").asText()).isEqualTo("rejected");
    String active = TestWarden.json(w.admin("GET", "/v1/admin/policy", null)).path("hash").asText();
    List<JsonNode> steps = w.entries("approval");
    assertThat(steps.get(steps.size() - 1).path("policy_hash").asText())
        .as("the re-evaluation is the active policy's")
        .isEqualTo(active);
  }

  @Test
  void settlement_countsAnApprovedEscalationAsAllowed_andAPendingOneNot() throws Exception {
    policy("any", 1, "15m");
    String approved = escalate();
    String pending = escalate();
    w.admin("POST", "/v1/approvals/" + approved + "/approve", null);

    assertThat(Housekeeping.allowed(w.server().store(), approved)).isTrue();
    assertThat(Housekeeping.allowed(w.server().store(), pending)).isFalse();
    assertThat(Housekeeping.allowed(w.server().store(), "01JUNKNOWN0000000000000000")).isFalse();
  }

  @Test
  void reject_needsAReason_andIsFinal() throws Exception {
    policy("any", 1, "15m");
    String id = escalate();

    HttpResponse<String> noReason = w.admin("POST", "/v1/approvals/" + id + "/reject", "{}");
    HttpResponse<String> rejected =
        w.admin("POST", "/v1/approvals/" + id + "/reject", "{\"reason\":\"not today\"}");
    HttpResponse<String> late = w.admin("POST", "/v1/approvals/" + id + "/approve", null);

    assertThat(noReason.statusCode()).isEqualTo(400);
    assertThat(TestWarden.json(rejected).path("state").asText()).isEqualTo("rejected");
    assertThat(late.statusCode()).isEqualTo(409);
    assertThat(TestWarden.json(late).path("code").asText()).isEqualTo("approval.resolved");
    JsonNode d = decision(id);
    assertThat(d.path("decision").asText()).isEqualTo("rejected");
    assertThat(d.path("reasons").get(0).path("message").asText()).isEqualTo("not today");
  }

  @Test
  void ttl_expiresToADeny_andAnApprovalAfterIsRefused() throws Exception {
    policy("any", 1, "1s");
    String id = escalate();

    Thread.sleep(1_200);
    HttpResponse<String> late = w.admin("POST", "/v1/approvals/" + id + "/approve", null);

    assertThat(late.statusCode()).isEqualTo(409);
    assertThat(TestWarden.json(late).path("code").asText())
        .isIn("approval.expired", "approval.resolved");
    assertThat(decision(id).path("decision").asText()).isEqualTo("expired");
    assertThat(w.entries("approval")).hasSize(1);
  }

  @Test
  void restart_keepsCountedApprovals_andExpiresWhatRanOutMeanwhile() throws Exception {
    policy("[alice, bob]", 2, "15m");
    String alice = token("alice", "\"approver\"");
    String bob = token("bob", "\"approver\"");
    String counted = escalate();
    as(alice, "POST", "/v1/approvals/" + counted + "/approve", null);
    policy("[alice, bob]", 2, "1s");
    String lapsing = escalate();

    w.restart();
    Thread.sleep(1_100);
    w.restart(); // expiry at start, without waiting for housekeeping

    assertThat(decision(lapsing).path("decision").asText()).isEqualTo("expired");
    // The first one is bound to the first policy: re-evaluate, then both approve again.
    w.admin("POST", "/v1/approvals/" + counted + "/reevaluate", null);
    as(alice, "POST", "/v1/approvals/" + counted + "/approve", null);
    JsonNode done = TestWarden.json(as(bob, "POST", "/v1/approvals/" + counted + "/approve", null));
    assertThat(done.path("state").asText()).isEqualTo("approved");
  }

  @Test
  void longPoll_answersWhenTheApprovalIsResolved() throws Exception {
    policy("any", 1, "15m");
    String id = escalate();
    TestWarden.Req get = TestWarden.req("");
    get.method = "GET";
    get.path = "/v1/decisions/" + id + "?wait=30s";
    get.headers.remove("Content-Type");

    CompletableFuture<HttpResponse<String>> waiting =
        w.http.sendAsync(w.signed(agent.key(), get).build(), HttpResponse.BodyHandlers.ofString());
    Thread.sleep(300);
    w.admin("POST", "/v1/approvals/" + id + "/approve", null);

    HttpResponse<String> answered = waiting.get();
    assertThat(answered.statusCode()).isEqualTo(200);
    assertThat(TestWarden.json(answered).path("decision").asText()).isEqualTo("approved");
  }

  @Test
  void approval_overBudget_isRejectedWithTheBudgetReason() throws Exception {
    String p =
        """
        version: 1
        rules:
          - {id: big, effect: escalate, match: {action: "payments.*"}}
        budgets:
          - {id: daily, scope: agent, match: {action: "payments.*"}, window: day, limit: "10.00", currency: EUR}
        """;
    assertThat(w.admin("PUT", "/v1/admin/policy", p).statusCode()).isEqualTo(200);
    HttpResponse<String> r =
        w.send(
            agent.key(),
            TestWarden.req(
                "{\"action\":\"payments.transfer\",\"resource\":\"acct/1\","
                    + "\"amount\":{\"value\":\"50.00\",\"currency\":\"EUR\"}}"));
    String id = TestWarden.json(r).path("decision_id").asText();

    JsonNode approved = TestWarden.json(w.admin("POST", "/v1/approvals/" + id + "/approve", null));

    assertThat(approved.path("state").asText()).isEqualTo("rejected");
    JsonNode d = decision(id);
    assertThat(d.path("decision").asText()).isEqualTo("rejected");
    assertThat(d.path("reasons").get(0).path("code").asText()).isEqualTo("budget.exceeded");
  }
}
