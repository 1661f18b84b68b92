package dev.warden.ratelimit;

import dev.warden.policy.RateLimitRule;
import java.math.BigInteger;

/**
 * One token bucket in exact integer arithmetic: no floating point, so no drift however often it is
 * read.
 *
 * <p>A rule refills {@code R} tokens per {@code P} nanoseconds; with {@code g = gcd(R, P)} that is
 * {@code r = R/g} tokens per {@code p = P/g} nanoseconds. The bucket holds whole {@link #tokens}
 * and the progress toward the next one in {@link #units} of {@code 1/p} token, so each nanosecond
 * adds exactly {@code r} units and a token is {@code p} units. Products that could pass 2^63 (after
 * a long idle period, or for rules with huge capacities or rates) are done in {@link BigInteger}
 * instead of overflowing; the refill is capped at the capacity.
 *
 * <p>Not thread-safe: {@link RateLimiter} guards every bucket with its stripe's lock.
 */
final class TokenBucket {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final long capacity;

  /** {@code p}: units per token, and nanoseconds per {@code r} tokens. */
  private final long unitsPerToken;

  /** {@code r}: units added per nanosecond. */
  private final long unitsPerNano;

  /** 0 to {@link #capacity}. */
  private long tokens;

  /** 0 to {@code p - 1}; 0 whenever the bucket is full. */
  private long units;

  /** The ticker reading {@link #tokens} and {@link #units} are as of. */
  private long updatedAt;

  /** A full bucket for {@code rule} as of ticker reading {@code now}. */
  TokenBucket(RateLimitRule rule, long now) {
    long periodNanos = nanos(rule);
    long g = gcd(rule.refillTokens(), periodNanos);
    this.capacity = rule.capacity();
    this.unitsPerToken = periodNanos / g;
    this.unitsPerNano = rule.refillTokens() / g;
    this.tokens = capacity;
    this.units = 0;
    this.updatedAt = now;
  }

  /** The rule's refill period in nanoseconds; past 292 years, as good as never refilling. */
  static long nanos(RateLimitRule rule) {
    try {
      return rule.refillPeriod().toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** Adds what accrued since the last update, up to the capacity. */
  void refill(long now) {
    long elapsed = now - updatedAt;
    if (elapsed <= 0) {
      // Another thread read the ticker later and already updated: nothing accrued since.
      return;
    }
    updatedAt = now;
    long missing = capacity - tokens;
    if (missing == 0) {
      return;
    }
    // Every p nanoseconds add r >= 1 tokens: a bucket idle for `missing` such periods is full,
    // which keeps elapsed * r + units within a long for all but extreme rules.
    long periods = elapsed / unitsPerToken;
    if (periods >= missing) {
      fill();
      return;
    }
    long gained;
    long leftover;
    long product = elapsed * unitsPerNano;
    long sum = product + units;
    if (Math.multiplyHigh(elapsed, unitsPerNano) == 0 && product >= 0 && sum >= 0) {
      gained = sum / unitsPerToken;
      leftover = sum % unitsPerToken;
    } else {
      BigInteger[] split =
          BigInteger.valueOf(elapsed)
              .multiply(BigInteger.valueOf(unitsPerNano))
              .add(BigInteger.valueOf(units))
              .divideAndRemainder(BigInteger.valueOf(unitsPerToken));
      if (split[0].compareTo(BigInteger.valueOf(missing)) >= 0) {
        fill();
        return;
      }
      gained = split[0].longValue();
      leftover = split[1].longValue();
    }
    if (gained >= missing) {
      fill();
    } else {
      tokens += gained;
      units = leftover;
    }
  }

  private void fill() {
    tokens = capacity;
    units = 0;
  }

  /** Takes one token; the caller has checked {@link #tokens()} ≥ 1 after {@link #refill}. */
  void take() {
    if (tokens < 1) {
      throw new IllegalStateException("take from an empty bucket");
    }
    tokens--;
  }

  long tokens() {
    return tokens;
  }

  boolean isFull() {
    return tokens == capacity;
  }

  /** Seconds until the next token, rounded up, at least 1; for an empty bucket. */
  long secondsUntilToken() {
    // (p - units) / r nanoseconds, rounded up: both fit, as units < p.
    long nanos = Math.ceilDiv(unitsPerToken - units, unitsPerNano);
    return Math.max(1, Math.ceilDiv(nanos, NANOS_PER_SECOND));
  }

  /** Seconds until the bucket is full again, rounded up; 0 when it is full. */
  long secondsUntilFull() {
    if (tokens == capacity) {
      return 0;
    }
    // ((capacity - tokens) * p - units) / r nanoseconds, rounded up, then seconds rounded up.
    long missing = capacity - tokens;
    long product = missing * unitsPerToken;
    if (Math.multiplyHigh(missing, unitsPerToken) == 0 && product >= 0) {
      long nanos = Math.ceilDiv(product - units, unitsPerNano);
      return Math.ceilDiv(nanos, NANOS_PER_SECOND);
    }
    BigInteger[] seconds =
        BigInteger.valueOf(missing)
            .multiply(BigInteger.valueOf(unitsPerToken))
            .subtract(BigInteger.valueOf(units))
            .add(BigInteger.valueOf(unitsPerNano - 1))
            .divide(BigInteger.valueOf(unitsPerNano))
            .add(BigInteger.valueOf(NANOS_PER_SECOND - 1))
            .divideAndRemainder(BigInteger.valueOf(NANOS_PER_SECOND));
    return seconds[0].bitLength() < Long.SIZE ? seconds[0].longValue() : Long.MAX_VALUE;
  }

  /** This bucket's state for {@code rule}, the rule it was made for. */
  BucketState state(RateLimitRule rule) {
    return new BucketState(rule, tokens, secondsUntilFull());
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}
