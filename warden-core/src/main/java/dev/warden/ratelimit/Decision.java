package dev.warden.ratelimit;

import dev.warden.policy.RateLimitRule;
import java.util.List;
import java.util.Objects;

/**
 * What {@link RateLimiter#acquire} decided. Either way it carries the state of every bucket that
 * applied, in the order of the rules, for the {@code RateLimit} response field.
 */
public sealed interface Decision permits Decision.Allowed, Decision.Limited {

  /** The buckets that applied, in rule order; empty when no rule applied. */
  List<BucketState> buckets();

  /**
   * A token was taken from every bucket that applied.
   *
   * @param buckets their state after the token was taken
   */
  record Allowed(List<BucketState> buckets) implements Decision {
    public Allowed {
      buckets = List.copyOf(buckets);
    }
  }

  /**
   * No token was taken from any bucket: at least one was empty. Answer 429 {@code limit.rate}.
   *
   * @param rule the empty bucket's rule; of several empty buckets, the one that refills last
   * @param retryAfterSeconds seconds until that bucket has a token again, rounded up, at least 1
   * @param buckets the state of every bucket that applied, none of them charged
   */
  record Limited(RateLimitRule rule, long retryAfterSeconds, List<BucketState> buckets)
      implements Decision {
    public Limited {
      Objects.requireNonNull(rule, "rule");
      buckets = List.copyOf(buckets);
      if (retryAfterSeconds < 1) {
        throw new IllegalArgumentException("retryAfterSeconds is at least 1: " + retryAfterSeconds);
      }
      if (buckets.stream().noneMatch(b -> b.rule().equals(rule) && b.remaining() == 0)) {
        throw new IllegalArgumentException(
            "no empty bucket of " + rule.id() + " among the buckets");
      }
    }
  }
}
