package dev.warden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.warden.policy.PolicyDecision.Matched;
import dev.warden.policy.PolicyDecision.Reason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link RulePolicy#evaluate} against a naive reference: a linear scan of the document's rules with
 * globs translated to {@link java.util.regex} patterns. Reproduce a failure with {@code
 * -Dwarden.seed=<the seed in its message>}.
 */
class RulePolicyPropertyTest {

  private static final long SEED = Long.getLong("warden.seed", 0x9011_c7L);
  private static final int POLICIES = 300;
  private static final int REQUESTS_PER_POLICY = 50;

  private static final String[] PIECES = {"a", "b", "ab", ".", "/", "-", "é", "😀"};
  private static final String[] VALUE_EXTRAS = {"*", "?"};
  private static final String[] EFFECTS = {"allow", "deny", "escalate"};
  private static final String[] LABELS = {"env", "team"};

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  @Test
  void evaluate_randomPoliciesAndRequests_agreesWithLinearRegexScan()
      throws PolicyException, JsonProcessingException {
    int[] outcomes = new int[4];
    for (int p = 0; p < POLICIES; p++) {
      long seed = SEED + p;
      SplittableRandom random = new SplittableRandom(seed);
      ObjectNode document = policy(random);
      RulePolicy policy = PolicyLoader.load(JSON.writeValueAsString(document));
      if (p % 4 == 0) {
        // The same document as YAML (every string quoted by the generator) has the same hash.
        RulePolicy fromYaml = PolicyLoader.load(YAML.writeValueAsString(document));
        assertThat(fromYaml.hash()).as("seed %d: YAML hash", seed).isEqualTo(policy.hash());
      }

      for (int r = 0; r < REQUESTS_PER_POLICY; r++) {
        PolicyRequest request = request(random);
        PolicyDecision expected = reference(document, request);

        PolicyDecision actual = policy.evaluate(request);

        assertThat(actual)
            .as("seed %d request %s%npolicy %s", seed, request, document)
            .isEqualTo(expected);
        outcomes[
            expected.reasons().get(0).code().equals(PolicyDecision.NO_MATCH)
                ? 3
                : expected.effect().ordinal()]++;
      }
    }
    // Every kind of outcome is exercised, so agreement is not vacuous.
    for (int kind = 0; kind < outcomes.length; kind++) {
      assertThat(outcomes[kind]).as("outcome kind %d", kind).isGreaterThan(POLICIES);
    }
  }

  // ---- the reference ----

  private static PolicyDecision reference(JsonNode document, PolicyRequest request) {
    Map<String, List<Reason>> matched = new HashMap<>();
    List<Matched> all = new ArrayList<>();
    for (JsonNode rule : document.get("rules")) {
      if (matches(rule.get("match"), request)) {
        String effect = rule.get("effect").textValue();
        String id = rule.get("id").textValue();
        all.add(new Matched(id, Effect.fromWireName(effect).orElseThrow()));
        String message =
            rule.has("reason") ? rule.get("reason").textValue() : "rule " + id + " matched";
        matched
            .computeIfAbsent(effect, k -> new ArrayList<>())
            .add(new Reason(id, "policy." + effect, message));
      }
    }
    for (String effect : List.of("deny", "escalate", "allow")) {
      if (matched.containsKey(effect)) {
        return new PolicyDecision(
            Effect.fromWireName(effect).orElseThrow(), matched.get(effect), all);
      }
    }
    String fallback = document.has("default") ? document.get("default").textValue() : "deny";
    return new PolicyDecision(
        Effect.fromWireName(fallback).orElseThrow(),
        List.of(
            new Reason("default", "policy.no_match", "no rule matched; default is " + fallback)),
        List.of());
  }

  private static boolean matches(JsonNode match, PolicyRequest request) {
    boolean labels = true;
    if (match.has("labels")) {
      for (Map.Entry<String, JsonNode> label : match.get("labels").properties()) {
        String value = request.labels().get(label.getKey());
        labels &= value != null && regex(label.getValue().textValue()).matcher(value).matches();
      }
    }
    return anyMatches(match.get("action"), request.action())
        && (!match.has("resource") || anyMatches(match.get("resource"), request.resource()))
        && (!match.has("agents") || anyMatches(match.get("agents"), request.agentId()))
        && (!match.has("tenants") || anyMatches(match.get("tenants"), request.tenant()))
        && labels;
  }

