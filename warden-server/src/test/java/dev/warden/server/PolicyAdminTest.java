package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.policy.Policy;
import dev.warden.policy.PolicyLoader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET/PUT /v1/admin/policy} and {@code GET /v1/admin/decisions/{id}} on a real server. */
final class PolicyAdminTest {
  private static final String ROCKETS =
      """
      version: 1
      rules:
        - id: launch
          effect: allow
          match: {action: "rockets.launch"}
      """;

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

  private HttpResponse<String> launch(TestWarden.Agent a) throws Exception {
    return w.send(
        a.key(), TestWarden.req("{\"action\":\"rockets.launch\",\"resource\":\"pad/39a\"}"));
  }

  @Test
  void put_validPolicy_isLoggedWithItsTextThenDecidesAndSurvivesARestart() throws Exception {
    TestWarden.Agent a = w.createAgent("agent-1");
    assertThat(TestWarden.json(launch(a)).path("decision").asText()).isEqualTo("deny");
    int policiesBefore = w.entries("policy").size();

    HttpResponse<String> put = w.admin("PUT", "/v1/admin/policy", ROCKETS);

    assertThat(put.statusCode()).isEqualTo(200);
    JsonNode body = TestWarden.json(put);
    assertThat(body.path("activated").asBoolean()).isTrue();
    String hash = body.path("hash").asText();
    List<JsonNode> logged = w.entries("policy");
    assertThat(logged).hasSize(policiesBefore + 1);
    JsonNode entry = logged.get(logged.size() - 1);
    assertThat(entry.path("policy_hash").asText()).isEqualTo(hash);
    assertThat(entry.path("text").asText()).isEqualTo(ROCKETS);
    assertThat(entry.path("operator").asText()).isEqualTo("admin");
    JsonNode decided = TestWarden.json(launch(a));
    assertThat(decided.path("decision").asText()).isEqualTo("allow");
    assertThat(decided.path("policy_hash").asText()).isEqualTo(hash);
    assertThat(Files.readString(w.data.policy())).isEqualTo(ROCKETS);

    w.restart();

    assertThat(TestWarden.json(w.admin("GET", "/v1/admin/policy", null)).path("hash").asText())
        .isEqualTo(hash);
    assertThat(TestWarden.json(launch(a)).path("decision").asText()).isEqualTo("allow");
  }

  /**
   * At start, a policy file holding an earlier policy is a stale copy and the active policy stays
   * (the file is rewritten); a policy file edited to one never activated is activated.
   */
  @Test
  void restart_staleFileKeepsTheActivePolicy_editedFileIsActivated() throws Exception {
    String original = Files.readString(w.data.policy());
    String rockets =
        TestWarden.json(w.admin("PUT", "/v1/admin/policy", ROCKETS)).path("hash").asText();
    Files.writeString(w.data.policy(), original);
    w.restart();
    assertThat(TestWarden.json(w.admin("GET", "/v1/admin/policy", null)).path("hash").asText())
        .isEqualTo(rockets);
    assertThat(Files.readString(w.data.policy())).isEqualTo(ROCKETS);

    String edited = ROCKETS.replace("rockets.launch", "rockets.land");
    Files.writeString(w.data.policy(), edited);
    w.restart();
    TestWarden.Agent a = w.createAgent("agent-1");
    assertThat(TestWarden.json(launch(a)).path("decision").asText()).isEqualTo("deny");
    assertThat(TestWarden.json(w.admin("GET", "/v1/admin/policy", null)).path("hash").asText())
        .isNotEqualTo(rockets);
  }

