package dev.warden.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One counter to charge in a {@linkplain UsageStore#reserve reservation}: a budget (minor units) or
 * a quota (a count) of one subject in one window.
 *
 * @param counter the counter's key; the store treats it as opaque, at most {@value #MAX_COUNTER}
 *     characters
 * @param limit the most the counter may hold (reserved plus committed) after this charge, ≥ 0;
 *     passed with every charge and never stored, so a changed policy applies to existing counters
 * @param amount what this charge adds, ≥ 0
 * @param windowEnd when the counter's window ends: after it the counter is never charged again and
 *     may be {@linkplain UsageStore#purge purged}
 */
public record Charge(String counter, long limit, long amount, Instant windowEnd) {
  /** The longest counter key a store must keep. */
  public static final int MAX_COUNTER = 512;

  public Charge {
    Objects.requireNonNull(counter, "counter");
    Objects.requireNonNull(windowEnd, "windowEnd");
    if (counter.isEmpty() || counter.length() > MAX_COUNTER) {
      throw new IllegalArgumentException(
          "a counter key has 1 to " + MAX_COUNTER + " characters, got " + counter.length());
    }
    if (limit < 0 || amount < 0) {
      throw new IllegalArgumentException(
          "limit and amount are not negative, got " + limit + " and " + amount);
    }
  }
}
