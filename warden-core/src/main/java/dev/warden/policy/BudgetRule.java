package dev.warden.policy;

import dev.warden.budget.Window;
import java.util.Currency;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A budget (a spend cap in minor units of a currency) or a quota (a count cap) from a policy's
 * {@code budgets} or {@code quotas} section (SPEC §6). Every request that {@link #match} selects is
 * charged against it: its {@code amount} for a budget, 1 for a quota.
 *
 * @param id unique among the policy's budgets and quotas, the same syntax as a rule id
 * @param match which requests it applies to
 * @param scope whose counter is charged: {@link Scope#AGENT} or {@link Scope#TENANT}
 * @param window the period it counts over; {@link Window#REQUEST} only for budgets
 * @param limit the cap: minor units of {@code currency} for a budget, a count for a quota; ≥ 0
 * @param currency the budget's currency; null exactly for a quota
 */
public record BudgetRule(
    String id, Match match, Scope scope, Window window, long limit, @Nullable Currency currency) {

  public BudgetRule {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(match, "match");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(window, "window");
    if (!Rule.ID.matcher(id).matches()) {
      throw new IllegalArgumentException("budget id \"" + id + "\" does not match " + Rule.ID);
    }
    if (scope == Scope.OPERATOR) {
      throw new IllegalArgumentException("budgets and quotas are kept per agent or per tenant");
    }
    if (limit < 0) {
      throw new IllegalArgumentException("a limit is not negative, got " + limit);
    }
    if (currency == null && window == Window.REQUEST) {
      throw new IllegalArgumentException("a quota counts over an hour, a day or a month");
    }
  }

  /** True for a quota (a count), false for a budget (money). */
  public boolean isQuota() {
    return currency == null;
  }
}
