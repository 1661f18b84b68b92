package dev.warden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.policy.PolicyDecision.Matched;
import dev.warden.policy.PolicyDecision.Reason;
import dev.warden.policy.PolicyTrace.RuleTrace;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link RulePolicy#evaluate} (indexed, stops at the first failing condition) against {@link
 * RulePolicy#explain} (every rule, every condition) and against a reference that knows what each
 * generated condition means. Reproduce a failure with {@code -Dwarden.seed=<the seed>}.
 */
class PolicyExplainPropertyTest {

  private static final long SEED = Long.getLong("warden.seed", 0x5eed_ce1L);
  private static final int POLICIES = 200;
  private static final int REQUESTS_PER_POLICY = 40;

  private static final String[] ACTIONS = {"a.b", "a.c", "a.b.c", "b.x", "ab", "c"};
  private static final String[] ACTION_GLOBS = {"a.*", "*", "a.b", "b.*", "*.c", "a?b", "a*"};
  private static final String[] EFFECTS = {"allow", "deny", "escalate"};

  /** A generated condition and what it means for a request. */
  private enum Cond {
    NONE(null),
    N_GREATER("request.params.n > 2"),
    HAS_N_GREATER("has(request.params.n) && request.params.n > 2"),
    AGENT("agent.id == 'a1'"),
    FALSE("false"),
    ENV_LABEL("request.labels.env == 'prod'"),
    USAGE("usage.count.q < 2");

    final String when;

    Cond(String when) {
      this.when = when;
    }

    /** TRUE, FALSE, or null for an evaluation error. */
    Boolean holds(Integer n, String agent, String env, long used) {
      return switch (this) {
        case NONE -> true;
        case N_GREATER -> n == null ? null : n > 2;
        case HAS_N_GREATER -> n != null && n > 2;
        case AGENT -> agent.equals("a1");
        case FALSE -> false;
        case ENV_LABEL -> env == null ? null : env.equals("prod");
        case USAGE -> used < 2;
      };
    }
  }

  record GenRule(String id, Effect effect, String action, Cond cond) {}

  @Test
  void explain_randomPoliciesAndRequests_decisionEqualsEvaluateAndReference()
      throws PolicyException {
    int errors = 0;
    int conditionFalse = 0;
    for (int p = 0; p < POLICIES; p++) {
      long seed = SEED + p;
      SplittableRandom random = new SplittableRandom(seed);
      List<GenRule> rules = new ArrayList<>();
      StringBuilder text =
          new StringBuilder("version: 1\ndefault: ")
              .append(random.nextBoolean() ? "deny" : "escalate")
              .append("\nquotas:\n  - {id: q, scope: agent, match: {action: \"")
              .append(ACTION_GLOBS[random.nextInt(ACTION_GLOBS.length)])
              .append("\"}, window: day, limit: 5}\nrules:");
      int count = random.nextInt(0, 12);
      text.append(count == 0 ? " []\n" : "\n");
      for (int i = count; i > 0; i--) {
        GenRule rule =
            new GenRule(
                "r" + rules.size(),
                Effect.fromWireName(EFFECTS[random.nextInt(3)]).orElseThrow(),
                ACTION_GLOBS[random.nextInt(ACTION_GLOBS.length)],
                Cond.values()[random.nextInt(Cond.values().length)]);
        rules.add(rule);
        text.append("  - id: ").append(rule.id()).append("\n    effect: ");
        text.append(rule.effect().wireName()).append("\n    match: {action: \"");
        text.append(rule.action()).append("\"}\n");
        if (rule.cond().when != null) {
          text.append("    when: \"").append(rule.cond().when).append("\"\n");
        }
      }
      RulePolicy policy = PolicyLoader.load(text.toString());

      for (int r = 0; r < REQUESTS_PER_POLICY; r++) {
        Integer n = random.nextInt(3) == 0 ? null : random.nextInt(5);
        String agent = random.nextBoolean() ? "a1" : "a2";
        String env = random.nextInt(3) == 0 ? null : (random.nextBoolean() ? "prod" : "dev");
        long used = random.nextInt(4);
        String action = ACTIONS[random.nextInt(ACTIONS.length)];
        PolicyRequest request = request(agent, action, n, env, used);

        PolicyDecision evaluated = policy.evaluate(request);
        PolicyTrace trace = policy.explain(request);
        PolicyDecision expected = reference(policy, rules, request, n, agent, env, used);

        String context = "seed " + seed + " request " + request + "\n" + text;
        assertThat(evaluated).as(context).isEqualTo(expected);
        assertThat(trace.decision()).as(context).isEqualTo(evaluated);
        assertThat(trace.budgets()).as(context).isEqualTo(policy.budgetsFor(request));
        for (int i = 0; i < rules.size(); i++) {
          RuleTrace t = trace.rules().get(i);
          boolean matches = Glob.compile(rules.get(i).action()).matches(action);
          assertThat(t.mismatch() == null).as(context).isEqualTo(matches);
          Boolean holds = rules.get(i).cond().holds(n, agent, env, used);
          assertThat(t.applies()).as(context).isEqualTo(matches && Boolean.TRUE.equals(holds));
        }
        if (expected.reasons().get(0).code().equals(PolicyDecision.EVALUATION_ERROR)) {
          errors++;
        }
        conditionFalse +=
            (int)
                trace.rules().stream()
                    .filter(t -> t.condition() instanceof PolicyTrace.ConditionResult.NotHeld)
                    .count();
      }
    }
    // The generator reaches errors and false conditions often, so agreement is not vacuous.
    assertThat(errors).isGreaterThan(POLICIES);
    assertThat(conditionFalse).isGreaterThan(POLICIES);
  }

