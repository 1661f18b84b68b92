package dev.warden.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.budget.Money;
import dev.warden.budget.Window;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Expected decisions, for {@code warden policy test}: a CASES document read with the same strict
 * reader as policies (YAML, or JSON when it starts with <code>{</code>), run against a policy.
 *
 * <pre>{@code
 * cases:
 *   - name: small payment is allowed          # required, unique
 *     request:
 *       agent: agent-1                        # required
 *       tenant: acme                          # required
 *       agent_labels: {team: billing}
 *       action: payments.transfer             # required
 *       resource: acct/1                      # required
 *       params: {to: acct/2}                  # any JSON; request.params in conditions
 *       amount: {value: "12.00", currency: EUR}
 *       labels: {env: prod}
 *       classification: internal
 *     now: "2026-03-01T09:30:00+01:00"        # RFC 3339; default: the clock given to run
 *     usage:                                  # what usage.budget / usage.count read; default 0
 *       budget: {eu-spend: "480.00"}          # decimal strings in the budget's currency
 *       count: {mails: 3}
 *     expect: deny                            # allow | deny | escalate
 *     rules: [deny-over-budget]               # optional: exactly the rules giving the reasons
 * }</pre>
 */
public final class PolicyCases {

  private static final Set<String> TOP = Set.of("cases");
  private static final Set<String> CASE =
      Set.of("name", "request", "now", "usage", "expect", "rules");
  private static final Set<String> REQUEST =
      Set.of(
          "agent",
          "tenant",
          "agent_labels",
          "action",
          "resource",
          "params",
          "amount",
          "labels",
          "classification");
  private static final Set<String> USAGE = Set.of("budget", "count");
  private static final Set<String> AMOUNT = Set.of("value", "currency");

  /**
   * One expected decision.
   *
   * @param line the line of the case in a YAML document; 0 when unknown
   * @param request the request with {@link Usage#NONE} and without a time: both are set per run
   * @param now the decision time; null for the clock's time
   * @param budgetUsage budget id to the decimal amount used
   * @param countUsage quota id to the count used
   * @param rules the expected reason rules; null when not checked
   */
  public record Case(
      String name,
      int line,
      PolicyRequest request,
      @Nullable Instant now,
      Map<String, String> budgetUsage,
      Map<String, Long> countUsage,
      Effect expect,
      @Nullable List<String> rules) {
    public Case {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(expect, "expect");
      budgetUsage = Map.copyOf(budgetUsage);
      countUsage = Map.copyOf(countUsage);
      rules = rules == null ? null : List.copyOf(rules);
    }
  }

  /**
   * The outcome of one case.
   *
   * @param decision what the policy decided; null when the case could not be run against this
   *     policy (its usage names a budget the policy lacks)
   * @param problems why the case failed; empty when it passed
   */
  public record Result(Case testCase, @Nullable PolicyDecision decision, List<String> problems) {
    public Result {
      Objects.requireNonNull(testCase, "testCase");
      problems = List.copyOf(problems);
    }

    public boolean passed() {
      return problems.isEmpty();
    }
  }

  private final List<Case> cases;

  private PolicyCases(List<Case> cases) {
    this.cases = List.copyOf(cases);
  }

  /** The cases in document order. */
  public List<Case> cases() {
    return cases;
  }

  /**
   * Reads a CASES document.
   *
   * @throws PolicyException naming the line, the field as a JSON Pointer into the cases document,
   *     and the problem
   */
  public static PolicyCases parse(String text) throws PolicyException {
    PolicyLoader.Document document = PolicyLoader.parse(text);
    SchemaReader in = new SchemaReader(document.lines());
    JsonNode root = document.root();
    in.requireObject(root, "", "the cases document", TOP);
    JsonNode list =
        in.list(in.required(root, "", "cases", " (a list of cases)"), "/cases", "cases");
    List<Case> cases = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      in.item(null);
      Case c = testCase(in, list.get(i), "/cases/" + i);
      if (!names.add(c.name())) {
        throw in.fail("/cases/" + i + "/name", "two cases are named \"" + c.name() + "\"");
      }
      cases.add(c);
    }
    return new PolicyCases(cases);
  }

  private static Case testCase(SchemaReader in, JsonNode node, String at) throws PolicyException {
    in.requireObject(node, at, "a case", CASE);
    String name = in.text(in.required(node, at, "name", ""), at + "/name");
    if (name.isBlank()) {
      throw in.fail(at + "/name", "name must not be blank");
    }
    in.item("case " + SchemaReader.shown(name));
    PolicyRequest request = request(in, in.required(node, at, "request", ""), at + "/request");
    Instant now = null;
    if (node.has("now")) {
      String written = in.text(node.get("now"), at + "/now");
      try {
        now = OffsetDateTime.parse(written).toInstant();
      } catch (DateTimeParseException e) {
        throw in.fail(
            at + "/now",
            "now must be an RFC 3339 time like 2026-03-01T09:30:00Z, got \""
                + SchemaReader.shown(written)
                + "\"");
      }
    }
    Map<String, String> budgetUsage = new LinkedHashMap<>();
    Map<String, Long> countUsage = new LinkedHashMap<>();
    if (node.has("usage")) {
      JsonNode usage = node.get("usage");
      in.requireObject(usage, at + "/usage", "usage", USAGE);
      if (usage.has("budget")) {
        for (Map.Entry<String, JsonNode> e :
            members(in, usage.get("budget"), at + "/usage/budget")) {
          budgetUsage.put(
              e.getKey(),
              in.text(e.getValue(), at + "/usage/budget/" + YamlTree.escape(e.getKey())));
        }
      }
      if (usage.has("count")) {
        for (Map.Entry<String, JsonNode> e : members(in, usage.get("count"), at + "/usage/count")) {
          String p = at + "/usage/count/" + YamlTree.escape(e.getKey());
          countUsage.put(e.getKey(), in.integer(e.getValue(), p, "a count", 0, Long.MAX_VALUE));
        }
      }
    }
    String expected =
        in.text(in.required(node, at, "expect", " (allow, deny or escalate)"), at + "/expect");
    Effect expect =
        Effect.fromWireName(expected)
            .orElseThrow(
                () ->
                    in.fail(
                        at + "/expect",
                        "expect must be allow, deny or escalate, got \""
                            + SchemaReader.shown(expected)
                            + "\""));
    List<String> rules = null;
    if (node.has("rules")) {
      JsonNode ids = in.list(node.get("rules"), at + "/rules", "rules");
      rules = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        rules.add(in.text(ids.get(i), at + "/rules/" + i));
      }
    }
    return new Case(name, in.lineOf(at), request, now, budgetUsage, countUsage, expect, rules);
  }

  private static PolicyRequest request(SchemaReader in, JsonNode node, String at)
      throws PolicyException {
    in.requireObject(node, at, "request", REQUEST);
    String agent = in.text(in.required(node, at, "agent", ""), at + "/agent");
    String tenant = in.text(in.required(node, at, "tenant", ""), at + "/tenant");
    String action = in.text(in.required(node, at, "action", ""), at + "/action");
    String resource = in.text(in.required(node, at, "resource", ""), at + "/resource");
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("action", action).put("resource", resource);
    if (node.has("params")) {
      body.set("params", node.get("params"));
    }
    if (node.has("amount")) {
      JsonNode amount = node.get("amount");
      in.requireObject(amount, at + "/amount", "amount", AMOUNT);
      in.text(
          in.required(amount, at + "/amount", "value", " (a decimal string)"),
          at + "/amount/value");
      in.text(in.required(amount, at + "/amount", "currency", ""), at + "/amount/currency");
      body.set("amount", amount);
    }
    Map<String, String> labels = strings(in, node, "labels", at);
    if (!labels.isEmpty()) {
      body.set("labels", node.get("labels"));
    }
    Optional<String> classification = Optional.empty();
    if (node.has("classification")) {
      classification = Optional.of(in.text(node.get("classification"), at + "/classification"));
      body.put("classification", classification.get());
    }
    return new PolicyRequest(
        agent,
        tenant,
        strings(in, node, "agent_labels", at),
        action,
        resource,
        labels,
        classification,
        body,
        Instant.EPOCH,
        Usage.NONE);
  }

  private static Map<String, String> strings(
      SchemaReader in, JsonNode node, String field, String at) throws PolicyException {
    Map<String, String> map = new HashMap<>();
    if (node.has(field)) {
      for (Map.Entry<String, JsonNode> e : members(in, node.get(field), at + "/" + field)) {
        map.put(
            e.getKey(),
            in.text(e.getValue(), at + "/" + field + "/" + YamlTree.escape(e.getKey())));
      }
    }
    return map;
  }

  private static Iterable<Map.Entry<String, JsonNode>> members(
      SchemaReader in, JsonNode node, String at) throws PolicyException {
    if (!node.isObject()) {
      throw in.fail(at, "must be a mapping, got " + SchemaReader.describe(node));
    }
    return node.properties();
  }

  /**
   * Runs every case against {@code policy}.
   *
   * @param clock the time of cases without {@code now}
   */
  public List<Result> run(Policy policy, Clock clock) {
    List<Result> results = new ArrayList<>(cases.size());
    for (Case c : cases) {
      results.add(run(policy, c, clock));
    }
    return results;
  }

  private static Result run(Policy policy, Case c, Clock clock) {
    List<String> problems = new ArrayList<>();
    Map<String, Long> used = usage(policy, c, problems);
    if (!problems.isEmpty()) {
      return new Result(c, null, problems);
    }
    PolicyRequest r = c.request();
    PolicyRequest request =
        new PolicyRequest(
            r.agentId(),
            r.tenant(),
            r.agentLabels(),
            r.action(),
            r.resource(),
            r.labels(),
            r.classification(),
            r.body(),
            c.now() != null ? c.now() : clock.instant(),
            rule -> used.getOrDefault(rule.id(), 0L));
    PolicyDecision decision = policy.evaluate(request);
    if (decision.effect() != c.expect()) {
      PolicyDecision.Reason first = decision.reasons().get(0);
      problems.add(
          "expected "
              + c.expect().wireName()
              + ", got "
              + decision.effect().wireName()
              + " ("
              + first.code()
              + (first.rule().equals(PolicyDecision.DEFAULT_RULE) ? "" : ", rule " + first.rule())
              + ": "
              + first.message()
              + ")");
    }
    if (c.rules() != null) {
      TreeSet<String> got = new TreeSet<>();
      for (PolicyDecision.Reason reason : decision.reasons()) {
        if (!reason.rule().equals(PolicyDecision.DEFAULT_RULE)) {
          got.add(reason.rule());
        }
      }
      if (!got.equals(new TreeSet<>(c.rules()))) {
        problems.add("expected rules " + new TreeSet<>(c.rules()) + ", got " + got);
      }
    }
    return new Result(c, decision, problems);
  }

  /** The case's usage by budget or quota id, in the policy's units; problems for bad ids. */
  private static Map<String, Long> usage(Policy policy, Case c, List<String> problems) {
    Map<String, BudgetRule> byId = new HashMap<>();
    for (BudgetRule b : policy.budgets()) {
      byId.put(b.id(), b);
    }
    Map<String, Long> used = new HashMap<>();
    c.budgetUsage()
        .forEach(
            (id, amount) -> {
              BudgetRule b = byId.get(id);
              if (b == null || b.isQuota()) {
                problems.add("usage.budget names " + id + ", which is not a budget of the policy");
              } else if (b.window() == Window.REQUEST) {
                problems.add(
                    "usage.budget names " + id + ", a per-request budget that keeps no usage");
              } else {
                try {
                  used.put(id, Money.toMinor(amount, Objects.requireNonNull(b.currency())));
                } catch (IllegalArgumentException e) {
                  problems.add("usage.budget." + id + ": " + e.getMessage());
                }
              }
            });
    c.countUsage()
        .forEach(
            (id, count) -> {
              BudgetRule b = byId.get(id);
              if (b == null || !b.isQuota()) {
                problems.add("usage.count names " + id + ", which is not a quota of the policy");
              } else {
                used.put(id, count);
              }
            });
    return used;
  }
}
