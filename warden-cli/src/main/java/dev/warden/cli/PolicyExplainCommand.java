package dev.warden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.budget.Money;
import dev.warden.json.JsonLimits;
import dev.warden.json.JsonRejected;
import dev.warden.json.StrictJson;
import dev.warden.policy.BudgetRule;
import dev.warden.policy.PolicyDecision;
import dev.warden.policy.PolicyException;
import dev.warden.policy.PolicyLoader;
import dev.warden.policy.PolicyRequest;
import dev.warden.policy.PolicyTrace;
import dev.warden.policy.PolicyTrace.ConditionResult;
import dev.warden.policy.RulePolicy;
import dev.warden.policy.Usage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code warden policy explain --policy FILE --request REQ.json [--agent ID] [--tenant T] [--now
 * TS] [--json]}: prints {@link RulePolicy#explain} readably (or as JSON), the decision last. With
 * {@code --decision ID} instead, it explains a logged decision with the policy that made it, read
 * from the running server, and says whether the log's record is reproduced.
 */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = {
      "Explain what a policy decides for an action request, rule by rule: whether each rule's"
          + " match held (and if not, which part failed), what its condition gave, the budgets"
          + " and quotas the request would be charged to, and the decision last.",
      "",
      "REQ.json is the action request body: {\"action\": \"payments.transfer\", \"resource\":"
          + " \"acct/1\", \"params\": {...}, \"amount\": {\"value\": \"12.50\", \"currency\":"
          + " \"EUR\"}, \"labels\": {...}, \"classification\": \"internal\"}.",
      "Usage counters read 0 (no store is consulted).",
      "",
      "With --decision ID, explain a decision in the log instead: the server (found through"
          + " --data-dir) returns its entry and the text of the policy whose hash it carries; the"
          + " request is rebuilt from the entry and evaluated again, and the differences from"
          + " the logged decision, if any, are listed.",
      "",
      "Examples:",
      "  warden policy explain --policy policy.yaml --request req.json --agent bot-1"
          + " --tenant acme --now 2026-03-01T09:30:00Z",
      "  warden policy explain --decision 01JF3Q7M2X5A9K8V6T4R3N2P1B --data-dir ./.warden",
      "Exit 0 explained (and, with --decision, reproduced), 1 the decision is not reproduced or"
          + " unknown, 2 usage or I/O error, or a refused policy."
    })
