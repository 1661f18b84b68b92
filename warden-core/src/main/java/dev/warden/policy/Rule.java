package dev.warden.policy;

import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One rule of a {@link RulePolicy}.
 *
 * @param id unique within the policy, {@code ^[a-z0-9][a-z0-9._-]{0,63}$}, not {@code default}
 * @param effect what the rule decides when it matches
 * @param match when it matches
 * @param when the rule's CEL condition as written, which must also hold; null when absent
 * @param reason the document's {@code reason} text, copied into decisions; null when absent
 * @param escalation approval settings; present exactly when {@code effect} is escalate
 */
public record Rule(
    String id,
    Effect effect,
    Match match,
    @Nullable String when,
    @Nullable String reason,
    @Nullable Escalation escalation) {

  /** What a rule id looks like. */
  public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  public Rule {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(effect, "effect");
    Objects.requireNonNull(match, "match");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("rule id \"" + id + "\" does not match " + ID);
    }
    if (id.equals(PolicyDecision.DEFAULT_RULE)) {
      throw new IllegalArgumentException(
          "rule id \"default\" is reserved for the reason of a decision no rule matched");
    }
    if ((effect == Effect.ESCALATE) != (escalation != null)) {
      throw new IllegalArgumentException("escalation settings go with exactly the escalate rules");
    }
  }

  /** The reason this rule gives in a decision: its own text, or a plain statement. */
  PolicyDecision.Reason decisionReason() {
    return new PolicyDecision.Reason(
        id, PolicyDecision.codeFor(effect), reason != null ? reason : "rule " + id + " matched");
  }
}
