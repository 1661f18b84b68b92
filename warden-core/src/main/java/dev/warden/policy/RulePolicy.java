package dev.warden.policy;

import dev.warden.policy.PolicyDecision.Reason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The first policy engine: rules with glob matches, compiled at load, built by {@link
 * PolicyLoader#load}. Immutable and thread-safe.
 *
 * <p>Evaluation collects every rule whose match holds; the strongest effect among them wins (deny
 * over escalate over allow) and the decision lists every matched rule with that effect, in document
 * order. With no match the decision is the default effect with reason {@code policy.no_match}.
 *
 * <p>Rules are indexed by the literal prefix of their action globs (the text before the first
 * wildcard). An action can only match a glob whose prefix is a prefix of the action, so evaluation
 * looks up the action's prefixes of the lengths that occur in the index and tests only those rules.
 */
public final class RulePolicy implements Policy {

  private static final int[] NO_RULES = {};

  private final String text;
  private final String hash;
  private final Effect defaultEffect;
  private final List<Rule> rules;
  private final Reason[] reasons;
  private final Map<String, Integer> byId;
  private final PolicyDecision noMatch;

  /** Literal action prefix to the indexes of the rules with an action glob of that prefix. */
  private final Map<String, int[]> byPrefix;

  /** The distinct lengths of the keys of {@link #byPrefix}, ascending. */
  private final int[] prefixLengths;

  RulePolicy(String text, String hash, Effect defaultEffect, List<Rule> rules) {
    if (defaultEffect == Effect.ALLOW) {
      throw new IllegalArgumentException("a policy's default effect is never allow");
    }
    this.text = text;
    this.hash = hash;
    this.defaultEffect = defaultEffect;
    this.rules = List.copyOf(rules);
    this.reasons = new Reason[this.rules.size()];
    this.byId = new HashMap<>();
    Map<String, List<Integer>> index = new HashMap<>();
    for (int i = 0; i < this.rules.size(); i++) {
      Rule rule = this.rules.get(i);
      reasons[i] = rule.decisionReason();
      if (byId.putIfAbsent(rule.id(), i) != null) {
        throw new IllegalArgumentException("duplicate rule id " + rule.id());
      }
      for (Glob action : rule.match().actions()) {
        List<Integer> ids = index.computeIfAbsent(action.literalPrefix(), k -> new ArrayList<>());
        // A rule with two globs of the same prefix is listed once.
        if (ids.isEmpty() || ids.get(ids.size() - 1) != i) {
          ids.add(i);
        }
      }
    }
    this.byPrefix = new HashMap<>();
    TreeSet<Integer> lengths = new TreeSet<>();
    index.forEach(
        (prefix, ids) -> {
          byPrefix.put(prefix, ids.stream().mapToInt(Integer::intValue).toArray());
          lengths.add(prefix.length());
        });
    this.prefixLengths = lengths.stream().mapToInt(Integer::intValue).toArray();
    this.noMatch =
        new PolicyDecision(
            defaultEffect,
            List.of(
                new Reason(
                    PolicyDecision.DEFAULT_RULE,
                    PolicyDecision.NO_MATCH,
                    "no rule matched; default is " + defaultEffect.wireName())));
  }

  @Override
  public PolicyDecision evaluate(PolicyRequest request) {
    String action = request.action();
    int[] matched = NO_RULES;
    int count = 0;
    Effect winner = null;
    for (int length : prefixLengths) {
      if (length > action.length()) {
        break;
      }
      int[] candidates = byPrefix.get(action.substring(0, length));
      if (candidates == null) {
        continue;
      }
      for (int i : candidates) {
        Rule rule = rules.get(i);
        // A rule weaker than the current winner can neither win nor be part of the explanation.
        if (winner != null && winner.overrides(rule.effect())) {
          continue;
        }
        if (rule.match().matches(request)) {
          if (count == matched.length) {
            matched = Arrays.copyOf(matched, Math.max(4, count * 2));
          }
          matched[count++] = i;
          if (winner == null || rule.effect().overrides(winner)) {
            winner = rule.effect();
          }
        }
      }
    }
    if (winner == null) {
      return noMatch;
    }
    // Candidates come prefix by prefix, so restore document order; a rule reached through two
    // prefixes appears twice.
    Arrays.sort(matched, 0, count);
    List<Reason> explanation = new ArrayList<>(count);
    int previous = -1;
    for (int k = 0; k < count; k++) {
      int i = matched[k];
      if (i != previous && rules.get(i).effect() == winner) {
        explanation.add(reasons[i]);
      }
      previous = i;
    }
    return new PolicyDecision(winner, explanation);
  }

  @Override
  public String hash() {
    return hash;
  }

  @Override
  public String text() {
    return text;
  }

  @Override
  public Effect defaultEffect() {
    return defaultEffect;
  }

  @Override
  public List<BudgetRule> budgetsFor(PolicyRequest request) {
    return List.of(); // TODO(issue 4): budgets section
  }

  @Override
  public List<BudgetRule> budgets() {
    return List.of();
  }

  @Override
  public List<RateLimitRule> rateLimits() {
    return List.of();
  }

  @Override
  public java.time.ZoneId zone() {
    return java.time.ZoneOffset.UTC;
  }

  /** The rules in document order. */
  public List<Rule> rules() {
    return rules;
  }

  /** The rule with {@code id}, if there is one (to find the escalation settings of a decision). */
  public Optional<Rule> rule(String id) {
    Integer i = byId.get(id);
    return i == null ? Optional.empty() : Optional.of(rules.get(i));
  }

  @Override
  public String toString() {
    return "RulePolicy[" + hash + ", " + rules.size() + " rules]";
  }
}