  /**
   * An activation cut short after its text was saved (and perhaps logged) but before it was marked
   * active is completed at the next start from the file it had rewritten, not taken for a stale
   * copy: the active policy after a crash is the last one logged or one never answered.
   */
  @Test
  void restart_afterAnActivationCutShort_completesIt() throws Exception {
    w.close();
    Policy rockets = PolicyLoader.load(ROCKETS);
    try (var store = w.data.openStore(java.time.Clock.systemUTC())) {
      store.policies().save(rockets.hash(), rockets.text(), java.time.Instant.now());
    }
    Files.writeString(w.data.policy(), ROCKETS);
    w.restart();
    assertThat(TestWarden.json(w.admin("GET", "/v1/admin/policy", null)).path("hash").asText())
        .isEqualTo(rockets.hash());
  }

  @Test
  void put_invalidPolicy_is422AndTheActivePolicyStays() throws Exception {
    String before = TestWarden.json(w.admin("GET", "/v1/admin/policy", null)).path("hash").asText();
    String file = Files.readString(w.data.policy());
    int policiesBefore = w.entries("policy").size();

    HttpResponse<String> put =
        w.admin("PUT", "/v1/admin/policy", "version: 1\nrules:\n  - id: x\n    effect: maybe\n");

    assertThat(put.statusCode()).isEqualTo(422);
    JsonNode problem = TestWarden.json(put);
    assertThat(problem.path("code").asText()).isEqualTo("policy.invalid");
    assertThat(problem.path("detail").asText()).contains("effect").contains("unchanged");
    assertThat(TestWarden.json(w.admin("GET", "/v1/admin/policy", null)).path("hash").asText())
        .isEqualTo(before);
    assertThat(Files.readString(w.data.policy())).isEqualTo(file);
    assertThat(w.entries("policy")).hasSize(policiesBefore);
  }

  @Test
  void put_policyWithAShadowedRule_isActivatedAndTheWarningReturned() throws Exception {
    String shadowed =
        ROCKETS
            + """
              - id: never
                effect: deny
                match: {action: "rockets.*"}
            """;

    HttpResponse<String> put = w.admin("PUT", "/v1/admin/policy", shadowed);

    assertThat(put.statusCode()).isEqualTo(200);
    JsonNode body = TestWarden.json(put);
    assertThat(body.path("activated").asBoolean()).isTrue();
    assertThat(body.path("warnings")).hasSize(1);
    assertThat(body.path("warnings").get(0).path("message").asText()).contains("launch");
  }

  @Test
  void put_theActivePolicyAgain_logsNothing() throws Exception {
    w.admin("PUT", "/v1/admin/policy", ROCKETS);
    int policiesBefore = w.entries("policy").size();

    HttpResponse<String> again = w.admin("PUT", "/v1/admin/policy", ROCKETS);

    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(TestWarden.json(again).path("activated").asBoolean()).isFalse();
    assertThat(w.entries("policy")).hasSize(policiesBefore);
  }

  @Test
  void decision_returnsTheEntryAndThePolicyTextItsHashNames() throws Exception {
    TestWarden.Agent a = w.createAgent("agent-1");
    w.admin("PUT", "/v1/admin/policy", ROCKETS);
    JsonNode decided = TestWarden.json(launch(a));
    // The policy changes again; the old decision still finds the text that made it.
    w.admin("PUT", "/v1/admin/policy", "version: 1\nrules: []\n");

    HttpResponse<String> r =
        w.admin("GET", "/v1/admin/decisions/" + decided.path("decision_id").asText(), null);

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = TestWarden.json(r);
    assertThat(body.path("log_index").asLong()).isEqualTo(decided.path("log_index").asLong());
    JsonNode entry = TestWarden.JSON.readTree(body.path("entry").asText());
    assertThat(entry.path("decision_id").asText()).isEqualTo(decided.path("decision_id").asText());
    assertThat(body.path("policy_text").asText()).isEqualTo(ROCKETS);
  }

  @Test
  void decision_unknownId_is404() throws Exception {
    HttpResponse<String> r = w.admin("GET", "/v1/admin/decisions/01JUNKNOWN0000000000000000", null);

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(TestWarden.json(r).path("code").asText()).isEqualTo("admin.not_found");
  }
}
