package dev.warden.budget;

import dev.warden.policy.BudgetRule;
import dev.warden.store.Charge;
import java.util.List;
import java.util.Objects;

/** What {@link Ledger#reserve} decided for one request: every budget and quota reserved, or not. */
public sealed interface Outcome {

  /**
   * Every budget and quota that applies was charged, under one reservation named by the decision
   * id; it must later be committed or released.
   *
   * @param charges the counters charged; empty when no rule keeps a counter (no rule applies, or
   *     only {@code request} windows), and then nothing was written
   */
  record Reserved(List<Charge> charges) implements Outcome {
    public Reserved {
      charges = List.copyOf(charges);
    }
  }

  /**
   * Nothing was reserved: the request is denied because of {@code rule}.
   *
   * @param rule the first budget or quota, in the order given, that refused the request
   * @param code one of the {@code budget.*} or {@code quota.*} codes below
   * @param message for people: what is left, over which window, when it resets, and what the
   *     request asked for
   * @param remaining what is left of the rule's limit in the current window (for a {@code request}
   *     window: the limit), in minor units of its currency or as a count; never negative
   */
  record Refused(BudgetRule rule, String code, String message, long remaining) implements Outcome {
    /** The request's amount would take a budget past its limit. */
    public static final String BUDGET_EXCEEDED = "budget.exceeded";

    /** One more action would take a quota past its limit. */
    public static final String QUOTA_EXCEEDED = "quota.exceeded";

    /** A budget applies, but the request states no amount (fail closed). */
    public static final String AMOUNT_MISSING = "budget.amount_missing";

    /** The request's amount is in another currency than the budget's (or names none). */
    public static final String CURRENCY_MISMATCH = "budget.currency_mismatch";

    /** The request's amount is not a plain decimal with at most the currency's minor digits. */
    public static final String AMOUNT_INVALID = "budget.amount_invalid";

    public Refused {
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
      if (remaining < 0) {
        throw new IllegalArgumentException("remaining is not negative, got " + remaining);
      }
    }
  }
}
