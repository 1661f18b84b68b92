package dev.warden.ratelimit;

import dev.warden.policy.RateLimitRule;
import java.util.Objects;

/**
 * One bucket as a decision left it, for the {@code RateLimit} response field.
 *
 * @param rule the rule the bucket belongs to
 * @param remaining whole tokens left, rounded down: 0 to {@code rule.capacity()}
 * @param secondsUntilFull seconds until the bucket holds {@code rule.capacity()} tokens again if
 *     nothing takes from it, rounded up: 0 exactly when the bucket is full
 */
public record BucketState(RateLimitRule rule, long remaining, long secondsUntilFull) {

  public BucketState {
    Objects.requireNonNull(rule, "rule");
    if (remaining < 0 || remaining > rule.capacity()) {
      throw new IllegalArgumentException(
          "remaining " + remaining + " is outside 0.." + rule.capacity() + " of " + rule.id());
    }
    if (secondsUntilFull < 0 || (secondsUntilFull == 0) != (remaining == rule.capacity())) {
      throw new IllegalArgumentException(
          "secondsUntilFull "
              + secondsUntilFull
              + " does not fit remaining "
              + remaining
              + " of "
              + rule.capacity()
              + " in "
              + rule.id());
    }
  }
}
