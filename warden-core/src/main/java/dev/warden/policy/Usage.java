package dev.warden.policy;

import dev.warden.store.StoreException;

/**
 * What a request's agent or tenant has used of a budget or quota in the current window, for the
 * {@code usage} variable of conditions. It is an observation, read when a condition asks: the
 * guarantee that a budget is never overspent comes from the atomic reservation after the decision,
 * not from a condition.
 */
@FunctionalInterface
public interface Usage {

  /** Nothing used: for requests evaluated without a store (policy test, explain). */
  Usage NONE = rule -> 0;

  /**
   * Units used of {@code rule} (minor units for a budget, a count for a quota: reserved plus
   * committed) in the window that contains the request's time, for the request's agent or tenant as
   * the rule's scope says; 0 for a {@code request} window.
   *
   * @throws StoreException if it cannot be read; the condition then fails closed (deny)
   */
  long used(BudgetRule rule) throws StoreException;
}
