package dev.warden.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * A token bucket from a policy's {@code limits} section (SPEC §6): each subject of {@link #scope}
 * (each agent, tenant or operator token) has its own bucket of {@code capacity} tokens, refilled at
 * {@code refillTokens} per {@code refillPeriod}; a request takes one token or is refused with 429
 * {@code limit.rate}.
 *
 * @param id unique among the policy's limits; names the bucket in {@code RateLimit} headers
 * @param scope whose bucket: agent, tenant or operator token
 * @param capacity the most tokens a bucket holds (the burst), ≥ 1
 * @param refillTokens tokens added per {@code refillPeriod}, ≥ 1
 * @param refillPeriod one second, one minute or one hour
 */
public record RateLimitRule(
    String id, Scope scope, long capacity, long refillTokens, Duration refillPeriod) {

  public RateLimitRule {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(refillPeriod, "refillPeriod");
    if (!Rule.ID.matcher(id).matches()) {
      throw new IllegalArgumentException("limit id \"" + id + "\" does not match " + Rule.ID);
    }
    if (capacity < 1 || refillTokens < 1) {
      throw new IllegalArgumentException("capacity and refill are at least 1");
    }
    if (refillPeriod.isNegative() || refillPeriod.isZero()) {
      throw new IllegalArgumentException("the refill period is positive");
    }
  }
}
