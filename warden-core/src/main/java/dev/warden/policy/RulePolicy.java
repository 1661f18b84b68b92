package dev.warden.policy;

import dev.warden.policy.PolicyDecision.Matched;
import dev.warden.policy.PolicyDecision.Reason;
import dev.warden.policy.PolicyTrace.ConditionResult;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy engine: rules with glob matches and optional CEL conditions, compiled at load, built
 * by {@link PolicyLoader#load}. Immutable and thread-safe.
 *
 * <p>A rule applies when its match holds and its condition, if any, evaluates to true. Evaluation
 * takes the rules whose match holds in document order and evaluates their conditions; the strongest
 * effect among the rules that apply wins (deny over escalate over allow), and the decision lists
 * the rules with that effect as reasons and every rule that applied as {@code matched}. With none,
 * the decision is the default effect with reason {@code policy.no_match}. The first condition that
 * cannot be evaluated ends evaluation with a deny, reason {@code policy.evaluation_error} (fail
 * closed), logged at WARN.
 *
 * <p>Rules and budgets are indexed by the literal prefix of their action globs ({@link
 * ActionIndex}), so a decision tests only the rules that could match the action. Rules without a
 * condition cost what they cost without CEL; the condition variables are built only when a rule
 * with a condition matches.
 */
public final class RulePolicy implements Policy {

  private static final Logger LOG = LoggerFactory.getLogger(RulePolicy.class);

  private final String text;
  private final String hash;
  private final Effect defaultEffect;
  private final ZoneId zone;
  private final List<Rule> rules;
  private final @Nullable Condition[] conditions;
  private final Reason[] reasons;
  private final Matched[] applied;
  private final Map<String, Integer> byId;
  private final PolicyDecision noMatch;
  private final ActionIndex ruleIndex;
  private final List<BudgetRule> budgets;
  private final ActionIndex budgetIndex;
  private final List<RateLimitRule> limits;

  RulePolicy(String text, String hash, PolicySchema.Parsed parsed) {
    if (parsed.defaultEffect() == Effect.ALLOW) {
      throw new IllegalArgumentException("a policy's default effect is never allow");
    }
    this.text = text;
    this.hash = hash;
    this.defaultEffect = parsed.defaultEffect();
    this.zone = parsed.zone();
    this.rules = List.copyOf(parsed.rules());
    if (parsed.conditions().size() != rules.size()) {
      throw new IllegalArgumentException("one condition slot per rule");
    }
    this.conditions = parsed.conditions().toArray(new Condition[0]);
    this.reasons = new Reason[rules.size()];
    this.applied = new Matched[rules.size()];
    this.byId = new HashMap<>();
    List<Match> matches = new ArrayList<>(rules.size());
    for (int i = 0; i < rules.size(); i++) {
      Rule rule = rules.get(i);
      reasons[i] = rule.decisionReason();
      applied[i] = new Matched(rule.id(), rule.effect());
      if (byId.putIfAbsent(rule.id(), i) != null) {
        throw new IllegalArgumentException("duplicate rule id " + rule.id());
      }
      if ((rule.when() == null) != (conditions[i] == null)) {
        throw new IllegalArgumentException("rule " + rule.id() + ": condition and when disagree");
      }
      matches.add(rule.match());
    }
    this.ruleIndex = new ActionIndex(matches);
    this.budgets = List.copyOf(parsed.budgets());
    this.budgetIndex = new ActionIndex(budgets.stream().map(BudgetRule::match).toList());
    this.limits = List.copyOf(parsed.limits());
    this.noMatch =
        new PolicyDecision(
            defaultEffect,
            List.of(
                new Reason(
                    PolicyDecision.DEFAULT_RULE,
                    PolicyDecision.NO_MATCH,
                    "no rule matched; default is " + defaultEffect.wireName())),
            List.of());
  }

  @Override
  public PolicyDecision evaluate(PolicyRequest request) {
    int[] hits = ruleIndex.matching(request);
    Activation activation = null;
    int count = 0;
    for (int k = 0; k < hits.length; k++) {
      int i = hits[k];
      Condition condition = conditions[i];
      if (condition != null) {
        if (activation == null) {
          activation = new Activation(request);
        }
        try {
          if (!condition.test(activation)) {
            continue;
          }
        } catch (ConditionFailed e) {
          LOG.warn(
              "policy {}: rule {} denies: its condition could not be evaluated: {}",
              hash,
              rules.get(i).id(),
              e.getMessage());
          return failed(i, e.getMessage(), hits, count);
        }
      }
      hits[count++] = i; // hits is this call's own array: reuse it for the rules that apply
    }
    return decide(hits, count);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Takes the rules whose match holds from the index, as {@link #evaluate} does, and evaluates
   * no condition: a conditional rule may or may not apply, so only an unconditional deny rules the
   * request out, and a conditional allow or escalate keeps it possible. A condition that cannot be
   * evaluated makes {@link #evaluate} deny, which only turns a possible permit into a deny.
   */
  @Override
  public boolean mayPermit(PolicyRequest request) {
    boolean permitting = defaultEffect != Effect.DENY;
    for (int i : ruleIndex.matching(request)) {
      Effect effect = rules.get(i).effect();
      if (effect == Effect.DENY) {
        if (conditions[i] == null) {
          return false;
        }
      } else {
        permitting = true;
      }
    }
    return permitting;
  }

  /**
   * Explains a decision rule by rule. Slower than {@link #evaluate}: it tests every rule (no index)
   * and evaluates every condition whose match holds, even after one fails; its decision is the one
   * {@link #evaluate} makes.
   */
  public PolicyTrace explain(PolicyRequest request) {
    Activation activation = new Activation(request);
    List<PolicyTrace.RuleTrace> traces = new ArrayList<>(rules.size());
    int[] apply = new int[rules.size()];
    int count = 0;
    int failedRule = -1;
    String failure = "";
    for (int i = 0; i < rules.size(); i++) {
      Rule rule = rules.get(i);
      PolicyTrace.Mismatch mismatch = rule.match().mismatch(request);
      ConditionResult result;
      if (conditions[i] == null) {
        result = new ConditionResult.None();
      } else if (mismatch != null) {
        result = new ConditionResult.NotEvaluated();
      } else {
        try {
          result =
              conditions[i].test(activation)
                  ? new ConditionResult.Held()
                  : new ConditionResult.NotHeld();
        } catch (ConditionFailed e) {
          result = new ConditionResult.Failed(e.getMessage());
          if (failedRule < 0) {
            failedRule = i;
            failure = e.getMessage();
          }
        }
      }
      PolicyTrace.RuleTrace trace =
          new PolicyTrace.RuleTrace(rule.id(), rule.effect(), mismatch, result);
      traces.add(trace);
      if (trace.applies() && failedRule < 0) {
        apply[count++] = i;
      }
    }
    PolicyDecision decision =
        failedRule >= 0 ? failed(failedRule, failure, apply, count) : decide(apply, count);
    List<BudgetRule> selected = new ArrayList<>();
    for (BudgetRule b : budgets) {
      if (b.match().matches(request)) {
        selected.add(b);
      }
    }
    return new PolicyTrace(traces, selected, decision);
  }

  /** The decision when the rules {@code apply[0..count)} (ascending) apply. */
  private PolicyDecision decide(int[] apply, int count) {
    if (count == 0) {
      return noMatch;
    }
    Effect winner = rules.get(apply[0]).effect();
    for (int k = 1; k < count; k++) {
      Effect effect = rules.get(apply[k]).effect();
      if (effect.overrides(winner)) {
        winner = effect;
      }
    }
    List<Reason> explanation = new ArrayList<>(count);
    List<Matched> matched = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      int i = apply[k];
      if (rules.get(i).effect() == winner) {
        explanation.add(reasons[i]);
      }
      matched.add(applied[i]);
    }
    return new PolicyDecision(winner, explanation, matched);
  }

  /** The deny when rule {@code i}'s condition failed after the rules {@code apply[0..count)}. */
  private PolicyDecision failed(int i, String error, int[] apply, int count) {
    String id = rules.get(i).id();
    List<Matched> matched = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      matched.add(applied[apply[k]]);
    }
    return new PolicyDecision(
        Effect.DENY,
        List.of(
            new Reason(
                id,
                PolicyDecision.EVALUATION_ERROR,
                "the condition of rule " + id + " could not be evaluated: " + error)),
        matched);
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
    int[] hits = budgetIndex.matching(request);
    if (hits.length == 0) {
      return List.of();
    }
    List<BudgetRule> selected = new ArrayList<>(hits.length);
    for (int i : hits) {
      selected.add(budgets.get(i));
    }
    return selected;
  }

  @Override
  public List<BudgetRule> budgets() {
    return budgets;
  }

  @Override
  public List<RateLimitRule> rateLimits() {
    return limits;
  }

  @Override
  public ZoneId zone() {
    return zone;
  }

  /** The rules in document order. */
  public List<Rule> rules() {
    return rules;
  }

  @Override
  public Escalation escalation(PolicyDecision decision) {
    java.util.Set<String> approvers = null;
    int min = 1;
    java.time.Duration ttl = null;
    for (PolicyDecision.Reason r : decision.reasons()) {
      Escalation e = rule(r.rule()).map(Rule::escalation).orElse(null);
      if (e == null) {
        continue;
      }
      if (!e.approvers().isEmpty()) {
        if (approvers == null) {
          approvers = new java.util.LinkedHashSet<>(e.approvers());
        } else {
          approvers.retainAll(e.approvers());
        }
      }
      min = Math.max(min, e.minApprovals());
      ttl = ttl == null || e.ttl().compareTo(ttl) < 0 ? e.ttl() : ttl;
    }
    return new Escalation(
        approvers == null ? List.of() : List.copyOf(approvers),
        min,
        ttl == null ? Escalation.DEFAULT_TTL : ttl);
  }

  /** The rule with {@code id}, if there is one (to find the escalation settings of a decision). */
  public Optional<Rule> rule(String id) {
    Integer i = byId.get(id);
    return i == null ? Optional.empty() : Optional.of(rules.get(i));
  }

  /** The compiled condition of the rule at {@code index}; null for a rule without one. */
  @Nullable Condition condition(int index) {
    return conditions[index];
  }

  @Override
  public String toString() {
    return "RulePolicy[" + hash + ", " + rules.size() + " rules]";
  }
}