final class PolicyExplainCommand extends ServerOptions implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Option(names = "--policy", paramLabel = "FILE", description = "The policy file.")
  @Nullable Path policyFile;

  @Option(
      names = "--request",
      paramLabel = "REQ.json",
      description = "The action request body (JSON).")
  @Nullable Path requestFile;

  @Option(
      names = "--decision",
      paramLabel = "ID",
      description = "A logged decision to explain again (asks the running server).")
  @Nullable String decision;

  @Option(
      names = "--agent",
      paramLabel = "ID",
      defaultValue = "agent",
      description = "The agent id (default: ${DEFAULT-VALUE}).")
  String agent;

  @Option(
      names = "--tenant",
      paramLabel = "T",
      defaultValue = "default",
      description = "The agent's tenant (default: ${DEFAULT-VALUE}).")
  String tenant;

  @Option(
      names = "--agent-label",
      paramLabel = "K=V",
      description = "A label of the agent (agent.labels); repeat for several.")
  Map<String, String> agentLabels = new HashMap<>();

  @Option(
      names = "--now",
      paramLabel = "TS",
      description = "The decision time, RFC 3339 (default: the current time).")
  @Nullable String now;

  @Option(names = "--json", description = "Print the explanation as one JSON object.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try {
      if (decision != null) {
        if (policyFile != null || requestFile != null) {
          throw new PolicyCommand.Stop(2, "give --decision, or --policy and --request; not both");
        }
        return explainLogged(out);
      }
      if (policyFile == null || requestFile == null) {
        throw new PolicyCommand.Stop(
            2, "give --policy FILE and --request REQ.json (or --decision ID for a logged one)");
      }
      RulePolicy policy;
      try {
        policy = PolicyLoader.load(PolicyCommand.read(policyFile, "policy"));
      } catch (PolicyException e) {
        throw new PolicyCommand.Stop(
            2,
            PolicyCommand.at(policyFile, e.line().orElse(0))
                + e.getMessage()
                + " (run warden policy check "
                + policyFile
                + ")");
      }
      PolicyRequest request = request(PolicyCommand.read(requestFile, "request"));
      PolicyTrace trace = policy.explain(request);
      if (json) {
        out.println(JSON.writeValueAsString(json(policy, request, trace)));
      } else {
        print(out, policy, policyFile.toString(), request, trace, "usage reads 0");
      }
      return 0;
    } catch (PolicyCommand.Stop e) {
      spec.commandLine().getErr().println("warden: " + e.getMessage());
      return e.exit;
    } catch (IOException e) {
      spec.commandLine().getErr().println("warden: cannot write the explanation: " + e);
      return 2;
    }
  }

  private int explainLogged(PrintWriter out) throws PolicyCommand.Stop, IOException {
    PastDecision past = PastDecision.fetch(client(), decision);
    PolicyTrace trace = past.policy().explain(past.request());
    List<String> differences = past.differences(trace.decision());
    if (json) {
      ObjectNode o = json(past.policy(), past.request(), trace);
      o.put("decision_id", decision).put("log_index", past.index());
      o.set("logged", past.entry());
      differences.forEach(o.putArray("differences")::add);
      past.caveats().forEach(o.putArray("caveats")::add);
      out.println(JSON.writeValueAsString(o));
    } else {
      out.println("decision " + decision + " (log index " + past.index() + ")");
      print(
          out,
          past.policy(),
          "stored by the server",
          past.request(),
          trace,
          "as logged at that time");
      out.println();
      out.println(
          "logged: " + past.entry().path("decision").asText() + " " + past.entry().path("reasons"));
      past.caveats().forEach(c -> out.println("note: " + c));
      if (differences.isEmpty()) {
        out.println("REPRODUCED: the policy gives the logged decision again");
      } else {
        differences.forEach(d -> out.println("DIFFERS: " + d));
      }
    }
    return differences.isEmpty() ? 0 : 1;
  }

  private PolicyRequest request(String text) throws PolicyCommand.Stop {
    JsonNode body;
    try {
      body = StrictJson.parse(text.getBytes(StandardCharsets.UTF_8), JsonLimits.defaults());
    } catch (JsonRejected e) {
      throw new PolicyCommand.Stop(
          2,
          "--request "
              + requestFile
              + " is not valid JSON"
              + (e.pointer().isEmpty() ? "" : " at " + e.pointer())
              + ": "
              + e.getMessage());
    }
    if (!body.isObject()) {
      throw new PolicyCommand.Stop(2, "--request " + requestFile + " must be a JSON object");
    }
    Instant time = Clock.systemUTC().instant();
    if (now != null) {
      try {
        time = OffsetDateTime.parse(now).toInstant();
      } catch (DateTimeParseException e) {
        throw new PolicyCommand.Stop(
            2, "--now must be an RFC 3339 time like 2026-03-01T09:30:00Z, got " + now);
      }
    }
    Optional<String> classification =
        body.has("classification") ? Optional.of(string(body, "classification")) : Optional.empty();
    return new PolicyRequest(
        agent,
        tenant,
        agentLabels,
        string(body, "action"),
        string(body, "resource"),
        labels(body),
        classification,
        body,
        time,
        Usage.NONE);
  }

  private String string(JsonNode body, String field) throws PolicyCommand.Stop {
    JsonNode value = body.get(field);
    if (value == null || !value.isTextual()) {
      throw new PolicyCommand.Stop(
          2, "--request " + requestFile + ": /" + field + " must be a string (it is required)");
    }
    return value.textValue();
  }

  private Map<String, String> labels(JsonNode body) throws PolicyCommand.Stop {
    Map<String, String> labels = new HashMap<>();
    JsonNode node = body.get("labels");
    if (node == null) {
      return labels;
    }
    if (!node.isObject()) {
      throw new PolicyCommand.Stop(
          2, "--request " + requestFile + ": /labels must be an object of strings");
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!e.getValue().isTextual()) {
        throw new PolicyCommand.Stop(
            2, "--request " + requestFile + ": /labels/" + e.getKey() + " must be a string");
      }
      labels.put(e.getKey(), e.getValue().textValue());
    }
    return labels;
  }

  private static void print(
      PrintWriter out,
      RulePolicy policy,
      String source,
      PolicyRequest r,
      PolicyTrace trace,
      String usageNote) {
    out.println(
        "policy "
            + policy.hash()
            + " ("
            + source
            + "), "
            + trace.rules().size()
            + " rules, default "
            + policy.defaultEffect().wireName());
    out.println(
        "request: agent "
            + r.agentId()
            + " (tenant "
            + r.tenant()
            + ") "
            + r.action()
            + " on "
            + r.resource()
            + " at "
            + r.now()
            + "; "
            + usageNote);
    out.println();
    for (PolicyTrace.RuleTrace rule : trace.rules()) {
      out.println(
          "rule "
              + rule.rule()
              + " ("
              + rule.effect().wireName()
              + "): "
              + (rule.applies() ? "applies" : "does not apply"));
      PolicyTrace.Mismatch m = rule.mismatch();
      out.println(
          "  match: "
              + (m == null
                  ? "holds"
                  : "fails on "
                      + m.part()
                      + ": "
                      + (m.value() == null ? "absent" : "\"" + m.value() + "\"")
                      + " matches none of "
                      + m.globs()));
      out.println("  when: " + condition(rule.condition()));
    }
    out.println();
    if (trace.budgets().isEmpty()) {
      out.println("budgets and quotas charged on allow: none");
    } else {
      out.println("budgets and quotas charged on allow:");
      for (BudgetRule b : trace.budgets()) {
        out.println("  " + budget(b));
      }
    }
    PolicyDecision d = trace.decision();
    out.println();
    out.println("decision: " + d.effect().wireName().toUpperCase(Locale.ROOT));
    for (PolicyDecision.Reason reason : d.reasons()) {
      out.println("  reason: " + reason.rule() + " (" + reason.code() + "): " + reason.message());
    }
    out.println(
        "  matched: "
            + (d.matched().isEmpty()
                ? "none"
                : String.join(
                    ", ",
                    d.matched().stream()
                        .map(m -> m.rule() + " (" + m.effect().wireName() + ")")
                        .toList())));
  }

  private static String condition(ConditionResult c) {
    return switch (c) {
      case ConditionResult.None n -> "none";
      case ConditionResult.NotEvaluated n -> "not evaluated (the match failed)";
      case ConditionResult.Held h -> "true";
      case ConditionResult.NotHeld h -> "false";
      case ConditionResult.Failed f -> "error: " + f.error();
    };
  }

  private static String budget(BudgetRule b) {
    return (b.isQuota() ? "quota " : "budget ")
        + b.id()
        + ": "
        + b.scope().wireName()
        + ", per "
        + b.window().wireName()
        + ", limit "
        + (b.isQuota()
            ? String.valueOf(b.limit())
            : Money.format(b.limit(), b.currency()) + " " + b.currency().getCurrencyCode());
  }

  private ObjectNode json(RulePolicy policy, PolicyRequest r, PolicyTrace trace) {
    ObjectNode o = JSON.createObjectNode();
    o.put("policy", policy.hash());
    o.putObject("request")
        .put("agent", r.agentId())
        .put("tenant", r.tenant())
        .put("action", r.action())
        .put("resource", r.resource())
        .put("now", r.now().toString());
    ArrayNode rules = o.putArray("rules");
    for (PolicyTrace.RuleTrace rule : trace.rules()) {
      ObjectNode t = rules.addObject();
      t.put("id", rule.rule()).put("effect", rule.effect().wireName());
      t.put("match", rule.mismatch() == null);
      if (rule.mismatch() != null) {
        ObjectNode m = t.putObject("mismatch");
        m.put("part", rule.mismatch().part()).put("value", rule.mismatch().value());
        rule.mismatch().globs().forEach(m.putArray("globs")::add);
      }
      ConditionResult c = rule.condition();
      t.put(
          "condition",
          switch (c) {
            case ConditionResult.None n -> "none";
            case ConditionResult.NotEvaluated n -> "not_evaluated";
            case ConditionResult.Held h -> "true";
            case ConditionResult.NotHeld h -> "false";
            case ConditionResult.Failed f -> "error";
          });
      if (c instanceof ConditionResult.Failed f) {
        t.put("error", f.error());
      }
      t.put("applies", rule.applies());
    }
    ArrayNode budgets = o.putArray("budgets");
    for (BudgetRule b : trace.budgets()) {
      budgets
          .addObject()
          .put("id", b.id())
          .put("kind", b.isQuota() ? "quota" : "budget")
          .put("scope", b.scope().wireName())
          .put("window", b.window().wireName())
          .put(
              "limit",
              b.isQuota() ? String.valueOf(b.limit()) : Money.format(b.limit(), b.currency()))
          .put("currency", b.isQuota() ? null : b.currency().getCurrencyCode());
    }
    PolicyDecision d = trace.decision();
    ObjectNode decision = o.putObject("decision");
    decision.put("effect", d.effect().wireName());
    ArrayNode reasons = decision.putArray("reasons");
    for (PolicyDecision.Reason reason : d.reasons()) {
      reasons
          .addObject()
          .put("rule", reason.rule())
          .put("code", reason.code())
          .put("message", reason.message());
    }
    ArrayNode matched = decision.putArray("matched");
    for (PolicyDecision.Matched m : d.matched()) {
      matched.addObject().put("rule", m.rule()).put("effect", m.effect().wireName());
    }
    return o;
  }
}
