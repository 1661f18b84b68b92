package dev.warden.ratelimit;

import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.policy.RateLimitRule;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The rate-limit response fields of a {@link Decision}, following draft-ietf-httpapi-ratelimit-
 * headers-11 (23 May 2026), whose fields are RFC 9651 structured-field Lists with one Item per
 * policy, named by an sf-string:
 *
 * <pre>
 * RateLimit-Policy: "agent-rate";q=20;w=2, "tenant-rate";q=600;w=60
 * RateLimit: "agent-rate";r=5;t=1, "tenant-rate";r=590;t=1
 * Retry-After: 1
 * </pre>
 *
 * <ul>
 *   <li>{@code q} (§3.1.1) is the bucket's capacity and {@code w} (§3.1.3) the seconds an empty
 *       bucket takes to refill completely, rounded up;
 *   <li>{@code r} (§4.1.1) is the whole tokens left and {@code t} (§4.1.2) the seconds until the
 *       bucket, left alone, is full again, rounded up (0 when it is full);
 *   <li>{@code Retry-After} (RFC 9110 §10.2.3) is sent on limited decisions only: the seconds until
 *       the limiting bucket has a token again. It is usually shorter than that bucket's {@code t};
 *       the draft lets Retry-After take precedence (§7).
 * </ul>
 *
 * Rule ids match {@code [a-z0-9][a-z0-9._-]*}, so they are sf-strings without escapes. Integers are
 * capped at 999,999,999,999,999, the largest sf-integer. The optional {@code qu} (default requests,
 * which is what a token is) and {@code pk} parameters are not sent.
 */
public final class RateLimitHeaders {

  /** The quota policies field (draft §3). */
  public static final String POLICY = "RateLimit-Policy";

  /** The service limits field (draft §4). */
  public static final String RATE_LIMIT = "RateLimit";

  /** RFC 9110's delay field. */
  public static final String RETRY_AFTER = "Retry-After";

  /** The largest integer a structured field can carry (RFC 9651 §3.3.1). */
  static final long MAX_SF_INTEGER = 999_999_999_999_999L;

  private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);

  private RateLimitHeaders() {}

  /**
   * The fields for {@code decision} by name, in the order {@link #POLICY}, {@link #RATE_LIMIT},
   * {@link #RETRY_AFTER}; empty when no bucket applied (the draft's Lists are never empty).
   */
  public static Map<String, String> of(Decision decision) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (!decision.buckets().isEmpty()) {
      fields.put(POLICY, policy(decision.buckets()));
      fields.put(RATE_LIMIT, rateLimit(decision.buckets()));
    }
    retryAfter(decision).ifPresent(seconds -> fields.put(RETRY_AFTER, Long.toString(seconds)));
    return Collections.unmodifiableMap(fields);
  }

  /** {@link #POLICY} and {@link #RATE_LIMIT} for {@code buckets}; empty when there are none. */
  public static Map<String, String> of(List<BucketState> buckets) {
    return of(new Decision.Allowed(buckets));
  }

  /**
   * The {@code RateLimit-Policy} value for {@code buckets}: {@code "id";q=capacity;w=window}.
   *
   * @throws IllegalArgumentException if {@code buckets} is empty
   */
  public static String policy(List<BucketState> buckets) {
    StringBuilder out = new StringBuilder();
    for (BucketState bucket : nonEmpty(buckets)) {
      RateLimitRule rule = bucket.rule();
      item(out, rule).append(";q=").append(sf(rule.capacity()));
      out.append(";w=").append(sf(windowSeconds(rule)));
    }
    return out.toString();
  }

  /**
   * The {@code RateLimit} value for {@code buckets}: {@code "id";r=remaining;t=secondsUntilFull}.
   *
   * @throws IllegalArgumentException if {@code buckets} is empty
   */
  public static String rateLimit(List<BucketState> buckets) {
    StringBuilder out = new StringBuilder();
    for (BucketState bucket : nonEmpty(buckets)) {
      item(out, bucket.rule()).append(";r=").append(sf(bucket.remaining()));
      out.append(";t=").append(sf(bucket.secondsUntilFull()));
    }
    return out.toString();
  }

  /** The {@code Retry-After} seconds of a limited decision; empty for an allowed one. */
  public static OptionalLong retryAfter(Decision decision) {
    return switch (decision) {
      case Decision.Allowed allowed -> OptionalLong.empty();
      case Decision.Limited limited -> OptionalLong.of(limited.retryAfterSeconds());
    };
  }

  /**
   * The seconds an empty bucket of {@code rule} takes to fill: capacity × period ÷ refill, rounded
   * up.
   */
  public static long windowSeconds(RateLimitRule rule) {
    BigInteger nanos =
        BigInteger.valueOf(rule.capacity())
            .multiply(BigInteger.valueOf(TokenBucket.nanos(rule)))
            .add(BigInteger.valueOf(rule.refillTokens() - 1))
            .divide(BigInteger.valueOf(rule.refillTokens()));
    BigInteger seconds =
        nanos.add(NANOS_PER_SECOND).subtract(BigInteger.ONE).divide(NANOS_PER_SECOND);
    return seconds.bitLength() < Long.SIZE ? seconds.longValue() : Long.MAX_VALUE;
  }

  private static StringBuilder item(StringBuilder out, RateLimitRule rule) {
    if (!out.isEmpty()) {
      out.append(", "); // RFC 9651 §4.1.1 separates list members with a comma and one space
    }
    return out.append('"').append(rule.id()).append('"');
  }

  private static long sf(long value) {
    return Math.min(value, MAX_SF_INTEGER);
  }

  private static List<BucketState> nonEmpty(List<BucketState> buckets) {
    if (buckets.isEmpty()) {
      throw new IllegalArgumentException("the rate-limit fields are non-empty lists");
    }
    return buckets;
  }

  /**
   * The {@code 429 limit.rate} refusal of {@code limited}, naming the exhausted limit and {@code
   * whose} bucket it is ("agent bot-1"), with the {@code Retry-After} and rate-limit headers.
   */
  public static RequestRejected refusal(Decision.Limited limited, String whose) {
    return new RequestRejected(
            ErrorCode.LIMIT_RATE,
            "rate limit "
                + limited.rule().id()
                + " for "
                + whose
                + " is exhausted; retry in "
                + limited.retryAfterSeconds()
                + " s")
        .withHeaders(of(limited));
  }
}