  private static boolean anyMatches(JsonNode globs, String value) {
    if (globs.isTextual()) {
      return regex(globs.textValue()).matcher(value).matches();
    }
    for (JsonNode glob : globs) {
      if (regex(glob.textValue()).matcher(value).matches()) {
        return true;
      }
    }
    return false;
  }

  private static final Map<String, Pattern> REGEXES = new ConcurrentHashMap<>();

  private static Pattern regex(String glob) {
    return REGEXES.computeIfAbsent(glob, RulePolicyPropertyTest::compile);
  }

  /** '*' is any run of code points, '?' one code point, everything else quoted. */
  private static Pattern compile(String glob) {
    StringBuilder regex = new StringBuilder();
    glob.codePoints()
        .forEach(
            c -> {
              switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(Character.toString(c)));
              }
            });
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }

  // ---- random policies and requests ----

  private static ObjectNode policy(SplittableRandom random) {
    ObjectNode document = NODES.objectNode().put("version", 1);
    if (random.nextBoolean()) {
      document.put("default", random.nextBoolean() ? "deny" : "escalate");
    }
    ArrayNode rules = document.putArray("rules");
    int count = random.nextInt(0, 30);
    for (int i = 0; i < count; i++) {
      ObjectNode rule = rules.addObject().put("id", "r" + i);
      String effect = EFFECTS[random.nextInt(EFFECTS.length)];
      rule.put("effect", effect);
      ObjectNode match = rule.putObject("match");
      globs(match, "action", random, true);
      if (random.nextInt(3) == 0) {
        globs(match, "resource", random, true);
      }
      if (random.nextInt(4) == 0) {
        globs(match, "agents", random, false);
      }
      if (random.nextInt(4) == 0) {
        globs(match, "tenants", random, false);
      }
      if (random.nextInt(4) == 0) {
        ObjectNode labels = match.putObject("labels");
        for (String label : LABELS) {
          if (random.nextBoolean()) {
            labels.put(label, glob(random));
          }
        }
      }
      if (random.nextBoolean()) {
        rule.put("reason", "because " + i);
      }
      if (effect.equals("escalate") && random.nextBoolean()) {
        rule.putArray("approvers").add("ops");
        rule.put("min_approvals", 1 + random.nextInt(3)).put("ttl", (1 + random.nextInt(59)) + "m");
      }
    }
    return document;
  }

  private static void globs(
      ObjectNode match, String field, SplittableRandom random, boolean single) {
    if (single && random.nextBoolean()) {
      match.put(field, glob(random));
    } else {
      ArrayNode list = match.putArray(field);
      for (int i = random.nextInt(1, 4); i > 0; i--) {
        list.add(glob(random));
      }
    }
  }

  private static String glob(SplittableRandom random) {
    StringBuilder glob = new StringBuilder();
    int parts = random.nextInt(1, 5);
    for (int i = 0; i < parts; i++) {
      int kind = random.nextInt(6);
      if (kind == 0 && (glob.isEmpty() || glob.charAt(glob.length() - 1) != '*')) {
        glob.append('*');
      } else if (kind == 1) {
        glob.append('?');
      } else {
        glob.append(PIECES[random.nextInt(PIECES.length)]);
      }
    }
    return glob.toString();
  }

  private static String value(SplittableRandom random) {
    StringBuilder value = new StringBuilder();
    for (int i = random.nextInt(0, 5); i > 0; i--) {
      value.append(
          random.nextInt(10) == 0
              ? VALUE_EXTRAS[random.nextInt(VALUE_EXTRAS.length)]
              : PIECES[random.nextInt(PIECES.length)]);
    }
    return value.toString();
  }

  private static PolicyRequest request(SplittableRandom random) {
    Map<String, String> labels = new HashMap<>();
    for (String label : LABELS) {
      if (random.nextInt(3) > 0) {
        labels.put(label, value(random));
      }
    }
    return Requests.request(value(random), value(random), value(random), value(random), labels);
  }
}
