package dev.warden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.policy.PolicyDecision;
import dev.warden.policy.PolicyException;
import dev.warden.policy.PolicyLoader;
import dev.warden.policy.PolicyRequest;
import dev.warden.policy.RulePolicy;
import dev.warden.policy.Usage;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A decision read back from a running server ({@code GET /v1/admin/decisions/{id}}) with the text
 * of the policy that made it, turned into the request the policy saw, so {@code warden policy
 * explain --decision} can evaluate it again and say whether the log's record is reproduced.
 *
 * <p>What the log does not keep cannot be replayed exactly: the agent's labels are read as they are
 * now, usage counters read 0, and {@code params} logged as HMACs or a digest are seen as those
 * strings. {@link #caveats} names each of these that applies.
 *
 * @param policy the policy whose hash the entry carries, loaded from the stored text
 * @param request the request rebuilt from the entry
 * @param entry the decision entry exactly as logged
 * @param index its log index
 */
record PastDecision(RulePolicy policy, PolicyRequest request, JsonNode entry, long index) {

  static PastDecision fetch(AdminClient client, String decisionId)
      throws IOException, PolicyCommand.Stop {
    AdminClient.Reply r = client.call("GET", "/v1/admin/decisions/" + decisionId, null);
    if (!r.ok()) {
      throw new PolicyCommand.Stop(r.status() == 404 ? 1 : 2, r.problem());
    }
    JsonNode entry = AdminClient.JSON.readTree(r.body().path("entry").asText());
    if (!entry.path("kind").asText().equals("decision")) {
      throw new PolicyCommand.Stop(
          1,
          decisionId
              + " is a "
              + entry.path("kind").asText()
              + " entry: it was refused before any policy was asked, so there is nothing to"
              + " explain; its reason is "
              + entry.path("reasons"));
    }
    String text = r.body().path("policy_text").textValue();
    if (text == null) {
      throw new PolicyCommand.Stop(
          1,
          "the server keeps no text for policy "
              + entry.path("policy_hash").asText()
              + "; the log's policy entries hold it (warden audit export)");
    }
    RulePolicy policy;
    try {
      policy = PolicyLoader.load(text);
    } catch (PolicyException e) {
      throw new PolicyCommand.Stop(
          1, "the stored policy " + entry.path("policy_hash").asText() + " no longer loads: " + e);
    }
    if (!policy.hash().equals(entry.path("policy_hash").asText())) {
      throw new PolicyCommand.Stop(
          1,
          "the stored text hashes to "
              + policy.hash()
              + ", not to the entry's "
              + entry.path("policy_hash").asText());
    }
    Map<String, String> agentLabels = agentLabels(client, entry.path("agent").asText());
    return new PastDecision(
        policy, request(entry, agentLabels), entry, r.body().path("log_index").asLong());
  }

  private static Map<String, String> agentLabels(AdminClient client, String agent)
      throws IOException {
    AdminClient.Reply r = client.call("GET", "/v1/admin/agents/" + agent, null);
    Map<String, String> labels = new HashMap<>();
    if (r.ok()) {
      r.body()
          .path("labels")
          .properties()
          .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    }
    return labels;
  }

  private static PolicyRequest request(JsonNode entry, Map<String, String> agentLabels) {
    ObjectNode body = AdminClient.JSON.createObjectNode();
    for (String f : List.of("action", "resource", "params", "amount", "labels", "classification")) {
      if (entry.has(f)) {
        body.set(f, entry.get(f));
      }
    }
    Map<String, String> labels = new HashMap<>();
    entry.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    return new PolicyRequest(
        entry.path("agent").asText(),
        entry.path("tenant").asText(),
        agentLabels,
        entry.path("action").asText(),
        entry.path("resource").asText(),
        labels,
        Optional.ofNullable(entry.path("classification").textValue()),
        body,
        Instant.parse(entry.path("ts").asText()),
        Usage.NONE);
  }

  /** What the evaluation again cannot see as the first one did. */
  List<String> caveats() {
    List<String> out = new ArrayList<>();
    out.add("agent labels are read as they are now, not as they were");
    out.add("usage counters read 0");
    JsonNode params = entry.path("params");
    boolean hashed =
        params.isTextual()
            || (params.isObject()
                && params.properties().stream()
                    .anyMatch(
                        e ->
                            e.getValue().isTextual()
                                && e.getValue().asText().startsWith("hmac-sha256:")));
    if (hashed) {
      out.add(
          "params were logged as HMACs or a digest (the params setting), so conditions that read"
              + " request.params see those strings"
              + (entry.path("params_key").isTextual()
                  ? " (HMAC key " + entry.path("params_key").asText() + ")"
                  : ""));
    }
    return out;
  }

  /**
   * How {@code again} differs from the logged decision: its effect, and the rules that matched. A
   * deny by a budget or quota is compared as the allow the policy gave before the budget refused
   * it. Empty when the record is reproduced.
   */
  List<String> differences(PolicyDecision again) {
    List<String> out = new ArrayList<>();
    String logged = entry.path("decision").asText();
    String budgetRefusal = null;
    for (JsonNode r : entry.path("reasons")) {
      String code = r.path("code").asText();
      if (code.startsWith("budget.") || code.startsWith("quota.")) {
        budgetRefusal = code;
      }
    }
    String expected =
        budgetRefusal != null ? "allow" : logged.equals("pending") ? "escalate" : logged;
    if (!again.effect().wireName().equals(expected)) {
      out.add(
          "the log says "
              + logged
              + (budgetRefusal != null ? " (" + budgetRefusal + " after the policy allowed)" : "")
              + ", the policy now gives "
              + again.effect().wireName());
    }
    List<String> loggedMatched = new ArrayList<>();
    entry.path("matched").forEach(m -> loggedMatched.add(m.path("rule").asText()));
    List<String> matchedAgain = again.matched().stream().map(PolicyDecision.Matched::rule).toList();
    if (!loggedMatched.equals(matchedAgain)) {
      out.add("the log's matched rules are " + loggedMatched + ", now " + matchedAgain);
    }
    return out;
  }
}
