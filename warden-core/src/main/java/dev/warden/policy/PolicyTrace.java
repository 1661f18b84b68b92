package dev.warden.policy;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Why a policy decided what it did for one request, rule by rule: the output of {@link
 * RulePolicy#explain}, behind {@code warden policy explain}.
 *
 * @param rules every rule of the policy, in document order
 * @param budgets the budgets and quotas whose match selects the request ({@link
 *     Policy#budgetsFor}), in document order
 * @param decision the decision, equal to what {@link Policy#evaluate} returns for the request
 */
public record PolicyTrace(
    List<RuleTrace> rules, List<BudgetRule> budgets, PolicyDecision decision) {

  public PolicyTrace {
    rules = List.copyOf(rules);
    budgets = List.copyOf(budgets);
    Objects.requireNonNull(decision, "decision");
  }

  /**
   * One rule's part in the decision.
   *
   * @param rule the rule's id
   * @param effect the rule's effect
   * @param mismatch the first part of the rule's match the request fails; null if the match held
   * @param condition what became of the rule's {@code when} condition
   */
  public record RuleTrace(
      String rule, Effect effect, @Nullable Mismatch mismatch, ConditionResult condition) {
    public RuleTrace {
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(effect, "effect");
      Objects.requireNonNull(condition, "condition");
      if (mismatch != null
          && !(condition instanceof ConditionResult.NotEvaluated
              || condition instanceof ConditionResult.None)) {
        throw new IllegalArgumentException("a condition is only evaluated when the match holds");
      }
    }

    /** True if the rule's match held and its condition (if any) held: the rule applies. */
    public boolean applies() {
      return mismatch == null
          && (condition instanceof ConditionResult.Held
              || condition instanceof ConditionResult.None);
    }
  }

  /**
   * The part of a match a request fails.
   *
   * @param part {@code action}, {@code resource}, {@code agents}, {@code tenants}, or {@code
   *     labels.<name>}
   * @param value the request's value of that part; null for a label the request does not carry
   * @param globs the globs of that part, none of which matched
   */
  public record Mismatch(String part, @Nullable String value, List<String> globs) {
    public Mismatch {
      Objects.requireNonNull(part, "part");
      globs = List.copyOf(globs);
    }
  }

  /** What became of a rule's condition. */
  public sealed interface ConditionResult {

    /** The rule has no condition. */
    record None() implements ConditionResult {}

    /** The rule has a condition, not evaluated because the match failed. */
    record NotEvaluated() implements ConditionResult {}

    /** The condition evaluated to true. */
    record Held() implements ConditionResult {}

    /** The condition evaluated to false. */
    record NotHeld() implements ConditionResult {}

    /**
     * The condition could not be evaluated; a decision with such a rule is a deny.
     *
     * @param error what went wrong, in CEL's terms
     */
    record Failed(String error) implements ConditionResult {
      public Failed {
        Objects.requireNonNull(error, "error");
      }
    }
  }
}
