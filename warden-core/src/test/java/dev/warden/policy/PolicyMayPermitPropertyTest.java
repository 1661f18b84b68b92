package dev.warden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link RulePolicy#mayPermit} against {@link RulePolicy#evaluate}: for random policies (globs over
 * action, resource, agents, tenants and a label; conditions over params, amount, classification,
 * time) and requests, every variant of a request's params, amount, classification and time that
 * {@code evaluate} allows or escalates has {@code mayPermit} true, and when {@code mayPermit} is
 * false every variant is denied. Also checks {@code mayPermit} against a linear scan of the rules.
 * Reproduce a failure with {@code -Dwarden.seed=<the seed>}.
 */
class PolicyMayPermitPropertyTest {

  private static final long SEED = Long.getLong("warden.seed", 0x3a7_9e3L);
  private static final int POLICIES = 100;
  private static final int REQUESTS_PER_POLICY = 20;

  private static final String[] EFFECTS = {"allow", "deny", "escalate"};
  private static final String[] ACTIONS = {"a.b", "a.c", "a.b.c", "b.x", "ab", "c"};
  private static final String[] ACTION_GLOBS = {"a.*", "*", "a.b", "b.*", "*.c", "a?b", "a*"};
  private static final String[] RESOURCES = {"r1", "r2/x", "s"};
  private static final String[] RESOURCE_GLOBS = {"r1", "r*", "r2/*", "*"};
  private static final String[] AGENTS = {"a1", "a2", "b1"};
  private static final String[] AGENT_GLOBS = {"a1", "a*", "b?"};
  private static final String[] TENANTS = {"acme", "beta"};
  private static final String[] TENANT_GLOBS = {"acme", "*", "b*"};
  private static final String[] ENVS = {"prod", "dev", "p"};
  private static final String[] ENV_GLOBS = {"prod", "p*", "*", "dev"};

  /** Conditions over what {@code mayPermit} does not know; null for a rule without one. */
  private static final String[] CONDITIONS = {
    null,
    null,
    "request.params.n > 2",
    "has(request.params.n) && request.params.n == 0",
    "request.classification == 'secret'",
    "request.amount != null",
    "now.getHours() < 6",
    "false",
  };

  /** The params of the variants: absent, numbers, a string (some conditions fail on it). */
  private static final String[] PARAMS = {
    "{}", "{\"n\": 0}", "{\"n\": 1}", "{\"n\": 3}", "{\"n\": 10}", "{\"n\": \"x\"}"
  };

  private static final List<Optional<String>> CLASSIFICATIONS =
      List.of(Optional.empty(), Optional.of("secret"), Optional.of("public"));
  private static final List<Instant> TIMES =
      List.of(Instant.parse("2026-11-21T12:00:00Z"), Instant.parse("2026-11-21T03:00:00Z"));

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void mayPermit_randomPoliciesAndRequests_falseOnlyWhenEveryVariantIsDenied()
      throws PolicyException, JsonProcessingException {
    List<JsonNode> bodies = new ArrayList<>();
    for (String params : PARAMS) {
      bodies.add(JSON.readTree("{\"params\": " + params + "}"));
      bodies.add(
          JSON.readTree(
              "{\"params\": "
                  + params
                  + ", \"amount\": {\"value\": \"100\", \"currency\": \"EUR\"}}"));
    }
    int hidden = 0;
    int shownButSometimesDenied = 0;
    int permitted = 0;
    for (int p = 0; p < POLICIES; p++) {
      long seed = SEED + p;
      SplittableRandom random = new SplittableRandom(seed);
      String text = policy(random);
      RulePolicy policy = PolicyLoader.load(text);

      for (int r = 0; r < REQUESTS_PER_POLICY; r++) {
        String agent = AGENTS[random.nextInt(AGENTS.length)];
        String tenant = TENANTS[random.nextInt(TENANTS.length)];
        String action = ACTIONS[random.nextInt(ACTIONS.length)];
        String resource = RESOURCES[random.nextInt(RESOURCES.length)];
        Map<String, String> labels =
            random.nextInt(3) == 0 ? Map.of() : Map.of("env", ENVS[random.nextInt(ENVS.length)]);
        PolicyRequest known =
            request(
                agent,
                tenant,
                action,
                resource,
                labels,
                bodies.get(0),
                Optional.empty(),
                TIMES.get(0));
        boolean mayPermit = policy.mayPermit(known);
        String context = "seed " + seed + " request " + known + "\n" + text;
        assertThat(mayPermit).as(context).isEqualTo(reference(policy, known));

        boolean someDenied = false;
        boolean somePermitted = false;
        for (JsonNode body : bodies) {
          for (Optional<String> classification : CLASSIFICATIONS) {
            for (Instant now : TIMES) {
              PolicyRequest variant =
                  request(agent, tenant, action, resource, labels, body, classification, now);
              PolicyDecision decision = policy.evaluate(variant);
              String at = context + "\nvariant " + variant + "\ndecision " + decision;
              assertThat(policy.mayPermit(variant)).as(at).isEqualTo(mayPermit);
              if (decision.effect() == Effect.DENY) {
                someDenied = true;
              } else {
                somePermitted = true;
                assertThat(mayPermit).as(at).isTrue();
              }
            }
          }
        }
        if (!mayPermit) {
          hidden++;
        } else if (someDenied) {
          shownButSometimesDenied++;
        }
        if (somePermitted) {
          permitted++;
        }
      }
    }
    // Every kind of outcome is common, so the agreement is not vacuous.
    int requests = POLICIES * REQUESTS_PER_POLICY;
    assertThat(hidden).isGreaterThan(requests / 10);
    assertThat(shownButSometimesDenied).isGreaterThan(requests / 10);
    assertThat(permitted).isGreaterThan(requests / 10);
  }