  private static PolicyDecision reference(
      RulePolicy policy,
      List<GenRule> rules,
      PolicyRequest request,
      Integer n,
      String agent,
      String env,
      long used) {
    List<Matched> matched = new ArrayList<>();
    for (GenRule rule : rules) {
      if (!Glob.compile(rule.action()).matches(request.action())) {
        continue;
      }
      Boolean holds = rule.cond().holds(n, agent, env, used);
      if (holds == null) {
        return new PolicyDecision(
            Effect.DENY,
            List.of(
                new Reason(
                    rule.id(),
                    PolicyDecision.EVALUATION_ERROR,
                    policy
                        .evaluate(request)
                        .reasons()
                        .get(0)
                        .message())), // the CEL text itself is checked elsewhere
            matched);
      }
      if (holds) {
        matched.add(new Matched(rule.id(), rule.effect()));
      }
    }
    if (matched.isEmpty()) {
      return new PolicyDecision(
          policy.defaultEffect(),
          List.of(
              new Reason(
                  "default",
                  PolicyDecision.NO_MATCH,
                  "no rule matched; default is " + policy.defaultEffect().wireName())),
          List.of());
    }
    Effect winner = Effect.ALLOW;
    for (Matched m : matched) {
      if (m.effect().overrides(winner)) {
        winner = m.effect();
      }
    }
    List<Reason> reasons = new ArrayList<>();
    for (Matched m : matched) {
      if (m.effect() == winner) {
        reasons.add(
            new Reason(m.rule(), PolicyDecision.codeFor(winner), "rule " + m.rule() + " matched"));
      }
    }
    return new PolicyDecision(winner, reasons, matched);
  }

  private static PolicyRequest request(
      String agent, String action, Integer n, String env, long used) {
    String body = n == null ? "{\"params\": {}}" : "{\"params\": {\"n\": " + n + "}}";
    PolicyRequest base =
        Requests.request(action, "res", body, Instant.parse("2026-01-01T00:00:00Z"), r -> used);
    return new PolicyRequest(
        agent,
        base.tenant(),
        base.agentLabels(),
        action,
        base.resource(),
        env == null ? java.util.Map.of() : java.util.Map.of("env", env),
        base.classification(),
        base.body(),
        base.now(),
        base.usage());
  }
}
