package dev.warden.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.warden.policy.PolicyRequest;
import dev.warden.policy.Usage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A generated policy and requests against it, for {@link PolicyBench}. Deterministic for a seed.
 *
 * <p>The rules are shaped like a large real policy: services {@code svc0..svcN} with about {@value
 * #RULES_PER_SERVICE} rules each. Most allow one operation ({@code svc17.op3}) on a resource glob
 * ({@code acct/*}) to a few agents ({@code agent-42}, {@code agent-7*}), some with labels; about a
 * quarter allow a whole service ({@code svc17.*}) to requests labelled {@code env: prod}; some
 * escalate large amounts ({@code amount: "?????*"}) or deny ({@code svc17.admin*}); a few cover a
 * service family ({@code svc17*}); and {@value #GLOBAL_RULES} rules apply to every action (deny
 * quarantined requests, escalate high risk). With conditions, every allow rule that names one
 * operation also has a CEL {@code when} over the request's labels, true for {@link #hits}.
 *
 * <p>{@link #hits} are requests built from an allow rule, so each matches it and usually a few more
 * (service-wide rules, sometimes an escalate or deny rule). {@link #misses} name an existing
 * service with an operation no rule names, an unknown agent and {@code env: staging}: the index
 * still hands the evaluator the service's rules and the global ones, and none matches.
 */
public final class PolicyCorpus {

  /** About how many rules each service gets. */
  public static final int RULES_PER_SERVICE = 20;

  /** The rules that apply to every action, listed first. */
  public static final int GLOBAL_RULES = 3;

  private static final int OPS_PER_SERVICE = 40;
  private static final int AGENTS = 1_000;
  private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

  private record Spec(
      String id,
      String effect,
      String action,
      List<String> resources,
      List<String> agents,
      Map<String, String> labels) {}

  /** The condition of exact allow rules when the corpus has conditions. */
  static final String CONDITION =
      "request.labels[\"env\"] == \"prod\" && int(string(request.labels[\"amount\"])) > 0";

  private final int services;
  private final boolean conditions;
  private final List<Spec> rules = new ArrayList<>();
  private final List<Spec> exactAllows = new ArrayList<>();

  /**
   * @param ruleCount how many rules, at least {@value #GLOBAL_RULES} + 1
   * @param seed makes the corpus reproducible
   */
  public PolicyCorpus(int ruleCount, long seed) {
    this(ruleCount, seed, false);
  }

  /**
   * @param ruleCount how many rules, at least {@value #GLOBAL_RULES} + 1
   * @param seed makes the corpus reproducible
   * @param conditions whether exact allow rules carry a CEL condition
   */
  public PolicyCorpus(int ruleCount, long seed, boolean conditions) {
    this.conditions = conditions;
    if (ruleCount <= GLOBAL_RULES) {
      throw new IllegalArgumentException("at least " + (GLOBAL_RULES + 1) + " rules");
    }
    this.services = Math.max(1, ruleCount / RULES_PER_SERVICE);
    SplittableRandom random = new SplittableRandom(seed);
    rules.add(
        new Spec(
            "g-quarantine", "deny", "*", List.of("*"), List.of(), Map.of("quarantine", "true")));
    rules.add(new Spec("g-risk", "escalate", "*", List.of("*"), List.of(), Map.of("risk", "high")));
    rules.add(new Spec("g-delete", "deny", "*.delete*", List.of("prod/*"), List.of(), Map.of()));
    for (int i = GLOBAL_RULES; i < ruleCount; i++) {
      Spec spec = rule(i, random);
      rules.add(spec);
      if (spec.effect().equals("allow") && !spec.action().endsWith("*")) {
        exactAllows.add(spec);
      }
    }
  }

  private Spec rule(int i, SplittableRandom random) {
    String id = "r" + i;
    int service = i % services;
    String op = "svc" + service + ".op" + random.nextInt(OPS_PER_SERVICE);
    int kind = random.nextInt(100);
    if (kind < 55) {
      return new Spec(
          id, "allow", op, resources(random), agents(random), envLabel(random.nextBoolean()));
    } else if (kind < 79) {
      Map<String, String> labels = new LinkedHashMap<>(envLabel(true));
      if (random.nextInt(3) == 0) {
        labels.put("team", "t" + random.nextInt(10) + "*");
      }
      return new Spec(id, "allow", "svc" + service + ".*", List.of("acct/*"), List.of(), labels);
    } else if (kind < 80) {
      return new Spec(id, "allow", "svc" + service + "*", List.of("*"), List.of(), envLabel(true));
    } else if (kind < 92) {
      return new Spec(id, "escalate", op, List.of("acct/*"), List.of(), Map.of("amount", "?????*"));
    } else {
      return new Spec(
          id, "deny", "svc" + service + ".admin*", List.of("*"), List.of("agent-9*"), Map.of());
    }
  }

  private static List<String> resources(SplittableRandom random) {
    return switch (random.nextInt(3)) {
      case 0 -> List.of("acct/*");
      case 1 -> List.of("acct/1*", "acct/2*");
      default -> List.of("acct/*", "invoice/*");
    };
  }

  private static List<String> agents(SplittableRandom random) {
    List<String> agents = new ArrayList<>();
    for (int n = random.nextInt(1, 4); n > 0; n--) {
      agents.add("agent-" + random.nextInt(AGENTS) + (random.nextInt(4) == 0 ? "*" : ""));
    }
    return agents;
  }

  private static Map<String, String> envLabel(boolean present) {
    return present ? Map.of("env", "prod") : Map.of();
  }

  /** The policy document, in YAML. */
  public String yaml() {
    StringBuilder out = new StringBuilder(rules.size() * 160);
    out.append("version: 1\ndefault: deny\nrules:\n");
    for (Spec r : rules) {
      out.append("  - id: ").append(r.id()).append('\n');
      out.append("    effect: ").append(r.effect()).append('\n');
      out.append("    match:\n");
      out.append("      action: ").append(quoted(r.action())).append('\n');
      out.append("      resource: ").append(list(r.resources())).append('\n');
      if (!r.agents().isEmpty()) {
        out.append("      agents: ").append(list(r.agents())).append('\n');
      }
      if (!r.labels().isEmpty()) {
        out.append("      labels: {");
        String separator = "";
        for (Map.Entry<String, String> label : r.labels().entrySet()) {
          out.append(separator)
              .append(label.getKey())
              .append(": ")
              .append(quoted(label.getValue()));
          separator = ", ";
        }
        out.append("}\n");
      }
      if (conditions && r.effect().equals("allow") && !r.action().endsWith("*")) {
        out.append("    when: '").append(CONDITION).append("'\n");
      }
      if (r.effect().equals("escalate")) {
        out.append("    approvers: [\"finance\"]\n    min_approvals: 1\n    ttl: 30m\n");
      }
      out.append("    reason: \"generated rule ").append(r.id()).append("\"\n");
    }
    return out.toString();
  }

  /** {@code n} requests, each built to match one of the allow rules that name an operation. */
  public List<PolicyRequest> hits(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<PolicyRequest> requests = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Spec r = exactAllows.get(random.nextInt(exactAllows.size()));
      String agent = r.agents().isEmpty() ? "agent-1" : stripStar(r.agents().getFirst());
      String resource =
          r.resources().get(random.nextInt(r.resources().size())).replace("*", "4711");
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put("env", "prod");
      labels.put("amount", Integer.toString(random.nextInt(1, 1_000_000)));
      requests.add(request(agent, r.action(), resource, labels));
    }
    return requests;
  }

  /** {@code n} requests that no rule matches, though they name existing services. */
  public List<PolicyRequest> misses(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<PolicyRequest> requests = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String action = "svc" + random.nextInt(services) + ".op" + (OPS_PER_SERVICE + i % 7);
      requests.add(
          request(
              "intruder-" + random.nextInt(AGENTS),
              action,
              "acct/" + random.nextInt(100_000),
              Map.of("env", "staging", "amount", "12")));
    }
    return requests;
  }

  private static PolicyRequest request(
      String agent, String action, String resource, Map<String, String> labels) {
    // As the pipeline builds it, with nothing used of any budget (Usage.NONE) at a fixed instant.
    return new PolicyRequest(
        agent,
        "acme",
        Map.of(),
        action,
        resource,
        labels,
        Optional.empty(),
        JsonNodeFactory.instance.objectNode().put("amount", labels.getOrDefault("amount", "0")),
        NOW,
        Usage.NONE);
  }

  private static String stripStar(String glob) {
    return glob.endsWith("*") ? glob.substring(0, glob.length() - 1) : glob;
  }

  private static String list(List<String> globs) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < globs.size(); i++) {
      out.append(i == 0 ? "" : ", ").append(quoted(globs.get(i)));
    }
    return out.append(']').toString();
  }

  private static String quoted(String value) {
    return '"' + value + '"';
  }
}
