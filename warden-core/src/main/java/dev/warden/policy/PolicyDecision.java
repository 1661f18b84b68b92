package dev.warden.policy;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of evaluating a policy: an effect and why.
 *
 * @param effect what was decided
 * @param reasons never empty: every matched rule with the winning effect in document order; or the
 *     one {@code policy.no_match} reason when no rule matched; or the one {@code
 *     policy.evaluation_error} reason naming the rule whose condition could not be evaluated
 * @param matched every rule whose match and condition held, whatever its effect, in document order;
 *     empty when no rule matched. After an evaluation error, the rules before the failing one that
 *     held.
 */
public record PolicyDecision(Effect effect, List<Reason> reasons, List<Matched> matched) {

  /** Reason code of a decision made by an allow rule. */
  public static final String ALLOW = "policy.allow";

  /** Reason code of a decision made by a deny rule. */
  public static final String DENY = "policy.deny";

  /** Reason code of a decision made by an escalate rule. */
  public static final String ESCALATE = "policy.escalate";

  /** Reason code of a decision no rule matched: the policy's default effect. */
  public static final String NO_MATCH = "policy.no_match";

  /**
   * Reason code of a deny because a rule's {@code when} condition could not be evaluated (fail
   * closed): a runtime error, a result that is not a bool, an exceeded limit, unreadable usage.
   */
  public static final String EVALUATION_ERROR = "policy.evaluation_error";

  /** Rule name in the reason of a decision no rule matched. */
  public static final String DEFAULT_RULE = "default";

  public PolicyDecision {
    Objects.requireNonNull(effect, "effect");
    reasons = List.copyOf(reasons);
    matched = List.copyOf(matched);
    if (reasons.isEmpty()) {
      throw new IllegalArgumentException("a decision needs at least one reason");
    }
  }

  /** The reason code for a rule with {@code effect}: {@code policy.allow} and so on. */
  public static String codeFor(Effect effect) {
    return switch (effect) {
      case ALLOW -> ALLOW;
      case ESCALATE -> ESCALATE;
      case DENY -> DENY;
    };
  }

  /**
   * One line of explanation.
   *
   * @param rule the id of the matched rule, or {@code "default"}
   * @param code a stable dotted code such as {@code policy.deny}
   * @param message text for people, from the rule's {@code reason} when it has one
   */
  public record Reason(String rule, String code, String message) {
    public Reason {
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
      if (rule.isEmpty() || code.isEmpty()) {
        throw new IllegalArgumentException("rule and code must not be empty");
      }
    }
  }

  /**
   * A rule whose match and condition held for the request, whether or not its effect won.
   *
   * @param rule the rule's id
   * @param effect the rule's effect
   */
  public record Matched(String rule, Effect effect) {
    public Matched {
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(effect, "effect");
    }
  }
}
