package dev.warden.policy;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of evaluating a policy: an effect and why.
 *
 * @param effect what was decided
 * @param reasons never empty: every matched rule with the winning effect in document order, or the
 *     one {@code policy.no_match} reason when no rule matched
 */
public record PolicyDecision(Effect effect, List<Reason> reasons) {

  /** Reason code of a decision made by an allow rule. */
  public static final String ALLOW = "policy.allow";

  /** Reason code of a decision made by a deny rule. */
  public static final String DENY = "policy.deny";

  /** Reason code of a decision made by an escalate rule. */
  public static final String ESCALATE = "policy.escalate";

  /** Reason code of a decision no rule matched: the policy's default effect. */
  public static final String NO_MATCH = "policy.no_match";

  /** Rule name in the reason of a decision no rule matched. */
  public static final String DEFAULT_RULE = "default";

  public PolicyDecision {
    Objects.requireNonNull(effect, "effect");
    reasons = List.copyOf(reasons);
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
}
