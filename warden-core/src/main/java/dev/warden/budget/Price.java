package dev.warden.budget;

import dev.warden.policy.BudgetRule;
import java.util.Currency;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one request costs under one budget or quota: 1 for a quota, the request's amount in minor
 * units of the budget's currency for a budget; or, failing closed, the refusal code and why.
 *
 * @param units the cost, meaningful only without a refusal
 * @param refusal null, or the {@code budget.*} code refusing the request
 * @param problem what is wrong with the request's amount, for people; empty without a refusal
 */
record Price(long units, @Nullable String refusal, String problem) {

  Price {
    Objects.requireNonNull(problem, "problem");
  }

  /** The cost of a request with this amount (either part possibly missing) under {@code rule}. */
  static Price of(BudgetRule rule, @Nullable String value, @Nullable String currency) {
    Currency budget = rule.currency();
    if (budget == null) {
      return new Price(1, null, "");
    }
    String code = budget.getCurrencyCode();
    if (value == null) {
      return new Price(0, Outcome.Refused.AMOUNT_MISSING, "the request states no amount");
    }
    if (currency == null) {
      return new Price(
          0,
          Outcome.Refused.CURRENCY_MISMATCH,
          "the request's amount names no currency; the budget counts " + code);
    }
    if (!currency.equals(code)) {
      return new Price(
          0,
          Outcome.Refused.CURRENCY_MISMATCH,
          "the request's amount is in " + quoted(currency) + "; the budget counts " + code);
    }
    try {
      return new Price(Money.toMinor(value, budget), null, "");
    } catch (IllegalArgumentException e) {
      return new Price(
          0, Outcome.Refused.AMOUNT_INVALID, "the request's amount is invalid: " + e.getMessage());
    }
  }

  /** {@code units} of the rule's currency ({@code "12.50 EUR"}), or a count for a quota. */
  static String format(BudgetRule rule, long units) {
    Currency c = rule.currency();
    return c == null ? Long.toString(units) : Money.format(units, c) + " " + c.getCurrencyCode();
  }

  /** The agent's currency code as given, shortened: it is untrusted text in a message. */
  private static String quoted(String currency) {
    String shown = currency.length() > 8 ? currency.substring(0, 8) + "…" : currency;
    return "\"" + shown + "\"";
  }
}