  /** Linear scan: an unconditional deny hides; else an allow or escalate, or default escalate. */
  private static boolean reference(RulePolicy policy, PolicyRequest request) {
    boolean permitting = policy.defaultEffect() == Effect.ESCALATE;
    for (Rule rule : policy.rules()) {
      if (!rule.match().matches(request)) {
        continue;
      }
      if (rule.effect() == Effect.DENY && rule.when() == null) {
        return false;
      }
      permitting |= rule.effect() != Effect.DENY;
    }
    return permitting;
  }

  private static String policy(SplittableRandom random) {
    StringBuilder text =
        new StringBuilder("version: 1\ndefault: ")
            .append(random.nextBoolean() ? "deny" : "escalate")
            .append("\nrules:");
    int count = random.nextInt(0, 10);
    text.append(count == 0 ? " []\n" : "\n");
    for (int i = 0; i < count; i++) {
      String effect = EFFECTS[random.nextInt(EFFECTS.length)];
      text.append("  - id: r").append(i).append("\n    effect: ").append(effect);
      text.append("\n    match:\n      action: \"")
          .append(ACTION_GLOBS[random.nextInt(ACTION_GLOBS.length)])
          .append("\"\n");
      if (random.nextInt(3) == 0) {
        text.append("      resource: \"")
            .append(RESOURCE_GLOBS[random.nextInt(RESOURCE_GLOBS.length)])
            .append("\"\n");
      }
      if (random.nextInt(3) == 0) {
        text.append("      agents: [\"")
            .append(AGENT_GLOBS[random.nextInt(AGENT_GLOBS.length)])
            .append("\"]\n");
      }
      if (random.nextInt(3) == 0) {
        text.append("      tenants: [\"")
            .append(TENANT_GLOBS[random.nextInt(TENANT_GLOBS.length)])
            .append("\"]\n");
      }
      if (random.nextInt(3) == 0) {
        text.append("      labels: {env: \"")
            .append(ENV_GLOBS[random.nextInt(ENV_GLOBS.length)])
            .append("\"}\n");
      }
      String when = CONDITIONS[random.nextInt(CONDITIONS.length)];
      if (when != null) {
        text.append("    when: \"").append(when).append("\"\n");
      }
    }
    return text.toString();
  }

  private static PolicyRequest request(
      String agent,
      String tenant,
      String action,
      String resource,
      Map<String, String> labels,
      JsonNode body,
      Optional<String> classification,
      Instant now) {
    return new PolicyRequest(
        agent, tenant, Map.of(), action, resource, labels, classification, body, now, Usage.NONE);
  }
}
